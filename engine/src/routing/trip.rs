//! Trips: the best order of stops from a travel-time matrix.
