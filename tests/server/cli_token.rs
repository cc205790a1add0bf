//! `vmeste token create|list|revoke` on an SQLite store.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::process::{Command, Output};

use engine::board::{Role, Store};
use server::store::{SqlStore, token_hash};

fn vmeste(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[tokio::test]
async fn token_create_list_revoke() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("board.sqlite");
    let store = store.to_str().unwrap();
    let out = stdout(&vmeste(&[
        "token",
        "create",
        "--store",
        store,
        "--role",
        "coordinator",
        "--hq",
        "2",
        "--hq",
        "1",
        "--label",
        "Штаб 1 и 2",
    ]));
    let token = out.lines().last().unwrap().to_owned();
    assert_eq!(token.len(), 64, "{out}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    let other = stdout(&vmeste(&[
        "token", "create", "--store", store, "--role", "admin",
    ]));
    assert_ne!(other.lines().last().unwrap(), token);

    let list = stdout(&vmeste(&["token", "list", "--store", store]));
    assert!(list.contains("coordinator\t1,2\t-"), "{list}");
    assert!(list.contains("Штаб 1 и 2"), "{list}");
    assert!(!list.contains(&token), "the list never shows tokens");
    assert!(!list.contains(&token_hash(&token)), "nor their hashes");

    stdout(&vmeste(&["token", "revoke", "--store", store, "1"]));
    let missing = vmeste(&["token", "revoke", "--store", store, "9"]);
    assert!(!missing.status.success());

    let s = SqlStore::open(store).await.unwrap();
    let t = s.token_by_hash(&token_hash(&token)).await.unwrap().unwrap();
    assert_eq!((t.role, t.hqs.as_slice()), (Role::Coordinator, &[1, 2][..]));
    assert!(t.revoked_at.is_some());
    assert!(s.tokens().await.unwrap()[1].revoked_at.is_none());
}

#[test]
fn token_create_refuses_incomplete_roles() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("board.sqlite");
    let store = store.to_str().unwrap();
    for (args, says) in [
        (vec!["--role", "coordinator"], "--hq"),
        (vec!["--role", "volunteer"], "--volunteer"),
        (
            vec!["--role", "operator", "--volunteer", "3"],
            "only for volunteer",
        ),
        (vec!["--role", "root"], "unknown role"),
    ] {
        let mut all = vec!["token", "create", "--store", store];
        all.extend(args);
        let o = vmeste(&all);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{err}");
    }
}
