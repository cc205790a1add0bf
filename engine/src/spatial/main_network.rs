//! Snapping onto the main network only: the nearest road of component `0`, whatever lies
//! nearer. The OSRM protocol's rule ([`SpatialIndex::snap_main`]) and the "last kilometres on
//! foot" of a reachability report (the gap from an island to the connected network) are
//! both this query.

use super::{SnapError, SpatialIndex};
use crate::spatial::Snap;

impl SpatialIndex {
    /// The snap of `(lon, lat)` onto the nearest road of the largest strongly connected
    /// component (component `0`) within `radius_m` metres (`None`: the profile's default;
    /// `f64::INFINITY`: any distance), ignoring roads of every other component; with
    /// `bearing`, among the roads that run that way (as [`SpatialIndex::snap_with_bearing`]).
    /// `Ok(None)` when component `0` has no such road within the radius.
    ///
    /// Cost: a best-first nearest-neighbour search that walks past every nearer piece of road
    /// of other components, so `O(log s + k)` for `k` such pieces.
    ///
    /// # Errors
    /// [`SnapError::InvalidCoordinate`] for NaN, infinite or out-of-range coordinates;
    /// [`SnapError::InvalidRadius`] for a NaN or negative radius;
    /// [`SnapError::EmptyGraph`] when there is no road at all.
    pub fn snap_main(
        &self,
        lon: f64,
        lat: f64,
        radius_m: Option<f64>,
        bearing: Option<(f64, f64)>,
    ) -> Result<Option<Snap>, SnapError> {
        // An infinite radius is checked as the default one, then lifted.
        let unbounded = radius_m == Some(f64::INFINITY);
        let (p, radius_m) = self.check(lon, lat, if unbounded { None } else { radius_m })?;
        let radius_m = if unbounded { f64::INFINITY } else { radius_m };
        let radius_sq = radius_m * radius_m;
        let mut entries = self.nearest_entries(p).peekable();
        if entries.peek().is_none() {
            return Err(SnapError::EmptyGraph);
        }
        let found = entries
            .take_while(|&(_, d_sq)| d_sq <= radius_sq)
            .filter(|(e, _)| bearing.is_none_or(|b| self.entry_runs(e, b)))
            .find(|(e, _)| self.comp_of(e) == 0);
        Ok(found.map(|(e, _)| self.snap_on(&e, p)))
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::{GraphBuilder, Segment};
    use crate::spatial::{SnapError, SpatialIndex};
    use crate::types::{Deciseconds, LonLat, Meters, OsmNodeId, OsmWayId};

    /// A two-way triangle (component 0) and, 111 m north of its first side, a two-way island
    /// of one road (component 1).
    fn index() -> SpatialIndex {
        let mut b = GraphBuilder::new("car");
        let pts = [
            (7.420, 43.730),
            (7.430, 43.730),
            (7.425, 43.720),
            (7.424, 43.7310),
            (7.426, 43.7310),
        ];
        let n: Vec<_> = pts
            .iter()
            .zip(1..)
            .map(|(&(x, y), id)| b.add_node(OsmNodeId(id), LonLat::new(x, y)))
            .collect();
        for (i, (t, h)) in [(0, 1), (1, 2), (2, 0), (3, 4)].into_iter().enumerate() {
            b.add_segment(&Segment {
                tail: n[t],
                head: n[h],
                forward: Some(Deciseconds(100)),
                backward: Some(Deciseconds(100)),
                distance: Meters(100),
                way: OsmWayId(i64::try_from(i).unwrap()),
                name: "",
                flags: 0,
                geometry: &[],
            })
            .unwrap();
        }
        SpatialIndex::new(&b.build().unwrap())
    }

    #[test]
    fn snap_main_skips_the_island_that_snap_keeps() {
        let idx = index();
        // 1 m off the island, 112 m off the main road: the component rule keeps the island.
        let honest = idx.snap(7.425, 43.73101, None).unwrap();
        assert_ne!(honest.component, 0);
        let main = idx.snap_main(7.425, 43.73101, None, None).unwrap().unwrap();
        assert_eq!(main.component, 0);
        assert!((main.distance_m - 112.3).abs() < 1.0, "{}", main.distance_m);
        let far = idx.snap_main(7.425, 43.73101, Some(50.0), None).unwrap();
        assert!(far.is_none());
        let any = idx
            .snap_main(7.425, 43.9, Some(f64::INFINITY), None)
            .unwrap();
        assert!(any.is_some_and(|s| s.component == 0));
    }

    #[test]
    fn snap_main_rejects_bad_input() {
        let idx = index();
        assert!(matches!(
            idx.snap_main(f64::NAN, 43.7, None, None),
            Err(SnapError::InvalidCoordinate { .. })
        ));
        assert!(matches!(
            idx.snap_main(7.4, 43.7, Some(-1.0), None),
            Err(SnapError::InvalidRadius { .. })
        ));
        assert!(matches!(
            idx.snap_main(7.4, 43.7, Some(f64::NAN), None),
            Err(SnapError::InvalidRadius { .. })
        ));
    }
}
