//! A real vmeste server on `127.0.0.1:0` for the HTTP tests, and a minimal HTTP/1.1 client
//! (raw bytes, so hostile requests go out exactly as written).
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use engine::dispatch::Engine;
use server::http::{self, AppState, Limits};

use crate::support;

/// Builds an engine from an OSM extract (contraction hierarchies built at load).
pub(crate) fn engine_from_osm(extract: &std::path::Path, profiles: &[&str]) -> Engine {
    let mut engine = Engine::new();
    for name in profiles {
        let profile = engine::osm::Profile::by_name(name).unwrap();
        let net = engine::osm::read_network(extract, profile).unwrap();
        let graph = engine::graph::from_network(&net).unwrap();
        engine.add_profile(graph, None).unwrap();
    }
    engine
}

/// The Monaco engine (car and foot), built once per test binary.
pub(crate) fn monaco_engine() -> Option<Arc<Engine>> {
    static ENGINE: OnceLock<Option<Arc<Engine>>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let path = support::osm("monaco-2023-12-26.osm.pbf")?;
            Some(Arc::new(engine_from_osm(&path, &["car", "foot"])))
        })
        .clone()
}

/// Starts a server on its own thread and runtime; returns its address.
pub(crate) fn start(engine: Arc<Engine>, limits: Limits) -> SocketAddr {
    start_state(AppState::new(engine, limits))
}

/// Starts a server with `state` on its own thread and runtime; returns its address.
pub(crate) fn start_state(state: AppState) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            http::serve_state(listener, state, std::future::pending())
                .await
                .unwrap();
        });
    });
    rx.recv().unwrap()
}

/// The shared Monaco server with default limits.
pub(crate) fn monaco() -> Option<SocketAddr> {
    static ADDR: OnceLock<Option<SocketAddr>> = OnceLock::new();
    *ADDR.get_or_init(|| monaco_engine().map(|e| start(e, Limits::default())))
}

/// An HTTP answer.
#[derive(Debug)]
pub(crate) struct Answer {
    /// Status code.
    pub(crate) status: u16,
    /// Header lines, lower-cased names.
    pub(crate) headers: Vec<(String, String)>,
    /// Body.
    pub(crate) body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): status {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// A header's value.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn decode_chunked(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = b.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

/// Sends raw request bytes (the request should say `Connection: close`) and reads the answer.
pub(crate) fn raw(addr: SocketAddr, request: &[u8]) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    // Write on another thread while reading: a server may answer (413) and close before a
    // large body is sent, and the answer must still be read.
    let mut w = s.try_clone().unwrap();
    let body = request.to_vec();
    let writer = std::thread::spawn(move || w.write_all(&body));
    let mut buf = Vec::new();
    let read = s.read_to_end(&mut buf);
    let written = writer.join().unwrap();
    if buf.is_empty() {
        written.unwrap();
        read.unwrap();
    }
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP head");
    let head = String::from_utf8_lossy(&buf[..split]).into_owned();
    let mut lines = head.lines();
    let status: u16 = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = buf[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = decode_chunked(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// GET `path_and_query`.
pub(crate) fn get(addr: SocketAddr, path_and_query: &str) -> Answer {
    raw(
        addr,
        format!("GET {path_and_query} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )
}

/// POST a body with a content type.
pub(crate) fn post(addr: SocketAddr, path: &str, content_type: &str, body: &[u8]) -> Answer {
    let mut req = format!("POST {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
    req.extend_from_slice(body);
    raw(addr, &req)
}

/// POST JSON.
pub(crate) fn post_json(addr: SocketAddr, path: &str, body: &serde_json::Value) -> Answer {
    post(addr, path, "application/json", body.to_string().as_bytes())
}

/// Asserts an OSRM error answer: 400 and the code.
#[track_caller]
pub(crate) fn assert_osrm_error(a: &Answer, code: &str) {
    let v = a.json();
    assert_eq!(a.status, 400, "{v}");
    assert_eq!(v["code"], code, "{v}");
    assert!(v["message"].is_string(), "{v}");
}
