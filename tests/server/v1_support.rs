//! A real server with a dispatch board (`/v1`) on `127.0.0.1:0` over the Monaco graphs, and
//! a small client for its JSON API.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::net::SocketAddr;
use std::sync::Arc;

use engine::board::Role;
use engine::dispatch::Engine;
use serde_json::{Value, json};
use server::http::v1::{BoardSettings, BoardState, BoardStore};
use server::http::{AppState, Limits};

use crate::http_support::{Answer, monaco_engine, raw};

/// Points on Monaco's roads, `[lon, lat]`.
pub(crate) const ON_ROAD: [[f64; 2]; 3] = [
    [7.415637, 43.735767],
    [7.422844, 43.736876],
    [7.414254, 43.734398],
];
/// A point at sea, kilometres from any road.
pub(crate) const AT_SEA: [f64; 2] = [7.5, 43.6];

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// A running server with a fresh board, on its own runtime.
pub(crate) struct TestBoard {
    pub(crate) addr: SocketAddr,
    pub(crate) state: Arc<BoardState>,
    rt: tokio::runtime::Runtime,
    _dir: Option<tempfile::TempDir>,
}

impl TestBoard {
    /// Starts a server over Monaco with an empty board in a new SQLite file; `None` without
    /// data.
    pub(crate) fn start(settings: BoardSettings) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.db").to_string_lossy().into_owned();
        Self::start_on(&path, settings, Some(dir), Limits::default())
    }

    /// As [`TestBoard::start`] with the server's limits.
    pub(crate) fn start_with_limits(settings: BoardSettings, limits: Limits) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.db").to_string_lossy().into_owned();
        Self::start_on(&path, settings, Some(dir), limits)
    }

    /// As [`TestBoard::start`] on a fresh PostgreSQL database (`VMESTE_TEST_POSTGRES`);
    /// `None` (skipped loudly, or a failure when data is required) without it.
    pub(crate) fn start_postgres(settings: BoardSettings) -> Option<Self> {
        let rt = runtime();
        let url = rt.block_on(crate::store_support::postgres_database())?;
        drop(rt);
        Self::start_on(&url, settings, None, Limits::default())
    }

    /// As [`TestBoard::start`] over another road engine.
    pub(crate) fn start_with(engine: Arc<Engine>, settings: BoardSettings) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("board.db").to_string_lossy().into_owned();
        Self::start_engine(engine, &path, settings, Some(dir), Limits::default())
    }

    /// As [`TestBoard::start_with`] on the store at `target` (a SQLite path or a
    /// PostgreSQL URL), which outlives the server.
    pub(crate) fn start_with_store(engine: Arc<Engine>, target: &str) -> Self {
        Self::start_engine(
            engine,
            target,
            BoardSettings::default(),
            None,
            Limits::default(),
        )
    }

    fn start_on(
        target: &str,
        settings: BoardSettings,
        dir: Option<tempfile::TempDir>,
        limits: Limits,
    ) -> Option<Self> {
        Some(Self::start_engine(
            monaco_engine()?,
            target,
            settings,
            dir,
            limits,
        ))
    }

    fn start_engine(
        engine: Arc<Engine>,
        target: &str,
        settings: BoardSettings,
        dir: Option<tempfile::TempDir>,
        limits: Limits,
    ) -> Self {
        let rt = runtime();
        let store = rt.block_on(BoardStore::open(target)).unwrap();
        let state = Arc::new(BoardState::new(store, settings));
        let app = AppState::new(engine, limits).with_board(Arc::clone(&state));
        let listener = rt
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        rt.spawn(async move {
            server::http::serve_state(listener, app, std::future::pending())
                .await
                .unwrap();
        });
        Self {
            addr,
            state,
            rt,
            _dir: dir,
        }
    }

    /// Runs `f` on the server's runtime (the store's connections live there).
    pub(crate) fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// A new token.
    pub(crate) fn token(&self, role: Role, hqs: &[i64], volunteer: Option<i64>) -> String {
        self.block_on(
            self.state
                .issue_token(role, hqs.to_vec(), volunteer, "test"),
        )
        .unwrap()
        .0
    }

    /// A revoked token.
    pub(crate) fn revoked_token(&self) -> String {
        use engine::board::Store;
        let (t, id) = self
            .block_on(
                self.state
                    .issue_token(Role::Admin, Vec::new(), None, "revoked"),
            )
            .unwrap();
        assert!(
            self.block_on(
                self.state
                    .board
                    .store()
                    .revoke_token(id, engine::board::Time(1))
            )
            .unwrap()
        );
        t
    }

    /// Any request: method, path, token, extra headers, body with its content type.
    pub(crate) fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<(&str, &[u8])>,
    ) -> Answer {
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
        if let Some(t) = token {
            head.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        let mut req = match body {
            Some((ct, b)) => format!(
                "{head}Content-Type: {ct}\r\nContent-Length: {}\r\n\r\n",
                b.len()
            )
            .into_bytes(),
            None => format!("{head}\r\n").into_bytes(),
        };
        if let Some((_, b)) = body {
            req.extend_from_slice(b);
        }
        raw(self.addr, &req)
    }

    /// GET with a token.
    pub(crate) fn get(&self, path: &str, token: &str) -> Answer {
        self.send("GET", path, Some(token), &[], None)
    }

    /// A JSON call with a token.
    pub(crate) fn json(&self, method: &str, path: &str, token: &str, body: &Value) -> Answer {
        let b = body.to_string();
        self.send(
            method,
            path,
            Some(token),
            &[],
            Some(("application/json", b.as_bytes())),
        )
    }

    /// Creates a headquarters (as admin `token`); its id.
    pub(crate) fn hq(&self, token: &str, name: &str) -> i64 {
        let a = self.json(
            "POST",
            "/v1/hqs",
            token,
            &json!({"name": name, "region": "MC", "location": [7.42, 43.73], "timezone": "Europe/Monaco"}),
        );
        assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
        a.json()["id"].as_i64().unwrap()
    }

    /// Creates a volunteer; its id.
    pub(crate) fn volunteer(&self, token: &str, hq: i64, name: &str, at: [f64; 2]) -> i64 {
        let a = self.json(
            "POST",
            "/v1/volunteers",
            token,
            &json!({"hq": hq, "name": name, "phone": "+377 600 000 001", "mode": "foot",
                    "skills": ["driver"], "position": at}),
        );
        assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
        a.json()["id"].as_i64().unwrap()
    }

    /// Creates a request; its id.
    pub(crate) fn request(&self, token: &str, hq: i64, recipient: &str, at: [f64; 2]) -> i64 {
        let a = self.json(
            "POST",
            "/v1/requests",
            token,
            &new_request(hq, recipient, at),
        );
        assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
        a.json()["id"].as_i64().unwrap()
    }
}

/// The body of a new groceries request.
pub(crate) fn new_request(hq: i64, recipient: &str, at: [f64; 2]) -> Value {
    json!({"hq": hq, "kind": "groceries", "urgency": "normal",
           "recipient": {"name": recipient, "phone": "+377 600 000 002", "address": "1 Rue Grimaldi"},
           "location": at})
}

/// A Monaco board with the demo data; the coordinator's token and the HQ.
pub(crate) fn seeded() -> Option<(TestBoard, String, i64)> {
    let b = TestBoard::start(BoardSettings::default())?;
    let engine = monaco_engine()?;
    let now = server::http::v1::BoardState::now();
    let s = b
        .block_on(server::demo::seed(&b.state.board, &*engine, now))
        .unwrap()
        .unwrap();
    let coord = b.token(Role::Coordinator, &[s.hq], None);
    Some((b, coord, s.hq))
}

/// Asserts the one error shape with `status` and `code`.
#[track_caller]
pub(crate) fn assert_error(a: &Answer, status: u16, code: &str) {
    let v = a.json();
    assert_eq!(a.status, status, "{v}");
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(v["error"]["message"].is_string(), "{v}");
}
