//! Faults under write traffic, on the real `vmeste serve` binary:
//! - `kill -9` at random moments, round after round: after each restart every acknowledged
//!   write is there, and the SQLite file passes `PRAGMA integrity_check`;
//! - a full disk (a small tmpfs, when the tests run as root): a clear 507 `store_full` to
//!   the client, the server keeps answering, nothing is corrupted, and writes succeed again
//!   once space returns;
//! - PostgreSQL restarted under load (a private throwaway server): requests fail with a
//!   clean 503 `store_unavailable` and succeed again without restarting vmeste.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::net::SocketAddr;
use std::path::Path;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};

use crate::cli_import::{s, tmp};
use crate::v1_durability::{
    call, call_within, free_addr, fresh_postgres, fresh_sqlite, monaco_graph, serve,
};
use crate::v1_support::ON_ROAD;

/// Rounds of `kill -9` (`VMESTE_KILL_ROUNDS`, default 5).
fn kill_rounds() -> usize {
    std::env::var("VMESTE_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5)
}

fn admin_token(token_file: &Path) -> String {
    std::fs::read_to_string(token_file)
        .unwrap()
        .trim()
        .to_owned()
}

fn new_hq(addr: SocketAddr, token: &str) -> i64 {
    let (status, v) = call(
        addr,
        "POST",
        "/v1/hqs",
        token,
        Some(&json!({"name": "HQ", "region": "MC", "location": ON_ROAD[0]})),
    )
    .unwrap();
    assert_eq!(status, 201, "{v}");
    v["id"].as_i64().unwrap()
}

fn request_body(hq: i64, name: &str, i: usize) -> Value {
    json!({"hq": hq, "kind": "groceries", "urgency": "normal",
        "recipient": {"name": name, "phone": "+377 600 000 001"},
        "location": ON_ROAD[i % 3]})
}

/// Writers creating requests until `stop`; every 201 is recorded with its recipient, and
/// every other answer's status (0: no answer) is counted.
struct Writers {
    acked: Arc<Mutex<Vec<(i64, String)>>>,
    others: Arc<Mutex<Vec<u16>>>,
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Writers {
    fn start(addr: SocketAddr, token: &str, hq: i64, tag: &str, n: usize) -> Self {
        let acked = Arc::new(Mutex::new(Vec::new()));
        let others = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..n)
            .map(|w| {
                let (acked, others, stop) =
                    (Arc::clone(&acked), Arc::clone(&others), Arc::clone(&stop));
                let (token, tag) = (token.to_owned(), tag.to_owned());
                std::thread::spawn(move || {
                    let mut i = 0;
                    while !stop.load(Ordering::Relaxed) {
                        i += 1;
                        let name = format!("{tag}-w{w}-{i}");
                        // Longer than the store's wait for a connection (10 s), so that a
                        // write held up by an outage gets its answer.
                        match call_within(
                            addr,
                            ("POST", "/v1/requests"),
                            &token,
                            Some(&request_body(hq, &name, i)),
                            Duration::from_secs(30),
                        ) {
                            Some((201, v)) => {
                                acked
                                    .lock()
                                    .unwrap()
                                    .push((v["id"].as_i64().unwrap(), name));
                            }
                            Some((status, _)) => others.lock().unwrap().push(status),
                            None => {
                                others.lock().unwrap().push(0);
                                std::thread::sleep(Duration::from_millis(5));
                            }
                        }
                    }
                })
            })
            .collect();
        Self {
            acked,
            others,
            stop,
            threads,
        }
    }

    fn acked(&self) -> usize {
        self.acked.lock().unwrap().len()
    }

    /// Waits until `n` more writes are acknowledged (at most a minute).
    fn wait_for(&self, n: usize) {
        let target = self.acked() + n;
        let t0 = Instant::now();
        while self.acked() < target {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "writes stalled: {} acknowledged, others {:?}",
                self.acked(),
                self.others
                    .lock()
                    .unwrap()
                    .iter()
                    .rev()
                    .take(5)
                    .collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Stops the writers; the acknowledged writes and the other answers' statuses.
    fn stop(self) -> (Vec<(i64, String)>, Vec<u16>) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            t.join().unwrap();
        }
        let acked = self.acked.lock().unwrap().clone();
        let others = self.others.lock().unwrap().clone();
        (acked, others)
    }
}

fn assert_all_present(addr: SocketAddr, token: &str, acked: &[(i64, String)]) {
    for (id, name) in acked {
        let (status, v) = call(addr, "GET", &format!("/v1/requests/{id}"), token, None).unwrap();
        assert_eq!(status, 200, "acknowledged request {id} lost after kill -9");
        assert_eq!(v["recipient"]["name"], *name);
    }
}

/// A server process, killed with SIGKILL when dropped: by the test, or when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn kill(child: Running) {
    drop(child);
}

