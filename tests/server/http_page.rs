//! The dispatch page as `vmeste serve` sends it: `/` and its own files with the security
//! headers, the npm libraries from the page's folder (or a message naming the setup script),
//! OSRM's routes untouched beside it, the page open when routing needs a token; and
//! `GET /v1/geocode` (the hotline form's suggestions) against the gazetteer it wraps.
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::sync::Arc;

use engine::board::Role;
use server::http::v1::BoardSettings;
use server::http::{AppState, Limits};

use crate::http_support::{get, monaco_engine, start_state};
use crate::v1_reachability::{engine_of, import};
use crate::v1_support::{TestBoard, assert_error};

fn assert_secured(a: &crate::http_support::Answer) {
    let csp = a.header("content-security-policy").unwrap();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    assert!(csp.contains("worker-src 'self' blob:"), "{csp}");
    assert!(csp.contains("img-src 'self' data: blob:"), "{csp}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn the_page_and_its_files_are_served_with_security_headers() {
    let Some(engine) = monaco_engine() else {
        return;
    };
    let empty = tempfile::tempdir().unwrap();
    let addr = start_state(
        AppState::new(engine, Limits::default()).with_page_dir(empty.path().to_path_buf()),
    );
    let page = get(addr, "/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_secured(&page);
    let html = String::from_utf8(page.body).unwrap();
    for (file, kind) in [
        ("app.js", "text/javascript"),
        ("api.js", "text/javascript"),
        ("map.js", "text/javascript"),
        ("overlay.js", "text/javascript"),
        ("i18n.js", "text/javascript"),
        ("style.css", "text/css"),
    ] {
        let a = get(addr, &format!("/page/{file}"));
        assert_eq!(a.status, 200, "{file}");
        assert!(
            a.header("content-type").unwrap().starts_with(kind),
            "{file}"
        );
        assert_secured(&a);
        let source =
            std::fs::read(crate::support::workspace().join("server/page").join(file)).unwrap();
        assert_eq!(
            a.body, source,
            "{file} is the embedded copy of server/page/{file}"
        );
    }
    assert!(html.contains("/page/app.js") && html.contains("/page/style.css"));
    // No inline script or style: the policy allows none.
    assert!(!html.contains("<script>") && !html.contains("<style") && !html.contains("style=\""));
    for path in ["/page/nope.js", "/page/..%2Fsrc%2Fmain.rs"] {
        assert_eq!(get(addr, path).status, 404, "{path}");
    }
    // A path that climbs out is no page file (OSRM's fallback refuses it).
    assert_ne!(get(addr, "/page/lib/../app.js").status, 200);
    // The libraries are missing in this folder: the answer says which script installs them.
    let lib = get(addr, "/page/lib/maplibre-gl.mjs");
    assert_eq!(lib.status, 404);
    assert!(String::from_utf8_lossy(&lib.body).contains("scripts/setup-page.sh"));
    assert_eq!(get(addr, "/page/lib/left-pad.js").status, 404);
    // OSRM's services still answer every other path.
    let route = get(
        addr,
        "/route/v1/car/7.415637,43.735767;7.422844,43.736876?overview=false",
    );
    assert_eq!(route.status, 200);
    assert_eq!(route.json()["code"], "Ok");
    assert_eq!(
        get(addr, "/nearest/v1/car/7.415637,43.735767").json()["code"],
        "Ok"
    );
}

#[test]
fn the_page_libraries_come_from_the_page_folder() {
    let Some(engine) = monaco_engine() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("node_modules/maplibre-gl/dist");
    std::fs::create_dir_all(&dist).unwrap();
    for (file, body) in [
        ("maplibre-gl.mjs", "export const version = 'test';"),
        ("maplibre-gl-worker.mjs", "self.onmessage = () => {};"),
        ("maplibre-gl.css", ".maplibregl-map {}"),
    ] {
        std::fs::write(dist.join(file), body).unwrap();
    }
    let addr = start_state(
        AppState::new(engine, Limits::default()).with_page_dir(dir.path().to_path_buf()),
    );
    let js = get(addr, "/page/lib/maplibre-gl.mjs");
    assert_eq!(js.status, 200);
    assert_eq!(js.body, b"export const version = 'test';");
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_secured(&js);
    let worker = get(addr, "/page/lib/maplibre-gl-worker.mjs?v=6.20.0");
    assert_eq!(worker.status, 200);
    let css = get(addr, "/page/lib/maplibre-gl.css");
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
}

#[test]
fn the_page_is_open_when_routing_needs_a_token() {
    let Some(b) = TestBoard::start(BoardSettings {
        require_token_for_routing: true,
    }) else {
        return;
    };
    assert_eq!(b.send("GET", "/", None, &[], None).status, 200);
    assert_eq!(b.send("GET", "/page/app.js", None, &[], None).status, 200);
    let route = b.send(
        "GET",
        "/route/v1/car/7.415637,43.735767;7.422844,43.736876",
        None,
        &[],
        None,
    );
    assert_error(&route, 401, "missing_token");
}

#[test]
fn geocode_answers_what_the_gazetteer_finds() {
    let dir = tempfile::tempdir().unwrap();
    let Some(graphs) = import(dir.path(), "monaco-2023-12-26", &["car"]) else {
        return;
    };
    let engine = engine_of(&graphs);
    let b = TestBoard::start_with(Arc::clone(&engine), BoardSettings::default());
    let admin = b.token(Role::Admin, &[], None);
    let hq = b.hq(&admin, "HQ");
    let gazetteer = engine.gazetteer().unwrap();
    for role in [Role::Coordinator, Role::Operator, Role::Volunteer] {
        let token = b.token(role, &[hq], None);
        for (q, limit) in [
            ("Boulevard des Moulins 30", 5),
            ("Avenue de la Costa", 3),
            ("Monte-Carlo", 1),
            ("zzzz qqqq", 5),
        ] {
            let path = format!(
                "/v1/geocode?q={}&limit={limit}",
                form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
            );
            let a = b.get(&path, &token);
            assert_eq!(a.status, 200, "{q}: {}", a.json());
            let got = a.json()["matches"].as_array().unwrap().clone();
            let want = gazetteer.search(q, limit).unwrap();
            assert_eq!(got.len(), want.len(), "{q}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g["label"], w.label.as_str(), "{q}");
                assert_eq!(g["lon"].as_f64().unwrap(), w.location.lon);
                assert_eq!(g["lat"].as_f64().unwrap(), w.location.lat);
                assert_eq!(g["confidence"].as_f64().unwrap(), w.confidence);
            }
        }
    }
    assert!(
        !b.get("/v1/geocode?q=Boulevard%20des%20Moulins", &admin)
            .json()["matches"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    for (path, status, code) in [
        ("/v1/geocode?q=x&limit=0", 422, "invalid_field"),
        ("/v1/geocode?q=x&limit=21", 422, "invalid_field"),
        ("/v1/geocode", 400, "invalid_query"),
        ("/v1/geocode?q=x&x=1", 400, "invalid_query"),
    ] {
        assert_error(&b.get(path, &admin), status, code);
    }
    assert_eq!(
        b.send("GET", "/v1/geocode?q=x", None, &[], None).status,
        401
    );
}

#[test]
fn geocode_without_a_gazetteer_is_404() {
    let Some(b) = TestBoard::start(BoardSettings::default()) else {
        return;
    };
    let admin = b.token(Role::Admin, &[], None);
    assert_error(&b.get("/v1/geocode?q=Monaco", &admin), 404, "no_addresses");
}
