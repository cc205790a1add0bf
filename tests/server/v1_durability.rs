//! An acknowledged write survives `kill -9`: the real `vmeste serve` binary on an SQLite file
//! (and on PostgreSQL when the test database is there) is killed while four clients create
//! requests and two report positions (committed in batches); after a restart every request
//! that got a 201 is there, with its event, and every position report that got a 200 has its
//! event, each volunteer standing where their last 200 (or the report then in flight) put
//! them.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli_import::{s, tmp, vmeste};
use crate::support;
use crate::v1_support::ON_ROAD;

/// One HTTP exchange; `None` when the connection fails (the server is gone).
pub(crate) fn call(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    call_within(addr, (method, path), token, body, Duration::from_secs(10))
}

/// [`call`], waiting at most `wait` for the answer.
pub(crate) fn call_within(
    addr: SocketAddr,
    (method, path): (&str, &str),
    token: &str,
    body: Option<&Value>,
    wait: Duration,
) -> Option<(u16, Value)> {
    let mut st = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    st.set_read_timeout(Some(wait)).ok()?;
    let b = body.map(Value::to_string).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
        b.len()
    );
    st.write_all(req.as_bytes()).ok()?;
    let mut buf = Vec::new();
    st.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf);
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n")?.1;
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

pub(crate) fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address")
}

