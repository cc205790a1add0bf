//! The HTTP service (axum): OSRM's routing API and operations endpoints.
