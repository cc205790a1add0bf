//! `vmeste import`: `.osm.pbf` → graph file for one profile.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use engine::geocode::Gazetteer;
use engine::graph::{RoadGraph, file, from_network, from_network_ignoring_turns};
use engine::osm::{
    OsmGazetteer, Profile, Progress, read_network_and_gazetteer, read_network_with_progress,
};
use engine::routing::ContractionHierarchy;
use indicatif::{ProgressBar, ProgressStyle};

/// Arguments of `vmeste import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The `.osm.pbf` extract to read.
    pub input: PathBuf,
    /// Routing profile: car, bicycle or foot.
    #[arg(long, default_value = "car")]
    pub profile: String,
    /// The graph file to write.
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Do not read addresses, streets and places (the graph file then has no gazetteer).
    #[arg(long)]
    pub no_gazetteer: bool,
    /// Build the graph without the extract's turn restrictions (for comparisons).
    #[arg(long)]
    pub ignore_turn_restrictions: bool,
}

/// A graph imported from an extract, with what it cost.
#[derive(Debug)]
pub struct Imported {
    /// The graph.
    pub graph: RoadGraph,
    /// SHA-256 of the source file.
    pub source_sha256: [u8; 32],
    /// Wall time of reading and building.
    pub elapsed: Duration,
    /// The extract's addresses, streets and places, when asked for.
    pub gazetteer: Option<OsmGazetteer>,
}

/// The built-in profile named `name`, or an error listing the valid ones.
///
/// # Errors
/// An unknown name.
pub fn profile_by_name(name: &str) -> anyhow::Result<&'static Profile> {
    match Profile::by_name(name) {
        Some(p) => Ok(p),
        None => bail!("unknown profile {name:?} (expected car, bicycle or foot)"),
    }
}

/// Reads `input` and builds its graph for `profile`, with a progress bar on a terminal.
///
/// # Errors
/// Any import or build error, with the file name.
pub fn import_graph(
    input: &Path,
    profile: &'static Profile,
    bar: bool,
) -> anyhow::Result<Imported> {
    import_graph_with(input, profile, bar, false, true)
}

/// [`import_graph`], also reading the extract's gazetteer when `gazetteer` is set, and
/// obeying the turn restrictions when `turns` is set.
///
/// # Errors
/// As [`import_graph`].
pub fn import_graph_with(
    input: &Path,
    profile: &'static Profile,
    bar: bool,
    gazetteer: bool,
    turns: bool,
) -> anyhow::Result<Imported> {
    let start = Instant::now();
    let pb = if bar && std::io::stderr().is_terminal() {
        let pb = ProgressBar::new(0);
        pb.set_style(
            ProgressStyle::with_template("{msg:>12} [{bar:40}] {bytes}/{total_bytes} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        pb
    } else {
        ProgressBar::hidden()
    };
    let on_progress = |p: Progress| {
        pb.set_length(p.bytes_total);
        pb.set_position(p.bytes_done);
        pb.set_message(if p.pass == 1 { "ways" } else { "nodes" });
    };
    let (net, osm) = if gazetteer {
        let (net, osm) = read_network_and_gazetteer(input, profile, &on_progress)?;
        (net, Some(osm))
    } else {
        (
            read_network_with_progress(input, profile, &on_progress)?,
            None,
        )
    };
    pb.set_message("graph");
    let build = if turns {
        from_network
    } else {
        from_network_ignoring_turns
    };
    let graph =
        build(&net).with_context(|| format!("building the graph of {}", input.display()))?;
    pb.finish_and_clear();
    Ok(Imported {
        graph,
        source_sha256: net.source_sha256,
        elapsed: start.elapsed(),
        gazetteer: osm,
    })
}

/// Builds the contraction hierarchy of `graph` and says how long it took.
///
/// # Errors
/// A graph too large for the hierarchy's id space.
pub fn build_hierarchy(graph: &RoadGraph) -> anyhow::Result<(ContractionHierarchy, Duration)> {
    let start = Instant::now();
    let ch = ContractionHierarchy::build(graph).context("building the contraction hierarchy")?;
    Ok((ch, start.elapsed()))
}

/// Peak resident memory of this process in bytes (`VmHWM`), if the OS reports it.
#[must_use]
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Share of nodes in the largest strongly connected component, in percent.
#[must_use]
pub fn largest_component_pct(g: &RoadGraph) -> f64 {
    if g.num_nodes() == 0 {
        return 0.0;
    }
    f64::from(g.component_size(0)) * 100.0 / g.num_nodes() as f64
}

/// Peak memory formatted in MiB (or "n/a").
#[must_use]
pub fn peak_memory_text() -> String {
    peak_memory_bytes().map_or_else(
        || "n/a".to_owned(),
        |b| format!("{:.1} MiB", b as f64 / 1048576.0),
    )
}

/// Runs `vmeste import`.
///
/// # Errors
/// Unknown profile, unreadable or invalid input, write failure.
pub fn run(args: &ImportArgs) -> anyhow::Result<()> {
    let profile = profile_by_name(&args.profile)?;
    let imported = import_graph_with(
        &args.input,
        profile,
        true,
        !args.no_gazetteer,
        !args.ignore_turn_restrictions,
    )?;
    let g = &imported.graph;
    let (ch, ch_elapsed) = build_hierarchy(g)?;
    let meta = file::Meta {
        source_sha256: imported.source_sha256,
    };
    let ch_bytes = ch.to_bytes();
    let gazetteer_bytes = imported.gazetteer.as_ref().map(Gazetteer::section_from_osm);
    let mut sections = vec![(ContractionHierarchy::SECTION, ch_bytes.as_slice())];
    if let Some(b) = &gazetteer_bytes {
        sections.push((engine::geocode::SECTION, b.as_slice()));
    }
    let bytes = file::write(&args.output, g, &meta, &sections)?;
    let gazetteer_text = imported.gazetteer.as_ref().map_or_else(String::new, |z| {
        format!(
            ", {} addresses, {} named street ways, {} places",
            z.addresses.len(),
            z.streets.len(),
            z.places.len()
        )
    });
    outln!(
        "{}: profile {}, {} nodes, {} edges, {} components, largest {:.1}% of nodes, {:.2} s (+ contraction hierarchy {:.2} s, {} shortcuts){gazetteer_text}, peak memory {}, wrote {} ({} bytes); {}",
        args.input.display(),
        profile.name,
        g.num_nodes(),
        g.num_edges(),
        g.num_components(),
        largest_component_pct(g),
        imported.elapsed.as_secs_f64(),
        ch_elapsed.as_secs_f64(),
        ch.num_shortcuts(),
        peak_memory_text(),
        args.output.display(),
        bytes,
        super::info::turn_restrictions_text(g),
    );
    Ok(())
}
