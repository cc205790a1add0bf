//! Request metrics in Prometheus' text format, counted with atomics (no locks on the request
//! path), and the one log line per request.
//!
//! Series: `vmeste_http_requests_total{service}`, `vmeste_http_errors_total{service,code}`,
//! `vmeste_http_request_duration_seconds{service}` (histogram), `vmeste_http_in_flight`.
//! `service` is `route`, `table`, `nearest`, `trip` (OSRM), `optimize` (VROOM), `isochrone`,
//! `tiles` (the base map), `v1` (the dispatch board) or `other` (operations endpoints, unknown paths): the first segment
//! of the path, never more of it, so no identifier or query reaches a metric. Requests the connection guard refuses (`TooBig`, `InvalidUrl`) count in requests and
//! errors but not in the latency histogram.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::error::ErrorCode;
use super::osrm::url::Service;
use super::state::AppState;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

const LABELS: [&str; 9] = [
    "route",
    "table",
    "nearest",
    "trip",
    "optimize",
    "isochrone",
    "tiles",
    "v1",
    "other",
];

#[derive(Debug, Default)]
struct Series {
    requests: AtomicU64,
    /// Non-cumulative counts per bucket; the last is `+Inf`.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_us: AtomicU64,
    errors: [AtomicU64; ErrorCode::ALL.len()],
}

/// Counters and histograms per service.
#[derive(Debug, Default)]
pub struct Metrics {
    series: [Series; LABELS.len()],
    in_flight: AtomicU64,
}

