//! The base map as Mapbox Vector Tiles, cut from the loaded graph ([`engine::basemap`]), so
//! a map page needs no tile server on the internet:
//!
//! - `GET /tiles/{profile}/{z}/{x}/{y}.mvt`: one tile (`application/vnd.mapbox-vector-tile`,
//!   extent 4096) with two layers: `roads` (lines; `class` = `motorway`, `trunk`, `primary`,
//!   `secondary`, `tertiary`, `minor`, `service`, `track`, `path` or `ferry`, `name` and `ref`
//!   when tagged; the feature id is the graph edge) and `places` (points; `name`, `name_ru`,
//!   `name_en` when tagged, `kind` = `city`, `town`, `village`, `hamlet`, ..., `population`
//!   when tagged). A tile with nothing in it is an empty body. Tiles carry an `ETag` (the
//!   graph's checksum) and may be cached for an hour.
//! - `GET /tiles/{profile}/tiles.json`: TileJSON 3.0 (tile URL, bounds, centre, zooms,
//!   layers), what MapLibre GL and other clients read to find the tiles.
//!
//! Errors use OSRM's shape with HTTP 400 (`InvalidUrl` for an unknown profile or a tile
//! outside the grid). The endpoints are open like OSRM's (roads and place names of
//! OpenStreetMap, no personal data), and need a token when the server runs with
//! `--require-token-for-routing`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::basemap::{EXTENT, MAX_ZOOM, TileClass, TileContent, TileId};
use engine::dispatch::Engine;
use mvt::{GeomEncoder, GeomType, Tile};
use serde_json::{Value, json};

use super::error::{ApiError, ErrorCode};
use super::osrm::loaded_profile;
use super::state::AppState;

/// The media type of a tile.
pub const MVT_TYPE: &str = "application/vnd.mapbox-vector-tile";

/// OpenStreetMap's attribution, required by its licence.
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors (ODbL)";

/// Encodes what a tile shows as a Mapbox Vector Tile.
///
/// # Errors
/// Only when the encoder refuses a geometry, which the tile's integer points rule out.
pub fn encode(content: &TileContent<'_>) -> Result<Vec<u8>, mvt::Error> {
    let mut tile = Tile::new(EXTENT);
    if !content.roads.is_empty() {
        let mut layer = tile.create_layer("roads");
        for road in &content.roads {
            let mut geom = GeomEncoder::<f64>::new(GeomType::Linestring);
            for part in &road.parts {
                for p in part {
                    geom.add_point(f64::from(p[0]), f64::from(p[1]))?;
                }
                geom.complete_geom()?;
            }
            let mut f = layer.into_feature(geom.encode()?);
            f.set_id(u64::from(road.edge.0));
            f.add_tag_string("class", road.class.as_str());
            if !road.name.is_empty() {
                f.add_tag_string("name", road.name);
            }
            if !road.reference.is_empty() {
                f.add_tag_string("ref", road.reference);
            }
            layer = f.into_layer();
        }
        tile.add_layer(layer)?;
    }
    if !content.places.is_empty() {
        let mut layer = tile.create_layer("places");
        for p in &content.places {
            let geom = GeomEncoder::<f64>::new(GeomType::Point)
                .point(f64::from(p.at[0]), f64::from(p.at[1]))?
                .encode()?;
            let mut f = layer.into_feature(geom);
            f.set_id(p.index as u64);
            f.add_tag_string("name", &p.place.name);
            if let Some(ru) = &p.place.name_ru {
                f.add_tag_string("name_ru", ru);
            }
            if let Some(en) = &p.place.name_en {
                f.add_tag_string("name_en", en);
            }
            f.add_tag_string("kind", p.place.kind.as_str());
            if let Some(n) = p.place.population {
                f.add_tag_uint("population", n);
            }
            layer = f.into_layer();
        }
        tile.add_layer(layer)?;
    }
    tile.to_bytes()
}

fn bad_url(message: String) -> ApiError {
    ApiError::new(ErrorCode::InvalidUrl, message)
}

/// Parses the `z`, `x` and `{y}.mvt` segments of a tile URL.
///
/// # Errors
/// `InvalidUrl` naming what is wrong.
pub fn parse_tile(z: &str, x: &str, y: &str) -> Result<TileId, ApiError> {
    let y = y
        .strip_suffix(".mvt")
        .ok_or_else(|| bad_url("a tile is /tiles/{profile}/{z}/{x}/{y}.mvt".to_owned()))?;
    let num = |name: &str, v: &str| {
        // Plain decimal digits only: no sign, no spaces, at most 10 digits.
        if v.is_empty() || v.len() > 10 || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_url(format!("tile {name} {v:?} is not a whole number")));
        }
        v.parse::<u32>()
            .map_err(|_| bad_url(format!("tile {name} {v:?} is too large")))
    };
    TileId::new(num("z", z)?, num("x", x)?, num("y", y)?).map_err(|e| bad_url(e.to_string()))
}

fn etag(engine: &Engine, profile: &str) -> Option<HeaderValue> {
    let sum = engine.checksum(profile)?;
    HeaderValue::from_str(&format!("\"{sum:016x}\"")).ok()
}

