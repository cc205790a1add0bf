//! H3 cells ([`h3o`]) for bucketing points (volunteers, requests) and exact radius queries.
//!
//! [`PointCells`] sorts points by the H3 cell that holds them at one resolution, so a cell's
//! points are one contiguous slice. [`PointCells::within`] answers "which points are within
//! `r` metres of here" exactly: it walks grid rings around the query's cell, keeps the points
//! of every cell that may reach within `r`, and filters them by great-circle distance
//! ([`haversine_m`]).
//!
//! Why the ring walk is exact: grid distance changes by at most one between adjacent cells,
//! so the geodesic from the query to any point in a cell of ring `k' > k` crosses ring `k`.
//! If every cell of ring `k` lies farther than `r` (its centre's distance minus its
//! circumradius, with a safety margin), no point beyond ring `k` can be within `r` and the
//! walk stops. The circumradius is measured on the cell's own boundary: cell edges are
//! great-circle arcs (straight in H3's gnomonic face projection), so no point of a cell lies
//! farther from its centre than its farthest vertex. Pentagons are handled by h3o's safe ring
//! enumeration.
//!
//! Costs: building is `O(p log p)`; a query visits `O((r / edge)²)` cells plus the points of
//! the kept cells. The number of rings is capped ([`PointCells::max_rings`]), so a huge
//! radius is an error rather than a walk over the globe.

use h3o::{CellIndex, LatLng, Resolution};

use super::CellError;
use crate::types::{LonLat, haversine_m};

/// Relative safety margin on cell circumradii (h3o and our haversine use slightly different
/// Earth radii).
const MARGIN_REL: f64 = 0.01;
/// Absolute safety margin on cell circumradii, in metres.
const MARGIN_M: f64 = 1.0;

/// The H3 cell at `resolution` (0..=15) holding `p`.
///
/// # Errors
/// [`CellError::InvalidCoordinate`] for NaN, infinite or out-of-range coordinates;
/// [`CellError::InvalidResolution`] past 15.
///
/// # Examples
/// ```
/// let cell = engine::spatial::h3::cell_of(engine::types::LonLat::new(24.94, 60.17), 9)?;
/// assert_eq!(cell.resolution(), h3o::Resolution::Nine);
/// # Ok::<(), engine::spatial::CellError>(())
/// ```
pub fn cell_of(p: LonLat, resolution: u8) -> Result<CellIndex, CellError> {
    let res = Resolution::try_from(resolution)
        .map_err(|_| CellError::InvalidResolution { resolution })?;
    Ok(lat_lng(p)?.to_cell(res))
}

fn lat_lng(p: LonLat) -> Result<LatLng, CellError> {
    let invalid = CellError::InvalidCoordinate {
        lon: p.lon,
        lat: p.lat,
    };
    if !p.is_valid() {
        return Err(invalid);
    }
    LatLng::new(p.lat, p.lon).map_err(|_| invalid)
}

/// Points bucketed by H3 cell at one resolution; exact radius queries. Immutable.
///
/// # Examples
/// ```
/// use engine::spatial::h3::PointCells;
/// use engine::types::LonLat;
///
/// let points = [LonLat::new(24.940, 60.170), LonLat::new(24.945, 60.171), LonLat::new(25.1, 60.2)];
/// let cells = PointCells::new(9, &points)?;
/// let near = cells.within(LonLat::new(24.941, 60.170), 500.0)?;
/// assert_eq!(near.iter().map(|&(id, _)| id).collect::<Vec<_>>(), vec![0, 1]);
/// # Ok::<(), engine::spatial::CellError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PointCells {
    resolution: Resolution,
    points: Vec<LonLat>,
    /// Cell of each entry, sorted; `ids` holds the point ids in the same order.
    cells: Vec<CellIndex>,
    ids: Vec<u32>,
    max_rings: u32,
}

impl PointCells {
    /// Default cap on the grid rings a query may walk.
    pub const DEFAULT_MAX_RINGS: u32 = 200;

