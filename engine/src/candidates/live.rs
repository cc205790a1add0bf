//! The last known position of each volunteer, snapped onto their mode's road graph when it
//! is reported, in one R-tree per profile.
//!
//! Positions are indexed as points in 3-D Earth-centred coordinates (metres on a sphere of
//! [`EARTH_RADIUS_M`]): the straight-line (chord) distance between two such points grows
//! with their great-circle distance, so the R-tree's nearest-neighbour order is the order of
//! great-circle distance anywhere on Earth, with no projection to choose. The tree holds the
//! *snapped* position (on the road), which is where road times start.
//!
//! An update validates the position, snaps it once ([`Engine::place`], within
//! [`LivePositions::radius_m`]) and moves the volunteer's point: `O(log n)` for the tree plus
//! one snap. A position far from every road of its profile is kept, flagged
//! [`Placement::Unsnappable`], and stays out of the tree; one on a profile the engine does
//! not have is flagged [`Placement::NoGraph`]. Reports older than the stored one are
//! ignored, so out-of-order deliveries do not move a volunteer back.
//!
//! Updates take `&mut self` and queries `&self`: the server keeps it behind a `RwLock`.

use std::collections::BTreeMap;

use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::CandidatesError;
use super::ids::{IdMap, id_map};
use crate::dispatch::{DispatchError, Engine, Location, PlacedPoint, SpeedBound};
use crate::types::{EARTH_RADIUS_M, LonLat};

/// Default snapping radius of reported positions (and of tasks), in metres: a volunteer
/// farther than this from every road of their mode is flagged unsnappable.
pub const DEFAULT_POSITION_RADIUS_M: f64 = 1_000.0;

/// Where a reported position stands on its profile's road graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Placement {
    /// Snapped onto a road of the profile.
    Placed(PlacedPoint),
    /// No road of the profile within the radius (at sea, far inside a park).
    Unsnappable,
    /// The engine has no graph for the profile.
    NoGraph,
}

/// A volunteer's last reported position.
#[derive(Clone, Debug, PartialEq)]
pub struct LivePosition {
    /// The mode it was reported under (an engine profile name).
    pub profile: String,
    /// The position as reported.
    pub position: LonLat,
    /// When it was reported, in Unix seconds.
    pub at_unix_s: i64,
    /// Where it stands on the profile's graph.
    pub placement: Placement,
}

/// An R-tree point: Earth-centred coordinates of a snapped position, with the volunteer.
type TreePoint = GeomWithData<[f64; 3], i64>;

/// One profile's tree, and what was known of its graph when the tree was started.
#[derive(Debug)]
struct ProfileTree {
    tree: RTree<TreePoint>,
    /// [`Engine::checksum`] of the graph the positions were snapped on.
    checksum: u64,
    /// [`Engine::speed_bound`] of that graph.
    speed_bound: SpeedBound,
}

/// The last known positions of volunteers, per profile, with their snaps.
///
/// # Examples
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use engine::candidates::LivePositions;
/// use engine::dispatch::Engine;
/// use engine::types::LonLat;
///
/// let mut engine = Engine::new();
/// engine.add_graph_file(std::path::Path::new("monaco-foot.vmg"))?;
/// let mut live = LivePositions::new(&engine);
/// live.update(&engine, 17, "foot", LonLat::new(7.4246, 43.7384), 1_700_000_000)?;
/// assert_eq!(live.len(), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct LivePositions {
    radius_m: f64,
    volunteers: IdMap<LivePosition>,
    /// The same volunteers in a few bytes each (profile number, placement kind): a ranking
    /// screens every volunteer, and reading this small map stays in cache where the full
    /// records would not.
    briefs: IdMap<Brief>,
    /// Profile names by number, as used in [`Brief`]s: only ever grows.
    names: Vec<String>,
    trees: BTreeMap<String, ProfileTree>,
}

/// What a ranking's screening needs of a volunteer's position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Brief {
    /// Number of the profile it was reported under ([`LivePositions::profile_number`]).
    pub(crate) profile: u32,
    /// Whether it is placed on a road of the profile.
    pub(crate) kind: BriefKind,
}

/// The kind of a [`Placement`], without the placed point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BriefKind {
    Placed,
    Unsnappable,
    NoGraph,
}

