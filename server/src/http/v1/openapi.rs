//! The OpenAPI description of `/v1`, derived from the handlers and their types with
//! utoipa, so it cannot drift from them. [`crate::http::openapi::document`] merges it with
//! the hand-written OSRM part.

use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::admin;
use super::error::{ErrorBody, ErrorDetail};
use super::{
    candidates, closures, coverage_isochrone, csv, events, geocode, hqs, places, plans,
    reachability, requests, trips, volunteers,
};

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `vmeste token create`; only its SHA-256 is stored.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        hqs::create, hqs::list, hqs::get_one,
        volunteers::create, volunteers::list, volunteers::get_one, volunteers::patch,
        volunteers::position, volunteers::me,
        requests::create, requests::list, requests::get_one, requests::patch,
        requests::assign, requests::unassign, requests::status, requests::cancel,
        requests::history, candidates::candidates, candidates::coverage,
        coverage_isochrone::coverage_isochrone,
        events::stream, events::list,
        csv::export_volunteers, csv::export_requests, csv::import_volunteers,
        csv::import_requests,
        plans::create, plans::commit,
        reachability::reachability, places::places,
        trips::plan,
        geocode::geocode,
        admin::reload,
        closures::create, closures::list, closures::get_one, closures::lift,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerScheme),
    tags(
        (name = "hqs", description = "Regional headquarters"),
        (name = "volunteers", description = "Volunteers and their positions"),
        (name = "requests", description = "Requests for help and their life"),
        (name = "events", description = "The change feed (SSE) and its pages"),
        (name = "csv", description = "CSV export and all-or-nothing import"),
        (name = "plans", description = "Dispatch plans: routes for volunteers, and their commit"),
        (name = "reachability", description = "Places of the extract and who can be reached from where"),
        (name = "admin", description = "Administration: reloading the graphs"),
        (name = "closures", description = "Road closures that routing goes around"),
    )
)]
struct V1Doc;

/// The `/v1` part of the OpenAPI document (paths, schemas, the bearer scheme) as JSON.
#[must_use]
pub fn document() -> Value {
    serde_json::to_value(V1Doc::openapi()).unwrap_or(Value::Null)
}