    /// Buckets `points` (ids are their indices) at `resolution` (0..=15).
    ///
    /// # Errors
    /// [`CellError::InvalidResolution`]; [`CellError::InvalidCoordinate`] for the first bad
    /// point.
    pub fn new(resolution: u8, points: &[LonLat]) -> Result<Self, CellError> {
        let res = Resolution::try_from(resolution)
            .map_err(|_| CellError::InvalidResolution { resolution })?;
        let mut entries = Vec::with_capacity(points.len());
        for (i, &p) in points.iter().enumerate() {
            let id = u32::try_from(i).map_err(|_| CellError::TooManyPoints {
                count: points.len(),
            })?;
            entries.push((lat_lng(p)?.to_cell(res), id));
        }
        entries.sort_unstable();
        let (cells, ids) = entries.into_iter().unzip();
        Ok(Self {
            resolution: res,
            points: points.to_vec(),
            cells,
            ids,
            max_rings: Self::DEFAULT_MAX_RINGS,
        })
    }

    /// The same index with another cap on the grid rings a query may walk.
    #[must_use]
    pub fn with_max_rings(mut self, max_rings: u32) -> Self {
        self.max_rings = max_rings;
        self
    }

    /// The cap on the grid rings a query may walk.
    #[must_use]
    pub fn max_rings(&self) -> u32 {
        self.max_rings
    }

    /// The resolution of the cells.
    #[must_use]
    pub fn resolution(&self) -> Resolution {
        self.resolution
    }

    /// Number of points.
    #[must_use]
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// `true` when there are no points.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Ids of the points in `cell`, ascending.
    #[must_use]
    pub fn bucket(&self, cell: CellIndex) -> &[u32] {
        &self.ids[self.range_of(cell)]
    }

    fn range_of(&self, cell: CellIndex) -> std::ops::Range<usize> {
        let lo = self.cells.partition_point(|&c| c < cell);
        let hi = lo + self.cells[lo..].partition_point(|&c| c <= cell);
        lo..hi
    }

    /// Every non-empty cell with its point ids (ascending), by cell.
    pub fn buckets(&self) -> impl Iterator<Item = (CellIndex, &[u32])> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let cell = *self.cells.get(at)?;
            let r = self.range_of(cell);
            at = r.end;
            Some((cell, &self.ids[r]))
        })
    }

    /// Points within `radius_m` metres (great-circle) of `center`, as `(id, distance_m)`
    /// sorted by distance then id.
    ///
    /// # Errors
    /// [`CellError::InvalidCoordinate`] for a bad centre; [`CellError::InvalidRadius`] for a
    /// NaN, negative or infinite radius, or one that would need more than
    /// [`PointCells::max_rings`] rings.
    pub fn within(&self, center: LonLat, radius_m: f64) -> Result<Vec<(u32, f64)>, CellError> {
        let origin = lat_lng(center)?.to_cell(self.resolution);
        let bad_radius = CellError::InvalidRadius {
            radius_m,
            max_rings: self.max_rings,
        };
        if !radius_m.is_finite() || radius_m < 0.0 {
            return Err(bad_radius);
        }
        let mut found = Vec::new();
        let mut k = 0;
        loop {
            let ring: Vec<CellIndex> = if k == 0 {
                vec![origin]
            } else {
                origin.grid_ring(k)
            };
            let mut reached = false;
            for cell in ring {
                if Self::lower_bound_m(cell, center) > radius_m {
                    continue;
                }
                reached = true;
                for &id in self.bucket(cell) {
                    let d = haversine_m(center, self.points[id as usize]);
                    if d <= radius_m {
                        found.push((id, d));
                    }
                }
            }
            if !reached {
                break;
            }
            k += 1;
            if k > self.max_rings {
                return Err(bad_radius);
            }
        }
        found.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        Ok(found)
    }

    /// A lower bound of the distance from `p` to any point of `cell`, in metres.
    fn lower_bound_m(cell: CellIndex, p: LonLat) -> f64 {
        let c = LatLng::from(cell);
        let centre = LonLat::new(c.lng(), c.lat());
        let circumradius = cell
            .boundary()
            .iter()
            .map(|v| haversine_m(centre, LonLat::new(v.lng(), v.lat())))
            .fold(0.0, f64::max);
        haversine_m(p, centre) - circumradius * (1.0 + MARGIN_REL) - MARGIN_M
    }
}
