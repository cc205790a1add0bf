//! Replacing a graph without downtime: the real `vmeste serve` under route traffic reloads
//! its graph file by `POST /v1/admin/reload` and by `SIGHUP`; no request fails during the
//! switches, and a damaged or truncated file is refused while the old graph keeps serving.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli_import::{s, tmp};
use crate::v1_durability::{call, free_addr, monaco_graph, serve};
use crate::v1_support::ON_ROAD;

/// Writes `bytes` to `path` the way an operator replaces a file: beside it, then renamed.
fn replace_file(path: &str, bytes: &[u8]) {
    let tmp = format!("{path}.new");
    std::fs::write(&tmp, bytes).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

fn generation(addr: std::net::SocketAddr) -> u64 {
    let (status, health) = call(addr, "GET", "/health", "", None).unwrap();
    assert_eq!(status, 200);
    health["graph_generation"].as_u64().unwrap()
}

#[test]
fn graphs_reload_under_load_and_damaged_files_are_refused() {
    let Some(graph) = monaco_graph("reload-car.vmg") else {
        return;
    };
    let good = std::fs::read(&graph).unwrap();
    let db = tmp("reload.db");
    let token_file = tmp("reload-admin.token");
    for f in [s(&db).to_owned(), s(&token_file).to_owned()] {
        let _ = std::fs::remove_file(f);
    }
    let addr = free_addr();
    let mut child = serve(&graph, s(&db), s(&token_file), addr);
    let token = std::fs::read_to_string(&token_file)
        .unwrap()
        .trim()
        .to_owned();
    let route = format!(
        "/route/v1/car/{},{};{},{}?overview=full&steps=true",
        ON_ROAD[0][0], ON_ROAD[0][1], ON_ROAD[1][0], ON_ROAD[1][1]
    );
    let table = format!(
        "/table/v1/car/{},{};{},{};{},{}",
        ON_ROAD[0][0], ON_ROAD[0][1], ON_ROAD[1][0], ON_ROAD[1][1], ON_ROAD[2][0], ON_ROAD[2][1]
    );
    let (ok, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let stop = Arc::new(AtomicBool::new(false));
    let failures = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (ok, failed, stop, failures) = (
                Arc::clone(&ok),
                Arc::clone(&failed),
                Arc::clone(&stop),
                Arc::clone(&failures),
            );
            let path = if c % 2 == 0 {
                route.clone()
            } else {
                table.clone()
            };
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match call(addr, "GET", &path, "", None) {
                        Some((200, v)) if v["code"] == "Ok" => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        other => {
                            failed.fetch_add(1, Ordering::Relaxed);
                            failures.lock().unwrap().push(format!("{other:?}"));
                        }
                    }
                }
            })
        })
        .collect();
    let wait_for_traffic = |n: usize| {
        let t0 = Instant::now();
        let target = ok.load(Ordering::Relaxed) + n;
        while ok.load(Ordering::Relaxed) < target {
            assert!(t0.elapsed() < Duration::from_secs(60), "no traffic");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_for_traffic(20);
    assert_eq!(generation(addr), 0);

    // 1. The admin call reloads the same file: generation 1.
    let (status, v) = call(addr, "POST", "/v1/admin/reload", &token, None).unwrap();
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["generation"], 1);
    assert_eq!(v["profiles"], serde_json::json!(["car"]));
    wait_for_traffic(20);

    // 2. A damaged file (one flipped byte) and a truncated one are refused; the old graph
    //    keeps serving.
    let mut damaged = good.clone();
    let mid = damaged.len() / 2;
    damaged[mid] ^= 0x40;
    replace_file(&graph, &damaged);
    let (status, v) = call(addr, "POST", "/v1/admin/reload", &token, None).unwrap();
    assert_eq!(status, 422, "{v}");
    assert_eq!(v["error"]["code"], "reload_refused");
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("checksum"), "{message}");
    replace_file(&graph, &good[..good.len() / 3]);
    let (status, v) = call(addr, "POST", "/v1/admin/reload", &token, None).unwrap();
    assert_eq!(status, 422, "{v}");
    assert_eq!(generation(addr), 1);
    wait_for_traffic(20);
    // SIGHUP on a bad file: refused too (logged), still generation 1.
    signal_hup(child.id());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(generation(addr), 1);
    wait_for_traffic(20);

    // 3. The good file back, and SIGHUP: generation 2.
    replace_file(&graph, &good);
    signal_hup(child.id());
    let t0 = Instant::now();
    while generation(addr) < 2 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "SIGHUP did not reload"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_for_traffic(20);
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert_eq!(
        failed.load(Ordering::Relaxed),
        0,
        "requests failed during the reloads: {:?}",
        &failures[..failures.len().min(5)]
    );
    assert!(ok.load(Ordering::Relaxed) >= 140);
    eprintln!(
        "reload under load: {} requests answered, none failed, over 2 reloads and 3 refusals",
        ok.load(Ordering::Relaxed)
    );
    // Who can go now works on the new graph (the live view is rebuilt on it).
    let post = |path: &str, body: Value| {
        let (status, v) = call(addr, "POST", path, &token, Some(&body)).unwrap();
        assert_eq!(status, 201, "{path}: {v}");
        v["id"].as_i64().unwrap()
    };
    let hq = post(
        "/v1/hqs",
        json!({"name": "HQ", "region": "MC", "location": ON_ROAD[0]}),
    );
    post(
        "/v1/volunteers",
        json!({"hq": hq, "name": "Anna", "phone": "+377 600 000 001", "mode": "car", "position": ON_ROAD[2]}),
    );
    let req = post(
        "/v1/requests",
        json!({"hq": hq, "kind": "groceries", "urgency": "normal",
            "recipient": {"name": "Ivan", "phone": "+377 600 000 002"}, "location": ON_ROAD[1]}),
    );
    let (status, v) = call(
        addr,
        "GET",
        &format!("/v1/requests/{req}/candidates"),
        &token,
        None,
    )
    .unwrap();
    assert_eq!(status, 200, "{v}");
    child.kill().unwrap();
    child.wait().unwrap();
}

fn signal_hup(pid: u32) {
    let st = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(st.success());
}
