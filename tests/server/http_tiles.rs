//! `GET /tiles/{profile}/{z}/{x}/{y}.mvt` and `tiles.json` on Monaco: tiles decoded with an
//! independent reader (`mvt-reader`) and compared with the engine's base map, caching
//! headers, and every kind of bad tile address answered with OSRM's error shape.
#![allow(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::collections::BTreeSet;

use engine::basemap::{BUFFER, EXTENT, TileClass, TileId};
use engine::types::LonLat;
use mvt_reader::Reader;
use mvt_reader::feature::Value;

use crate::http_support::{assert_osrm_error, get, monaco, monaco_engine, raw};

/// Monaco's harbour.
const HARBOUR: LonLat = LonLat::new(7.4246, 43.7384);

#[test]
fn a_tile_decodes_to_the_base_map() {
    let (Some(addr), Some(engine)) = (monaco(), monaco_engine()) else {
        return;
    };
    for z in [12, 14, 16] {
        let id = TileId::containing(z, HARBOUR).unwrap();
        let a = get(addr, &format!("/tiles/car/{z}/{}/{}.mvt", id.x(), id.y()));
        assert_eq!(a.status, 200);
        assert_eq!(
            a.header("content-type"),
            Some("application/vnd.mapbox-vector-tile")
        );
        assert!(a.header("etag").is_some());
        assert!(a.header("cache-control").unwrap().contains("max-age"));
        let reader = Reader::new(a.body.clone()).unwrap();
        let names = reader.get_layer_names().unwrap();
        assert_eq!(
            names,
            vec!["roads".to_owned()],
            "Monaco's graph has no places"
        );
        let features = reader.get_features(0).unwrap();
        let classes: BTreeSet<&str> = TileClass::ALL.iter().map(|c| c.as_str()).collect();
        let lo = -f32::from(u16::try_from(BUFFER).unwrap()) - 1.0;
        let hi = f32::from(u16::try_from(EXTENT + BUFFER).unwrap()) + 1.0;
        let mut ids = BTreeSet::new();
        for f in &features {
            ids.insert(f.id.unwrap());
            let props = f.properties.as_ref().unwrap();
            let Some(Value::String(class)) = props.get("class") else {
                panic!("no class: {props:?}");
            };
            assert!(classes.contains(class.as_str()), "{class}");
            let lines: Vec<geo::LineString<f32>> = match &f.geometry {
                geo::Geometry::LineString(l) => vec![l.clone()],
                geo::Geometry::MultiLineString(m) => m.0.clone(),
                other => panic!("a road drawn as {other:?}"),
            };
            for l in &lines {
                assert!(l.0.len() >= 2);
                for c in &l.0 {
                    assert!(
                        (lo..=hi).contains(&c.x) && (lo..=hi).contains(&c.y),
                        "{c:?}"
                    );
                }
            }
        }
        // The same roads, with the same ends, as the engine's base map.
        let g = engine.graph("car").unwrap();
        let content = engine.basemap("car").unwrap().tile(g, id);
        let want: BTreeSet<u64> = content.roads.iter().map(|r| u64::from(r.edge.0)).collect();
        assert_eq!(ids, want, "z{z}");
        assert!(!want.is_empty());
        if z == 16 {
            assert!(
                features.iter().any(|f| matches!(
                    f.properties.as_ref().unwrap().get("name"),
                    Some(Value::String(n)) if !n.is_empty()
                )),
                "street names are in the tile"
            );
        }
        for (f, r) in features.iter().zip(&content.roads) {
            let first = match &f.geometry {
                geo::Geometry::LineString(l) => l.0[0],
                geo::Geometry::MultiLineString(m) => m.0[0].0[0],
                _ => unreachable!(),
            };
            let p = r.parts[0][0];
            assert_eq!((first.x, first.y), (p[0] as f32, p[1] as f32));
        }
    }
    // Minor streets are left out of a region-wide view.
    let id = TileId::containing(11, HARBOUR).unwrap();
    let a = get(addr, &format!("/tiles/car/11/{}/{}.mvt", id.x(), id.y()));
    assert_eq!(a.status, 200);
    let reader = Reader::new(a.body).unwrap();
    if let Ok(features) = reader.get_features(0) {
        for f in features {
            let Some(Value::String(class)) = f.properties.as_ref().unwrap().get("class") else {
                panic!()
            };
            assert!(!["minor", "service", "path", "track"].contains(&class.as_str()));
        }
    }
}

