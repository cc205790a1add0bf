//! Strongly connected components: Tarjan's algorithm (R. Tarjan, "Depth-first search and
//! linear graph algorithms", SIAM J. Comput. 1972), iterative over the CSR.
//!
//! The depth-first search keeps its own stack of `(node, next edge)` frames instead of
//! recursing, so a road graph with long chains (hundreds of thousands of nodes deep) cannot
//! overflow the thread stack. O(n + m) time, 9 bytes per node besides the output.

const UNVISITED: u32 = u32::MAX;

/// Labels every node with its strongly connected component, numbered by decreasing size
/// (ties: by the smallest node id), and returns `(label per node, size per component)`.
///
/// The caller guarantees `n < u32::MAX` and that `first_out`/`head` form a valid CSR
/// (checked by `GraphBuilder::build`).
#[expect(
    clippy::cast_possible_truncation,
    reason = "n < u32::MAX is checked by the builder"
)]
pub(crate) fn strongly_connected(
    n: usize,
    first_out: &[u32],
    head: &[u32],
) -> (Vec<u32>, Vec<u32>) {
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut frames: Vec<(u32, u32)> = Vec::new();
    // Component of each node in discovery order, then renumbered.
    let mut raw = vec![0u32; n];
    let mut sizes: Vec<u32> = Vec::new();
    let mut smallest: Vec<u32> = Vec::new();
    let mut counter = 0u32;
    for s in 0..n as u32 {
        if index[s as usize] != UNVISITED {
            continue;
        }
        index[s as usize] = counter;
        low[s as usize] = counter;
        counter += 1;
        stack.push(s);
        on_stack[s as usize] = true;
        frames.push((s, first_out[s as usize]));
        while let Some(frame) = frames.last_mut() {
            let v = frame.0 as usize;
            if frame.1 < first_out[v + 1] {
                let w = head[frame.1 as usize] as usize;
                frame.1 += 1;
                if index[w] == UNVISITED {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w as u32);
                    on_stack[w] = true;
                    frames.push((w as u32, first_out[w]));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(u, _)) = frames.last() {
                low[u as usize] = low[u as usize].min(low[v]);
            }
            if low[v] == index[v] {
                let c = sizes.len() as u32;
                let (mut size, mut min) = (0u32, u32::MAX);
                while let Some(w) = stack.pop() {
                    on_stack[w as usize] = false;
                    raw[w as usize] = c;
                    size += 1;
                    min = min.min(w);
                    if w as usize == v {
                        break;
                    }
                }
                sizes.push(size);
                smallest.push(min);
            }
        }
    }
    let mut order: Vec<u32> = (0..sizes.len() as u32).collect();
    order.sort_unstable_by_key(|&c| (std::cmp::Reverse(sizes[c as usize]), smallest[c as usize]));
    let mut rank = vec![0u32; sizes.len()];
    for (r, &c) in order.iter().enumerate() {
        rank[c as usize] = r as u32;
    }
    let label = raw.iter().map(|&c| rank[c as usize]).collect();
    let sorted_sizes = order.iter().map(|&c| sizes[c as usize]).collect();
    (label, sorted_sizes)
}

#[cfg(test)]
#[expect(clippy::cast_possible_truncation, reason = "small test graphs")]
mod tests {
    use petgraph::algo::tarjan_scc;
    use petgraph::graph::DiGraph;
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The oracle: petgraph's (recursive) Tarjan, labelled by the same rule.
    fn oracle(n: usize, edges: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let mut g = DiGraph::<(), (), u32>::with_capacity(n, edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for &(u, v) in edges {
            g.add_edge(u.into(), v.into(), ());
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
        for (c, nodes) in comps.iter().enumerate() {
            for &v in nodes {
                label[v as usize] = c as u32;
            }
        }
        (label, comps.iter().map(|c| c.len() as u32).collect())
    }

    fn csr(n: usize, edges: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let mut sorted = edges.to_vec();
        sorted.sort_unstable();
        let mut first = vec![0u32; n + 1];
        for &(u, _) in &sorted {
            first[u as usize + 1] += 1;
        }
        for i in 0..n {
            first[i + 1] += first[i];
        }
        (first, sorted.iter().map(|&(_, v)| v).collect())
    }

    #[test]
    fn matches_petgraph_on_random_graphs() {
        let mut rng = rand_pcg::Pcg64::seed_from_u64(7);
        for _ in 0..300 {
            let n = rng.random_range(1..60usize);
            let m = rng.random_range(0..3 * n);
            let edges: Vec<(u32, u32)> = (0..m)
                .map(|_| (rng.random_range(0..n as u32), rng.random_range(0..n as u32)))
                .collect();
            let (first, head) = csr(n, &edges);
            assert_eq!(strongly_connected(n, &first, &head), oracle(n, &edges));
        }
    }

    #[test]
    fn a_million_node_chain_does_not_overflow_the_stack() {
        let n = 1_000_000;
        let edges: Vec<(u32, u32)> = (0..n as u32).map(|i| (i, (i + 1) % n as u32)).collect();
        let (first, head) = csr(n, &edges);
        let (label, sizes) = strongly_connected(n, &first, &head);
        assert_eq!(sizes, vec![n as u32]);
        assert!(label.iter().all(|&c| c == 0));
    }
}
