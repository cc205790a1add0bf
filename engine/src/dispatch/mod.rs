//! Use cases that join the layers: snap a point, then route from it.
