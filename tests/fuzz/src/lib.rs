//! Fuzz targets: one function per parser of outside bytes, each taking arbitrary bytes and
//! asserting only that the parser returns (a value or an error) without panicking, hanging
//! or exhausting memory. The AFL++ harness (`src/bin/vmeste-fuzz.rs`) runs them by name;
//! crashes found become regression tests in the main test suites.

use engine::board::{
    AnyRoads, Board, Created, MemoryStore, NewHq, NewRequest, NewVolunteer, PositionReport,
    Principal, RequestPatch, Time, VolunteerPatch,
};
use engine::vrp::io::{Format, Instance};
use serde::de::DeserializeOwned;
use serde_json::Value;
use server::http::osrm::options::{RawOptions, parse_options};
use server::http::osrm::url::{Service, parse_coordinates, parse_path};

/// A fuzz target.
pub type Target = fn(&[u8]);

/// Every target, by name.
pub const TARGETS: [(&str, Target); 13] = [
    ("osm_pbf", osm_pbf),
    ("graph_file", graph_file),
    ("osrm_url", osrm_url),
    ("osrm_body", osrm_body),
    ("polyline", polyline),
    ("vrp_solomon", vrp_solomon),
    ("vrp_vrplib", vrp_vrplib),
    ("vrp_lilim", vrp_lilim),
    ("vrp_json", vrp_json),
    ("vrp_detect", vrp_detect),
    ("vroom_json", vroom_json),
    ("v1_json", v1_json),
    ("v1_csv", v1_csv),
];

/// The target named `name`.
#[must_use]
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The targets' names.
#[must_use]
pub fn names() -> Vec<&'static str> {
    TARGETS.iter().map(|(n, _)| *n).collect()
}

const MAX_COORDINATES: usize = 10_000;

/// An `.osm.pbf` file: read as `vmeste import` does (car profile, with the gazetteer). The
/// reader takes a path, so the bytes go to a scratch file first (in `/dev/shm` when there).
pub fn osm_pbf(data: &[u8]) {
    let path = scratch_dir().join(format!("vmeste-fuzz-{}.osm.pbf", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Some(profile) = engine::osm::Profile::by_name("car") {
        let _ = engine::osm::read_network_and_gazetteer(&path, profile, &|_| {});
    }
    let _ = std::fs::remove_file(&path);
}

/// Where targets whose parser takes a path write their input: `/dev/shm` when there.
fn scratch_dir() -> std::path::PathBuf {
    if std::path::Path::new("/dev/shm").is_dir() {
        std::path::PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    }
}

/// A graph file: decoded and verified, then its hierarchy and gazetteer sections read as
/// `vmeste serve` does. The trailing CRC-32 is recomputed first, so that mutations reach the
/// parser behind the checksum instead of stopping at it (a wrong checksum is its own test).
/// The file is also read from disk as `vmeste serve` reads it (section by section, the byte
/// decoder only for what that way does not take), which must give the same answer.
pub fn graph_file(data: &[u8]) {
    let mut bytes = data.to_vec();
    if bytes.len() >= 20 {
        let n = bytes.len() - 4;
        let crc = crc32fast::hash(&bytes[..n]);
        bytes[n..].copy_from_slice(&crc.to_le_bytes());
    }
    let decoded = engine::graph::file::decode(&bytes);
    let path = scratch_dir().join(format!("vmeste-fuzz-{}.vmg", std::process::id()));
    if std::fs::write(&path, &bytes).is_ok() {
        let read = engine::graph::file::read(&path);
        let _ = std::fs::remove_file(&path);
        match (&read, &decoded) {
            (Ok(a), Ok(b)) => assert!(a == b, "reading the file and decoding its bytes differ"),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            _ => panic!("reading the file and decoding its bytes disagree on accepting it"),
        }
    }
    let Ok(file) = decoded else {
        return;
    };
    if let Some(ch) = file.section(engine::dispatch::CH_SECTION) {
        let _ = engine::routing::ContractionHierarchy::from_bytes(ch, &file.graph);
    }
    if let Some(g) = file.section(engine::geocode::SECTION) {
        let _ = engine::geocode::Gazetteer::from_bytes(g);
    }
}

/// An OSRM GET URL (`/route/v1/car/7.4,43.7;7.42,43.73?steps=true`): path, coordinates
/// (polylines included) and query options, as the OSRM handler parses them.
pub fn osrm_url(data: &[u8]) {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let Ok(path) = parse_path(path, true) else {
        return;
    };
    let Ok(coords) = parse_coordinates(path.coordinates.as_deref().unwrap_or(""), MAX_COORDINATES)
    else {
        return;
    };
    if let Ok(raw) = RawOptions::from_query(query) {
        let _ = parse_options(path.service, raw, coords.len(), 100);
    }
}

/// An OSRM POST body (JSON with `coordinates` and the options), for every service.
pub fn osrm_body(data: &[u8]) {
    let Ok(body) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Some(obj) = body.as_object() else {
        return;
    };
    let Ok(coords) = server::http::osrm::body_coordinates(obj.get("coordinates"), MAX_COORDINATES)
    else {
        return;
    };
    let _ = server::http::osrm::url::check_coordinates(&coords);
    if let Ok(raw) = RawOptions::from_json(obj) {
        for service in Service::ALL {
            let _ = parse_options(service, raw.clone(), coords.len(), 100);
        }
    }
}

/// Coordinates in OSRM's `polyline(…)` and `polyline6(…)` forms (the first byte chooses).
pub fn polyline(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let form = if which & 1 == 0 {
        "polyline"
    } else {
        "polyline6"
    };
    if let Ok(coords) = parse_coordinates(&format!("{form}({text})"), MAX_COORDINATES) {
        let _ = server::http::osrm::url::check_coordinates(&coords);
    }
}

fn vrp(data: &[u8], format: Option<Format>) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Instance::parse("fuzz", text, format);
    }
}

