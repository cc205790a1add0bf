//! `vmeste route`, `vmeste table` and `vmeste trip`: one query on a graph file, JSON on stdout.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use engine::dispatch::{Engine, Location, TripEnds};
use serde_json::{Value, json};

/// Arguments of `vmeste route`.
#[derive(Debug, clap::Args)]
pub struct RouteArgs {
    /// A graph file from `vmeste import`.
    pub graph: PathBuf,
    /// Two or more positions to visit in order, each `lon,lat`.
    #[arg(required = true, num_args = 2.., allow_hyphen_values = true)]
    pub points: Vec<String>,
}

/// Arguments of `vmeste table`.
#[derive(Debug, clap::Args)]
pub struct TableArgs {
    /// A graph file from `vmeste import`.
    pub graph: PathBuf,
    /// CSV file of points with `lon` and `lat` columns (a header line names them).
    #[arg(long)]
    pub points: PathBuf,
}

/// Arguments of `vmeste trip`.
#[derive(Debug, clap::Args)]
pub struct TripArgs {
    /// A graph file from `vmeste import`.
    pub graph: PathBuf,
    /// Two or more stops, each `lon,lat`.
    #[arg(required = true, num_args = 2.., allow_hyphen_values = true)]
    pub points: Vec<String>,
    /// Do not come back to the first stop at the end.
    #[arg(long)]
    pub open: bool,
    /// Start at the first stop given.
    #[arg(long)]
    pub first: bool,
    /// End at the last stop given (with --open).
    #[arg(long)]
    pub last: bool,
}

/// Parses `lon,lat` (numbers within WGS84 ranges).
///
/// # Errors
/// Not two numbers, or out of range.
pub fn parse_lonlat(s: &str) -> anyhow::Result<Location> {
    let (lon, lat) = s
        .split_once(',')
        .with_context(|| format!("{s:?} is not lon,lat"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .with_context(|| format!("longitude {lon:?} is not a number"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .with_context(|| format!("latitude {lat:?} is not a number"))?;
    let loc = Location::new(lon, lat);
    if !loc.position.is_valid() {
        bail!("{s:?} is outside longitude -180..180, latitude -90..90");
    }
    Ok(loc)
}

fn parse_points(points: &[String]) -> anyhow::Result<Vec<Location>> {
    points.iter().map(|s| parse_lonlat(s)).collect()
}

/// Reads `lon`/`lat` columns of a CSV file with a header line.
///
/// # Errors
/// Unreadable file, missing columns, bad numbers.
pub fn read_points_csv(path: &Path) -> anyhow::Result<Vec<Location>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<&str> = lines
        .next()
        .context("the CSV file is empty")?
        .split(',')
        .map(str::trim)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .with_context(|| format!("the CSV header has no {name} column"))
    };
    let (ilon, ilat) = (col("lon")?, col("lat")?);
    lines
        .enumerate()
        .map(|(n, line)| {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let get = |i: usize| cells.get(i).copied().unwrap_or("");
            parse_lonlat(&format!("{},{}", get(ilon), get(ilat)))
                .with_context(|| format!("line {} of {}", n + 2, path.display()))
        })
        .collect()
}

fn engine_for(graph: &Path) -> anyhow::Result<(Engine, String)> {
    let mut engine = Engine::new();
    let profile = engine
        .add_graph_file(graph)
        .with_context(|| format!("loading {}", graph.display()))?;
    Ok((engine, profile))
}

fn geojson(points: &[engine::types::LonLat]) -> Value {
    let coords: Vec<Value> = points
        .iter()
        .map(|&p| crate::http::geometry::lonlat_json(p))
        .collect();
    json!({"type": "LineString", "coordinates": coords})
}

fn print(v: &Value) -> anyhow::Result<()> {
    outln!("{}", serde_json::to_string(v)?);
    Ok(())
}

/// Runs `vmeste route`.
///
/// # Errors
/// Bad coordinates, a graph that cannot be loaded, unsnappable points, no route.
pub fn run_route(a: &RouteArgs) -> anyhow::Result<()> {
    let locs = parse_points(&a.points)?;
    let (engine, profile) = engine_for(&a.graph)?;
    let r = engine.route(&profile, &locs)?;
    print(
        &json!({"distance": r.distance_m(), "duration": r.duration_s(), "geometry": geojson(&r.coordinates())}),
    )
}

/// Runs `vmeste table`.
///
/// # Errors
/// Bad CSV, a graph that cannot be loaded, unsnappable points.
pub fn run_table(a: &TableArgs) -> anyhow::Result<()> {
    let locs = read_points_csv(&a.points)?;
    let (engine, profile) = engine_for(&a.graph)?;
    let all: Vec<usize> = (0..locs.len()).collect();
    let t = engine.table(&profile, &locs, &all, &all)?;
    let n = locs.len().max(1);
    let rows = |cells: &[Option<f64>]| -> Vec<Vec<Option<f64>>> {
        cells.chunks(n).map(<[Option<f64>]>::to_vec).collect()
    };
    print(&json!({"durations": rows(&t.durations_s), "distances": rows(&t.distances_m)}))
}

/// Runs `vmeste trip`.
///
/// # Errors
/// Bad coordinates, a graph that cannot be loaded, unsnappable points, no trip.
pub fn run_trip(a: &TripArgs) -> anyhow::Result<()> {
    let locs = parse_points(&a.points)?;
    let (engine, profile) = engine_for(&a.graph)?;
    let ends = TripEnds {
        roundtrip: !a.open,
        first_is_start: a.first,
        last_is_end: a.last,
    };
    let trips = engine.trip(&profile, &locs, ends)?;
    // One trip per group of mutually reachable points (one trip when all reach each other):
    // the top level has the whole visiting order and the totals, `trips` each trip.
    let order: Vec<usize> = trips.iter().flat_map(|t| t.order.iter().copied()).collect();
    print(&json!({
        "order": order,
        "distance": trips.iter().map(|t| t.route.distance_m()).sum::<f64>(),
        "duration": trips.iter().map(|t| t.route.duration_s()).sum::<f64>(),
        "roundtrip": ends.roundtrip,
        "trips": trips.iter().map(|t| json!({
            "order": t.order,
            "distance": t.route.distance_m(),
            "duration": t.route.duration_s(),
            "geometry": geojson(&t.route.coordinates()),
        })).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lonlat_parsing() {
        let l = parse_lonlat("-7.4, 43.7").unwrap();
        assert!((l.position.lon + 7.4).abs() < 1e-12);
        for bad in ["7.4", "a,b", "181,0", "0,91", "NaN,0"] {
            assert!(parse_lonlat(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_points_by_header() {
        let dir = std::env::temp_dir().join(format!("vmeste-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("points.csv");
        std::fs::write(&p, "id,lat,lon\n1,43.73,7.42\n2,43.74,7.43\n").unwrap();
        let pts = read_points_csv(&p).unwrap();
        assert_eq!(pts.len(), 2);
        assert!((pts[1].position.lon - 7.43).abs() < 1e-12);
        std::fs::write(&p, "id,x,y\n1,2,3\n").unwrap();
        assert!(read_points_csv(&p).is_err());
        std::fs::write(&p, "lon,lat\n7,95\n").unwrap();
        assert!(read_points_csv(&p).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
