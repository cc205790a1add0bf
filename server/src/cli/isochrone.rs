//! `vmeste isochrone`: the areas reachable from a point within given times, as GeoJSON on
//! stdout (the same answer as `GET /isochrone/v1/...`).

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use engine::isochrone::{self, Contours, IsochroneParams};

use super::route::parse_lonlat;

/// Arguments of `vmeste isochrone`.
#[derive(Debug, clap::Args)]
pub struct IsochroneArgs {
    /// Graph files from `vmeste import` (one per profile).
    #[arg(long, required = true)]
    pub graph: Vec<PathBuf>,
    /// The origin, `lon,lat`.
    #[arg(long, allow_hyphen_values = true)]
    pub from: String,
    /// Contour times in minutes, comma-separated (1 to 4, each at most 240).
    #[arg(long, default_value = "15,30,60")]
    pub minutes: String,
    /// The profile (default: the profile of the first graph).
    #[arg(long)]
    pub profile: Option<String>,
    /// Drop polygons smaller than this share (0..=1) of the largest of their contour.
    #[arg(long, default_value_t = 0.0)]
    pub denoise: f64,
    /// Simplify the outlines with this tolerance in metres.
    #[arg(long, default_value_t = 0.0)]
    pub generalize: f64,
    /// Classes of roads not to use, comma-separated (OSRM's `exclude`: car motorway, toll,
    /// ferry, unpaved; bicycle ferry, unpaved; foot ferry).
    #[arg(long, default_value = "")]
    pub exclude: String,
}

/// Parses `15,30,60` into checked contour times.
///
/// # Errors
/// A non-number, or times [`Contours::try_new`] refuses.
pub fn parse_minutes(text: &str) -> anyhow::Result<Contours> {
    let minutes = text
        .split(',')
        .map(|s| {
            s.trim()
                .parse::<f64>()
                .with_context(|| format!("--minutes: {s:?} is not a number"))
        })
        .collect::<anyhow::Result<Vec<f64>>>()?;
    Ok(Contours::try_new(&minutes)?)
}

/// Runs `vmeste isochrone`.
///
/// # Errors
/// Unreadable graphs, bad arguments, an origin far from every road.
pub fn run(args: &IsochroneArgs) -> anyhow::Result<()> {
    let origin = parse_lonlat(&args.from)?;
    let contours = parse_minutes(&args.minutes)?;
    let params = IsochroneParams {
        denoise: args.denoise,
        generalize_m: args.generalize,
    };
    params.validate()?;
    let (engine, first) = super::engine_from_files(&args.graph)?;
    let profile = match (&args.profile, first) {
        (Some(p), _) => p.clone(),
        (None, Some(p)) => p,
        (None, None) => bail!("no graph given"),
    };
    let exclude = engine.exclude_set(&profile, args.exclude.split(','))?;
    let iso = isochrone::isochrone_with(&engine, &profile, origin, exclude, &contours, &params)?;
    let out = crate::isochrone_geojson::feature_collection(&iso);
    outln!("{}", serde_json::to_string(&out)?);
    Ok(())
}
