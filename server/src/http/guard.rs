//! A connection-level guard in front of hyper, so that requests hyper refuses before any
//! service sees them still get an answer in OSRM's error shape.
//!
//! hyper answers three kinds of request itself, with a bodiless response, and then closes the
//! connection (`hyper::proto::h1::role::Server::on_error`, reached from
//! `Conn::on_parse_error`):
//! - `414 URI Too Long`: a complete request line whose target is longer than hyper's
//!   hard-coded `MAX_URI_LEN` (65,534 bytes, [`URI_LIMIT`]);
//! - `431 Request Header Fields Too Large`: a head that does not fit hyper's read buffer
//!   (about 400 KiB by default: a 1 MB URL lands here) or has more than 100 header fields;
//! - `400 Bad Request`: a malformed method, request target, version or header.
//!
//! [`GuardedIo`] wraps each accepted stream. Its read side keeps O(1) state about the bytes
//! hyper reads: the length and first bytes of the line in progress and of the last line longer
//! than [`URI_LIMIT`] (one byte scan per read). Its write side recognises hyper's automatic
//! answer (the status line followed by `content-length: 0`, which the service never sends:
//! its errors carry a JSON body) and writes in its place OSRM's answer, HTTP 400 as OSRM
//! gives for every client error, with `TooBig` for sizes and `InvalidUrl` for malformed
//! requests, and a message that says which limit was hit and what to do instead. Every other
//! byte passes through untouched, so the normal path costs one scan of the request bytes.
//! Each refusal is counted in the server's [`Metrics`] (requests and errors by code, under the
//! service its URL names, else `other`), as answers of the service are.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::serve::Listener;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::error::ErrorCode;
use super::metrics::Metrics;

/// hyper's longest request target (`MAX_URI_LEN` in `hyper::proto::h1::role`).
pub(crate) const URI_LIMIT: usize = 65_534;

/// How many leading bytes of a line are kept (enough for `GET /table/v1/{profile}/`).
const PREFIX: usize = 64;

/// hyper's automatic answers: the status line; their head also says `content-length: 0`.
const HYPER_ANSWERS: [(&[u8], Refusal); 3] = [
    (b"HTTP/1.1 414 URI Too Long\r\n", Refusal::UriTooLong),
    (
        b"HTTP/1.1 431 Request Header Fields Too Large\r\n",
        Refusal::HeadTooLarge,
    ),
    (b"HTTP/1.1 400 Bad Request\r\n", Refusal::Malformed),
];

/// The longest head hyper writes for its answers (status, content-length, date, connection).
const HYPER_HEAD_MAX: usize = 256;

/// Only the first bytes of a write are searched for hyper's answer (it is a head of about
/// 100 bytes, written alone or after the rest of a previous head).
const SEARCH_WINDOW: usize = 16 << 10;

/// Why hyper refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    UriTooLong,
    HeadTooLarge,
    Malformed,
}

/// A line of the request stream: its length and first bytes.
#[derive(Clone, Copy, Debug)]
struct Line {
    len: usize,
    prefix: [u8; PREFIX],
    prefix_len: usize,
    /// The line's last byte (`\r` on a well-formed line once complete).
    last: u8,
}

impl Line {
    const EMPTY: Self = Self {
        len: 0,
        prefix: [0; PREFIX],
        prefix_len: 0,
        last: 0,
    };

    fn push(&mut self, bytes: &[u8]) {
        let take = (PREFIX - self.prefix_len).min(bytes.len());
        self.prefix[self.prefix_len..self.prefix_len + take].copy_from_slice(&bytes[..take]);
        self.prefix_len += take;
        self.len += bytes.len();
        if let Some(&b) = bytes.last() {
            self.last = b;
        }
    }

    fn prefix(&self) -> &[u8] {
        &self.prefix[..self.prefix_len]
    }

    /// The method of a line that looks like a request line (`GET /…`, `POST http://…`).
    fn method(&self) -> Option<&str> {
        let p = self.prefix();
        let sp = p.iter().position(|&b| b == b' ')?;
        let method = &p[..sp];
        let looks_like = (1..=16).contains(&method.len())
            && method.iter().all(u8::is_ascii_uppercase)
            && p.get(sp + 1)
                .is_some_and(|&b| b == b'/' || b.is_ascii_alphabetic());
        looks_like.then(|| std::str::from_utf8(method).ok())?
    }