fn label_index(path: &str) -> usize {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
    Service::ALL
        .iter()
        .map(|s| s.as_str())
        // In the order of `LABELS`.
        .chain(["optimize", "isochrone", "tiles", "v1"])
        .position(|s| s == first)
        .unwrap_or(LABELS.len() - 1)
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, path: &str, seconds: f64, code: Option<ErrorCode>) {
        let s = &self.series[label_index(path)];
        s.requests.fetch_add(1, Ordering::Relaxed);
        let b = BUCKETS
            .iter()
            .position(|&le| seconds <= le)
            .unwrap_or(BUCKETS.len());
        s.buckets[b].fetch_add(1, Ordering::Relaxed);
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a request lasts far less than 2^64 µs"
        )]
        s.sum_us
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        if let Some(code) = code {
            let i = ErrorCode::ALL.iter().position(|&c| c == code).unwrap_or(0);
            s.errors[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Records a request the connection guard refused before the service saw it (module
    /// `guard`): counted in requests and errors, not timed.
    pub fn record_refusal(&self, path: &str, code: ErrorCode) {
        let s = &self.series[label_index(path)];
        s.requests.fetch_add(1, Ordering::Relaxed);
        let i = ErrorCode::ALL.iter().position(|&c| c == code).unwrap_or(0);
        s.errors[i].fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in Prometheus' text exposition format (version 0.0.4).
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "# HELP vmeste_http_requests_total HTTP requests answered, by service.\n# TYPE vmeste_http_requests_total counter"
        );
        for (l, s) in LABELS.iter().zip(&self.series) {
            let _ = writeln!(
                out,
                "vmeste_http_requests_total{{service=\"{l}\"}} {}",
                get(&s.requests)
            );
        }
        let _ = writeln!(
            out,
            "# HELP vmeste_http_errors_total Failed requests, by service and OSRM error code.\n# TYPE vmeste_http_errors_total counter"
        );
        for (l, s) in LABELS.iter().zip(&self.series) {
            for (code, n) in ErrorCode::ALL.iter().zip(&s.errors) {
                let _ = writeln!(
                    out,
                    "vmeste_http_errors_total{{service=\"{l}\",code=\"{}\"}} {}",
                    code.as_str(),
                    get(n)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP vmeste_http_request_duration_seconds Time to answer, by service.\n# TYPE vmeste_http_request_duration_seconds histogram"
        );
        for (l, s) in LABELS.iter().zip(&self.series) {
            let mut cum = 0;
            for (i, b) in s.buckets.iter().enumerate() {
                cum += get(b);
                let le = BUCKETS
                    .get(i)
                    .map_or_else(|| "+Inf".to_owned(), ToString::to_string);
                let _ = writeln!(
                    out,
                    "vmeste_http_request_duration_seconds_bucket{{service=\"{l}\",le=\"{le}\"}} {cum}"
                );
            }
            #[expect(
                clippy::cast_precision_loss,
                reason = "microsecond sums stay far below 2^53"
            )]
            let sum = get(&s.sum_us) as f64 / 1e6;
            let _ = writeln!(
                out,
                "vmeste_http_request_duration_seconds_sum{{service=\"{l}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "vmeste_http_request_duration_seconds_count{{service=\"{l}\"}} {cum}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP vmeste_http_in_flight Requests being answered.\n# TYPE vmeste_http_in_flight gauge\nvmeste_http_in_flight {}",
            get(&self.in_flight)
        );
        out
    }
}

/// Words of the dispatch board's paths, logged as they are.
const V1_WORDS: [&str; 28] = [
    "v1",
    "hqs",
    "volunteers",
    "volunteers.csv",
    "requests",
    "requests.csv",
    "position",
    "me",
    "import",
    "assign",
    "unassign",
    "status",
    "cancel",
    "history",
    "candidates",
    "coverage",
    "events",
    "events.json",
    "plans",
    "commit",
    "places",
    "reachability",
    "isochrone",
    "geocode",
    "trips",
    "remote",
    "admin",
    "reload",
];

/// The path as logged: at most 120 characters; under `/v1` (where people's data live) only
/// the board's own words and identifiers of up to 9 digits, anything else as `*` (a name, an
/// address or a phone number typed into a wrong URL stays out of the log).
fn shown_path(path: &str) -> String {
    if path == "/v1" || path.starts_with("/v1/") {
        path.split('/')
            .map(|seg| {
                if seg.is_empty()
                    || V1_WORDS.contains(&seg)
                    || (seg.len() <= 9 && seg.bytes().all(|b| b.is_ascii_digit() || b == b'-'))
                {
                    seg
                } else {
                    "*"
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    } else {
        path.chars().take(120).collect()
    }
}

/// Middleware: counts the request, times it and logs one line for it.
pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    state.metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let res = next.run(req).await;
    state.metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let secs = start.elapsed().as_secs_f64();
    let code = res.extensions().get::<ErrorCode>().copied();
    state.metrics.record(&path, secs, code);
    let shown = shown_path(&path);
    tracing::info!(
        method = %method,
        path = %shown,
        status = res.status().as_u16(),
        code = code.map_or("Ok", ErrorCode::as_str),
        ms = secs * 1e3,
        "request"
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_paths_are_logged_without_anything_but_words_and_ids() {
        assert_eq!(
            shown_path("/v1/requests/17/candidates"),
            "/v1/requests/17/candidates"
        );
        assert_eq!(
            shown_path("/v1/requests/Ivanova%20Anna/history"),
            "/v1/requests/*/history"
        );
        assert_eq!(shown_path("/v1/+79161234567"), "/v1/*");
        assert_eq!(shown_path("/v1/requests/89161234567"), "/v1/requests/*");
        assert_eq!(shown_path("/route/v1/car/1,2;3,4"), "/route/v1/car/1,2;3,4");
        assert_eq!(shown_path(&"/x".repeat(100)).len(), 120);
    }

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.record("/route/v1/car/1,2;3,4", 0.002, None);
        m.record("/route/v1/car/x", 0.2, Some(ErrorCode::InvalidQuery));
        m.record("/health", 0.0001, None);
        m.record("/v1/requests/17/candidates", 0.003, None);
        m.record("/optimize", 0.3, None);
        let text = m.render();
        assert!(
            text.contains("vmeste_http_requests_total{service=\"route\"} 2"),
            "{text}"
        );
        assert!(text.contains("vmeste_http_requests_total{service=\"other\"} 1"));
        assert!(text.contains("vmeste_http_requests_total{service=\"v1\"} 1"));
        assert!(text.contains("vmeste_http_requests_total{service=\"optimize\"} 1"));
        assert!(
            text.contains("vmeste_http_errors_total{service=\"route\",code=\"InvalidQuery\"} 1")
        );
        assert!(text.contains(
            "vmeste_http_request_duration_seconds_bucket{service=\"route\",le=\"0.0025\"} 1"
        ));
        assert!(text.contains(
            "vmeste_http_request_duration_seconds_bucket{service=\"route\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains("vmeste_http_request_duration_seconds_count{service=\"route\"} 2"));
    }
}
