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
//! - [`basemap`]: what a Web-Mercator map tile of a graph shows: roads by class, names and
//!   places, clipped and simplified (uses `graph` and `geocode`'s places).
//! - [`dispatch`]: use cases that join the layers (snap, then route).
//! - [`candidates`]: above `dispatch`: live volunteer positions, "who can go now" ranked by
//!   road time, H3 coverage.
//! - [`reachability`]: above `dispatch`: road time from an origin to many points, and why
//!   a point cannot be reached (no road, island, ferry, other mode).
//! - [`isochrone`]: above `dispatch`: areas reachable within given times from one point
//!   or from the nearest of several (PHAST one-to-all search, marching squares).
//! - [`trips`]: above `reachability`: multi-day trips to remote settlements (nights at
//!   home, at a settlement or at lodging points), with a checker and a brute-force reference.
//! - [`closures`]: roads closed at run time (by way, line or polygon, for a time) and the
//!   closed edges each profile's routing avoids.
//! - [`board`]: the dispatch board (headquarters, volunteers, requests, roles, events) over a
//!   [`board::Store`].
//!
//! ## Cargo features
//!
//! - `openapi`: derives `utoipa::ToSchema` for the board's records, so the server's
//!   OpenAPI document is generated from the same types it sends.
#![cfg_attr(not(test), warn(clippy::print_stdout, clippy::print_stderr))]

pub mod basemap;
pub mod board;
pub mod candidates;
pub mod closures;
pub mod dispatch;
pub mod geocode;
pub mod graph;
pub mod isochrone;
pub mod osm;
pub mod reachability;
pub mod routing;
pub mod spatial;
pub mod trips;
pub mod types;
pub mod vrp;