/// A private PostgreSQL (`scripts/postgres.sh` in `dir`), stopped when dropped.
struct PrivatePostgres<'a>(&'a Path);

impl Drop for PrivatePostgres<'_> {
    fn drop(&mut self) {
        let _ = postgres_script(self.0, "stop", 0);
    }
}

fn sqlite_integrity(db: &str) -> String {
    use sqlx::Connection;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{db}"))
            .await
            .unwrap();
        let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&mut c)
            .await
            .unwrap();
        verdict
    })
}

fn kill_loop(store: &str, graph: &str, tag: &str) {
    let token_file = tmp(&format!("{tag}-loop-admin.token"));
    let _ = std::fs::remove_file(&token_file);
    let addr = free_addr();
    let mut child = Running(serve(graph, store, s(&token_file), addr));
    let token = admin_token(&token_file);
    let hq = new_hq(addr, &token);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let seed = now.as_secs() ^ u64::from(now.subsec_nanos());
    eprintln!("kill -9 loop on {tag}: seed {seed}");
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let mut all = Vec::new();
    for round in 0..kill_rounds() {
        let writers = Writers::start(addr, &token, hq, &format!("{tag}{round}"), 4);
        writers.wait_for(10);
        // A random moment while the writers are busy.
        std::thread::sleep(Duration::from_millis(rng.random_range(0..400)));
        kill(child);
        std::thread::sleep(Duration::from_millis(100));
        let (acked, _) = writers.stop();
        all.extend(acked);
        child = Running(serve(graph, store, s(&token_file), addr));
        assert_all_present(addr, &token, &all);
    }
    assert!(all.len() >= 10 * kill_rounds());
    kill(child);
    if !store.contains("://") {
        assert_eq!(sqlite_integrity(store), "ok");
    }
}

#[test]
fn acknowledged_writes_survive_a_loop_of_kill_9_on_sqlite() {
    let Some(graph) = monaco_graph("kill-loop-sqlite.vmg") else {
        return;
    };
    kill_loop(&fresh_sqlite("kill-loop.db"), &graph, "sqlite");
}

#[test]
fn acknowledged_writes_survive_a_loop_of_kill_9_on_postgresql() {
    let Some(url) = fresh_postgres() else {
        return;
    };
    let Some(graph) = monaco_graph("kill-loop-pg.vmg") else {
        return;
    };
    kill_loop(&url, &graph, "pg");
}

