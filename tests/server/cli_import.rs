//! `vmeste import`, `vmeste info` and `vmeste bench import` as a user runs them.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "test code"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support;

pub(crate) fn vmeste(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .output()
        .unwrap()
}

pub(crate) fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("vmeste-cli-{}-{name}", std::process::id()))
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Fails with a non-zero status and exactly one line on stderr that contains `needle`.
pub(crate) fn assert_one_line_error(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{err}");
}

/// `vmeste serve` on a damaged graph file stops at start-up with a clear message, and never
/// serves from the half-read file (it exits within seconds instead of listening).
fn serve_refuses(graph: &Path, needle: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(["serve", "--graph", s(graph), "--store", "none"])
        .args(["--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().ok();
            panic!("vmeste serve kept running on a damaged graph file");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!status.success(), "{err}");
    assert!(err.contains(needle), "{err}");
}

#[test]
fn import_then_info() {
    let Some(pbf) = support::osm("monaco-2023-12-26.osm.pbf") else {
        return;
    };
    let out_file = tmp("monaco-foot.graph");
    let out = vmeste(&["import", s(&pbf), "--profile", "foot", "-o", s(&out_file)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = String::from_utf8_lossy(&out.stdout);
    assert_eq!(summary.lines().count(), 1, "{summary}");
    for word in [
        "nodes",
        "edges",
        "components",
        "largest",
        "% of nodes",
        " s,",
        "peak memory",
    ] {
        assert!(summary.contains(word), "{word}: {summary}");
    }
    // Not a terminal: no progress bar on stderr.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let info = vmeste(&["info", s(&out_file)]);
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.status.success(),
        "{}",
        String::from_utf8_lossy(&info.stderr)
    );
    assert!(text.contains("profile: foot"), "{text}");
    assert!(
        text.contains("1fdee8b72c48f932cab3aa9f1f74f87dfd954509a3b47cb932556d827189b97c"),
        "{text}"
    );

    let mut bytes = std::fs::read(&out_file).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 1;
    let damaged = tmp("damaged.graph");
    std::fs::write(&damaged, &bytes).unwrap();
    assert_one_line_error(&vmeste(&["info", s(&damaged)]), "checksum");
    serve_refuses(&damaged, "checksum");
    std::fs::write(&damaged, &bytes[..mid]).unwrap();
    assert!(!vmeste(&["info", s(&damaged)]).status.success());
    serve_refuses(&damaged, "damaged.graph");
    assert_one_line_error(&vmeste(&["info", s(&tmp("absent.graph"))]), "absent.graph");
    std::fs::remove_file(&damaged).ok();
    std::fs::remove_file(&out_file).ok();
}

#[test]
fn import_errors_are_one_line() {
    let out = tmp("never-written.graph");
    assert_one_line_error(
        &vmeste(&["import", "/nonexistent/x.osm.pbf", "-o", s(&out)]),
        "no such file",
    );

    let text = tmp("not-a-pbf.osm.pbf");
    std::fs::write(&text, "<osm version='0.6'></osm>\n").unwrap();
    assert_one_line_error(
        &vmeste(&["import", s(&text), "-o", s(&out)]),
        "not an OSM PBF",
    );
    std::fs::remove_file(&text).ok();

    let Some(pbf) = support::osm("kotka-karhula-2019-04.osm.pbf") else {
        return;
    };
    let bytes = std::fs::read(&pbf).unwrap();
    let cut = tmp("half.osm.pbf");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    assert_one_line_error(&vmeste(&["import", s(&cut), "-o", s(&out)]), "truncated");
    std::fs::write(&cut, &bytes[..support::first_pbf_frame_len(&bytes)]).unwrap();
    assert_one_line_error(
        &vmeste(&["import", s(&cut), "-o", s(&out)]),
        "no routable roads",
    );
    std::fs::remove_file(&cut).ok();

    assert_one_line_error(
        &vmeste(&["import", s(&pbf), "--profile", "boat", "-o", s(&out)]),
        "unknown profile",
    );
    assert!(!out.exists());
}

#[test]
fn bench_import_reports_times_and_sizes() {
    let Some(pbf) = support::osm("kotka-karhula-2019-04.osm.pbf") else {
        return;
    };
    let out = vmeste(&[
        "bench",
        "import",
        s(&pbf),
        "--profile",
        "bicycle",
        "--runs",
        "2",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for word in ["import", "load", "file", "bytes", "peak memory"] {
        assert!(text.contains(word), "{word}: {text}");
    }
}
