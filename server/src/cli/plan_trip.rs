//! `vmeste plan-trip`: a multi-day trip to remote settlements on a graph file
//! ([`engine::trips`]), printed as a readable itinerary (or JSON with `--json`), with the
//! routes as GeoJSON on request.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use engine::dispatch::Engine;
use engine::trips::{
    Overnight, RoadPoint, RoadTrip, TripConfig, TripStop, find_place, plan_on_roads,
};

use super::reach::csv_names;
use super::route::{parse_lonlat, read_points_csv};
use crate::trips::{TripAnswer, answer, geojson, parse_duration, parse_hours};

/// Arguments of `vmeste plan-trip`.
#[derive(Debug, clap::Args)]
pub struct PlanTripArgs {
    /// A graph file from `vmeste import` (with places, to name settlements); repeat for
    /// more profiles.
    #[arg(long, required = true)]
    pub graph: Vec<PathBuf>,
    /// The headquarters, `lon,lat`: start and end of every vehicle.
    #[arg(long, allow_hyphen_values = true)]
    pub from: String,
    /// The settlements: place names or ids (`node/123`) separated by commas, or a CSV file
    /// with `lon`, `lat` (and `name`) columns.
    #[arg(long)]
    pub places: String,
    /// Days of the trip (1..=14).
    #[arg(long)]
    pub days: u32,
    /// Working hours of each day.
    #[arg(long, default_value = "09:00-19:00")]
    pub hours: String,
    /// Most driving per vehicle and day (`6h`, `5h30m`, `300m`).
    #[arg(long, default_value = "8h")]
    pub max_driving: String,
    /// Where the nights are spent.
    #[arg(long, value_parser = ["home", "settlement", "lodging"], default_value = "home")]
    pub overnight: String,
    /// Lodging points: a CSV file with `lon`, `lat` (and `name`) columns.
    #[arg(long)]
    pub lodging: Option<PathBuf>,
    /// Time spent at each settlement (`30m`, `1h`).
    #[arg(long, default_value = "30m")]
    pub service: String,
    /// Vehicles (1..=10).
    #[arg(long, default_value_t = 1)]
    pub vehicles: usize,
    /// The profile to route by (default: the first graph's).
    #[arg(long)]
    pub profile: Option<String>,
    /// Classes of roads the trip may not use, comma-separated (OSRM's `exclude`: car
    /// motorway, toll, ferry, unpaved).
    #[arg(long, default_value = "")]
    pub exclude: String,
    /// Write the itinerary as GeoJSON to this file.
    #[arg(long)]
    pub geojson: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Search iterations.
    #[arg(long, default_value_t = 1_000)]
    pub iterations: u32,
    /// Seed of the search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Named points of a CSV file.
fn csv_points(path: &Path) -> anyhow::Result<Vec<RoadPoint>> {
    let locs = read_points_csv(path)?;
    let names = csv_names(path, locs.len())?;
    Ok(locs
        .iter()
        .zip(names)
        .map(|(l, name)| RoadPoint {
            name,
            at: l.position,
        })
        .collect())
}

/// The settlements named by `--places`.
fn places(engine: &Engine, spec: &str) -> anyhow::Result<Vec<RoadPoint>> {
    let path = Path::new(spec);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
    {
        return csv_points(path);
    }
    spec.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|key| find_place(engine, key).map_err(anyhow::Error::from))
        .collect()
}

fn hm(s: u64) -> String {
    format!("{}h{:02}", s / 3_600, s % 3_600 / 60)
}

/// The itinerary as text for a coordinator.
#[must_use]
pub fn text(a: &TripAnswer) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Trip: {} settlements, {} days, {}, at most {} driving a day, nights: {}",
        a.summary.settlements,
        a.days,
        a.hours,
        hm(u64::from(a.max_driving_s)),
        a.overnight
    );
    for v in &a.vehicles {
        let _ = writeln!(out, "Vehicle {}", v.vehicle);
        for d in &v.days {
            if d.stops.is_empty() && d.driving_s == 0 {
                let _ = writeln!(
                    out,
                    "  Day {}: rest at {} ({})",
                    d.day, d.from.name, d.from.kind
                );
                continue;
            }
            let _ = writeln!(out, "  Day {}: leave {} at {}", d.day, d.from.name, d.leave);
            for s in &d.stops {
                let wait = if s.waiting_s > 0 {
                    format!(" (waits {})", hm(u64::from(s.waiting_s)))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "    {:>2}. {:<28} arrive {}  leave {}{wait}",
                    s.order, s.name, s.arrival, s.departure
                );
            }
            let _ = writeln!(
                out,
                "    night at {} ({}), arrive {}; driving {}, {:.1} km",
                d.night.name,
                d.night.kind,
                d.arrive,
                hm(u64::from(d.driving_s)),
                f64::from(d.distance_m) / 1000.0
            );
        }
    }
    if !a.unplanned.is_empty() {
        let _ = writeln!(out, "Not planned:");
        for u in &a.unplanned {
            let _ = writeln!(out, "  {}: {} ({})", u.name, u.message, u.reason);
        }
    }
    #[expect(
        clippy::cast_precision_loss,
        reason = "metres of a trip, far below 2^52"
    )]
    let km = a.summary.distance_m as f64 / 1000.0;
    let _ = writeln!(
        out,
        "Total: {} of {} settlements visited, driving {}, {km:.1} km",
        a.summary.visited,
        a.summary.settlements,
        hm(a.summary.driving_s),
    );
    out
}

/// Runs `vmeste plan-trip`.
///
/// # Errors
/// Bad arguments, unreadable files, unknown places and planning errors, each in one line.
pub fn run(args: &PlanTripArgs) -> anyhow::Result<()> {
    let (engine, first) = super::engine_from_files(&args.graph)?;
    let profile = args.profile.clone().or(first).context("no graph loaded")?;
    let origin = parse_lonlat(&args.from)?.position;
    let hours = parse_hours(&args.hours).map_err(anyhow::Error::msg)?;
    let max_driving_s = parse_duration(&args.max_driving).map_err(anyhow::Error::msg)?;
    let service_s = parse_duration(&args.service).map_err(anyhow::Error::msg)?;
    let overnight = Overnight::from_name(&args.overnight).context("unknown overnight policy")?;
    let lodgings = match &args.lodging {
        Some(p) => csv_points(p)?,
        None if overnight == Overnight::Lodging => {
            bail!("--overnight lodging needs --lodging FILE.csv")
        }
        None => Vec::new(),
    };
    let stops = places(&engine, &args.places)?
        .into_iter()
        .map(|point| TripStop {
            point,
            service_s,
            days: Vec::new(),
            windows: Vec::new(),
            priority: 0,
        })
        .collect();
    let exclude = engine.exclude_set(&profile, args.exclude.split(','))?;
    let trip = RoadTrip {
        profile,
        origin,
        vehicles: args.vehicles,
        stops,
        lodgings,
        days: args.days,
        hours,
        max_driving_s,
        overnight,
        exclude,
    };
    let config = TripConfig {
        iterations: args.iterations,
        seed: args.seed,
        ..TripConfig::default()
    };
    let planned = plan_on_roads(&engine, &trip, &config)?;
    if let Some(path) = &args.geojson {
        let text = serde_json::to_string(&geojson(&trip, &planned))?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let a = answer(&trip, &planned);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&a)?);
    } else {
        out!("{}", text(&a));
    }
    Ok(())
}
