//! Reading `.osm.pbf` files into routable ways for a profile (car, bicycle, foot).
