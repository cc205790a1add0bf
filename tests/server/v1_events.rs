//! `/v1/events` as Server-Sent Events: live delivery, resuming with `Last-Event-ID` without
//! gaps or duplicates, and the token's scope.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use engine::board::Role;
use serde_json::json;
use server::http::v1::BoardSettings;

use crate::v1_support::{ON_ROAD, TestBoard, assert_error};

/// An open event stream.
struct Stream {
    reader: BufReader<TcpStream>,
}

/// One received event: id, name, data.
type Received = (i64, String, serde_json::Value);

impl Stream {
    fn open(b: &TestBoard, path: &str, token: &str, last_id: Option<i64>) -> Self {
        let mut s = TcpStream::connect(b.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        let resume = last_id.map_or(String::new(), |id| format!("Last-Event-ID: {id}\r\n"));
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n{resume}\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut status = String::new();
        reader.read_line(&mut status).unwrap();
        assert!(status.contains(" 200 "), "{status}");
        Self { reader }
    }

    /// Reads events until `n` arrived or `wait` passed.
    fn take(&mut self, n: usize, wait: Duration) -> Vec<Received> {
        let deadline = Instant::now() + wait;
        let mut out = Vec::new();
        let (mut id, mut name, mut data) = (None, String::new(), String::new());
        let mut line = String::new();
        while out.len() < n && Instant::now() < deadline {
            match self.reader.read_line(&mut line) {
                Ok(0) => break,
                Ok(_) if line.ends_with('\n') => {}
                Ok(_) | Err(_) => continue,
            }
            // Chunked framing: size lines are hex digits only; event lines have a colon.
            let l = std::mem::take(&mut line);
            let l = l.trim_end_matches(['\r', '\n']);
            if let Some(v) = l.strip_prefix("id: ").or_else(|| l.strip_prefix("id:")) {
                id = v.trim().parse().ok();
            } else if let Some(v) = l
                .strip_prefix("event: ")
                .or_else(|| l.strip_prefix("event:"))
            {
                name = v.trim().to_owned();
            } else if let Some(v) = l.strip_prefix("data: ").or_else(|| l.strip_prefix("data:")) {
                data.push_str(v);
            } else if l.is_empty() && !data.is_empty() {
                out.push((
                    id.take().unwrap(),
                    std::mem::take(&mut name),
                    serde_json::from_str(&std::mem::take(&mut data)).unwrap(),
                ));
            }
        }
        out
    }
}

impl Stream {
    /// `true` when the response body ends (last chunk or end of file) within `wait`.
    fn ends(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let mut line = String::new();
        while Instant::now() < deadline {
            match self.reader.read_line(&mut line) {
                Ok(0) => return true,
                Ok(_) if line.ends_with('\n') => {
                    if line.trim_end() == "0" {
                        return true;
                    }
                    line.clear();
                }
                Ok(_) | Err(_) => {}
            }
        }
        false
    }
}

#[test]
fn streams_end_when_the_server_shuts_down() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let mut s = Stream::open(&b, "/v1/events", &admin, None);
    assert!(!s.ends(Duration::from_millis(300)));
    b.state.close();
    assert!(s.ends(Duration::from_secs(5)));
}

#[test]
fn events_arrive_live_and_a_reconnect_with_last_event_id_misses_nothing() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "A");
    let other = b.hq(&admin, "B");
    let coord = b.token(Role::Coordinator, &[hq], None);
    let vol = b.volunteer(&admin, hq, "Anna", ON_ROAD[0]);

    let mut s = Stream::open(&b, "/v1/events", &coord, None);
    let req = b.request(&admin, hq, "Maria", ON_ROAD[1]);
    b.request(&admin, other, "Not yours", ON_ROAD[1]);
    let a = b.json(
        "POST",
        &format!("/v1/requests/{req}/assign"),
        &admin,
        &json!({"volunteer": vol}),
    );
    assert_eq!(a.status, 200);
    let got = s.take(2, Duration::from_secs(10));
    let names: Vec<&str> = got.iter().map(|e| e.1.as_str()).collect();
    assert_eq!(names, ["request.created", "request.assigned"], "{got:?}");
    assert_eq!(got[0].2["entity_id"], req);
    assert_eq!(got[1].2["changes"]["volunteer"], vol);
    let last = got[1].0;
    drop(s);

    // Changes while nobody listens, then a reconnect: exactly the missed ones, in order.
    for status in ["en_route", "done"] {
        let a = b.json(
            "POST",
            &format!("/v1/requests/{req}/status"),
            &admin,
            &json!({"status": status}),
        );
        assert_eq!(a.status, 200);
    }
    let mut s = Stream::open(&b, "/v1/events", &coord, Some(last));
    let more = b.request(&admin, hq, "Olga", ON_ROAD[2]);
    let got = s.take(3, Duration::from_secs(10));
    let ids: Vec<i64> = got.iter().map(|e| e.0).collect();
    assert_eq!(ids.len(), 3, "{got:?}");
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]) && ids[0] > last,
        "{ids:?}"
    );
    assert_eq!(got[0].2["changes"]["status"], "en_route");
    assert_eq!(got[1].2["changes"]["status"], "done");
    assert_eq!(got[2].2["entity_id"], more);
    assert!(got.iter().all(|e| e.2["hq"] == hq));
    assert!(s.take(1, Duration::from_millis(500)).is_empty());

    // after= replays from the start of the log, scoped to the token.
    let mut s = Stream::open(&b, "/v1/events?after=0", &coord, None);
    let all = s.take(100, Duration::from_secs(2));
    assert!(all.iter().all(|e| e.2["hq"] == hq), "{all:?}");
    assert!(all.len() >= 6, "{all:?}");
}

#[test]
fn only_coordinators_and_admins_watch_and_only_their_headquarters() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "A");
    let other = b.hq(&admin, "B");
    let coord = b.token(Role::Coordinator, &[hq], None);
    let operator = b.token(Role::Operator, &[], None);
    assert_error(&b.get("/v1/events", &operator), 403, "forbidden");
    assert_error(
        &b.get(&format!("/v1/events?hq={other}"), &coord),
        403,
        "forbidden",
    );
    assert_error(&b.get("/v1/events?after=-1", &coord), 400, "invalid_query");
    let a = b.send(
        "GET",
        "/v1/events",
        Some(&coord),
        &[("Last-Event-ID", "yesterday")],
        None,
    );
    assert_error(&a, 400, "invalid_header");
    let page = b.get("/v1/events.json?after=0&limit=1", &admin).json();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let c = page["next_cursor"].as_str().unwrap();
    let next = b.get(&format!("/v1/events.json?cursor={c}"), &admin).json();
    assert_eq!(next["items"][0]["seq"], 2);
}

#[test]
fn a_stream_outlives_the_header_timeout() {
    // The header-read limit closes idle and slow connections; a live stream is neither.
    let limits = server::http::Limits {
        header_timeout: Duration::from_millis(500),
        ..server::http::Limits::default()
    };
    let Some(b) = TestBoard::start_with_limits(BoardSettings::default(), limits) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "A");
    let mut s = Stream::open(&b, "/v1/events?after=0", &admin, None);
    assert_eq!(s.take(1, Duration::from_secs(5)).len(), 1, "hq.created");
    assert!(
        !s.ends(Duration::from_millis(2_000)),
        "the stream was cut while the server waited on nothing from the client"
    );
    let req = b.request(&admin, hq, "Maria", ON_ROAD[1]);
    let got = s.take(1, Duration::from_secs(5));
    assert_eq!(got.len(), 1, "the event after the wait arrived");
    assert_eq!(got[0].2["entity_id"], req);
}
