//! Integration tests of the `vmeste` binary and the HTTP server.

#[path = "support/mod.rs"]
mod support;

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

#[path = "server/cli_solve.rs"]
mod cli_solve;
