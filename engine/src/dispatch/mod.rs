//! Use cases that join the layers: snap a point, then route from it.
//!
//! [`Engine`] holds one road graph per profile with its spatial index and contraction
//! hierarchy; it is built once and shared read-only (`Arc<Engine>`) by the server and the
//! CLI. Its answers ([`Route`], [`Table`], [`Trip`], [`Waypoint`]) carry no dense graph ids.
//!
//! Every query places its coordinates first: by a [`Hint`] made on the same graph, else by
//! snapping ([`SpatialIndex::snap`], or [`SpatialIndex::snap_with_bearing`] when a bearing
//! is given; radius per coordinate), then searches the hierarchy between the placed
//! [`EdgePoint`]s. A bearing that allows one direction of a two-way road only restricts the
//! point to it ([`EdgePoint::along`]); routes pass their via waypoints without U-turns when
//! asked or by the profile's default (`straight` module, [`RouteOptions`]). Searches are bounded by [`Engine::settle_limit`] and their state
//! ([`SearchSpace`]) is pooled per profile, so searching allocates nothing; the answer (legs
//! with their geometry, per-point OSM nodes, roads and intersections for guidance) is built
//! for each request.

mod closed;
mod customized;
mod error;
mod exclude;
mod hint;
mod main_network;
mod placed;
mod reach;
mod result;
mod route;
mod solver_matrix;
mod straight;
mod trip;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

pub use error::DispatchError;
pub use hint::{Hint, graph_checksum};
pub use placed::{LowerBounds, PlacedPoint, SpeedBound};
pub use result::{
    Intersection, IntersectionRoad, Leg, LegEdge, LegSegment, Location, Ring, RoadSpan, Route,
    Table, Trip, TripEnds, Waypoint,
};
pub use solver_matrix::{SolverMatrix, Unplaced};
pub use straight::{RouteOptions, continue_straight_default};

use crate::graph::RoadGraph;
use crate::osm::ExcludeSet;
use crate::routing::{
    ContractionHierarchy, Cost, EdgePoint, HubLabels, Landmarks, Path, RouteError, SearchSpace,
    TravelMatrix,
};
use crate::spatial::{Snap, SnapError, SpatialIndex};
use route::{OnEdge, assemble_leg};

/// Default bound on the nodes one search may settle: far above any route in a city-sized
/// graph, low enough to stop a runaway search.
pub const DEFAULT_SETTLE_LIMIT: usize = 50_000_000;

/// Name of the graph-file section that holds the contraction hierarchy
/// ([`ContractionHierarchy::SECTION`]).
pub const CH_SECTION: &str = ContractionHierarchy::SECTION;

/// One profile's data.
#[derive(Debug)]
struct Profile {
    /// Shared with the threads that build and customize `customized`.
    graph: Arc<RoadGraph>,
    index: SpatialIndex,
    ch: ContractionHierarchy,
    /// Hub labels of `ch`, once [`Engine::build_hub_labels`] has made them.
    labels: OnceLock<HubLabels>,
    /// Landmark lower bounds, once [`Engine::build_landmarks`] has made them.
    landmarks: OnceLock<Landmarks>,
    /// The base map, built at its first use.
    basemap: OnceLock<crate::basemap::Basemap>,
    spaces: Mutex<Vec<SearchSpace>>,
    /// [`graph_checksum`] of `graph`, stamped on hints.
    checksum: u64,
    /// The edges closed now ([`Engine::set_closed_edges`]), and the customizable hierarchy
    /// and its metrics that answer queries with closures or exclusions.
    customized: Arc<customized::Customized>,
}

/// A coordinate snapped onto a profile's graph.
#[derive(Clone, Copy, Debug)]
struct Snapped {
    snap: Snap,
    input: crate::types::LonLat,
    /// The snapped position, restricted to one direction of travel when the location's
    /// bearing allows only one.
    point: EdgePoint,
}

