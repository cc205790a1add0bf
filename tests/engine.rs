//! Integration tests of the engine crate, on the real extracts and instances.

#[path = "support/mod.rs"]
mod support;

#[test]
fn data_lookup_finds_monaco_or_skips() {
    if let Some(p) = support::osm("monaco-2023-12-26.osm.pbf") {
        assert!(std::fs::metadata(p).unwrap().len() > 100_000);
    }
}

#[path = "engine/spatial.rs"]
mod spatial;
#[path = "engine/spatial_deferred.rs"]
mod spatial_deferred;

#[path = "engine/trip.rs"]
mod trip;

#[path = "engine/trips.rs"]
mod trips;

#[path = "engine/board_live.rs"]
mod board_live;
#[path = "engine/candidates.rs"]
mod candidates;
#[path = "engine/cch.rs"]
mod cch;
#[path = "engine/closures.rs"]
mod closures;
#[path = "engine/geocode.rs"]
mod geocode;
#[path = "engine/graph.rs"]
mod graph;
#[path = "engine/guidance.rs"]
mod guidance;
#[path = "engine/isochrone.rs"]
mod isochrone;
#[path = "engine/ortec.rs"]
mod ortec;
#[path = "engine/osm.rs"]
mod osm;
#[path = "../benches/points.rs"]
mod points;
#[path = "engine/reachability.rs"]
mod reachability;
#[path = "engine/routing.rs"]
mod routing;
#[path = "engine/solver_matrix.rs"]
mod solver_matrix;
#[path = "engine/straight.rs"]
mod straight;
#[path = "engine/turns.rs"]
mod turns;
#[path = "engine/vrp.rs"]
mod vrp;
#[path = "engine/vrp_construct.rs"]
mod vrp_construct;
#[path = "engine/vrp_initial.rs"]
mod vrp_initial;
#[path = "engine/vrp_local.rs"]
mod vrp_local;
#[path = "engine/vrp_solver.rs"]
mod vrp_solver;
