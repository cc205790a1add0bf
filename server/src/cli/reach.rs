//! `vmeste reach`: a reachability report from an origin to the places of the extract or the
//! points of a CSV file, as CSV or GeoJSON on stdout ([`engine::reachability`]).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, bail};
use engine::dispatch::Engine;
use engine::reachability::{ReachOptions, reach};
use engine::types::LonLat;
use serde_json::{Value, json};

use super::geocode::csv_field;
use super::route::{parse_lonlat, read_points_csv};
use crate::reachability::{ReachOut, geojson};

/// Output formats of `vmeste reach`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReachFormat {
    /// One line per point with a header line.
    #[default]
    Csv,
    /// A GeoJSON FeatureCollection of points with the results in their properties.
    Geojson,
}

/// Arguments of `vmeste reach`.
#[derive(Debug, clap::Args)]
pub struct ReachArgs {
    /// A graph file from `vmeste import`; repeat for more profiles (the others explain
    /// points the chosen one cannot reach: `other_mode_only`).
    #[arg(long, required = true)]
    pub graph: Vec<PathBuf>,
    /// The origin, `lon,lat`.
    #[arg(long, allow_hyphen_values = true)]
    pub from: String,
    /// `places` (every place of the graph files' gazetteer) or a CSV file with `lon` and `lat`
    /// columns (and optionally `name`).
    #[arg(long)]
    pub points: String,
    /// The profile to route by (default: the first graph's).
    #[arg(long)]
    pub profile: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: ReachFormat,
    /// Routes may not take a ferry (as `--exclude ferry`).
    #[arg(long)]
    pub no_ferries: bool,
    /// Classes of roads routes may not use, comma-separated (OSRM's `exclude`: car
    /// motorway, toll, ferry, unpaved; bicycle ferry, unpaved; foot ferry).
    #[arg(long, default_value = "")]
    pub exclude: String,
    /// How far from a point to look for a road, metres (default: the profile's).
    #[arg(long)]
    pub radius: Option<f64>,
}

/// Points with a name for each (empty when the CSV has none).
fn points_of(engine: &Engine, points: &str) -> anyhow::Result<(Vec<LonLat>, Vec<String>)> {
    if points == "places" {
        let Some(g) = engine.gazetteer() else {
            bail!("the graph files carry no gazetteer; re-run `vmeste import`");
        };
        let places = g.all_places();
        if places.is_empty() {
            bail!("the extract has no places (no place=* nodes or areas)");
        }
        return Ok((
            places.iter().map(|p| p.location).collect(),
            places
                .iter()
                .map(|p| p.names.display().to_owned())
                .collect(),
        ));
    }
    let path = PathBuf::from(points);
    let locs = read_points_csv(&path)?;
    let names = csv_names(&path, locs.len())?;
    Ok((locs.iter().map(|l| l.position).collect(), names))
}

/// The `name` column of a points CSV file, or empty names.
pub(crate) fn csv_names(path: &std::path::Path, n: usize) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap_or_default();
    let Some(col) = header
        .split(',')
        .position(|h| h.trim().eq_ignore_ascii_case("name"))
    else {
        return Ok(vec![String::new(); n]);
    };
    Ok(lines
        .map(|l| l.split(',').nth(col).unwrap_or("").trim().to_owned())
        .collect())
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// The report as CSV with a header line.
#[must_use]
pub fn report_csv(points: &[LonLat], names: &[String], results: &[ReachOut]) -> String {
    let mut out = String::from(
        "index,name,lon,lat,reachable,duration_s,distance_m,reason,nearest_road_m,component_size,gap_m,ferry_way,ferry_name,modes,excluded_class,excluded_way,excluded_name\n",
    );
    for (i, (p, r)) in points.iter().zip(results).enumerate() {
        let reason = r.reason.clone().unwrap_or_default();
        let _ = writeln!(
            out,
            "{i},{},{:.7},{:.7},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(names.get(i).map_or("", String::as_str)),
            p.lon,
            p.lat,
            r.reachable,
            opt(r.duration_s),
            opt(r.distance_m),
            reason.kind,
            opt(reason.nearest_road_m),
            reason
                .component_size
                .map_or_else(String::new, |c| c.to_string()),
            opt(reason.gap_m),
            reason.ferry_way.map_or_else(String::new, |w| w.to_string()),
            csv_field(reason.ferry_name.as_deref().unwrap_or("")),
            reason.modes.unwrap_or_default().join(" "),
            reason.excluded_class.unwrap_or_default(),
            reason
                .excluded_way
                .map_or_else(String::new, |w| w.to_string()),
            csv_field(reason.excluded_name.as_deref().unwrap_or("")),
        );
    }
    out
}

/// Runs `vmeste reach`.
///
/// # Errors
/// Unreadable graph files, a bad origin or points file, no places, an unknown profile, an
/// origin far from every road.
pub fn run(args: &ReachArgs) -> anyhow::Result<()> {
    let (engine, first) = super::engine_from_files(&args.graph)?;
    let profile = args.profile.clone().or(first).context("no graph file")?;
    let from = parse_lonlat(&args.from).context("--from")?.position;
    let (points, names) = points_of(&engine, &args.points)?;
    let exclude = engine.exclude_set(&profile, args.exclude.split(','))?;
    let options = ReachOptions {
        radius_m: args.radius,
        ferries: !args.no_ferries,
        exclude,
        ..ReachOptions::default()
    };
    let t = Instant::now();
    let results = reach(&engine, &profile, from, &points, &options)?;
    let elapsed = t.elapsed();
    let results: Vec<ReachOut> = results.iter().map(ReachOut::from).collect();
    let reached = results.iter().filter(|r| r.reachable).count();
    eprintln!(
        "{reached} of {} points reachable by {profile}; report in {:.1} ms",
        points.len(),
        elapsed.as_secs_f64() * 1e3
    );
    let out = match args.format {
        ReachFormat::Csv => report_csv(&points, &names, &results),
        ReachFormat::Geojson => {
            let pts: Vec<[f64; 2]> = points.iter().map(|p| [p.lon, p.lat]).collect();
            let extra: Vec<Value> = names.iter().map(|n| json!({"name": n})).collect();
            serde_json::to_string_pretty(&geojson(&pts, &results, &extra))?
        }
    };
    outln!("{}", out.trim_end());
    Ok(())
}
