//! Requests hyper refuses before routing (URL past 65,534 bytes, head past its buffer, too
//! many header fields, malformed HTTP) answer in OSRM's shape, and the server goes on.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use server::http::Limits;

use crate::http_support::{Answer, assert_osrm_error, get, monaco, monaco_engine, raw, start};

const A: &str = "7.415637,43.735767";
const B: &str = "7.422844,43.736876";

/// hyper's `MAX_URI_LEN`.
const URI_LIMIT: usize = 65_534;

fn assert_still_serving(addr: SocketAddr) {
    let a = get(addr, &format!("/route/v1/car/{A};{B}?overview=false"));
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["code"], "Ok");
}

/// A /route URL of exactly `len` bytes: two coordinates, the first padded with zeros.
#[allow(clippy::unwrap_used, reason = "test helper fails loudly")]
fn route_url_of_len(len: usize) -> String {
    let base = format!("/route/v1/car/7.415637;{B}?overview=false");
    let pad = "0".repeat(len - base.len() - ",43.735767".len());
    let url = format!("/route/v1/car/7.415637{pad},43.735767;{B}?overview=false");
    assert_eq!(url.len(), len);
    url
}

#[test]
fn urls_past_hyper_limit_are_too_big_in_osrm_shape() {
    let Some(addr) = monaco() else { return };
    // 70 KB: hyper parses the line, then refuses it (414): the length is exact.
    let url = format!("/table/v1/car/{}", [A; 4_000].join(";"));
    assert!(url.len() > 70_000);
    let a = get(addr, &url);
    assert_osrm_error(&a, "TooBig");
    assert_eq!(
        a.json()["message"],
        format!(
            "the URL is {} bytes, the limit is 65534; POST the coordinates as JSON to /table/v1/car",
            url.len()
        )
    );
    assert_eq!(
        a.header("access-control-allow-origin"),
        Some("*"),
        "browsers can read it"
    );
    assert_still_serving(addr);
    // 1 MB: hyper's buffer fills before the line ends (431): a lower bound.
    let url = format!("/route/v1/foot/{}", [B; 60_000].join(";"));
    assert!(url.len() > 1_000_000);
    let a = get(addr, &url);
    assert_osrm_error(&a, "TooBig");
    let message = a.json()["message"].as_str().unwrap().to_owned();
    assert!(message.starts_with("the URL is more than "), "{message}");
    assert!(
        message.ends_with("POST the coordinates as JSON to /route/v1/foot"),
        "{message}"
    );
    assert_still_serving(addr);
}

#[test]
fn urls_up_to_hyper_limit_are_routed() {
    let Some(addr) = monaco() else { return };
    let a = get(addr, &route_url_of_len(URI_LIMIT));
    assert_eq!(a.status, 200, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.json()["routes"].as_array().unwrap().len(), 1);
    let a = get(addr, &route_url_of_len(URI_LIMIT + 1));
    assert_osrm_error(&a, "TooBig");
    assert!(
        a.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("the URL is 65535 bytes, the limit is 65534"),
        "{}",
        a.json()
    );
}

#[test]
fn oversized_heads_are_too_big_in_osrm_shape() {
    let Some(addr) = monaco() else { return };
    let path = format!("/route/v1/car/{A};{B}?overview=false");
    // A 70 KiB header fits hyper's buffer (about 400 KiB): served.
    let header = format!("X-Junk: {}\r\n", "j".repeat(70 << 10));
    let a = raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: t\r\n{header}Connection: close\r\n\r\n").as_bytes(),
    );
    assert_eq!(a.status, 200);
    // A 600 KiB header does not.
    let header = format!("X-Junk: {}\r\n", "j".repeat(600 << 10));
    let a = raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: t\r\n{header}Connection: close\r\n\r\n").as_bytes(),
    );
    assert_osrm_error(&a, "TooBig");
    assert!(
        a.json()["message"]
            .as_str()
            .unwrap()
            .contains("request head"),
        "{}",
        a.json()
    );
    assert_still_serving(addr);
    // More than 100 header fields.
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let a = raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: t\r\n{many}Connection: close\r\n\r\n").as_bytes(),
    );
    assert_osrm_error(&a, "TooBig");
    assert_still_serving(addr);
}

