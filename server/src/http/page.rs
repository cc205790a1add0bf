//! The dispatch page: `GET /` and its own files under `/page/` (embedded in the binary, so
//! the page always matches the API it calls), and the JavaScript libraries it loads from npm
//! under `/page/lib/` (read at run time from `node_modules/` of the page's folder).
//!
//! The page calls only the public API (`/v1`, the OSRM route service, isochrones, tiles).
//! Every answer carries a Content-Security-Policy that allows this origin alone (plus the
//! `blob:` workers and `data:`/`blob:` images MapLibre GL JS needs), `nosniff`, no referrer
//! and no framing.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;

/// The Content-Security-Policy of the page and its files.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; worker-src 'self' blob:; child-src 'self' blob:; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// The command that installs the page's libraries, named when they are missing.
pub const SETUP_COMMAND: &str = "scripts/setup-page.sh (npm ci in server/page)";

/// The page's own files: name, content type, content.
const OWN_FILES: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../page/app.js"),
    ),
    (
        "api.js",
        "text/javascript; charset=utf-8",
        include_str!("../../page/api.js"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_str!("../../page/map.js"),
    ),
    (
        "overlay.js",
        "text/javascript; charset=utf-8",
        include_str!("../../page/overlay.js"),
    ),
    (
        "i18n.js",
        "text/javascript; charset=utf-8",
        include_str!("../../page/i18n.js"),
    ),
    (
        "style.css",
        "text/css; charset=utf-8",
        include_str!("../../page/style.css"),
    ),
];

/// The page itself.
const INDEX_HTML: &str = include_str!("../../page/index.html");

/// The library files the page loads, by the name it asks for, and their place below
/// `node_modules/`.
const LIBRARY_FILES: &[(&str, &str, &str)] = &[
    (
        "maplibre-gl.mjs",
        "text/javascript; charset=utf-8",
        "maplibre-gl/dist/maplibre-gl.mjs",
    ),
    (
        "maplibre-gl-worker.mjs",
        "text/javascript; charset=utf-8",
        "maplibre-gl/dist/maplibre-gl-worker.mjs",
    ),
    (
        "maplibre-gl.css",
        "text/css; charset=utf-8",
        "maplibre-gl/dist/maplibre-gl.css",
    ),
];

/// Whether a path belongs to the page (open without a token even when routing needs one:
/// the page holds no data, it asks the API with the token the user types).
#[must_use]
pub fn is_page_path(path: &str) -> bool {
    path == "/" || path.starts_with("/page/")
}

/// The page's folder when none is given: `VMESTE_PAGE_DIR`, else `server/page` of the
/// source tree this binary was built from, else `server/page` below the working folder.
#[must_use]
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("VMESTE_PAGE_DIR") {
        return PathBuf::from(dir);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("page");
    if built.is_dir() {
        return built;
    }
    PathBuf::from("server/page")
}

/// The page's routes (to merge into the service).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/page/lib/{file}", get(library))
        .route("/page/{file}", get(own_file))
}

/// An answer with the page's security headers.
fn secured(status: StatusCode, content_type: &str, body: impl IntoResponse) -> Response {
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    let static_value = HeaderValue::from_static;
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        static_value(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, static_value("nosniff"));
    h.insert(header::REFERRER_POLICY, static_value("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, static_value("DENY"));
    h.insert(header::CACHE_CONTROL, static_value("no-cache"));
    res
}

fn not_found(what: String) -> Response {
    secured(StatusCode::NOT_FOUND, "text/plain; charset=utf-8", what)
}

async fn index() -> Response {
    secured(StatusCode::OK, "text/html; charset=utf-8", INDEX_HTML)
}

async fn own_file(UrlPath(file): UrlPath<String>) -> Response {
    match OWN_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => secured(StatusCode::OK, content_type, *body),
        None => not_found(format!("no page file {file:?}")),
    }
}

async fn library(State(state): State<AppState>, UrlPath(file): UrlPath<String>) -> Response {
    let Some((_, content_type, rel)) = LIBRARY_FILES.iter().find(|(name, _, _)| *name == file)
    else {
        return not_found(format!("no page library {file:?}"));
    };
    let dir = state
        .page_dir
        .as_deref()
        .cloned()
        .unwrap_or_else(default_dir);
    let path = dir.join("node_modules").join(rel);
    match tokio::fs::read(&path).await {
        Ok(bytes) => secured(StatusCode::OK, content_type, bytes),
        Err(_) => not_found(format!(
            "the page's library {file} is not installed in {}: run {SETUP_COMMAND}",
            dir.display()
        )),
    }
}
