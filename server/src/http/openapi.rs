//! `/openapi.json`: an OpenAPI 3.1 description of every endpoint: OSRM's written by hand,
//! the board's `/v1` generated from its handlers and types ([`super::v1::openapi`]).

use serde_json::{Value, json};

fn param(name: &str, description: &str, schema: &Value) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn osrm_get(summary: &str, params: &[Value]) -> Value {
    let mut all = vec![
        json!({"name": "profile", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Profile of a loaded graph (car, bicycle, foot)."}),
        json!({"name": "coordinates", "in": "path", "required": true, "schema": {"type": "string"},
               "description": "lon,lat;lon,lat… or polyline(…) (precision 5) or polyline6(…); an optional .json suffix."}),
        param(
            "radiuses",
            "Snapping radius per coordinate in metres (`;`-separated, empty or `unlimited` for the profile default).",
            &json!({"type": "string"}),
        ),
        param(
            "generate_hints",
            "Add a `hint` to each waypoint (default true): URL-safe base64 of the snapped road piece and position and a checksum of the graph.",
            &json!({"type": "boolean"}),
        ),
        param(
            "skip_waypoints",
            "Leave the waypoints out of the response.",
            &json!({"type": "boolean"}),
        ),
        param(
            "bearings",
            "Per coordinate `{value},{range}` in degrees (value 0..=360, range 0..=180; empty for none): only roads that can be travelled that way are snapped to (either way on a two-way road), and the route leaves or reaches the point only in the directions that match.",
            &json!({"type": "string"}),
        ),
        param(
            "hints",
            "Per coordinate (`;`-separated, empty allowed), a `hint` from an earlier answer: places the coordinate without snapping when it was made on the same graph and lies within the radius, else ignored (the coordinate is snapped). Not base64: InvalidQuery; not a hint, or a count other than the coordinates': InvalidOptions.",
            &json!({"type": "string"}),
        ),
        param(
            "approaches",
            "Only `unrestricted` (or empty) is accepted.",
            &json!({"type": "string"}),
        ),
        param(
            "exclude",
            &exclude_description(),
            &json!({"type": "string"}),
        ),
        param(
            "snapping",
            "Only `default` is accepted.",
            &json!({"type": "string"}),
        ),
    ];
    all.extend_from_slice(params);
    json!({"summary": summary, "parameters": all, "responses": {
        "200": {"description": "code Ok", "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": {"description": "OSRM error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }})
}

fn osrm_post(summary: &str) -> Value {
    json!({"summary": summary,
    "parameters": [{"name": "profile", "in": "path", "required": true, "schema": {"type": "string"}}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["coordinates"],
        "properties": {"coordinates": {"type": "array", "items": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}}},
        "additionalProperties": true,
        "description": "The GET options as fields: lists as arrays (null for an empty element), booleans, numbers, strings."}}}},
    "responses": {
        "200": {"description": "code Ok", "content": {"application/json": {"schema": {"type": "object"}}}},
        "400": {"description": "OSRM error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    }})
}

/// The OpenAPI document.
#[must_use]
pub fn document() -> Value {
    let shape = [
        param(
            "steps",
            "Add turn-by-turn steps (OSRM RouteStep: name, ref, destinations, mode, driving_side, weight, geometry, maneuver with type depart/arrive/turn/new name/continue/merge/on ramp/off ramp/fork/end of road/roundabout/rotary/roundabout turn/exit roundabout/exit rotary, modifier and exit, rotary_name, intersections with location, bearings, entry, in, out).",
            &json!({"type": "boolean"}),
        ),
        param(
            "annotations",
            "true, false, or a comma list of duration, distance, nodes, speed, weight, datasources. `nodes` lists the OSM node id of every point of the leg's geometry (one per coordinate; a snapped end gets the node before the start or after the end).",
            &json!({"type": "string"}),
        ),
        param(
            "geometries",
            "polyline (default), polyline6, geojson.",
            &json!({"type": "string", "enum": ["polyline", "polyline6", "geojson"]}),
        ),
        param(
            "overview",
            "simplified (default, Douglas–Peucker), full, false.",
            &json!({"type": "string", "enum": ["simplified", "full", "false"]}),
        ),
    ];
    let mut route = shape.to_vec();
    route.push(param(
        "alternatives",
        "Accepted; only the best route is returned.",
        &json!({"type": "string"}),
    ));
    route.push(param(
        "continue_straight",
        "default, true, false: true forbids U-turns at via waypoints; default is true by car, false on foot and by bicycle (as OSRM's profiles).",
        &json!({"type": "string"}),
    ));
    route.push(param(
        "waypoints",
        "Only the list of every coordinate is accepted.",
        &json!({"type": "string"}),
    ));
    let table = [
        param(
            "sources",
            "Row indices (`;`-separated) or all.",
            &json!({"type": "string"}),
        ),
        param(
            "destinations",
            "Column indices (`;`-separated) or all.",
            &json!({"type": "string"}),
        ),
        param(
            "annotations",
            "duration (default), distance, or duration,distance.",
            &json!({"type": "string"}),
        ),
        param(
            "scale_factor",
            "Multiplier of durations.",
            &json!({"type": "number"}),
        ),
    ];
    let nearest = [param(
        "number",
        "Number of nearest roads (1..=max).",
        &json!({"type": "integer", "minimum": 1}),
    )];
    let mut trip = shape.to_vec();
    trip.push(param(
        "roundtrip",
        "Return to the first stop (default true).",
        &json!({"type": "boolean"}),
    ));
    trip.push(param(
        "source",
        "any (default) or first.",
        &json!({"type": "string"}),
    ));
    trip.push(param(
        "destination",
        "any (default) or last.",
        &json!({"type": "string"}),
    ));
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {"title": "vmeste", "version": env!("CARGO_PKG_VERSION"),
                 "description": "OSRM v1 compatible routing API (route, table, nearest, trip), also by POST with a JSON body, and operations endpoints. Errors: HTTP 400 with {code, message} as OSRM."},
        "paths": {
            "/route/v1/{profile}/{coordinates}": {"get": osrm_get("Fastest route through the coordinates in order.", &route)},
            "/table/v1/{profile}/{coordinates}": {"get": osrm_get("Travel times (and distances) between coordinates; null when unreachable.", &table)},
            "/nearest/v1/{profile}/{coordinates}": {"get": osrm_get("Nearest road positions of one coordinate.", &nearest)},
            "/trip/v1/{profile}/{coordinates}": {"get": osrm_get("Best visiting order of the coordinates: one trip per group of mutually reachable coordinates (`trips`, `waypoints[i].trips_index`); NoTrips when a fixed source or destination cannot share a trip with every coordinate.", &trip)},
            "/route/v1/{profile}": {"post": osrm_post("As GET /route, coordinates and options in a JSON body.")},
            "/table/v1/{profile}": {"post": osrm_post("As GET /table, for tables too large for a URL.")},
            "/nearest/v1/{profile}": {"post": osrm_post("As GET /nearest.")},
            "/trip/v1/{profile}": {"post": osrm_post("As GET /trip.")},
            "/health": {"get": {"summary": "Liveness and loaded profiles.", "responses": {"200": {"description": "{status: ok, profiles: [...], hub_labels: [profiles whose cost-only answers come from hub labels], exclude: {profile: [classes its routes can exclude]}, customized: [profiles whose road closures in force and exclude class sets asked for are answered by customized metrics rather than the slower exact fallback], graph_generation: how many times the graphs were reloaded}"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics (text format 0.0.4).", "responses": {"200": {"description": "metrics"}}}},
            "/openapi.json": {"get": {"summary": "This document.", "responses": {"200": {"description": "OpenAPI 3.0"}}}}
        },
        "components": {"schemas": {"Error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "enum": ["InvalidUrl", "InvalidService", "InvalidVersion", "InvalidOptions", "InvalidQuery", "InvalidValue", "NoSegment", "NoRoute", "NoTable", "NoTrips", "TooBig", "InternalError"]},
            "message": {"type": "string"}}}}}
    });
    super::vroom::openapi::describe(&mut doc);
    super::isochrone::describe_openapi(&mut doc);
    super::tiles::describe_openapi(&mut doc);
    merge(&mut doc, &super::v1::openapi::document());
    doc
}

/// Adds the paths and components of `part` (the generated `/v1` document) to `doc`.
fn merge(doc: &mut Value, part: &Value) {
    if let (Some(paths), Some(more)) = (
        doc.get_mut("paths").and_then(Value::as_object_mut),
        part.get("paths").and_then(Value::as_object),
    ) {
        paths.extend(more.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for section in ["schemas", "securitySchemes", "responses"] {
        let Some(more) = part
            .get("components")
            .and_then(|c| c.get(section))
            .and_then(Value::as_object)
        else {
            continue;
        };
        if let Some(target) = doc
            .get_mut("components")
            .and_then(Value::as_object_mut)
            .map(|c| c.entry(section).or_insert_with(|| json!({})))
            .and_then(Value::as_object_mut)
        {
            target.extend(more.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    if let Some(tags) = part.get("tags") {
        doc["tags"] = tags.clone();
    }
}

/// The `exclude` parameter's description, with each built-in profile's classes.
fn exclude_description() -> String {
    let per_profile: Vec<String> = engine::osm::PROFILES
        .iter()
        .map(|p| {
            let names: Vec<&str> = p.exclude.iter().map(|c| c.name()).collect();
            format!("{}: {}", p.name, names.join(", "))
        })
        .collect();
    format!(
        "Classes of roads to avoid, `,`-separated (route, table, trip; nearest ignores it). Per profile (also in /health): {}. Empty: none. An empty element is InvalidQuery; an unknown class, or one the profile does not declare, is InvalidValue. A place reachable only through an excluded class gives NoRoute.",
        per_profile.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_service_is_described_for_get_and_post() {
        let d = document();
        for s in ["route", "table", "nearest", "trip"] {
            assert!(
                d["paths"][format!("/{s}/v1/{{profile}}/{{coordinates}}")]["get"].is_object(),
                "{s}"
            );
            assert!(
                d["paths"][format!("/{s}/v1/{{profile}}")]["post"].is_object(),
                "{s}"
            );
        }
        assert!(d["paths"]["/optimize"]["post"].is_object());
    }
}