impl Profile {
    /// Cost of the fastest route between two points: a hub-label merge when the labels are
    /// built, else a hierarchy search: the same cost either way (a label lookup is no
    /// search, so [`Engine::settle_limit`] does not bound it). Closed edges are not
    /// considered: see `Profile::cost`.
    fn full_cost(
        &self,
        space: &mut SearchSpace,
        from: EdgePoint,
        to: EdgePoint,
    ) -> Result<Option<Cost>, RouteError> {
        match self.labels.get() {
            Some(labels) => labels.query(&self.graph, from, to),
            None => self.ch.query(&self.graph, space, from, to),
        }
    }

    /// The travel matrix between points: from hub labels when they are built and the table
    /// is small or one-sided (at most [`LABEL_MATRIX_CELLS_PER_POINT`] cells per point),
    /// else by the bucket algorithm. The same cells either way (label lookups are not
    /// searches, so [`Engine::settle_limit`] does not bound them). Closed edges are not
    /// considered: see `Profile::matrix`.
    fn full_matrix(
        &self,
        sources: &[EdgePoint],
        targets: &[EdgePoint],
        settle_limit: usize,
    ) -> Result<TravelMatrix, RouteError> {
        let cells = sources.len().saturating_mul(targets.len());
        let points = sources.len() + targets.len();
        match self.labels.get() {
            Some(labels) if cells <= LABEL_MATRIX_CELLS_PER_POINT.saturating_mul(points) => {
                labels.matrix(&self.graph, sources, targets)
            }
            _ => self.ch.matrix(&self.graph, sources, targets, settle_limit),
        }
    }
}

/// Largest number of cells per source or target for which a table is computed from hub
/// labels: one label lookup per cell against one hierarchy search per point. Measured on
/// Porto and Andorra, labels win up to about 60–190 cells per point (all one-to-many
/// tables, square ones up to about 100 × 100) and buckets beyond.
pub const LABEL_MATRIX_CELLS_PER_POINT: usize = 50;

impl Snapped {
    /// `snap` of `input`, with the directions `bearing` allows (`None`: both).
    ///
    /// Returns `None` when the bearing allows neither direction.
    fn new(snap: Snap, input: crate::types::LonLat, bearing: Option<(f64, f64)>) -> Option<Self> {
        let [along, back] = bearing.map_or([true, true], |b| snap.directions(b));
        let point = match (along, back, snap.twin) {
            (true, true, _) | (true, false, None) => EdgePoint::new(snap.edge, snap.fraction),
            (true, false, Some(_)) => EdgePoint::along(snap.edge, snap.fraction),
            (false, true, Some(twin)) => EdgePoint::along(twin, 1.0 - snap.fraction),
            (false, _, _) => return None,
        };
        Some(Self { snap, input, point })
    }

    fn point(&self) -> EdgePoint {
        self.point
    }
}

