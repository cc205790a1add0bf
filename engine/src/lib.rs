//! # vmeste engine
//!
//! Plans who goes where, and by which road, for a volunteer mutual-aid campaign: reads
//! OpenStreetMap road networks, indexes them spatially, answers routing queries on them and
//! solves multi-stop delivery routing.
//!
//! ## Code map (layers, left to right; a module uses only modules to its left)
//!
//! ```text
//! types ─ osm ─ graph ─┬─ spatial ─┬─ dispatch
//!                      └─ routing ─┤
//!                           vrp ───┘
//! ```
//!
//! - [`osm`]: `.osm.pbf` → routable ways per profile (car, bicycle, foot).
//! - [`graph`]: immutable CSR road graph per profile, components, the graph file.
//! - [`spatial`]: R-tree over road segments, snapping; H3 cells.
//! - [`routing`]: Dijkstra, contraction hierarchies, matrices, trips.
//! - [`vrp`]: the vehicle-routing model, solver and independent checker.
//! - [`geocode`]: addresses, streets and places of the extract; fuzzy search, reverse
//!   lookup, place lists (uses `osm` and `types`).
//! - [`dispatch`]: use cases that join the layers (snap, then route).
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

pub mod dispatch;
pub mod geocode;
pub mod graph;
pub mod osm;
pub mod routing;
pub mod spatial;
pub mod types;
pub mod vrp;
