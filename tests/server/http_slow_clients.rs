//! Slow and idle clients: a request head must arrive within the header timeout, and a
//! keep-alive connection idle that long is closed, while other clients are served.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use server::http::Limits;

use crate::http_support::{self, monaco_engine};

const TIMEOUT: Duration = Duration::from_millis(800);

/// A Monaco server whose header timeout is [`TIMEOUT`].
fn server() -> Option<SocketAddr> {
    static ADDR: OnceLock<Option<SocketAddr>> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let limits = Limits {
            header_timeout: TIMEOUT,
            ..Limits::default()
        };
        monaco_engine().map(|e| http_support::start(e, limits))
    })
}

/// Whether the server closed `s`: a read that ends (0 bytes) or fails with a reset.
fn closed(s: &mut TcpStream) -> bool {
    s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
    let mut buf = [0u8; 4096];
    match s.read(&mut buf) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

fn health_ok(addr: SocketAddr) -> bool {
    http_support::get(addr, "/health").status == 200
}

#[test]
fn a_head_sent_a_byte_at_a_time_is_cut_at_the_header_timeout() {
    let Some(addr) = server() else {
        return;
    };
    let mut s = TcpStream::connect(addr).unwrap();
    let t0 = Instant::now();
    s.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n").unwrap();
    let mut cut = None;
    // A header byte every 50 ms, never the blank line: for ever unless cut.
    while t0.elapsed() < Duration::from_secs(10) {
        if s.write_all(b"X").is_err() || closed(&mut s) {
            cut = Some(t0.elapsed());
            break;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let cut = cut.expect("the slow head was never cut");
    assert!(
        cut >= TIMEOUT.mul_f64(0.9) && cut < TIMEOUT * 4,
        "cut after {cut:?}, the header timeout is {TIMEOUT:?}"
    );
    assert!(health_ok(addr), "other clients are served");
}

#[test]
fn an_idle_keep_alive_connection_is_closed_and_a_prompt_one_is_served() {
    let Some(addr) = server() else {
        return;
    };
    let mut s = TcpStream::connect(addr).unwrap();
    // Two requests within the limit on one connection: both answered.
    for _ in 0..2 {
        s.write_all(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
            .unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut buf = [0u8; 4096];
        let n = s.read(&mut buf).unwrap();
        assert!(
            buf[..n].starts_with(b"HTTP/1.1 200"),
            "{}",
            String::from_utf8_lossy(&buf[..n])
        );
        std::thread::sleep(TIMEOUT / 4);
    }
    // Then idle: closed after about the limit.
    let t0 = Instant::now();
    while !closed(&mut s) {
        assert!(
            t0.elapsed() < TIMEOUT * 4,
            "an idle connection stayed open past {:?}",
            TIMEOUT * 4
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        t0.elapsed() >= TIMEOUT / 2,
        "closed after {:?}",
        t0.elapsed()
    );
}

#[test]
fn many_slow_heads_do_not_starve_prompt_clients() {
    let Some(addr) = server() else {
        return;
    };
    let mut slow: Vec<TcpStream> = (0..64)
        .map(|_| {
            let mut s = TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /health HTTP/1.1\r\n").unwrap();
            s
        })
        .collect();
    for _ in 0..5 {
        assert!(health_ok(addr));
    }
    std::thread::sleep(TIMEOUT * 2);
    let still_open = slow.iter_mut().map(closed).filter(|c| !c).count();
    assert_eq!(
        still_open, 0,
        "slow connections outlived the header timeout"
    );
}
