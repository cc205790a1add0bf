//! From the closures in force to each profile's closed edges in the [`Engine`], and the
//! checks of a new closure against the loaded graphs.

use std::collections::BTreeMap;

use super::error::ClosureError;
use super::matching::{WayIndex, matched_edges};
use super::model::{Closure, ClosureTarget, NewClosure};
use crate::board::Time;
use crate::dispatch::{DispatchError, Engine};
use crate::routing::ClosedEdges;
use crate::types::{EdgeId, OsmWayId};

/// The way index of each profile of an engine, rebuilt when a profile's graph changes
/// (a reload). Keep one next to the engine and pass it to every call.
#[derive(Debug, Default)]
pub struct Matchers {
    /// Profile → (graph checksum, ways).
    by_profile: BTreeMap<String, (u64, WayIndex)>,
}

impl Matchers {
    /// No index yet (they are built at first use).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The way index of `profile` in `engine`, built now when missing or stale.
    fn ways(&mut self, engine: &Engine, profile: &str) -> Option<&WayIndex> {
        let checksum = engine.checksum(profile)?;
        let fresh = self
            .by_profile
            .get(profile)
            .is_some_and(|(c, _)| *c == checksum);
        if !fresh {
            let graph = engine.graph(profile)?;
            self.by_profile
                .insert(profile.to_owned(), (checksum, WayIndex::new(graph)));
        }
        self.by_profile.get(profile).map(|(_, w)| w)
    }

    /// The directed edges of `profile` that `target` closes.
    pub fn edges(&mut self, engine: &Engine, profile: &str, target: &ClosureTarget) -> Vec<EdgeId> {
        let (Some(graph), Some(index)) = (engine.graph(profile), engine.spatial_index(profile))
        else {
            return Vec::new();
        };
        match self.ways(engine, profile) {
            Some(ways) => matched_edges(graph, index, ways, target),
            None => Vec::new(),
        }
    }
}

/// What the closures in force did to one profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileClosures {
    /// The profile.
    pub profile: String,
    /// Closures in force for it.
    pub closures: usize,
    /// Directed edges closed.
    pub edges: usize,
}

/// Sets every profile of `engine` to avoid the edges of the `closures` in force at `now`
/// (and no others): the closures of a profile are matched to its graph and the set is
/// swapped in at once ([`Engine::set_closed_edges`]). Returns what each profile got.
///
/// # Errors
/// [`DispatchError::Internal`] when a matched edge is not in its graph (a broken
/// invariant).
pub fn apply(
    engine: &Engine,
    matchers: &mut Matchers,
    closures: &[Closure],
    now: Time,
) -> Result<Vec<ProfileClosures>, DispatchError> {
    let mut out = Vec::new();
    for profile in engine.profiles() {
        let active: Vec<&Closure> = closures
            .iter()
            .filter(|c| c.active_at(now) && c.applies_to(profile))
            .collect();
        let mut edges = Vec::new();
        for c in &active {
            edges.extend(matchers.edges(engine, profile, &c.target));
        }
        let graph = engine
            .graph(profile)
            .ok_or_else(|| DispatchError::Internal(format!("profile {profile:?} vanished")))?;
        let set = ClosedEdges::new(graph, edges)
            .map_err(|e| DispatchError::Internal(format!("closed edges: {e}")))?;
        out.push(ProfileClosures {
            profile: profile.to_owned(),
            closures: active.len(),
            edges: set.len(),
        });
        engine.set_closed_edges(profile, Some(set))?;
    }
    Ok(out)
}

/// The next instant after `now` when a closure starts or ends (`None`: none), so that a
/// caller re-applies the closures then.
#[must_use]
pub fn next_change(closures: &[Closure], now: Time) -> Option<Time> {
    closures
        .iter()
        .filter(|c| c.lifted_at.is_none())
        .flat_map(|c| [c.starts_at, c.ends_at])
        .flatten()
        .filter(|&t| t > now)
        .min()
}

/// Checks a new closure against the loaded graphs: the profiles it names are loaded, every
/// way it names is a road of at least one of its profiles, and a line or polygon closes at
/// least one road.
///
/// # Errors
/// [`ClosureError::Invalid`] naming the field and what is missing.
pub fn check_against(
    engine: &Engine,
    matchers: &mut Matchers,
    new: &NewClosure,
) -> Result<(), ClosureError> {
    if let Some(p) = new.profiles.iter().find(|p| !engine.has_profile(p)) {
        return Err(ClosureError::Invalid {
            field: "profiles",
            message: format!(
                "profile {p:?} is not loaded; loaded: {:?}",
                engine.profiles()
            ),
        });
    }
    let profiles: Vec<&str> = if new.profiles.is_empty() {
        engine.profiles()
    } else {
        new.profiles.iter().map(String::as_str).collect()
    };
    match &new.target {
        ClosureTarget::Ways(ways) => {
            for &w in ways {
                let known = profiles.iter().any(|p| {
                    matchers
                        .ways(engine, p)
                        .is_some_and(|i| i.contains(OsmWayId(w)))
                });
                if !known {
                    return Err(ClosureError::Invalid {
                        field: "target.ways",
                        message: format!("way {w} is not a road of profiles {profiles:?}"),
                    });
                }
            }
        }
        target => {
            let any = profiles
                .iter()
                .any(|p| !matchers.edges(engine, p, target).is_empty());
            if !any {
                return Err(ClosureError::Invalid {
                    field: "target",
                    message: format!("the shape closes no road of profiles {profiles:?}"),
                });
            }
        }
    }
    Ok(())
}