/// Earth-centred coordinates of a position, in metres.
pub(crate) fn earth_point(p: LonLat) -> [f64; 3] {
    let (lon, lat) = (p.lon.to_radians(), p.lat.to_radians());
    [
        EARTH_RADIUS_M * lat.cos() * lon.cos(),
        EARTH_RADIUS_M * lat.cos() * lon.sin(),
        EARTH_RADIUS_M * lat.sin(),
    ]
}

impl LivePositions {
    /// No positions yet, for the profiles of `engine`: computes each profile's speed bound
    /// ([`Engine::speed_bound`], `O(edges)`) once.
    #[must_use]
    pub fn new(engine: &Engine) -> Self {
        let mut out = Self {
            radius_m: DEFAULT_POSITION_RADIUS_M,
            volunteers: id_map(0),
            briefs: id_map(0),
            names: Vec::new(),
            trees: BTreeMap::new(),
        };
        for profile in engine.profiles() {
            out.tree_for(engine, profile);
        }
        out
    }

    /// Sets the snapping radius of later updates, in metres (a NaN, negative or infinite
    /// radius makes every update fail with [`DispatchError::InvalidRadius`]).
    #[must_use]
    pub fn with_radius_m(mut self, radius_m: f64) -> Self {
        self.radius_m = radius_m;
        self
    }

    /// The snapping radius of positions, in metres.
    #[must_use]
    pub fn radius_m(&self) -> f64 {
        self.radius_m
    }

    /// Records a volunteer's position, reported at `at_unix_s` under `profile`, snapping it
    /// onto that profile's roads. Returns `false` (and changes nothing) when the stored
    /// position was reported later than this one.
    ///
    /// # Errors
    /// [`CandidatesError::InvalidPosition`] for a NaN, infinite or out-of-range position;
    /// [`CandidatesError::GraphChanged`] when the engine's graph of the profile is not the one
    /// the stored positions were snapped on; [`CandidatesError::Dispatch`] for an invalid
    /// radius. Nothing changes on error.
    pub fn update(
        &mut self,
        engine: &Engine,
        volunteer: i64,
        profile: &str,
        position: LonLat,
        at_unix_s: i64,
    ) -> Result<bool, CandidatesError> {
        if !position.is_valid() {
            return Err(CandidatesError::InvalidPosition {
                volunteer,
                lon: position.lon,
                lat: position.lat,
            });
        }
        if self
            .volunteers
            .get(&volunteer)
            .is_some_and(|old| old.at_unix_s > at_unix_s)
        {
            return Ok(false);
        }
        let placement = if engine.has_profile(profile) {
            self.check_graph(engine, profile)?;
            match engine.place(profile, self.location(position)) {
                Ok(p) => Placement::Placed(p),
                Err(DispatchError::NoSegment { .. }) => Placement::Unsnappable,
                Err(e) => return Err(e.into()),
            }
        } else {
            Placement::NoGraph
        };
        self.remove(volunteer);
        if let Placement::Placed(p) = placement {
            self.tree_for(engine, profile)
                .tree
                .insert(TreePoint::new(earth_point(p.hint.location), volunteer));
        }
        let kind = match placement {
            Placement::Placed(_) => BriefKind::Placed,
            Placement::Unsnappable => BriefKind::Unsnappable,
            Placement::NoGraph => BriefKind::NoGraph,
        };
        let number = match self.profile_number(profile) {
            Some(n) => n,
            None => {
                self.names.push(profile.to_owned());
                u32::try_from(self.names.len() - 1).unwrap_or(u32::MAX)
            }
        };
        self.briefs.insert(
            volunteer,
            Brief {
                profile: number,
                kind,
            },
        );
        self.volunteers.insert(
            volunteer,
            LivePosition {
                profile: profile.to_owned(),
                position,
                at_unix_s,
                placement,
            },
        );
        Ok(true)
    }

    /// Forgets a volunteer's position; returns it.
    pub fn remove(&mut self, volunteer: i64) -> Option<LivePosition> {
        let old = self.volunteers.remove(&volunteer)?;
        self.briefs.remove(&volunteer);
        if let (Placement::Placed(p), Some(t)) = (old.placement, self.trees.get_mut(&old.profile)) {
            let removed = t
                .tree
                .remove(&TreePoint::new(earth_point(p.hint.location), volunteer));
            debug_assert!(removed.is_some(), "a placed position is in its tree");
        }
        Some(old)
    }

