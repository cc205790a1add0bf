//! vmeste's command-line tool and HTTP server, on top of the `engine` crate.

pub mod cli;
pub mod demo;
pub mod http;
pub mod isochrone_geojson;
pub mod reachability;
pub mod store;
pub mod trips;
pub mod vroom;