#[test]
fn malformed_http_is_invalid_url_in_osrm_shape() {
    let Some(addr) = monaco() else { return };
    for req in [
        "GET /route/v1/car/a b HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /health HTTP/9.9\r\nHost: t\r\n\r\n",
        "GET /health HTTP/1.1\r\nBad Header\r\n\r\n",
    ] {
        assert_osrm_error(&raw(addr, req.as_bytes()), "InvalidUrl");
    }
    assert_still_serving(addr);
}

/// Reads one response of known length from a keep-alive connection.
#[allow(clippy::unwrap_used, reason = "test helper fails loudly")]
fn read_one(s: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        assert_eq!(s.read(&mut byte).unwrap(), 1, "connection closed mid-head");
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let status = head[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("content-length");
    let mut body = vec![0; len];
    s.read_exact(&mut body).unwrap();
    Answer {
        status,
        headers,
        body,
    }
}

#[test]
fn refusal_after_a_served_request_on_the_same_connection() {
    let Some(addr) = monaco() else { return };
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let ok = format!("GET /route/v1/car/{A};{B}?overview=false HTTP/1.1\r\nHost: t\r\n\r\n");
    let long = format!(
        "GET {} HTTP/1.1\r\nHost: t\r\n\r\n",
        route_url_of_len(80_000)
    );
    // Sequential, then pipelined: both ways the second answer is OSRM's.
    s.write_all(ok.as_bytes()).unwrap();
    assert_eq!(read_one(&mut s).status, 200);
    s.write_all(format!("{ok}{long}").as_bytes()).unwrap();
    assert_eq!(read_one(&mut s).status, 200);
    let refused = read_one(&mut s);
    assert_osrm_error(&refused, "TooBig");
    assert_eq!(refused.header("connection"), Some("close"));
    let mut rest = Vec::new();
    s.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty(), "nothing after the refusal");
    assert_still_serving(addr);
}

/// The value of one series in `/metrics`.
fn counter(addr: SocketAddr, series: &str) -> u64 {
    let text = String::from_utf8(get(addr, "/metrics").body).expect("metrics are UTF-8");
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in {text}"))
}

#[test]
fn refusals_are_counted_in_metrics_by_service_and_code() {
    // A server of its own, so that its counters start at zero.
    let Some(engine) = monaco_engine() else {
        return;
    };
    let addr = start(engine, Limits::default());
    let too_big = r#"vmeste_http_errors_total{service="table",code="TooBig"}"#;
    let invalid = r#"vmeste_http_errors_total{service="other",code="InvalidUrl"}"#;
    let tables = r#"vmeste_http_requests_total{service="table"}"#;
    assert_eq!(counter(addr, too_big), 0);
    assert_eq!(counter(addr, invalid), 0);
    // Two overlong /table URLs (414 and 431 from hyper) and one malformed request.
    for n in [4_000, 60_000] {
        let url = format!("/table/v1/car/{}", [A; 2].repeat(n / 2).join(";"));
        assert_osrm_error(&get(addr, &url), "TooBig");
    }
    assert_osrm_error(
        &raw(addr, b"GET /x HTTP/1.1\r\nbad header\r\n\r\n"),
        "InvalidUrl",
    );
    assert_eq!(counter(addr, too_big), 2);
    assert_eq!(counter(addr, invalid), 1);
    assert_eq!(counter(addr, tables), 2);
    // Answers of the service are counted as before.
    assert_still_serving(addr);
    assert_eq!(
        counter(addr, r#"vmeste_http_requests_total{service="route"}"#),
        1
    );
}