    /// Bulk-loads every tree again from the stored positions: a tree built by many
    /// insertions and removals answers a little slower than a bulk-loaded one. `O(n log n)`.
    pub fn compact(&mut self) {
        let mut points: BTreeMap<&str, Vec<TreePoint>> = BTreeMap::new();
        for (&id, pos) in &self.volunteers {
            if let Placement::Placed(p) = pos.placement {
                points
                    .entry(pos.profile.as_str())
                    .or_default()
                    .push(TreePoint::new(earth_point(p.hint.location), id));
            }
        }
        for (name, t) in &mut self.trees {
            t.tree = RTree::bulk_load(points.remove(name.as_str()).unwrap_or_default());
        }
    }

    /// The last position of a volunteer.
    #[must_use]
    pub fn get(&self, volunteer: i64) -> Option<&LivePosition> {
        self.volunteers.get(&volunteer)
    }

    /// The brief of a volunteer's position, for screening.
    #[inline]
    pub(crate) fn brief(&self, volunteer: i64) -> Option<Brief> {
        self.briefs.get(&volunteer).copied()
    }

    /// The number of a profile in [`Brief`]s, `None` when no position was ever reported
    /// under it.
    pub(crate) fn profile_number(&self, profile: &str) -> Option<u32> {
        self.names
            .iter()
            .position(|n| n == profile)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Number of volunteers with a position.
    #[must_use]
    pub fn len(&self) -> usize {
        self.volunteers.len()
    }

    /// `true` when no volunteer has a position.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.volunteers.is_empty()
    }

    /// Every volunteer and their position, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, &LivePosition)> {
        self.volunteers.iter().map(|(&id, p)| (id, p))
    }

    /// The contents of a profile's tree: each volunteer in it and the snapped position it is
    /// indexed at, by volunteer id. `O(n log n)`; for checks and tests.
    #[must_use]
    pub fn tree_entries(&self, profile: &str) -> Vec<(i64, [f64; 3])> {
        let mut out: Vec<(i64, [f64; 3])> = self
            .trees
            .get(profile)
            .map(|t| t.tree.iter().map(|p| (p.data, *p.geom())).collect())
            .unwrap_or_default();
        out.sort_by_key(|&(id, _)| id);
        out
    }

    /// The speed bound of a profile's graph ([`Engine::speed_bound`]), as computed when its
    /// tree was started.
    #[must_use]
    pub fn speed_bound(&self, profile: &str) -> Option<SpeedBound> {
        self.trees.get(profile).map(|t| t.speed_bound)
    }

    /// Number of volunteers in a profile's tree (placed on its graph).
    pub(crate) fn tree_len(&self, profile: &str) -> usize {
        self.trees.get(profile).map_or(0, |t| t.tree.size())
    }

    /// Volunteers of a profile's tree by increasing great-circle distance from `from`.
    pub(crate) fn nearest(&self, profile: &str, from: LonLat) -> impl Iterator<Item = i64> + '_ {
        let q = earth_point(from);
        self.trees
            .get(profile)
            .into_iter()
            .flat_map(move |t| t.tree.nearest_neighbor_iter(&q).map(|p| p.data))
    }

    /// A location at `position` with this index's radius.
    pub(crate) fn location(&self, position: LonLat) -> Location {
        Location {
            position,
            radius_m: Some(self.radius_m),
            hint: None,
            bearing: None,
        }
    }

    /// Checks that the stored positions of `profile` were snapped on the engine's graph.
    ///
    /// # Errors
    /// [`CandidatesError::GraphChanged`] when they were not.
    pub(crate) fn check_graph(
        &self,
        engine: &Engine,
        profile: &str,
    ) -> Result<(), CandidatesError> {
        match (self.trees.get(profile), engine.checksum(profile)) {
            (Some(t), Some(c)) if t.checksum != c => Err(CandidatesError::GraphChanged {
                profile: profile.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// The tree of a profile the engine has, started now if there is none.
    fn tree_for(&mut self, engine: &Engine, profile: &str) -> &mut ProfileTree {
        self.trees
            .entry(profile.to_owned())
            .or_insert_with(|| ProfileTree {
                tree: RTree::new(),
                checksum: engine.checksum(profile).unwrap_or(0),
                speed_bound: engine.speed_bound(profile).unwrap_or(SpeedBound {
                    speed_mps: 0.0,
                    slack_m: 0.0,
                }),
            })
    }
}
