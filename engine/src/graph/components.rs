//! Strongly connected components (Tarjan, through petgraph, at build time only).

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

/// Labels every node with its strongly connected component, numbered by decreasing size
/// (ties: by the smallest node id), and returns `(label per node, size per component)`.
///
/// The caller guarantees `n < u32::MAX` (checked by `GraphBuilder::build`).
#[expect(
    clippy::cast_possible_truncation,
    reason = "n < u32::MAX is checked by the builder"
)]
pub(crate) fn strongly_connected(
    n: usize,
    first_out: &[u32],
    head: &[u32],
) -> (Vec<u32>, Vec<u32>) {
    let mut g = DiGraph::<(), (), u32>::with_capacity(n, head.len());
    for _ in 0..n {
        g.add_node(());
    }
    for u in 0..n {
        for &v in &head[first_out[u] as usize..first_out[u + 1] as usize] {
            g.add_edge((u as u32).into(), v.into(), ());
        }
    }
    let mut comps: Vec<Vec<u32>> = tarjan_scc(&g)
        .into_iter()
        .map(|c| {
            let mut ids: Vec<u32> = c.into_iter().map(|x| x.index() as u32).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    comps.sort_by(|a, b| b.len().cmp(&a.len()).then(a[0].cmp(&b[0])));
    let mut label = vec![0u32; n];
    let mut sizes = Vec::with_capacity(comps.len());
    for (c, nodes) in comps.iter().enumerate() {
        for &v in nodes {
            label[v as usize] = c as u32;
        }
        sizes.push(nodes.len() as u32);
    }
    (label, sizes)
}
