//! Shortest paths on the road graph: Dijkstra, contraction hierarchies, matrices, trips.

pub mod trip;