/// A tmpfs of `size` mounted at `dir` while it lives.
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Self> {
        let _ = std::process::Command::new("umount")
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status();
        std::fs::create_dir_all(dir).ok()?;
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                s(dir),
            ])
            .status()
            .is_ok_and(|st| st.success());
        ok.then(|| Self(dir.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Fills the file system of `path` up with a file; returns its size.
fn fill(path: &Path) -> u64 {
    use std::io::Write as _;
    let mut f = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 16 * 1024];
    let mut n = 0u64;
    while f.write_all(&chunk).is_ok() {
        n += chunk.len() as u64;
    }
    let _ = f.sync_all();
    n
}

#[test]
fn a_full_disk_is_a_clear_error_and_writes_resume_when_space_returns() {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    let dir = tmp("full-disk");
    let fs = if is_root {
        Tmpfs::mount(&dir, "8m")
    } else {
        None
    };
    let Some(_fs) = fs else {
        eprintln!(
            "SKIPPED: full-disk test (needs root to mount a small tmpfs; run scripts/test.sh as root)"
        );
        return;
    };
    let Some(graph) = monaco_graph("full-disk.vmg") else {
        return;
    };
    let db = dir.join("board.db");
    let token_file = tmp("full-disk-admin.token");
    let _ = std::fs::remove_file(&token_file);
    let addr = free_addr();
    let mut child = Running(serve(&graph, s(&db), s(&token_file), addr));
    let token = admin_token(&token_file);
    let hq = new_hq(addr, &token);
    let writers = Writers::start(addr, &token, hq, "before", 2);
    writers.wait_for(20);
    let (mut acked, others) = writers.stop();
    assert!(others.is_empty(), "{others:?}");
    // The disk fills up.
    let filler = dir.join("filler");
    fill(&filler);
    let mut refused = None;
    for i in 0..5_000 {
        match call(
            addr,
            "POST",
            "/v1/requests",
            &token,
            Some(&request_body(hq, &format!("full-{i}"), i)),
        ) {
            Some((201, v)) => acked.push((v["id"].as_i64().unwrap(), format!("full-{i}"))),
            other => {
                refused = Some(other);
                break;
            }
        }
    }
    let (status, v) = refused
        .expect("writes never failed on a full disk")
        .expect("the server answered");
    assert_eq!(status, 507, "{v}");
    assert_eq!(v["error"]["code"], "store_full", "{v}");
    // The server keeps answering reads and health.
    assert_eq!(call(addr, "GET", "/health", "", None).unwrap().0, 200);
    assert_all_present(addr, &token, &acked);
    // Space returns: writes succeed again, without a restart.
    std::fs::remove_file(&filler).unwrap();
    let t0 = Instant::now();
    loop {
        match call(
            addr,
            "POST",
            "/v1/requests",
            &token,
            Some(&request_body(hq, "after", 0)),
        ) {
            Some((201, v)) => {
                acked.push((v["id"].as_i64().unwrap(), "after".to_owned()));
                break;
            }
            other => assert!(
                t0.elapsed() < Duration::from_secs(30),
                "writes did not resume: {other:?}"
            ),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    kill(child);
    assert_eq!(sqlite_integrity(s(&db)), "ok");
    child = Running(serve(&graph, s(&db), s(&token_file), addr));
    assert_all_present(addr, &token, &acked);
    kill(child);
}

/// `scripts/postgres.sh` with its own directory (and `down_s` seconds down on a restart);
/// its standard output.
fn postgres_script(dir: &Path, command: &str, down_s: u32) -> Option<String> {
    let out = std::process::Command::new("bash")
        .arg(crate::support::workspace().join("scripts/postgres.sh"))
        .arg(command)
        .env("VMESTE_PG_DIR", dir)
        .env("VMESTE_PG_DOWN_S", down_s.to_string())
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[test]
fn postgresql_restarted_under_load_fails_cleanly_and_recovers() {
    if crate::store_support::postgres_url().is_none() {
        return;
    }
    let Some(graph) = monaco_graph("pg-restart.vmg") else {
        return;
    };
    // A private server, so restarting it disturbs no other test.
    let pg_dir = tmp("pg-restart");
    let Some(url) = postgres_script(&pg_dir, "start", 0) else {
        panic!("a private PostgreSQL could not be started (scripts/postgres.sh start)");
    };
    let postgres = PrivatePostgres(&pg_dir);
    let token_file = tmp("pg-restart-admin.token");
    let _ = std::fs::remove_file(&token_file);
    let addr = free_addr();
    let child = Running(serve(&graph, &url, s(&token_file), addr));
    let token = admin_token(&token_file);
    let hq = new_hq(addr, &token);
    let writers = Writers::start(addr, &token, hq, "pg", 4);
    writers.wait_for(20);
    // A quick restart (waiting writes just wait), then one down longer than the store's
    // wait for a connection (10 s): those writes are refused with 503.
    assert!(
        postgres_script(&pg_dir, "restart", 0).is_some(),
        "scripts/postgres.sh restart failed"
    );
    writers.wait_for(20);
    assert!(
        postgres_script(&pg_dir, "restart", 12).is_some(),
        "scripts/postgres.sh restart failed"
    );
    writers.wait_for(50);
    let (acked, others) = writers.stop();
    assert!(
        others.iter().all(|&s| s == 503),
        "answers other than 201 and 503 while PostgreSQL restarted: {others:?}"
    );
    assert!(
        !others.is_empty(),
        "no write was refused while PostgreSQL was down for 12 s"
    );
    eprintln!(
        "PostgreSQL restart under load: {} writes acknowledged, {} answered 503",
        acked.len(),
        others.len()
    );
    assert_all_present(addr, &token, &acked);
    kill(child);
    drop(postgres);
}