#[test]
fn an_empty_tile_and_a_cached_one() {
    let Some(addr) = monaco() else {
        return;
    };
    let far = TileId::containing(14, LonLat::new(100.0, 10.0)).unwrap();
    let a = get(addr, &format!("/tiles/car/14/{}/{}.mvt", far.x(), far.y()));
    assert_eq!(a.status, 200);
    assert!(a.body.is_empty(), "nothing there");
    let id = TileId::containing(15, HARBOUR).unwrap();
    let path = format!("/tiles/foot/15/{}/{}.mvt", id.x(), id.y());
    let a = get(addr, &path);
    let tag = a.header("etag").unwrap().to_owned();
    let if_none_match = |tag: &str| {
        raw(
            addr,
            format!("GET {path} HTTP/1.1\r\nHost: test\r\nIf-None-Match: {tag}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    let again = if_none_match(&tag);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = if_none_match("\"0\"");
    assert_eq!(other.status, 200);
    assert_eq!(other.body, a.body);
}

#[test]
fn tilejson_points_at_the_tiles() {
    let Some(addr) = monaco() else {
        return;
    };
    let a = get(addr, "/tiles/car/tiles.json");
    assert_eq!(a.status, 200);
    let v = a.json();
    assert_eq!(v["tilejson"], "3.0.0");
    assert_eq!(v["tiles"][0], "http://test/tiles/car/{z}/{x}/{y}.mvt");
    assert!(v["attribution"].as_str().unwrap().contains("OpenStreetMap"));
    let b = &v["bounds"];
    assert!((7.3..7.5).contains(&b[0].as_f64().unwrap()));
    assert!((43.6..43.8).contains(&b[1].as_f64().unwrap()));
    assert_eq!(v["vector_layers"][0]["id"], "roads");
    assert_eq!(v["vector_layers"][1]["id"], "places");
    // A Host header that is not a plain host name gives a relative template.
    let a = raw(
        addr,
        b"GET /tiles/car/tiles.json HTTP/1.1\r\nHost: evil\"/x\r\nConnection: close\r\n\r\n",
    );
    if a.status == 200 {
        assert_eq!(a.json()["tiles"][0], "/tiles/car/{z}/{x}/{y}.mvt");
    }
}

#[test]
fn bad_tile_addresses_are_refused() {
    let Some(addr) = monaco() else {
        return;
    };
    for path in [
        "/tiles/car/19/0/0.mvt",
        "/tiles/car/2/4/0.mvt",
        "/tiles/car/2/0/4.mvt",
        "/tiles/car/14/8529/5974.png",
        "/tiles/car/14/8529/5974",
        "/tiles/car/-1/0/0.mvt",
        "/tiles/car/1e1/0/0.mvt",
        "/tiles/car/14/+8529/5974.mvt",
        "/tiles/car/14/8529/99999999999999999999.mvt",
        "/tiles/car/4294967296/0/0.mvt",
        "/tiles/car/14/%20/5974.mvt",
        "/tiles/boat/14/8529/5974.mvt",
        "/tiles/boat/tiles.json",
    ] {
        let a = get(addr, path);
        assert_osrm_error(&a, "InvalidUrl");
        assert!(
            !String::from_utf8_lossy(&a.body).contains("panick"),
            "{path}"
        );
    }
    // Counted under their own label.
    let m = get(addr, "/metrics");
    assert!(String::from_utf8_lossy(&m.body).contains("service=\"tiles\""));
}
