//! Integration tests of the `vmeste` binary and the HTTP server.

#[path = "support/mod.rs"]
mod support;

#[path = "server/cli_route.rs"]
mod cli_route;
#[path = "server/http_golden.rs"]
mod http_golden;
#[path = "server/http_hostile.rs"]
mod http_hostile;
#[path = "server/http_ops.rs"]
mod http_ops;
#[path = "server/http_oracle.rs"]
mod http_oracle;
#[path = "server/http_osrm.rs"]
mod http_osrm;
#[path = "server/http_support.rs"]
mod http_support;

#[test]
fn vmeste_help_runs() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmeste"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("vmeste"));
}
#[path = "server/cli_import.rs"]
mod cli_import;

#[path = "server/cli_geocode.rs"]
mod cli_geocode;

#[path = "server/cli_bench_routing.rs"]
mod cli_bench_routing;
#[path = "server/cli_solve.rs"]
mod cli_solve;
#[path = "server/http_guard.rs"]
mod http_guard;
#[path = "server/http_guidance.rs"]
mod http_guidance;
#[path = "server/http_straight.rs"]
mod http_straight;
