//! `vmeste geocode` and `vmeste places`: the gazetteer of a graph file from the command
//! line.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use engine::geocode::{Gazetteer, Place, SECTION};
use engine::graph::file;
use engine::osm::ElementKind;
use serde_json::json;

/// Arguments of `vmeste geocode`.
#[derive(Debug, clap::Args)]
pub struct GeocodeArgs {
    /// A graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// The address or place to find, e.g. "ул. Мясницкая, д. 20".
    pub query: String,
    /// Most answers to print.
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
}

/// Output format of `vmeste places`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlacesFormat {
    /// A JSON array of places.
    Json,
    /// CSV with a header: name, name_ru, name_en, kind, population, lon, lat, osm_type, osm_id.
    Csv,
    /// A GeoJSON FeatureCollection of points.
    Geojson,
}

/// Arguments of `vmeste places`.
#[derive(Debug, clap::Args)]
pub struct PlacesArgs {
    /// A graph file written by `vmeste import`.
    pub graph: PathBuf,
    /// Keep places whose name matches this text (fuzzy).
    #[arg(long)]
    pub q: Option<String>,
    /// Keep places inside `min_lon,min_lat,max_lon,max_lat`.
    #[arg(long)]
    pub bbox: Option<String>,
    /// Most places to print.
    #[arg(long, default_value_t = 10_000)]
    pub limit: usize,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: PlacesFormat,
}

/// The gazetteer stored in a graph file.
///
/// # Errors
/// An unreadable or damaged file, or a file imported without a gazetteer.
pub fn load_gazetteer(path: &Path) -> anyhow::Result<Gazetteer> {
    let f = file::read(path).with_context(|| format!("reading {}", path.display()))?;
    let Some(bytes) = f.section(SECTION) else {
        bail!(
            "{} has no gazetteer; re-run `vmeste import` (without --no-gazetteer)",
            path.display()
        );
    };
    Gazetteer::from_bytes(bytes).with_context(|| format!("reading {}", path.display()))
}

/// Runs `vmeste geocode`: prints the matches as a JSON array.
///
/// # Errors
/// A bad graph file, an over-long query or limit.
pub fn run_geocode(args: &GeocodeArgs) -> anyhow::Result<()> {
    let g = load_gazetteer(&args.graph)?;
    let found = g.search(&args.query, args.limit)?;
    outln!("{}", serde_json::to_string_pretty(&found)?);
    Ok(())
}

/// Parses `min_lon,min_lat,max_lon,max_lat`.
///
/// # Errors
/// Not four numbers.
pub fn parse_bbox(text: &str) -> anyhow::Result<[f64; 4]> {
    let v: Vec<f64> = text
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("--bbox {text:?}: expected min_lon,min_lat,max_lon,max_lat"))?;
    match <[f64; 4]>::try_from(v) {
        Ok(b) => Ok(b),
        Err(_) => bail!("--bbox {text:?}: expected four numbers min_lon,min_lat,max_lon,max_lat"),
    }
}

/// Runs `vmeste places`.
///
/// # Errors
/// A bad graph file, bounding box, query or limit.
pub fn run_places(args: &PlacesArgs) -> anyhow::Result<()> {
    let bbox = args.bbox.as_deref().map(parse_bbox).transpose()?;
    let g = load_gazetteer(&args.graph)?;
    let places = g.places(bbox, args.q.as_deref(), args.limit)?;
    let out = match args.format {
        PlacesFormat::Json => serde_json::to_string_pretty(&places)?,
        PlacesFormat::Csv => places_csv(&places),
        PlacesFormat::Geojson => serde_json::to_string_pretty(&places_geojson(&places))?,
    };
    outln!("{}", out.trim_end());
    Ok(())
}

fn osm_type(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Node => "node",
        ElementKind::Way => "way",
    }
}

/// A CSV field, quoted when it holds a comma, quote or line break.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Places as CSV with a header line.
#[must_use]
pub fn places_csv(places: &[Place]) -> String {
    let mut out = String::from("name,name_ru,name_en,kind,population,lon,lat,osm_type,osm_id\n");
    for p in places {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{:.7},{:.7},{},{}",
            csv_field(&p.name),
            csv_field(p.name_ru.as_deref().unwrap_or("")),
            csv_field(p.name_en.as_deref().unwrap_or("")),
            p.kind.as_str(),
            p.population.map_or_else(String::new, |n| n.to_string()),
            p.location.lon,
            p.location.lat,
            osm_type(p.source.kind),
            p.source.id,
        );
    }
    out
}

/// Places as a GeoJSON FeatureCollection of points.
#[must_use]
pub fn places_geojson(places: &[Place]) -> serde_json::Value {
    let features: Vec<_> = places
        .iter()
        .map(|p| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.location.lon, p.location.lat]},
                "properties": {
                    "name": p.name,
                    "name_ru": p.name_ru,
                    "name_en": p.name_en,
                    "kind": p.kind.as_str(),
                    "population": p.population,
                    "osm_type": osm_type(p.source.kind),
                    "osm_id": p.source.id,
                },
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}
