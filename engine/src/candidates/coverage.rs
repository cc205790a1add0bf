//! Coverage on an H3 grid: per cell, the open requests by urgency and the available
//! volunteers by mode, with the cell's boundary for a map layer.
//!
//! Each point falls in exactly one cell at the chosen resolution ([`h3o`]); only cells that
//! hold a point are listed, by increasing cell index. `O(p log p)` for `p` points. The
//! number of cells is capped ([`DEFAULT_MAX_CELLS`]) so that a fine resolution over many
//! scattered points is refused rather than answered with a huge document.

use std::collections::BTreeMap;

use h3o::{CellIndex, LatLng, Resolution};

use super::CandidatesError;
use crate::types::LonLat;

/// Most cells [`coverage`] answers with.
pub const DEFAULT_MAX_CELLS: usize = 50_000;

/// One H3 cell with what it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageCell {
    /// The cell.
    pub cell: CellIndex,
    /// Open requests in the cell, by urgency label.
    pub demand: BTreeMap<String, usize>,
    /// Available volunteers in the cell, by mode.
    pub supply: BTreeMap<String, usize>,
    /// The cell's boundary as a closed ring of positions (the first repeated last), counter-
    /// clockwise as GeoJSON wants exterior rings.
    pub boundary: Vec<LonLat>,
}

/// Per H3 cell at `resolution`, the requests (`demand`: position and urgency label) and the
/// volunteers (`supply`: position and mode) in it, at most [`DEFAULT_MAX_CELLS`] cells.
///
/// # Errors
/// As [`coverage_with_limit`].
///
/// # Examples
/// ```
/// use engine::candidates::coverage;
/// use engine::types::LonLat;
///
/// let here = LonLat::new(7.4246, 43.7384);
/// let cells = coverage(7, &[(here, "urgent")], &[(here, "foot"), (here, "car")])?;
/// assert_eq!(cells.len(), 1);
/// assert_eq!(cells[0].demand["urgent"], 1);
/// assert_eq!(cells[0].supply.len(), 2);
/// assert_eq!(cells[0].boundary.first(), cells[0].boundary.last());
/// # Ok::<(), engine::candidates::CandidatesError>(())
/// ```
pub fn coverage(
    resolution: u8,
    demand: &[(LonLat, &str)],
    supply: &[(LonLat, &str)],
) -> Result<Vec<CoverageCell>, CandidatesError> {
    coverage_with_limit(resolution, demand, supply, DEFAULT_MAX_CELLS)
}

/// [`coverage`] with another cap on the number of cells.
///
/// # Errors
/// [`CandidatesError::InvalidResolution`] past 15; [`CandidatesError::InvalidPoint`] for a
/// NaN, infinite or out-of-range position; [`CandidatesError::TooManyCells`] when the points
/// fall in more than `max_cells` cells.
pub fn coverage_with_limit(
    resolution: u8,
    demand: &[(LonLat, &str)],
    supply: &[(LonLat, &str)],
    max_cells: usize,
) -> Result<Vec<CoverageCell>, CandidatesError> {
    let res = Resolution::try_from(resolution)
        .map_err(|_| CandidatesError::InvalidResolution { resolution })?;
    let mut counts: BTreeMap<CellIndex, [BTreeMap<String, usize>; 2]> = BTreeMap::new();
    for (side, (what, points)) in [("demand", demand), ("supply", supply)]
        .into_iter()
        .enumerate()
    {
        for (index, &(p, label)) in points.iter().enumerate() {
            let cell = cell_at(p, res).ok_or(CandidatesError::InvalidPoint {
                what,
                index,
                lon: p.lon,
                lat: p.lat,
            })?;
            if !counts.contains_key(&cell) && counts.len() >= max_cells {
                return Err(CandidatesError::TooManyCells {
                    cells: counts.len() + 1,
                    limit: max_cells,
                });
            }
            *counts.entry(cell).or_default()[side]
                .entry(label.to_owned())
                .or_default() += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(|(cell, [demand, supply])| CoverageCell {
            cell,
            demand,
            supply,
            boundary: ring(cell),
        })
        .collect())
}

/// The cell holding `p`; `None` for an invalid position.
fn cell_at(p: LonLat, res: Resolution) -> Option<CellIndex> {
    if !p.is_valid() {
        return None;
    }
    LatLng::new(p.lat, p.lon).ok().map(|ll| ll.to_cell(res))
}

/// The boundary of a cell as a closed ring.
fn ring(cell: CellIndex) -> Vec<LonLat> {
    let mut out: Vec<LonLat> = cell
        .boundary()
        .iter()
        .map(|v| LonLat::new(v.lng(), v.lat()))
        .collect();
    if let Some(&first) = out.first() {
        out.push(first);
    }
    out
}