pub(crate) fn serve(graph: &str, store: &str, token_file: &str, addr: SocketAddr) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args([
            "serve",
            "--graph",
            graph,
            "--store",
            store,
            "--admin-token-file",
            token_file,
        ])
        .args(["--listen", &addr.to_string(), "--hub-label-entries", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("vmeste serve starts");
    let t0 = Instant::now();
    let token_ready = || std::fs::read_to_string(token_file).is_ok_and(|t| !t.trim().is_empty());
    while TcpStream::connect(addr).is_err() || !token_ready() {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn survives_kill(store: &str, graph: &str, dir_name: &str) {
    let token_file = tmp(&format!("{dir_name}-admin.token"));
    let _ = std::fs::remove_file(&token_file);
    let addr = free_addr();
    let mut child = serve(graph, store, s(&token_file), addr);
    let token = std::fs::read_to_string(&token_file)
        .unwrap()
        .trim()
        .to_owned();
    let hq = call(
        addr,
        "POST",
        "/v1/hqs",
        &token,
        Some(&json!({"name": "HQ", "region": "MC", "location": ON_ROAD[0]})),
    )
    .unwrap();
    assert_eq!(hq.0, 201, "{}", hq.1);
    let hq = hq.1["id"].as_i64().unwrap();
    let vols: Vec<i64> = (0..8)
        .map(|i| {
            let body = json!({"hq": hq, "name": format!("V{i}"), "phone": "+377 600 000 003",
                "mode": "car", "position": ON_ROAD[0]});
            let (status, v) = call(addr, "POST", "/v1/volunteers", &token, Some(&body)).unwrap();
            assert_eq!(status, 201, "{v}");
            v["id"].as_i64().unwrap()
        })
        .collect();
    let acked = Arc::new(Mutex::new(Vec::<(i64, String)>::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reported = Arc::new(Mutex::new(Reported::default()));
    let reporters: Vec<_> = (0..2)
        .map(|w| {
            let (reported, stop, token) = (Arc::clone(&reported), Arc::clone(&stop), token.clone());
            let mine: Vec<i64> = vols[w * 4..w * 4 + 4].to_vec();
            std::thread::spawn(move || report_positions(addr, &token, &mine, &stop, &reported))
        })
        .collect();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (acked, stop, token) = (Arc::clone(&acked), Arc::clone(&stop), token.clone());
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < 10_000 {
                    i += 1;
                    let name = format!("w{w}-{i}");
                    let body = json!({"hq": hq, "kind": "groceries", "urgency": "normal",
                        "recipient": {"name": name, "phone": "+377 600 000 001"},
                        "location": ON_ROAD[i % 3]});
                    match call(addr, "POST", "/v1/requests", &token, Some(&body)) {
                        Some((201, v)) => acked
                            .lock()
                            .unwrap()
                            .push((v["id"].as_i64().unwrap(), name)),
                        Some(_) => {}
                        None => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        })
        .collect();
    // Kill while the writers are busy.
    let t0 = Instant::now();
    while acked.lock().unwrap().len() < 100 && t0.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers.into_iter().chain(reporters) {
        w.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(
        acked.len() >= 100,
        "only {} writes acknowledged",
        acked.len()
    );
    let mut child = serve(graph, store, s(&token_file), addr);
    for (id, name) in &acked {
        let (status, v) = call(addr, "GET", &format!("/v1/requests/{id}"), &token, None).unwrap();
        assert_eq!(status, 200, "acknowledged request {id} lost after kill -9");
        assert_eq!(v["recipient"]["name"], *name);
        let (_, h) = call(
            addr,
            "GET",
            &format!("/v1/requests/{id}/history"),
            &token,
            None,
        )
        .unwrap();
        assert_eq!(h["items"][0]["action"], "created", "{h}");
    }
    check_positions(addr, &token, &reported.lock().unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Position reports sent: each acknowledged one, the last acknowledged per volunteer, and
/// those sent after it without an answer (any of which may have committed).
#[derive(Debug, Default)]
struct Reported {
    acked: Vec<(i64, [f64; 2])>,
    last_acked: std::collections::BTreeMap<i64, [f64; 2]>,
    unanswered: std::collections::BTreeMap<i64, Vec<[f64; 2]>>,
}

/// Reports positions for `mine` in turn until `stop`, each at a point of its own.
fn report_positions(
    addr: SocketAddr,
    token: &str,
    mine: &[i64],
    stop: &std::sync::atomic::AtomicBool,
    reported: &Mutex<Reported>,
) {
    let mut i = 0_u32;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) && i < 20_000 {
        i += 1;
        let v = mine[i as usize % mine.len()];
        let [lon, lat] = ON_ROAD[i as usize % 3];
        let p = [lon + f64::from(i) * 1e-7, lat];
        let path = format!("/v1/volunteers/{v}/position");
        match call(addr, "POST", &path, token, Some(&json!({"position": p}))) {
            Some((200, _)) => {
                let mut r = reported.lock().unwrap();
                r.acked.push((v, p));
                r.last_acked.insert(v, p);
                r.unanswered.remove(&v);
            }
            other => {
                reported
                    .lock()
                    .unwrap()
                    .unanswered
                    .entry(v)
                    .or_default()
                    .push(p);
                if other.is_none() {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
        }
    }
}

/// Every acknowledged report has its event; each volunteer stands at their last
/// acknowledged report or one sent after it that got no answer (in flight at the kill).
fn check_positions(addr: SocketAddr, token: &str, reported: &Reported) {
    assert!(
        reported.acked.len() >= 20,
        "only {} position reports acknowledged",
        reported.acked.len()
    );
    let mut events = std::collections::HashSet::new();
    let mut after = 0;
    loop {
        let path = format!("/v1/events.json?after={after}&limit=1000");
        let (status, page) = call(addr, "GET", &path, token, None).unwrap();
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        let Some(last) = items.last() else { break };
        after = last["seq"].as_i64().unwrap();
        for e in items {
            if e["entity"] == "volunteer" && e["action"] == "position" {
                events.insert((
                    e["entity_id"].as_i64().unwrap(),
                    e["changes"]["position"].to_string(),
                ));
            }
        }
    }
    for (v, p) in &reported.acked {
        assert!(
            events.contains(&(*v, json!(p).to_string())),
            "acknowledged position report {p:?} of volunteer {v} lost after kill -9"
        );
    }
    for (v, p) in &reported.last_acked {
        let (status, x) = call(addr, "GET", &format!("/v1/volunteers/{v}"), token, None).unwrap();
        assert_eq!(status, 200, "{x}");
        let now = &x["position"];
        let in_flight = reported.unanswered.get(v).map_or(&[][..], Vec::as_slice);
        assert!(
            *now == json!(p) || in_flight.iter().any(|q| *now == json!(q)),
            "volunteer {v} at {now}, last acknowledged {p:?}"
        );
    }
}

pub(crate) fn monaco_graph(name: &str) -> Option<String> {
    let pbf = support::osm("monaco-2023-12-26.osm.pbf")?;
    let g = tmp(name);
    let out = vmeste(&["import", s(&pbf), "--profile", "car", "-o", s(&g)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(s(&g).to_owned())
}

/// A fresh SQLite file's path (its journal files removed too).
pub(crate) fn fresh_sqlite(name: &str) -> String {
    let db = s(&tmp(name)).to_owned();
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{db}{ext}"));
    }
    db
}

/// A new database on the test PostgreSQL, or `None` (skip).
pub(crate) fn fresh_postgres() -> Option<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(crate::store_support::postgres_database())
}

#[test]
fn acknowledged_requests_survive_kill_9_on_sqlite() {
    let Some(graph) = monaco_graph("kill-sqlite.vmg") else {
        return;
    };
    survives_kill(&fresh_sqlite("kill.db"), &graph, "sqlite");
}

#[test]
fn acknowledged_requests_survive_kill_9_on_postgresql() {
    let Some(url) = fresh_postgres() else {
        return;
    };
    let Some(graph) = monaco_graph("kill-pg.vmg") else {
        return;
    };
    survives_kill(&url, &graph, "pg");
}
