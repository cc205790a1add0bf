//! `vmeste geocode` and `vmeste places` as a user runs them, and the gazetteer in graph files.
#![allow(clippy::unwrap_used, reason = "test code")]

use std::path::Path;
use std::process::Output;

use engine::dispatch::Engine;
use engine::geocode::SECTION;
use engine::graph::file;
use serde_json::Value;

use crate::cli_import::{assert_one_line_error, s, tmp, vmeste};
use crate::support;

fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn import(pbf: &Path, profile: &str, out: &Path, extra: &[&str]) {
    let mut args = vec!["import", s(pbf), "--profile", profile, "-o", s(out)];
    args.extend_from_slice(extra);
    let summary = ok_stdout(&vmeste(&args));
    assert_eq!(extra.is_empty(), summary.contains("addresses"), "{summary}");
}

#[test]
fn geocode_cli_on_moscow() {
    let Some(pbf) = support::osm("moscow-myasnitskaya-2020-07-20.osm.pbf") else {
        return;
    };
    let (car, foot, bare) = (
        tmp("mm-car.graph"),
        tmp("mm-foot.graph"),
        tmp("mm-bare.graph"),
    );
    import(&pbf, "car", &car, &[]);
    import(&pbf, "foot", &foot, &[]);
    import(&pbf, "foot", &bare, &["--no-gazetteer"]);
    // Every profile's file carries the same gazetteer.
    let (a, b) = (file::read(&car).unwrap(), file::read(&foot).unwrap());
    assert!(a.section(SECTION).is_some());
    assert_eq!(a.section(SECTION), b.section(SECTION));
    assert!(file::read(&bare).unwrap().section(SECTION).is_none());

    let out = ok_stdout(&vmeste(&[
        "geocode",
        s(&foot),
        "ул. Милютинский пер., д. 16 стр. 1",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["kind"], "house", "{v}");
    assert_eq!(v[0]["street"], "Милютинский переулок", "{v}");
    assert!(v[0]["confidence"].as_f64().unwrap() > 0.9, "{v}");
    let out = ok_stdout(&vmeste(&[
        "geocode",
        s(&car),
        "Myasnitskaya ulitsa",
        "--limit",
        "1",
    ]));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["kind"], "street", "{v}");
    let out = ok_stdout(&vmeste(&["geocode", s(&car), "Qwzrtplk Vxnmb 12"]));
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        Value::Array(vec![])
    );

    // The engine keeps the gazetteer of the first file that has one.
    let mut e = Engine::new();
    e.add_graph_file(&bare).unwrap();
    assert!(e.gazetteer().is_none());
    e.add_graph_file(&car).unwrap();
    assert!(e.gazetteer().unwrap().addresses().len() > 100);

    // Bad input: one line, non-zero exit.
    assert_one_line_error(&vmeste(&["geocode", s(&bare), "x"]), "no gazetteer");
    assert_one_line_error(
        &vmeste(&["geocode", "/nonexistent.graph", "x"]),
        "nonexistent",
    );
    let long = "а".repeat(5000);
    assert_one_line_error(&vmeste(&["geocode", s(&car), &long]), "too long");
    assert_one_line_error(
        &vmeste(&["geocode", s(&car), "x", "--limit", "100000"]),
        "limit",
    );
    assert!(!vmeste(&["geocode", s(&car)]).status.success());
    for p in [car, foot, bare] {
        std::fs::remove_file(p).ok();
    }
}

#[test]
fn places_cli_on_andorra() {
    let Some(pbf) = support::osm("andorra-2020-05-01.osm.pbf") else {
        return;
    };
    let g = tmp("andorra-foot.graph");
    import(&pbf, "foot", &g, &[]);
    let all: Value =
        serde_json::from_str(&ok_stdout(&vmeste(&["places", s(&g), "--format", "json"]))).unwrap();
    let all = all.as_array().unwrap();
    let villages = all.iter().filter(|p| p["kind"] == "village").count();
    assert!(villages >= 33, "{villages}");
    assert!(all.iter().any(|p| p["population"].as_u64().is_some()));

    let csv = ok_stdout(&vmeste(&["places", s(&g), "--format", "csv"]));
    assert!(csv.starts_with("name,name_ru,name_en,kind,population,lon,lat,osm_type,osm_id\n"));
    assert_eq!(csv.lines().count(), all.len() + 1);

    let geo: Value = serde_json::from_str(&ok_stdout(&vmeste(&[
        "places",
        s(&g),
        "--format",
        "geojson",
        "--bbox",
        "1.40,42.40,1.55,42.60",
    ])))
    .unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    assert!(!features.is_empty() && features.len() < all.len());
    for f in features {
        let c = &f["geometry"]["coordinates"];
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!((1.40..=1.55).contains(&lon) && (42.40..=42.60).contains(&lat));
    }

    let found: Value =
        serde_json::from_str(&ok_stdout(&vmeste(&["places", s(&g), "--q", "Ordino"]))).unwrap();
    assert_eq!(found[0]["name"], "Ordino", "{found}");

    assert_one_line_error(&vmeste(&["places", s(&g), "--bbox", "1,2,3"]), "bbox");
    assert_one_line_error(&vmeste(&["places", s(&g), "--bbox", "a,b,c,d"]), "bbox");
    assert_one_line_error(
        &vmeste(&["places", s(&g), "--bbox", "2,42,1,43"]),
        "bounding box",
    );
    assert_one_line_error(
        &vmeste(&["places", s(&g), "--bbox", "1,42,200,43"]),
        "bounding box",
    );
    assert!(
        !vmeste(&["places", s(&g), "--format", "xml"])
            .status
            .success()
    );
    std::fs::remove_file(g).ok();
}
