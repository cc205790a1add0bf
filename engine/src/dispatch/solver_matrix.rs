//! Points to a solver matrix: the one way from coordinates on a profile's roads to a
//! [`vrp::Matrix`](crate::vrp::Matrix).
//!
//! A point that cannot be placed on the profile's roads (too far from every road) is no
//! error here: its row and column are [`UNREACHABLE`], and [`SolverMatrix::unplaced`] says
//! why, so the solver reports each task at such a point as unassigned rather than the whole
//! request failing. Invalid coordinates (NaN, out of range) are errors.
//!
//! Units: whole seconds (the road time in deciseconds, rounded to the nearest second, halves
//! up) and whole metres, as VROOM and OSRM's `table` give them. The table itself comes from
//! the hub labels when they are built and the table is small, else from the bucket algorithm
//! ([`Engine::table`]'s choice): O(points × hierarchy search space).

use super::{DispatchError, Engine, Location, Snapped, route_error};
use crate::osm::ExcludeSet;
use crate::routing::EdgePoint;
use crate::vrp::{Matrix, UNREACHABLE};

/// A point [`Engine::solver_matrix`] could not place on the roads.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    /// Index of the point in the request.
    pub index: usize,
    /// Why (names the distance to the nearest road when there is one).
    pub reason: String,
}

/// A solver matrix between points, with the points that could not be placed.
#[derive(Clone, Debug, PartialEq)]
pub struct SolverMatrix {
    /// Durations (s) and distances (m) between the points, in request order; rows and
    /// columns of unplaced points are [`UNREACHABLE`] (but the diagonal, which is 0).
    pub matrix: Matrix,
    /// Points too far from every road of the profile, by increasing index.
    pub unplaced: Vec<Unplaced>,
}

/// Deciseconds to whole seconds, rounded to the nearest, halves up.
fn whole_seconds(ds: u32) -> u32 {
    ds / 10 + u32::from(ds % 10 >= 5)
}

impl Engine {
    /// The travel-time and distance matrix between `locs` on `profile`'s roads, ready for the
    /// solver (square, in request order).
    ///
    /// # Errors
    /// [`DispatchError::UnknownProfile`], [`DispatchError::InvalidCoordinate`],
    /// [`DispatchError::InvalidRadius`]; [`DispatchError::LimitExceeded`] or
    /// [`DispatchError::Internal`] when a search exceeds the settle limit or the matrix does
    /// not fit in memory. Points far from every road are not errors (see [`SolverMatrix`]).
    ///
    /// # Examples
    /// ```
    /// # use engine::dispatch::{Engine, Location};
    /// let engine = Engine::new();
    /// let err = engine.solver_matrix("car", &[Location::new(7.42, 43.73)]);
    /// assert!(err.is_err()); // no graph is loaded for "car"
    /// ```
    pub fn solver_matrix(
        &self,
        profile: &str,
        locs: &[Location],
    ) -> Result<SolverMatrix, DispatchError> {
        self.solver_matrix_with(profile, locs, ExcludeSet::EMPTY)
    }

    /// As [`Engine::solver_matrix`], on the roads left when the classes of `exclude` are
    /// taken out (points on an excluded road are placed on the nearest other road).
    ///
    /// # Errors
    /// As [`Engine::solver_matrix`]; [`DispatchError::ExcludeNotSupported`] for a class the
    /// profile does not declare.
    pub fn solver_matrix_with(
        &self,
        profile: &str,
        locs: &[Location],
        exclude: ExcludeSet,
    ) -> Result<SolverMatrix, DispatchError> {
        let p = self.profile(profile)?;
        let roads = self.roads(p, exclude)?;
        let mut placed: Vec<(usize, Snapped)> = Vec::with_capacity(locs.len());
        let mut unplaced = Vec::new();
        for (index, &loc) in locs.iter().enumerate() {
            let snapped = Self::snap_one(p, index, loc).and_then(|s| {
                let mut s = [s];
                roads.reopen(&[loc], &mut s).map_err(|e| match e {
                    DispatchError::NoSegment { reason, .. } => {
                        DispatchError::NoSegment { index, reason }
                    }
                    other => other,
                })?;
                Ok(s[0])
            });
            match snapped {
                Ok(s) => placed.push((index, s)),
                Err(DispatchError::NoSegment { index, reason }) => {
                    unplaced.push(Unplaced { index, reason });
                }
                Err(e) => return Err(e),
            }
        }
        let points: Vec<EdgePoint> = placed.iter().map(|(_, s)| s.point()).collect();
        let m = roads
            .matrix(&points, &points, self.settle_limit)
            .map_err(route_error)?;
        let n = locs.len();
        let cells = n
            .checked_mul(n)
            .ok_or_else(|| DispatchError::LimitExceeded(format!("{n} × {n} matrix")))?;
        let mut durations = vec![UNREACHABLE; cells];
        let mut distances = vec![UNREACHABLE; cells];
        for i in 0..n {
            durations[i * n + i] = 0;
            distances[i * n + i] = 0;
        }
        for (a, &(ia, _)) in placed.iter().enumerate() {
            for (b, &(ib, _)) in placed.iter().enumerate() {
                if let Some((d, l)) = m.get(a, b) {
                    // A cell equal to the marker would read as unreachable; one second less
                    // is no real difference at that size.
                    durations[ia * n + ib] = whole_seconds(d.0).min(UNREACHABLE - 1);
                    distances[ia * n + ib] = l.0.min(UNREACHABLE - 1);
                }
            }
        }
        Ok(SolverMatrix {
            matrix: Matrix {
                size: n,
                durations,
                distances,
                costs: None,
            },
            unplaced,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::whole_seconds;

    #[test]
    fn deciseconds_round_to_the_nearest_second_halves_up() {
        assert_eq!(whole_seconds(0), 0);
        assert_eq!(whole_seconds(4), 0);
        assert_eq!(whole_seconds(5), 1);
        assert_eq!(whole_seconds(14), 1);
        assert_eq!(whole_seconds(15), 2);
        assert_eq!(whole_seconds(u32::MAX), 429_496_730);
    }
}