/// The routing engine: one graph per profile, read-only once built.
#[derive(Debug)]
pub struct Engine {
    profiles: BTreeMap<String, Profile>,
    settle_limit: usize,
    /// The gazetteer of the first loaded graph file that has one.
    gazetteer: Option<crate::geocode::Gazetteer>,
    /// Profiles added from now on get a [`SpatialIndex::deferred`] index.
    defer_spatial_index: bool,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl Engine {
    /// An engine with no profile.
    #[must_use]
    pub fn new() -> Self {
        Self {
            profiles: BTreeMap::new(),
            settle_limit: DEFAULT_SETTLE_LIMIT,
            gazetteer: None,
            defer_spatial_index: false,
        }
    }

    /// Profiles added from now on start without the R-tree of their spatial index
    /// ([`SpatialIndex::deferred`]): they are ready to answer sooner (on a large graph the
    /// bulk load is the largest cost of loading) and snap by scanning every road, with the
    /// same answers, until [`Engine::build_spatial_indexes`] has built the trees.
    #[must_use]
    pub fn with_deferred_spatial_indexes(mut self) -> Self {
        self.defer_spatial_index = true;
        self
    }

    /// Builds the R-tree of every profile's spatial index that has none yet (see
    /// [`Engine::with_deferred_spatial_indexes`]); the engine keeps answering meanwhile.
    /// Returns each profile's number of indexed pieces of road.
    pub fn build_spatial_indexes(&self) -> Vec<(String, usize)> {
        self.profiles
            .iter()
            .map(|(name, p)| {
                p.index.build_tree();
                (name.clone(), p.index.num_segments())
            })
            .collect()
    }

    /// `true` when every profile's spatial index has its R-tree.
    #[must_use]
    pub fn has_spatial_trees(&self) -> bool {
        self.profiles.values().all(|p| p.index.has_tree())
    }

    /// Adds a profile's graph (named by [`RoadGraph::profile`]), building its spatial index
    /// (or deferring its R-tree, see [`Engine::with_deferred_spatial_indexes`]), and its
    /// contraction hierarchy when `ch` is `None`.
    ///
    /// # Errors
    /// [`DispatchError::Internal`] when building the hierarchy fails or `ch` does not belong
    /// to `graph`; [`DispatchError::DuplicateProfile`] when the profile is already loaded.
    pub fn add_profile(
        &mut self,
        graph: RoadGraph,
        ch: Option<ContractionHierarchy>,
    ) -> Result<(), DispatchError> {
        self.refuse_duplicate(graph.profile())?;
        let ch = match ch {
            Some(ch) => ch,
            None => ContractionHierarchy::build(&graph)
                .map_err(|e| DispatchError::Internal(e.to_string()))?,
        };
        let checksum = graph_checksum(&graph);
        self.insert_profile(graph, ch, checksum)
    }

    /// [`DispatchError::DuplicateProfile`] when `profile` is already loaded: asked before
    /// anything is built for it.
    fn refuse_duplicate(&self, profile: &str) -> Result<(), DispatchError> {
        if self.profiles.contains_key(profile) {
            return Err(DispatchError::DuplicateProfile {
                profile: profile.to_owned(),
            });
        }
        Ok(())
    }

    /// Adds a profile whose hierarchy and [`graph_checksum`] are known.
    fn insert_profile(
        &mut self,
        graph: RoadGraph,
        ch: ContractionHierarchy,
        checksum: u64,
    ) -> Result<(), DispatchError> {
        self.refuse_duplicate(graph.profile())?;
        let name = graph.profile().to_owned();
        let start = std::time::Instant::now();
        let graph = Arc::new(graph);
        let index = if self.defer_spatial_index {
            SpatialIndex::deferred(Arc::clone(&graph))
        } else {
            SpatialIndex::new(&graph)
        };
        tracing::debug!(
            profile = name,
            seconds = start.elapsed().as_secs_f64(),
            deferred = self.defer_spatial_index,
            "spatial index made"
        );
        self.profiles.insert(
            name,
            Profile {
                graph,
                index,
                ch,
                labels: OnceLock::new(),
                landmarks: OnceLock::new(),
                basemap: OnceLock::new(),
                spaces: Mutex::new(Vec::new()),
                checksum,
                customized: Arc::default(),
            },
        );
        Ok(())
    }

    /// Loads a graph file (written by `vmeste import`) as a profile, named by the profile
    /// recorded in the file. The contraction hierarchy is read from the file's
    /// [`CH_SECTION`] section, or built now when the file has none. The first file with a
    /// gazetteer section ([`crate::geocode::SECTION`]) gives [`Engine::gazetteer`] (the
    /// files of one extract all carry the same). Returns the profile name.
    ///
    /// # Errors
    /// [`DispatchError::File`] for an unreadable or corrupt file, [`DispatchError::Internal`]
    /// for a corrupt hierarchy or gazetteer section, [`DispatchError::DuplicateProfile`].
    pub fn add_graph_file(&mut self, path: &std::path::Path) -> Result<String, DispatchError> {
        let start = std::time::Instant::now();
        let file = crate::graph::file::read(path)?;
        tracing::debug!(
            file = %path.display(),
            seconds = start.elapsed().as_secs_f64(),
            "graph file read and verified"
        );
        self.refuse_duplicate(file.graph.profile())?;
        let start = std::time::Instant::now();
        let corrupt =
            |e: &dyn std::fmt::Display| DispatchError::Internal(format!("{}: {e}", path.display()));
        // The hierarchy is verified on one core while the rest is read on the other.
        let (ch, (gazetteer, checksum)) = rayon::join(
            || {
                file.section(CH_SECTION)
                    .map(|bytes| ContractionHierarchy::from_bytes(bytes, &file.graph))
                    .transpose()
            },
            || {
                let gazetteer = match file.section(crate::geocode::SECTION) {
                    Some(bytes) if self.gazetteer.is_none() => {
                        Some(crate::geocode::Gazetteer::from_bytes(bytes))
                    }
                    _ => None,
                };
                (gazetteer.transpose(), graph_checksum(&file.graph))
            },
        );
        let ch = ch.map_err(|e| corrupt(&e))?;
        let gazetteer = gazetteer.map_err(|e| corrupt(&e))?;
        tracing::debug!(
            file = %path.display(),
            seconds = start.elapsed().as_secs_f64(),
            "hierarchy and gazetteer read and verified"
        );
        let name = file.graph.profile().to_owned();
        let ch = match ch {
            Some(ch) => ch,
            None => ContractionHierarchy::build(&file.graph)
                .map_err(|e| DispatchError::Internal(e.to_string()))?,
        };
        self.insert_profile(file.graph, ch, checksum)?;
        if gazetteer.is_some() {
            self.gazetteer = gazetteer;
        }
        Ok(name)
    }

    /// Builds the hub labels of every profile that has none yet ([`HubLabels`]), so that
    /// cost-only answers (legs without geometry, steps or annotations, the choice of
    /// directions at via waypoints, and small or one-sided tables and trips) are label
    /// lookups instead of searches. A profile whose labels would hold more than
    /// `max_entries` entries (12 bytes each) keeps searching its hierarchy. Answers are the
    /// same with or without labels (except that lookups, being no searches, are not bounded
    /// by [`Engine::settle_limit`]), so this can run on a background thread while the engine
    /// serves. Returns each profile's outcome: the labels' size in bytes, or why there are
    /// none.
    pub fn build_hub_labels(
        &self,
        max_entries: usize,
    ) -> Vec<(String, Result<usize, DispatchError>)> {
        self.profiles
            .iter()
            .map(|(name, p)| {
                let out = match p.labels.get() {
                    Some(l) => Ok(l.heap_bytes()),
                    None => HubLabels::build(&p.ch, max_entries)
                        .map(|l| p.labels.get_or_init(|| l).heap_bytes())
                        .map_err(route_error),
                };
                (name.clone(), out)
            })
            .collect()
    }

    /// Builds the landmark lower bounds ([`Landmarks`], `count` landmarks) of every profile
    /// that has none yet, for [`Engine::lower_bounds`]. Like hub labels, this can run on a
    /// background thread while the engine serves. Returns each profile's table size in bytes.
    pub fn build_landmarks(&self, count: usize) -> Vec<(String, usize)> {
        self.profiles
            .iter()
            .map(|(name, p)| {
                let l = p
                    .landmarks
                    .get_or_init(|| Landmarks::build(&p.graph, count));
                (name.clone(), l.heap_bytes())
            })
            .collect()
    }

    /// `true` when `profile` answers cost-only queries from hub labels.
    #[must_use]
    pub fn has_hub_labels(&self, profile: &str) -> bool {
        self.profiles
            .get(profile)
            .is_some_and(|p| p.labels.get().is_some())
    }

    /// Sets the bound on nodes settled per search.
    #[must_use]
    pub fn with_settle_limit(mut self, limit: usize) -> Self {
        self.settle_limit = limit;
        self
    }

    /// The bound on nodes settled per search.
    #[must_use]
    pub fn settle_limit(&self) -> usize {
        self.settle_limit
    }

    /// Names of the loaded profiles, sorted.
    #[must_use]
    pub fn profiles(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }

    /// `true` when `profile` is loaded.
    #[must_use]
    pub fn has_profile(&self, profile: &str) -> bool {
        self.profiles.contains_key(profile)
    }

    /// The gazetteer (addresses, streets, places) of the loaded graph files, if any has one.
    #[must_use]
    pub fn gazetteer(&self) -> Option<&crate::geocode::Gazetteer> {
        self.gazetteer.as_ref()
    }

    /// The base map of a profile ([`crate::basemap`]), with the gazetteer's places; built
    /// at the first call (a fraction of a second on a city's graph), then shared.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`].
    pub fn basemap(&self, profile: &str) -> Result<&crate::basemap::Basemap, DispatchError> {
        let p = self.profile(profile)?;
        Ok(p.basemap.get_or_init(|| {
            let places = self
                .gazetteer
                .as_ref()
                .and_then(|g| g.places(None, None, crate::geocode::MAX_PLACES_LIMIT).ok())
                .unwrap_or_default();
            crate::basemap::Basemap::new(&p.graph, places)
        }))
    }

    /// The graph of a profile.
    #[must_use]
    pub fn graph(&self, profile: &str) -> Option<&RoadGraph> {
        self.profiles.get(profile).map(|p| &*p.graph)
    }

    fn profile(&self, profile: &str) -> Result<&Profile, DispatchError> {
        self.profiles
            .get(profile)
            .ok_or_else(|| DispatchError::UnknownProfile {
                profile: profile.to_owned(),
            })
    }

    /// Runs `f` with a search space of `p` taken from its pool (and put back after).
    fn with_space<T>(&self, p: &Profile, f: impl FnOnce(&mut SearchSpace) -> T) -> T {
        let pooled = p.spaces.lock().map(|mut v| v.pop()).unwrap_or(None);
        let mut space = pooled.unwrap_or_else(|| SearchSpace::new(p.graph.num_nodes()));
        space.set_settle_limit(self.settle_limit);
        let out = f(&mut space);
        if let Ok(mut v) = p.spaces.lock() {
            v.push(space);
        }
        out
    }

    fn snap_one(p: &Profile, index: usize, loc: Location) -> Result<Snapped, DispatchError> {
        let pos = loc.position;
        // A hint made on this graph places the point without a search (OSRM ignores a hint
        // from another dataset, and so do we).
        if let Some(h) = loc.hint.filter(|h| h.graph == p.checksum) {
            let hinted = p.index.snap_at(
                h.edge,
                h.segment,
                h.location,
                (pos.lon, pos.lat),
                loc.radius_m,
            );
            // A hinted road that does not run the way of the bearing is snapped afresh.
            let hinted = hinted.map_err(|e| snap_error(index, &e))?;
            if let Some(s) = hinted.and_then(|snap| Snapped::new(snap, pos, loc.bearing)) {
                return Ok(s);
            }
        }
        let snap = match loc.bearing {
            Some(b) => p.index.snap_with_bearing(pos.lon, pos.lat, loc.radius_m, b),
            None => p.index.snap(pos.lon, pos.lat, loc.radius_m),
        }
        .map_err(|e| snap_error(index, &e))?;
        Snapped::new(snap, pos, loc.bearing).ok_or_else(|| {
            DispatchError::Internal("a snap with a bearing allows no direction".into())
        })
    }

    fn waypoint(p: &Profile, s: &Snapped) -> Waypoint {
        let g = &p.graph;
        let e = s.snap.edge;
        Waypoint {
            input: s.input,
            location: s.snap.location,
            distance_m: s.snap.distance_m,
            name: g.edge_name(e).to_owned(),
            nodes: [g.node_osm_id(g.edge_tail(e)), g.node_osm_id(g.edge_head(e))],
            hint: Hint {
                edge: e,
                segment: s.snap.segment,
                location: s.snap.location,
                graph: p.checksum,
            },
        }
    }

    /// Snaps one location onto the profile's roads.
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`], [`DispatchError::InvalidCoordinate`],
    /// [`DispatchError::InvalidRadius`], [`DispatchError::NoSegment`] (no road within the
    /// radius; the message names the distance to the nearest road).
    pub fn snap(&self, profile: &str, loc: Location) -> Result<Waypoint, DispatchError> {
        let p = self.profile(profile)?;
        let s = Self::snap_one(p, 0, loc)?;
        Ok(Self::waypoint(p, &s))
    }

    /// The nearest position on each of the `k` nearest roads, nearest first (OSRM's
    /// `nearest`); with a bearing, among the roads that run that way.
    ///
    /// # Errors
    /// As [`Engine::snap`].
    pub fn nearest(
        &self,
        profile: &str,
        loc: Location,
        k: usize,
    ) -> Result<Vec<Waypoint>, DispatchError> {
        let p = self.profile(profile)?;
        let pos = loc.position;
        let snaps = match loc.bearing {
            Some(b) => p
                .index
                .nearest_with_bearing(pos.lon, pos.lat, k, loc.radius_m, b),
            None => p.index.nearest(pos.lon, pos.lat, k, loc.radius_m),
        }
        .map_err(|e| snap_error(0, &e))?;
        Ok(snaps
            .into_iter()
            .filter_map(|snap| Snapped::new(snap, pos, loc.bearing))
            .map(|s| Self::waypoint(p, &s))
            .collect())
    }

    /// Snaps every location, after checking there are at least `needed`.
    fn snap_at_least(
        p: &Profile,
        locs: &[Location],
        needed: usize,
    ) -> Result<Vec<Snapped>, DispatchError> {
        if locs.len() < needed {
            return Err(DispatchError::TooFewCoordinates {
                needed,
                given: locs.len(),
            });
        }
        Self::snap_all(p, locs)
    }

    fn snap_all(p: &Profile, locs: &[Location]) -> Result<Vec<Snapped>, DispatchError> {
        locs.iter()
            .enumerate()
            .map(|(i, &l)| Self::snap_one(p, i, l))
            .collect()
    }

    /// The leg along `path` from `a` to `b`.
    fn leg(
        p: &Profile,
        a: &Snapped,
        b: &Snapped,
        path: &Path,
        guidance: bool,
    ) -> Result<Leg, DispatchError> {
        let g = &p.graph;
        // The path may leave or reach a point along the twin of the snapped edge.
        let on = |s: &Snapped, e: Option<&crate::types::EdgeId>| -> OnEdge {
            let e = e.copied().unwrap_or(s.snap.edge);
            let fraction = if e == s.snap.edge {
                s.snap.fraction
            } else {
                1.0 - s.snap.fraction
            };
            OnEdge {
                edge: e,
                fraction,
                point: s.snap.location,
            }
        };
        let from = on(a, path.edges.first());
        let to = on(b, path.edges.last());
        let mut leg = assemble_leg(g, from, to, &path.edges, guidance).ok_or_else(|| {
            DispatchError::Internal("route path does not join its end points".into())
        })?;
        // The search's totals are authoritative (they match tables to the decisecond);
        // spread the rounding difference over the segments.
        scale_leg(
            &mut leg,
            f64::from(path.distance.0),
            path.duration.as_secs_f64(),
        );
        Ok(leg)
    }

    /// The fastest route through the locations in order, with the profile's default for
    /// U-turns at via waypoints ([`continue_straight_default`]).
    ///
    /// # Errors
    /// As [`Engine::route_with`].
    pub fn route(&self, profile: &str, locs: &[Location]) -> Result<Route, DispatchError> {
        self.route_with(profile, locs, RouteOptions::default())
    }

    /// The fastest route through the locations in order. With `continue_straight` the route
    /// passes each via waypoint in one direction of its road (no U-turn there; see
    /// [`RouteOptions`]), else each leg is the fastest on its own. A location's bearing
    /// restricts the directions it may be left or reached in.
    ///
    /// # Errors
    /// As [`Engine::snap`] for each location; [`DispatchError::TooFewCoordinates`] for fewer
    /// than two; [`DispatchError::NoRoute`] when a leg has no route;
    /// [`DispatchError::LimitExceeded`] when a search exceeds the settle limit.
    pub fn route_with(
        &self,
        profile: &str,
        locs: &[Location],
        opts: RouteOptions,
    ) -> Result<Route, DispatchError> {
        let p = self.profile(profile)?;
        let roads = self.roads(p, opts.exclude)?;
        let mut snapped = Self::snap_at_least(p, locs, 2)?;
        roads.reopen(locs, &mut snapped)?;
        let order: Vec<usize> = (0..snapped.len()).collect();
        let straight = opts
            .continue_straight
            .unwrap_or_else(|| continue_straight_default(profile));
        self.route_through(&roads, &snapped, &order, straight, opts)
    }

    /// The route visiting `snapped[order[0]]`, `snapped[order[1]]`, …, without U-turns at
    /// the via waypoints when `straight`, with what `opts` asks of the legs (intersections
    /// and rings unless `without_guidance`; only totals with `totals_only`).
    fn route_through(
        &self,
        roads: &exclude::Roads<'_>,
        snapped: &[Snapped],
        order: &[usize],
        straight: bool,
        opts: RouteOptions,
    ) -> Result<Route, DispatchError> {
        let p = roads.p;
        let guidance = !opts.without_guidance;
        let legs = self.with_space(p, |space| {
            if straight && straight::has_two_way_via(p, snapped, order) {
                let paths = straight::paths(roads, space, snapped, order)?;
                return order
                    .windows(2)
                    .zip(&paths)
                    .map(|(w, path)| Self::leg(p, &snapped[w[0]], &snapped[w[1]], path, guidance))
                    .collect::<Result<Vec<Leg>, DispatchError>>();
            }
            order
                .windows(2)
                .map(|w| {
                    let (a, b) = (&snapped[w[0]], &snapped[w[1]]);
                    let no_route = DispatchError::NoRoute {
                        from: w[0],
                        to: w[1],
                    };
                    if opts.totals_only {
                        let cost = roads
                            .cost(space, a.point(), b.point())
                            .map_err(route_error)?
                            .ok_or(no_route)?;
                        return Ok(Leg::totals(
                            a.snap.location,
                            b.snap.location,
                            f64::from(cost.distance.0),
                            cost.duration.as_secs_f64(),
                        ));
                    }
                    let path = roads
                        .route(space, a.point(), b.point())
                        .map_err(route_error)?;
                    let path = path.ok_or(no_route)?;
                    Self::leg(p, a, b, &path, guidance)
                })
                .collect::<Result<Vec<Leg>, DispatchError>>()
        })?;
        let waypoints = order
            .iter()
            .map(|&i| Self::waypoint(p, &snapped[i]))
            .collect();
        Ok(Route { waypoints, legs })
    }

    /// Travel times and distances from each of `sources` to each of `destinations`
    /// (indices into `locs`); unreachable cells are `None`.
    ///
    /// # Errors
    /// As [`Engine::snap`] for each location; [`DispatchError::IndexOutOfRange`];
    /// [`DispatchError::Internal`] when a search exceeds the settle limit or the matrix does
    /// not fit in memory.
    pub fn table(
        &self,
        profile: &str,
        locs: &[Location],
        sources: &[usize],
        destinations: &[usize],
    ) -> Result<Table, DispatchError> {
        self.table_with(profile, locs, sources, destinations, ExcludeSet::EMPTY)
    }

    /// As [`Engine::table`], on the roads left when the classes of `exclude` are taken out.
    ///
    /// # Errors
    /// As [`Engine::table`]; [`DispatchError::ExcludeNotSupported`] for a class the profile
    /// does not declare.
    pub fn table_with(
        &self,
        profile: &str,
        locs: &[Location],
        sources: &[usize],
        destinations: &[usize],
        exclude: ExcludeSet,
    ) -> Result<Table, DispatchError> {
        let p = self.profile(profile)?;
        let roads = self.roads(p, exclude)?;
        for (what, list) in [("source", sources), ("destination", destinations)] {
            if let Some(&index) = list.iter().find(|&&i| i >= locs.len()) {
                return Err(DispatchError::IndexOutOfRange {
                    what,
                    index,
                    count: locs.len(),
                });
            }
        }
        let mut snapped = Self::snap_all(p, locs)?;
        roads.reopen(locs, &mut snapped)?;
        let pick = |list: &[usize]| -> Vec<EdgePoint> {
            list.iter().map(|&i| snapped[i].point()).collect()
        };
        let m = roads
            .matrix(&pick(sources), &pick(destinations), self.settle_limit)
            .map_err(route_error)?;
        let mut durations_s = Vec::with_capacity(sources.len() * destinations.len());
        let mut distances_m = Vec::with_capacity(sources.len() * destinations.len());
        for i in 0..sources.len() {
            for j in 0..destinations.len() {
                let cell = m.get(i, j);
                durations_s.push(cell.map(|(d, _)| d.as_secs_f64()));
                distances_m.push(cell.map(|(_, m)| f64::from(m.0)));
            }
        }
        let wps = |list: &[usize]| {
            list.iter()
                .map(|&i| Self::waypoint(p, &snapped[i]))
                .collect()
        };
        Ok(Table {
            sources: wps(sources),
            destinations: wps(destinations),
            durations_s,
            distances_m,
        })
    }
}

/// Scales a leg's segments so that they sum to the given totals.
fn scale_leg(leg: &mut Leg, distance_m: f64, duration_s: f64) {
    let fd = if leg.distance_m > 0.0 {
        distance_m / leg.distance_m
    } else {
        0.0
    };
    let ft = if leg.duration_s > 0.0 {
        duration_s / leg.duration_s
    } else {
        0.0
    };
    for s in &mut leg.segments {
        s.distance_m *= fd;
        s.duration_s *= ft;
    }
    leg.distance_m = distance_m;
    leg.duration_s = duration_s;
}

fn snap_error(index: usize, e: &SnapError) -> DispatchError {
    match *e {
        SnapError::InvalidCoordinate { lon, lat } => {
            DispatchError::InvalidCoordinate { index, lon, lat }
        }
        SnapError::InvalidRadius { radius_m } => DispatchError::InvalidRadius {
            index,
            radius: radius_m,
        },
        SnapError::TooFar { .. } | SnapError::EmptyGraph | SnapError::NoRoadWithBearing { .. } => {
            DispatchError::NoSegment {
                index,
                reason: e.to_string(),
            }
        }
    }
}

fn route_error(e: RouteError) -> DispatchError {
    match e {
        RouteError::LimitExceeded { .. } | RouteError::TooLarge { .. } => {
            DispatchError::LimitExceeded(e.to_string())
        }
        other => DispatchError::Internal(other.to_string()),
    }
}

#[cfg(test)]
#[path = "dispatch_tests.rs"]
mod tests;
