//! The SQL store across processes and versions: reopening finds everything, a newer schema
//! is refused, a damaged file is a clear error, and every write acknowledged before a
//! SIGKILL is still there.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use engine::board::{
    EventQuery, IdempotencyKey, MemoryStore, Record, RequestQuery, Store, Time, TokenRecord, Write,
};
use server::store::{KNOWN_SCHEMA, OpenError, SqlStore};

use super::store_support as support;

/// Writes a few of everything to `s` (and the same to a `MemoryStore`).
async fn some_records<S: Store>(s: &S, m: &MemoryStore) {
    let mut r = support::rng(3);
    let mut changes = Vec::new();
    changes.push(Record::Hq(support::hq(&mut r)));
    for _ in 0..3 {
        changes.push(Record::Volunteer(support::volunteer(&mut r, &[1])));
        changes.push(Record::Request(support::request(&mut r, &[1], &[1, 2])));
    }
    for (i, record) in changes.into_iter().enumerate() {
        let w = Write {
            at: Time(1_780_000_000),
            actor: "admin:1".into(),
            changes: vec![engine::board::Change {
                record,
                expected_version: None,
                action: "created".into(),
                changes: serde_json::json!({}),
                previous: serde_json::json!({}),
            }],
            idempotency: Some(IdempotencyKey {
                scope: "admin:1".into(),
                key: format!("k{i}"),
                fingerprint: "f".into(),
            }),
        };
        s.apply(w.clone()).await.unwrap();
        m.apply(w).await.unwrap();
    }
    let t = TokenRecord {
        id: 0,
        hash: server::store::token_hash("t"),
        role: engine::board::Role::Admin,
        hqs: vec![],
        volunteer: None,
        label: "root".into(),
        created_at: Time(5),
        revoked_at: None,
    };
    s.insert_token(t.clone()).await.unwrap();
    m.insert_token(t).await.unwrap();
}

async fn same_content<S: Store>(s: &S, m: &MemoryStore) {
    let all = RequestQuery {
        limit: 1000,
        ..RequestQuery::default()
    };
    assert_eq!(
        s.requests(&all).await.unwrap(),
        m.requests(&all).await.unwrap()
    );
    assert_eq!(s.hqs().await.unwrap(), m.hqs().await.unwrap());
    assert_eq!(s.tokens().await.unwrap(), m.tokens().await.unwrap());
    let ev = EventQuery {
        limit: 1000,
        ..EventQuery::default()
    };
    assert_eq!(s.events(&ev).await.unwrap(), m.events(&ev).await.unwrap());
}

#[tokio::test]
async fn sqlite_store_reopened_finds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.sqlite");
    let m = MemoryStore::new();
    {
        let s = SqlStore::open(path.to_str().unwrap()).await.unwrap();
        some_records(&s, &m).await;
        s.close().await;
    }
    let url = format!("sqlite://{}", path.display());
    let s = SqlStore::open(&url).await.unwrap();
    same_content(&s, &m).await;
}

#[tokio::test]
async fn postgres_store_reopened_finds_everything() {
    let Some(url) = support::postgres_database().await else {
        return;
    };
    let m = MemoryStore::new();
    {
        let s = SqlStore::open(&url).await.unwrap();
        some_records(&s, &m).await;
        s.close().await;
    }
    let s = SqlStore::open(&url).await.unwrap();
    same_content(&s, &m).await;
}

const FUTURE: &str = "INSERT INTO _sqlx_migrations \
    (version, description, success, checksum, execution_time) \
    VALUES (99, 'from the future', TRUE, X'00', 0)";

fn assert_refused(e: &OpenError) {
    let msg = e.to_string();
    assert!(matches!(e, OpenError::Newer { found: 99, .. }), "{e:?}");
    assert_eq!(
        msg,
        format!(
            "the store was written by a newer vmeste (schema 99, this build knows up to {KNOWN_SCHEMA}); refusing to downgrade"
        )
    );
}

#[tokio::test]
async fn sqlite_store_of_a_newer_schema_is_refused() {
    let (dir, s) = support::sqlite().await;
    s.close().await;
    let path = dir.path().join("board.sqlite");
    {
        use sqlx::Connection;
        let url = format!("sqlite://{}", path.display());
        let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query(FUTURE).execute(&mut c).await.unwrap();
        c.close().await.unwrap();
    }
    assert_refused(&SqlStore::open(path.to_str().unwrap()).await.unwrap_err());
}

#[tokio::test]
async fn postgres_store_of_a_newer_schema_is_refused() {
    let Some(url) = support::postgres_database().await else {
        return;
    };
    SqlStore::open(&url).await.unwrap().close().await;
    {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(&url).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(
            FUTURE.replace("X'00'", "'\\x00'::bytea"),
        ))
        .execute(&mut c)
        .await
        .unwrap();
    }
    assert_refused(&SqlStore::open(&url).await.unwrap_err());
}

#[tokio::test]
async fn damaged_sqlite_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.sqlite");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(&path, garbage).unwrap();
    let e = SqlStore::open(path.to_str().unwrap()).await.unwrap_err();
    assert!(matches!(e, OpenError::NotADatabase(_)), "{e:?}");
    assert!(e.to_string().contains("not an SQLite database"), "{e}");
}

#[tokio::test]
async fn unreachable_postgres_is_unavailable() {
    let e = SqlStore::open("postgres://nobody@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(matches!(e, OpenError::Unavailable(_)), "{e:?}");
}

/// Starts `vmeste bench store` writing as fast as it can, kills it with SIGKILL after some
/// acknowledgements, and looks for every acknowledged request in the store.
async fn acknowledged_writes_survive_sigkill(store: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(["bench", "store", "--store", store, "--writes", "1000000"])
        .args(["--concurrency", "4", "--print-acks"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    for line in lines.by_ref() {
        if let Some(id) = line.unwrap().strip_prefix("ack request ") {
            acked.push(id.parse::<i64>().unwrap());
            if acked.len() == 200 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    // Acknowledgements already written to the pipe count too.
    for line in lines {
        if let Some(id) = line.unwrap().strip_prefix("ack request ") {
            acked.push(id.parse::<i64>().unwrap());
        }
    }
    child.wait().unwrap();
    assert!(acked.len() >= 200);
    let s = SqlStore::open(store).await.unwrap();
    for id in &acked {
        let r = s.request(*id).await.unwrap();
        assert!(r.is_some(), "acknowledged request {id} is lost");
        let history = s
            .events(&EventQuery {
                entity: Some((engine::board::EntityKind::Request, *id)),
                limit: 10,
                ..EventQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(history.len(), 1, "request {id} has its event");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("board.sqlite");
    acknowledged_writes_survive_sigkill(path.to_str().unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_writes_survive_sigkill() {
    if let Some(url) = support::postgres_database().await {
        acknowledged_writes_survive_sigkill(&url).await;
    }
}
