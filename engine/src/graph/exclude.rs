//! Which edges belong to an excluded class of roads.

use super::{FLAG_FERRY, FLAG_TOLL, FLAG_UNPAVED, RoadGraph};
use crate::osm::{ExcludeClass, ExcludeSet, RoadClass};
use crate::types::EdgeId;

impl RoadGraph {
    /// Whether edge `e` belongs to a class of `exclude`: motorway (its road class is
    /// motorway or motorway link), toll ([`FLAG_TOLL`]), ferry ([`FLAG_FERRY`]), unpaved
    /// ([`FLAG_UNPAVED`]).
    #[must_use]
    pub fn edge_excluded(&self, e: EdgeId, exclude: ExcludeSet) -> bool {
        exclude.iter().any(|c| match c {
            ExcludeClass::Motorway => matches!(
                self.edge_class(e),
                RoadClass::Motorway | RoadClass::MotorwayLink
            ),
            ExcludeClass::Toll => self.edge_flags(e) & FLAG_TOLL != 0,
            ExcludeClass::Ferry => self.edge_flags(e) & FLAG_FERRY != 0,
            ExcludeClass::Unpaved => self.edge_flags(e) & FLAG_UNPAVED != 0,
        })
    }
}