/// A Solomon / Homberger instance.
pub fn vrp_solomon(data: &[u8]) {
    vrp(data, Some(Format::Solomon));
}

/// A VRPLIB / CVRPLIB instance.
pub fn vrp_vrplib(data: &[u8]) {
    vrp(data, Some(Format::Vrplib));
}

/// A Li & Lim instance.
pub fn vrp_lilim(data: &[u8]) {
    vrp(data, Some(Format::LiLim));
}

/// The JSON form of the VRP model (`docs/vrp-json.md`).
pub fn vrp_json(data: &[u8]) {
    vrp(data, Some(Format::Json));
}

/// An instance of unnamed format, as `vmeste solve` reads it (format detection first).
pub fn vrp_detect(data: &[u8]) {
    vrp(data, None);
}

/// A VROOM problem (`POST /optimize`, `vmeste solve --vroom`), read and built into the
/// solver's problem (matrices from the problem itself: no graphs).
pub fn vroom_json(data: &[u8]) {
    let _ = server::vroom::problem(None, data);
}

const NOW: Time = Time(1_790_000_000);

fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    // As `V1Json`: JSON first, then its shape.
    let json: Value = serde_json::from_slice(body).ok()?;
    T::deserialize(json).ok()
}

fn created<T>(c: Created<T>) -> Option<T> {
    match c {
        Created::New(x) => Some(x),
        Created::Replayed(_) => None,
    }
}

/// A board with one headquarters, one volunteer and one request, for the body under test.
async fn seeded_board() -> Option<(Board<MemoryStore>, i64, i64, i64)> {
    let board = Board::new(MemoryStore::new());
    let admin = Principal::local_admin();
    let hq = NewHq {
        name: "HQ".into(),
        region: "MC".into(),
        location: [7.42, 43.73],
        timezone: None,
    };
    let hq = created(board.create_hq(&admin, NOW, hq, None).await.ok()?)?.id;
    let vol: NewVolunteer = serde_json::from_value(serde_json::json!({
        "hq": hq, "name": "Anna", "phone": "+377 600 000 001", "mode": "foot",
        "skills": [], "position": [7.4156, 43.7357]
    }))
    .ok()?;
    let vol = created(
        board
            .create_volunteer(&admin, NOW, vol, &AnyRoads, None)
            .await
            .ok()?,
    )?
    .id;
    let req: NewRequest = serde_json::from_value(serde_json::json!({
        "hq": hq, "kind": "groceries", "urgency": "normal", "location": [7.4228, 43.7368],
        "recipient": {"name": "Ivan", "phone": "+377 600 000 002"}
    }))
    .ok()?;
    let req = created(
        board
            .create_request(&admin, NOW, req, None, &AnyRoads, None)
            .await
            .ok()?,
    )?
    .id;
    Some((board, hq, vol, req))
}

/// A JSON body of the dispatch API (the first byte chooses which), parsed as `/v1` does and
/// then applied to an in-memory board, so the board's own checks see it too.
pub fn v1_json(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    pollster::block_on(async {
        let Some((board, _hq, vol, req)) = seeded_board().await else {
            return;
        };
        let admin = Principal::local_admin();
        match which % 9 {
            0 => {
                if let Some(x) = parse::<NewHq>(body) {
                    let _ = board.create_hq(&admin, NOW, x, None).await;
                }
            }
            1 => {
                if let Some(x) = parse::<NewVolunteer>(body) {
                    let _ = board
                        .create_volunteer(&admin, NOW, x, &AnyRoads, None)
                        .await;
                }
            }
            2 => {
                if let Some(x) = parse::<NewRequest>(body) {
                    let _ = board
                        .create_request(&admin, NOW, x, None, &AnyRoads, None)
                        .await;
                }
            }
            3 => {
                if let Some(x) = parse::<VolunteerPatch>(body) {
                    let _ = board.update_volunteer(&admin, NOW, vol, x, None).await;
                }
            }
            4 => {
                if let Some(x) = parse::<RequestPatch>(body) {
                    let _ = board
                        .update_request(&admin, NOW, req, x, &AnyRoads, None)
                        .await;
                }
            }
            5 => {
                if let Some(x) = parse::<PositionReport>(body) {
                    let _ = board.report_position(&admin, NOW, vol, x, &AnyRoads).await;
                }
            }
            6 => {
                if let Some(x) = parse::<server::http::v1::requests::StatusChange>(body) {
                    let _ = board.assign(&admin, NOW, req, vol, None).await;
                    let _ = board
                        .transition(&admin, NOW, req, x.status, x.reason, None)
                        .await;
                }
            }
            7 => {
                let _ = parse::<server::http::v1::plans::PlanBody>(body);
            }
            _ => {
                let _ = parse::<server::http::v1::reachability::ReachabilityBody>(body);
            }
        }
    });
}

/// A CSV import of the dispatch API (volunteers or requests: the first byte chooses).
pub fn v1_csv(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if which & 1 == 0 {
        let _ = server::http::v1::csv::volunteer_rows(1, text);
    } else {
        let _ = server::http::v1::csv::request_rows(1, text);
    }
}