    /// `/{service}/v1/{profile}` if the request line names an OSRM service that takes POST.
    fn post_path(&self) -> Option<String> {
        let p = self.prefix();
        let start = self.method()?.len() + 1;
        let path = p.get(start..)?;
        let end = path
            .iter()
            .position(|&b| b == b'?' || b == b' ')
            .unwrap_or(path.len());
        let path = std::str::from_utf8(&path[..end]).ok()?;
        let mut parts = path.split('/');
        let (Some(""), Some(service), Some("v1"), Some(profile), Some(_)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        let known = ["route", "table", "nearest", "trip"].contains(&service);
        let clean = !profile.is_empty()
            && profile
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        (known && clean).then(|| format!("/{service}/v1/{profile}"))
    }
}

/// What the read side has seen: the line in progress and the last overlong line.
#[derive(Clone, Copy, Debug)]
struct Tracker {
    current: Line,
    last_long: Option<Line>,
}

impl Default for Tracker {
    fn default() -> Self {
        Self {
            current: Line::EMPTY,
            last_long: None,
        }
    }
}

impl Tracker {
    fn observe(&mut self, mut bytes: &[u8]) {
        while let Some(i) = bytes.iter().position(|&b| b == b'\n') {
            self.current.push(&bytes[..i]);
            if self.current.len > URI_LIMIT {
                self.last_long = Some(self.current);
            }
            self.current = Line::EMPTY;
            bytes = &bytes[i + 1..];
        }
        self.current.push(bytes);
    }

    /// The path a refused request was for, as far as it is known (`/{service}/v1/{profile}`).
    fn path(&self) -> Option<String> {
        let line = if self.current.len > URI_LIMIT {
            Some(self.current)
        } else {
            self.last_long
        };
        line.and_then(|l| l.post_path())
    }