/// `GET /tiles/{profile}/{z}/{x}/{y}.mvt`.
pub async fn tile(
    State(state): State<AppState>,
    Path((profile, z, x, y)): Path<(String, String, String, String)>,
    headers: HeaderMap,
) -> Response {
    // One engine for the whole request, even if the graphs are reloaded meanwhile.
    let engine = state.engine();
    let answer = async {
        let profile = loaded_profile(&engine, profile)?;
        let id = parse_tile(&z, &x, &y)?;
        let tag = etag(&engine, &profile);
        if let Some(tag) = &tag
            && headers.get(header::IF_NONE_MATCH) == Some(tag)
        {
            return Ok(tagged(
                StatusCode::NOT_MODIFIED.into_response(),
                tag.clone(),
            ));
        }
        let bytes = tokio::task::spawn_blocking(move || {
            let graph = engine
                .graph(&profile)
                .ok_or_else(|| ApiError::internal("profile vanished"))?;
            let map = engine
                .basemap(&profile)
                .map_err(|e| ApiError::internal(&e.to_string()))?;
            encode(&map.tile(graph, id)).map_err(|e| ApiError::internal(&e.to_string()))
        })
        .await
        .map_err(|e| ApiError::internal(&e.to_string()))??;
        let mut r = ([(header::CONTENT_TYPE, MVT_TYPE)], bytes).into_response();
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        Ok::<_, ApiError>(match tag {
            Some(tag) => tagged(r, tag),
            None => r,
        })
    };
    answer.await.unwrap_or_else(IntoResponse::into_response)
}

fn tagged(mut r: Response, tag: HeaderValue) -> Response {
    r.headers_mut().insert(header::ETAG, tag);
    r
}

/// The host a client reached, when it is a plain `host[:port]` (else `None`: the TileJSON
/// then gives a URL relative to the server's root).
fn plain_host(headers: &HeaderMap) -> Option<&str> {
    let h = headers.get(header::HOST)?.to_str().ok()?;
    let ok = !h.is_empty()
        && h.len() <= 255
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    ok.then_some(h)
}

/// `GET /tiles/{profile}/tiles.json`.
pub async fn tilejson(
    State(state): State<AppState>,
    Path(profile): Path<String>,
    headers: HeaderMap,
) -> Response {
    let engine = state.engine();
    let profile = match loaded_profile(&engine, profile) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let root = plain_host(&headers).map_or(String::new(), |h| format!("http://{h}"));
    let graph_bounds = engine.graph(&profile).and_then(|g| g.bbox());
    let (bounds, center) = match graph_bounds {
        Some((sw, ne)) => (
            json!([sw.lon, sw.lat, ne.lon, ne.lat]),
            json!([(sw.lon + ne.lon) / 2.0, (sw.lat + ne.lat) / 2.0, 13]),
        ),
        None => (json!([-180, -85.05, 180, 85.05]), json!([0, 0, 2])),
    };
    let classes: Vec<&str> = TileClass::ALL.iter().map(|c| c.as_str()).collect();
    let body = json!({
        "tilejson": "3.0.0",
        "name": format!("vmeste {profile} roads"),
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [format!("{root}/tiles/{profile}/{{z}}/{{x}}/{{y}}.mvt")],
        "minzoom": 0,
        "maxzoom": MAX_ZOOM,
        "bounds": bounds,
        "center": center,
        "vector_layers": [
            {"id": "roads", "description": format!("Roads; class is one of {}", classes.join(", ")),
             "fields": {"class": "String", "name": "String", "ref": "String"}},
            {"id": "places", "description": "Settlements and named places",
             "fields": {"name": "String", "name_ru": "String", "name_en": "String", "kind": "String", "population": "Number"}}
        ]
    });
    axum::Json(body).into_response()
}

/// Adds the two tile endpoints to the OpenAPI document.
pub fn describe_openapi(doc: &mut Value) {
    let profile = json!({"name": "profile", "in": "path", "required": true, "schema": {"type": "string"}, "description": "Profile of a loaded graph (car, bicycle, foot)."});
    let error = json!({"description": "OSRM error (InvalidUrl: unknown profile, or no such tile)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    let tile = json!({"get": {
        "summary": "A Mapbox Vector Tile of the graph: layer roads (class, name, ref) and layer places (name, name_ru, name_en, kind, population); extent 4096; empty body when nothing is in the tile.",
        "parameters": [
            profile,
            {"name": "z", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}, "description": "Zoom."},
            {"name": "x", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}, "description": "Column from the west, below 2^z."},
            {"name": "y", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 0}, "description": "Row from the north, below 2^z."}
        ],
        "responses": {
            "200": {"description": "The tile", "content": {MVT_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
            "304": {"description": "Not modified (If-None-Match matched the ETag)"},
            "400": error
        }
    }});
    let tilejson = json!({"get": {
        "summary": "TileJSON 3.0 describing the profile's vector tiles (URL template, bounds, centre, zooms, layers).",
        "parameters": [profile],
        "responses": {
            "200": {"description": "TileJSON", "content": {"application/json": {"schema": {"type": "object", "required": ["tilejson", "tiles", "vector_layers"]}}}},
            "400": error
        }
    }});
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        paths.insert("/tiles/{profile}/{z}/{x}/{y}.mvt".to_owned(), tile);
        paths.insert("/tiles/{profile}/tiles.json".to_owned(), tilejson);
    }
}
