//! `vmeste info`: load and verify a graph file, print its header and counts.

use std::fmt::Write as _;
use std::path::PathBuf;

use engine::graph::file;
use engine::routing::ContractionHierarchy;
use engine::types::from_fixed;

use super::import::largest_component_pct;

/// Arguments of `vmeste info`.
#[derive(Debug, clap::Args)]
pub struct InfoArgs {
    /// The graph file.
    pub file: PathBuf,
}

/// Runs `vmeste info`.
///
/// # Errors
/// An unreadable, damaged or incompatible file.
pub fn run(args: &InfoArgs) -> anyhow::Result<()> {
    let start = std::time::Instant::now();
    let f = file::read(&args.file).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let h = &f.header;
    let g = &f.graph;
    let ch = f
        .section(ContractionHierarchy::SECTION)
        .map(|bytes| ContractionHierarchy::from_bytes(bytes, g))
        .transpose()
        .map_err(|e| anyhow::anyhow!("{}: contraction hierarchy: {e}", args.file.display()))?;
    let sha: String = h.source_sha256.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    let [a, b, c, d] = h.bbox.map(from_fixed);
    outln!(
        "file: {} (verified: checksum and structure ok, {:.3} s)",
        args.file.display(),
        start.elapsed().as_secs_f64()
    );
    outln!("format version: {}", h.version);
    outln!("profile: {}", h.profile);
    outln!("source sha256: {sha}");
    outln!("bbox (min lon, min lat, max lon, max lat): {a:.7},{b:.7},{c:.7},{d:.7}");
    outln!(
        "nodes: {}, edges: {}, components: {}, largest component: {:.1}% of nodes",
        h.num_nodes,
        h.num_edges,
        h.num_components,
        largest_component_pct(g)
    );
    outln!("{}", turn_restrictions_text(g));
    let sections: Vec<String> = h
        .sections
        .iter()
        .map(|(n, len)| format!("{n} ({len} B)"))
        .collect();
    outln!("sections: {}", sections.join(", "));
    match ch {
        Some(ch) => outln!(
            "contraction hierarchy: {} edges, {} shortcuts (verified)",
            ch.num_edges(),
            ch.num_shortcuts()
        ),
        None => outln!("contraction hierarchy: none (routing builds one at load)"),
    }
    Ok(())
}

/// One line on a graph's turn restrictions: the relations read, applied and skipped, and
/// the node and edge copies that node splitting added.
pub(crate) fn turn_restrictions_text(g: &engine::graph::RoadGraph) -> String {
    let c = g.restriction_counts();
    format!(
        "turn restrictions: {} read, {} applied, {} skipped; {} node and {} edge copies",
        c.read,
        c.applied,
        c.skipped,
        g.num_nodes() - g.num_original_nodes(),
        g.num_edges() - g.num_original_edges()
    )
}