    /// OSRM's code and message for a refusal.
    fn explain(&self, refusal: Refusal) -> (ErrorCode, String) {
        if refusal == Refusal::Malformed {
            return (
                ErrorCode::InvalidUrl,
                "the request line or a header is malformed HTTP".to_owned(),
            );
        }
        // The line hyper choked on: the one in progress if it is already too long for a
        // URL, else the last complete overlong line.
        let (line, complete) = if self.current.len > URI_LIMIT {
            (Some(self.current), false)
        } else {
            (self.last_long, true)
        };
        let url = line.and_then(|l| l.method().map(|m| (l, m.len())));
        let Some((line, method_len)) = url else {
            return (
                ErrorCode::TooBig,
                "the request head is larger than the server's buffer (about 400 KiB) or has more \
                 than 100 header fields"
                    .to_owned(),
            );
        };
        let advice = line.post_path().map_or_else(
            || "; POST the request as JSON to /{service}/v1/{profile}".to_owned(),
            |p| format!("; POST the coordinates as JSON to {p}"),
        );
        let before_url = method_len + 1;
        let message = if complete {
            // `METHOD url HTTP/1.1\r`
            let after_url = " HTTP/1.1".len() + usize::from(line.last == b'\r');
            let url_len = line.len.saturating_sub(before_url + after_url);
            format!("the URL is {url_len} bytes, the limit is {URI_LIMIT}{advice}")
        } else {
            let seen = line.len.saturating_sub(before_url);
            format!("the URL is more than {seen} bytes, the limit is {URI_LIMIT}{advice}")
        };
        (ErrorCode::TooBig, message)
    }
}

/// Where hyper's automatic answer starts in `buf`, and which one it is.
fn find_hyper_answer(buf: &[u8]) -> Option<(usize, Refusal)> {
    let window = &buf[..buf.len().min(SEARCH_WINDOW)];
    let mut from = 0;
    while let Some(i) = window[from..].windows(10).position(|w| w == b"HTTP/1.1 4") {
        let start = from + i;
        let rest = &buf[start..];
        let head = &rest[..rest.len().min(HYPER_HEAD_MAX)];
        let bodiless = head
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .is_some_and(|end| {
                head[..end + 2]
                    .windows(21)
                    .any(|w| w.eq_ignore_ascii_case(b"\r\ncontent-length: 0\r\n"))
            });
        let known = HYPER_ANSWERS.iter().find(|(sig, _)| rest.starts_with(sig));
        if let (true, Some(&(_, refusal))) = (bodiless, known) {
            return Some((start, refusal));
        }
        from = start + 1;
    }
    None
}

/// The bytes of an OSRM error answer that closes the connection.
fn osrm_answer(code: &str, message: &str) -> Vec<u8> {
    let body = json!({ "code": code, "message": message }).to_string();
    let mut out = format!(
        "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\naccess-control-allow-origin: *\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

/// A replacement answer being written.
#[derive(Debug)]
struct Reply {
    bytes: Vec<u8>,
    written: usize,
}

/// A stream whose hyper-generated error answers are rewritten in OSRM's shape (module docs).
#[derive(Debug)]
pub(crate) struct GuardedIo<S> {
    inner: S,
    tracker: Tracker,
    reply: Option<Reply>,
    /// Where refusals are counted (`None`: not counted).
    metrics: Option<Arc<Metrics>>,
}

impl<S> GuardedIo<S> {
    pub(crate) fn new(inner: S, metrics: Option<Arc<Metrics>>) -> Self {
        Self {
            inner,
            tracker: Tracker::default(),
            reply: None,
            metrics,
        }
    }
}

impl<S: AsyncWrite + Unpin> GuardedIo<S> {
    /// Decides, for the next bytes hyper writes, whether they pass through (`Some(n)`: write
    /// at most `n` bytes) or start hyper's automatic answer (`None`: a reply is now set).
    fn inspect(&mut self, first: &[u8]) -> Option<usize> {
        match find_hyper_answer(first) {
            None => Some(first.len()),
            Some((0, refusal)) => {
                let (code, message) = self.tracker.explain(refusal);
                if let Some(m) = &self.metrics {
                    m.record_refusal(self.tracker.path().as_deref().unwrap_or("/"), code);
                }
                let code = code.as_str();
                tracing::info!(
                    status = 400,
                    code,
                    message = %message,
                    "request refused before routing"
                );
                self.reply = Some(Reply {
                    bytes: osrm_answer(code, &message),
                    written: 0,
                });
                None
            }
            Some((start, _)) => Some(start),
        }
    }

    /// Writes the rest of the replacement answer, if any.
    fn poll_reply(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(reply) = &mut self.reply {
            while reply.written < reply.bytes.len() {
                let n = ready!(
                    Pin::new(&mut self.inner).poll_write(cx, &reply.bytes[reply.written..])
                )?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                reply.written += n;
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for GuardedIo<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        this.tracker.observe(&buf.filled()[before..]);
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for GuardedIo<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.reply.is_none()
            && let Some(n) = this.inspect(buf)
        {
            return Pin::new(&mut this.inner).poll_write(cx, &buf[..n]);
        }
        // hyper's answer (and anything after it) is swallowed once ours is out.
        ready!(this.poll_reply(cx))?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let total = bufs.iter().map(|b| b.len()).sum();
        if this.reply.is_none() {
            let first = bufs.iter().position(|b| !b.is_empty());
            let Some(first) = first else {
                return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
            };
            match this.inspect(&bufs[first]) {
                Some(n) if n == bufs[first].len() => {
                    return Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
                }
                Some(n) => return Pin::new(&mut this.inner).poll_write(cx, &bufs[first][..n]),
                None => {}
            }
        }
        ready!(this.poll_reply(cx))?;
        Poll::Ready(Ok(total))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_reply(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_reply(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// A TCP listener whose connections are [`GuardedIo`] (for `axum::serve`), counting their
/// refusals in the metrics when given.
#[derive(Debug)]
pub(crate) struct GuardedListener(pub(crate) TcpListener, pub(crate) Option<Arc<Metrics>>);

impl Listener for GuardedListener {
    type Io = GuardedIo<TcpStream>;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        (GuardedIo::new(stream, self.1.clone()), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tracker_after(chunks: &[&[u8]]) -> Tracker {
        let mut t = Tracker::default();
        for c in chunks {
            t.observe(c);
        }
        t
    }

    #[test]
    fn complete_overlong_url_is_measured_exactly() {
        let url = format!("/table/v1/car/{}", "7.4,43.7;".repeat(8_000));
        let line = format!("GET {url} HTTP/1.1\r\nHost: x\r\n\r\n");
        // Split the bytes anywhere: the answer is the same.
        let (a, b) = line.as_bytes().split_at(1_000);
        let t = tracker_after(&[a, b]);
        let (code, message) = t.explain(Refusal::UriTooLong);
        assert_eq!(code, ErrorCode::TooBig);
        assert_eq!(
            message,
            format!(
                "the URL is {} bytes, the limit is 65534; POST the coordinates as JSON to /table/v1/car",
                url.len()
            )
        );
    }

    #[test]
    fn partial_overlong_url_is_a_lower_bound() {
        let line = format!("GET /route/v1/foot/{}", "x".repeat(100_000));
        let t = tracker_after(&[line.as_bytes()]);
        let (_, message) = t.explain(Refusal::HeadTooLarge);
        assert!(
            message.starts_with(&format!("the URL is more than {} bytes", line.len() - 4)),
            "{message}"
        );
        assert!(message.ends_with("/route/v1/foot"), "{message}");
    }

    #[test]
    fn large_headers_are_not_blamed_on_the_url() {
        let head = format!("GET /health HTTP/1.1\r\nX-Junk: {}", "y".repeat(500_000));
        let t = tracker_after(&[head.as_bytes()]);
        let (code, message) = t.explain(Refusal::HeadTooLarge);
        assert_eq!(code, ErrorCode::TooBig);
        assert!(message.contains("request head"), "{message}");
        assert_eq!(t.explain(Refusal::Malformed).0, ErrorCode::InvalidUrl);
    }

    #[test]
    fn unknown_paths_get_generic_advice() {
        let line = format!("GET /nope/{} HTTP/1.1\r\n", "z".repeat(70_000));
        let (_, message) = tracker_after(&[line.as_bytes()]).explain(Refusal::UriTooLong);
        assert!(message.ends_with("/{service}/v1/{profile}"), "{message}");
    }

    #[test]
    fn hyper_answers_are_found_only_where_they_start() {
        let answer = b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(find_hyper_answer(answer), Some((0, Refusal::UriTooLong)));
        let mut after = b"HTTP/1.1 204 No Content\r\n\r\n".to_vec();
        after.extend_from_slice(answer);
        assert_eq!(find_hyper_answer(&after), Some((27, Refusal::UriTooLong)));
        // The service's own 400s carry a body: never rewritten.
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n";
        assert_eq!(find_hyper_answer(ours), None);
        assert_eq!(find_hyper_answer(b"HTTP/1.1 4"), None);
    }
}
