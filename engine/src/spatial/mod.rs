//! Spatial index over road segments: snapping points onto the road graph; H3 cells.
