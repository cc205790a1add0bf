//! `vmeste bench closures --http ADDR --token T`: road closures over HTTP against a running
//! server (`vmeste serve` with a store). For 1, 10 and 100 closures (the same ways as the
//! in-process bench: a named bridge, then random roads) and each run: `POST /v1/closures`
//! one after the other, then `/route` polled back to back on a pair whose fastest route
//! crosses the bridge until its answer is the route without the closed roads (the
//! duration this process computes with the same closures), then `/health` polled until it
//! lists the profile as `customized` (the metric of the closures in use); then the
//! closures are lifted (`DELETE`) and `/route` polled until it answers the open route again.
//!
//! Plain HTTP/1.1 over one `TcpStream` per request: the figures include a connection set-up
//! on the loopback, as a client without keep-alive sees them.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail, ensure};
use engine::board::Time;
use engine::closures::{Closure, ClosureTarget, Matchers, apply};
use engine::dispatch::{Engine, Location};
use serde_json::{Value, json};

/// The longest a poll waits for an answer.
const POLL_LIMIT: Duration = Duration::from_secs(60);

/// One HTTP request; returns the status and the body.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> anyhow::Result<(u16, Value)> {
    let mut s = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let payload = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n"
    );
    if body.is_some() {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            payload.len()
        ));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes())?;
    s.write_all(payload.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .with_context(|| format!("{method} {path}: no HTTP answer"))?;
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .with_context(|| format!("{method} {path}: bad status line"))?;
    ensure!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{method} {path}: chunked answers are not read"
    );
    let value = if body.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).unwrap_or(Value::Null)
    };
    Ok((status, value))
}

/// The duration of `/route` between two points, in seconds.
fn route_s(
    addr: &str,
    token: &str,
    profile: &str,
    pair: &(Location, Location),
) -> anyhow::Result<f64> {
    let (a, b) = (pair.0.position, pair.1.position);
    let path = format!(
        "/route/v1/{profile}/{},{};{},{}?overview=false&steps=false",
        a.lon, a.lat, b.lon, b.lat
    );
    let (status, v) = request(addr, "GET", &path, token, None)?;
    ensure!(status == 200, "{path}: {status} {v}");
    v["routes"][0]["duration"]
        .as_f64()
        .with_context(|| format!("{path}: no duration in {v}"))
}

/// Polls `/route` until its duration is `want` (±0.05 s); returns the time from `t0`.
fn until_route(
    addr: &str,
    token: &str,
    profile: &str,
    pair: &(Location, Location),
    want: f64,
    t0: Instant,
) -> anyhow::Result<(f64, usize)> {
    let mut polls = 0;
    loop {
        polls += 1;
        if (route_s(addr, token, profile, pair)? - want).abs() < 0.05 {
            return Ok((t0.elapsed().as_secs_f64(), polls));
        }
        if t0.elapsed() > POLL_LIMIT {
            bail!("/route did not answer {want} s within {POLL_LIMIT:?}");
        }
    }
}

/// Polls `/health` until it lists `profile` as customized; returns the time from `t0`.
fn until_customized(addr: &str, token: &str, profile: &str, t0: Instant) -> anyhow::Result<f64> {
    loop {
        let (_, v) = request(addr, "GET", "/health", token, None)?;
        let listed = v["customized"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p == profile));
        if listed {
            return Ok(t0.elapsed().as_secs_f64());
        }
        if t0.elapsed() > POLL_LIMIT {
            bail!("/health did not list {profile} as customized within {POLL_LIMIT:?}: {v}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The OSRM-style duration of the route in this process (with whatever closures are
/// applied to `engine`), rounded as the server writes it.
fn local_s(engine: &Engine, profile: &str, pair: &(Location, Location)) -> anyhow::Result<f64> {
    let r = engine.route(profile, &[pair.0, pair.1])?;
    let s: f64 = r.legs.iter().map(|l| l.duration_s).sum();
    Ok((s * 10.0).round() / 10.0)
}

/// The closures as the body of `POST /v1/closures`.
fn body_of(c: &Closure) -> anyhow::Result<Value> {
    let ClosureTarget::Ways(ways) = &c.target else {
        bail!("only closures by way are posted");
    };
    Ok(json!({"target": {"ways": ways}, "profiles": [], "reason": "benchmark"}))
}

/// Runs the HTTP measurement for each list of closures (`sets`), `runs` times each.
///
/// # Errors
/// A server that refuses a request or never answers the closed route.
pub fn run(
    engine: &Engine,
    profile: &str,
    addr: &str,
    token: &str,
    pairs: &[(Location, Location)],
    sets: &[Vec<Closure>],
    runs: usize,
) -> anyhow::Result<()> {
    let now = Time(1_800_000_000);
    let mut matchers = Matchers::new();
    // A pair whose route the first closure (the bridge) changes.
    let bridge = sets.first().and_then(|s| s.first()).context("no closure")?;
    let mut probe = None;
    for p in pairs {
        let open = local_s(engine, profile, p)?;
        apply(engine, &mut matchers, std::slice::from_ref(bridge), now)?;
        let closed = local_s(engine, profile, p);
        apply(engine, &mut matchers, &[], now)?;
        if let Ok(closed) = closed
            && (closed - open).abs() >= 1.0
        {
            probe = Some((*p, open));
            break;
        }
    }
    let (pair, open) = probe.context("no pair's route crosses the closed road")?;
    let served = route_s(addr, token, profile, &pair)?;
    ensure!(
        (served - open).abs() < 0.05,
        "the server answers {served} s, this process {open} s: not the same graph (or closures are in force)"
    );
    let mut expected = Vec::with_capacity(sets.len());
    for closures in sets {
        apply(engine, &mut matchers, closures, now)?;
        expected.push(local_s(engine, profile, &pair)?);
        apply(engine, &mut matchers, &[], now)?;
    }
    // This process's own background work (the hierarchy's order its closures started) ends
    // before the server is measured.
    engine.customize_now(profile)?;
    outln!(
        "closures over HTTP at {addr} ({profile}): probe route {open:.1} s open; {runs} runs each"
    );
    for (closures, &closed) in sets.iter().zip(&expected) {
        for run in 1..=runs.max(1) {
            let t0 = Instant::now();
            let mut ids = Vec::with_capacity(closures.len());
            for c in closures {
                let (status, v) = request(addr, "POST", "/v1/closures", token, Some(&body_of(c)?))?;
                ensure!(status == 201, "POST /v1/closures: {status} {v}");
                ids.push(v["id"].as_i64().context("a closure id")?);
            }
            let posted = t0.elapsed().as_secs_f64();
            let (avoided, polls) = until_route(addr, token, profile, &pair, closed, t0)?;
            let metric = until_customized(addr, token, profile, t0)?;
            let t1 = Instant::now();
            for id in &ids {
                let (status, v) =
                    request(addr, "DELETE", &format!("/v1/closures/{id}"), token, None)?;
                ensure!(status < 300, "DELETE /v1/closures/{id}: {status} {v}");
            }
            let (reopened, _) = until_route(addr, token, profile, &pair, open, t1)?;
            until_customized(addr, token, profile, t1)?;
            outln!(
                "{:>3} closures run {run}: posted {:.1} ms; route avoids them {:.1} ms after the first POST ({polls} polls, {open:.1} -> {closed:.1} s); metric in use {:.1} ms; lifted, open route back {:.1} ms",
                closures.len(),
                posted * 1e3,
                avoided * 1e3,
                metric * 1e3,
                reopened * 1e3
            );
        }
    }
    Ok(())
}
