//! `vmeste bench vrp --set ortec` and `vmeste bench dispatch` through the built binary: the
//! output shape (one line per instance, a summary line) on the smallest real instance.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::process::Command;

use crate::support;

fn run(args: &[&str]) -> String {
    let data = support::vrp("ortec").unwrap();
    let data = data.parent().unwrap().to_str().unwrap().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .args(args)
        .args(["--data", &data])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bench_vrp_ortec_prints_one_line_per_instance_and_a_summary() {
    if support::vrp("ortec").is_none() {
        return;
    }
    let out = run(&[
        "bench",
        "vrp",
        "--set",
        "ortec",
        "--time-limit",
        "0.3",
        "--instances",
        "1",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].starts_with("instance"), "{out}");
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(row[0], "ORTEC-VRPTW-ASYM-cc05bba4-d1-n200-k15");
    assert_eq!(row[1], "200");
    assert_eq!(row[3], "121959");
    assert!(
        row[2].parse::<u64>().unwrap() >= 121_959 * 99 / 100,
        "{out}"
    );
    assert_eq!(row[7], "yes", "{out}");
    assert!(
        lines[2].starts_with("summary: 1 instances, 1 feasible; vmeste mean gap "),
        "{out}"
    );
}

#[test]
fn bench_dispatch_prints_each_strategy_and_a_summary() {
    if support::vrp("ortec").is_none() {
        return;
    }
    let out = run(&[
        "bench",
        "dispatch",
        "--time-limit",
        "0.1",
        "--instances",
        "1",
        "--strategies",
        "greedy,vmeste",
    ]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let head: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        head,
        [
            "case",
            "req",
            "ep",
            "greedy",
            "vmeste",
            "pub.greedy",
            "pub.lazy",
            "sec"
        ]
    );
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        row[..3],
        ["ORTEC-VRPTW-ASYM-cc05bba4-d1-n200-k15", "517", "7"]
    );
    assert!(
        row[3].parse::<u64>().is_ok() && row[4].parse::<u64>().is_ok(),
        "{out}"
    );
    assert_eq!(row[5..7], ["437154", "697334"]);
    assert!(
        lines[2].contains("every plan feasible by the replay: yes"),
        "{out}"
    );
    assert!(lines[2].contains("vmeste vs greedy"), "{out}");
}
