//! Integration tests of the `vmeste` binary and the HTTP server.

#[path = "support/mod.rs"]
mod support;

#[path = "server/cli_route.rs"]
mod cli_route;
#[path = "server/http_exclude.rs"]
mod http_exclude;
#[path = "server/http_golden.rs"]
mod http_golden;
#[path = "server/http_hostile.rs"]
mod http_hostile;
#[path = "server/http_isochrone.rs"]
mod http_isochrone;
#[path = "server/http_ops.rs"]
mod http_ops;
#[path = "server/http_oracle.rs"]
mod http_oracle;
#[path = "server/http_osrm.rs"]
mod http_osrm;
#[path = "server/http_support.rs"]
mod http_support;
#[path = "server/http_tiles.rs"]
mod http_tiles;

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
#[path = "server/cli_import_csv.rs"]
mod cli_import_csv;
#[path = "server/cli_ortec.rs"]
mod cli_ortec;
#[path = "server/cli_solve.rs"]
mod cli_solve;
#[path = "server/cli_token.rs"]
mod cli_token;
#[path = "server/cli_vroom.rs"]
mod cli_vroom;
#[path = "server/faults.rs"]
mod faults;
#[path = "server/graph_reload.rs"]
mod graph_reload;
#[path = "server/http_guard.rs"]
mod http_guard;
#[path = "server/http_guidance.rs"]
mod http_guidance;
#[path = "server/http_page.rs"]
mod http_page;
#[path = "server/http_slow_clients.rs"]
mod http_slow_clients;
#[path = "server/http_straight.rs"]
mod http_straight;
#[path = "server/http_vroom.rs"]
mod http_vroom;
#[path = "server/http_vroom_plan.rs"]
mod http_vroom_plan;
#[path = "server/osrm_main_network.rs"]
mod osrm_main_network;
#[path = "server/store_conformance.rs"]
mod store_conformance;
#[path = "server/store_durability.rs"]
mod store_durability;
#[path = "server/store_support.rs"]
mod store_support;
#[path = "server/v1_candidates.rs"]
mod v1_candidates;
#[path = "server/v1_closures.rs"]
mod v1_closures;
#[path = "server/v1_durability.rs"]
mod v1_durability;
#[path = "server/v1_events.rs"]
mod v1_events;
#[path = "server/v1_exclude.rs"]
mod v1_exclude;
#[path = "server/v1_hostile.rs"]
mod v1_hostile;
#[path = "server/v1_lifecycle.rs"]
mod v1_lifecycle;
#[path = "server/v1_plans.rs"]
mod v1_plans;
#[path = "server/v1_positions.rs"]
mod v1_positions;
#[path = "server/v1_reachability.rs"]
mod v1_reachability;
#[path = "server/v1_roles.rs"]
mod v1_roles;
#[path = "server/v1_support.rs"]
mod v1_support;
#[path = "server/v1_trips.rs"]
mod v1_trips;
