//! Compressed sparse row adjacency: for every node, its edges of one kind in
//! one direction, in a fixed, meaningful order.
//!
//! petgraph's own adjacency lists are in reverse insertion order and mix edge
//! kinds; connections need a stable order per kind (so cursors stay valid)
//! and O(1) slicing for pagination, which a CSR gives in two flat vectors.

use super::model::EdgeId;

#[derive(Debug, Default, Clone)]
pub struct Csr {
    offsets: Vec<u32>,
    edges: Vec<EdgeId>,
}

impl Csr {
    /// Builds from `(node, sort key, edge)` triples over `node_count` nodes.
    pub fn build<K: Ord>(node_count: usize, mut items: Vec<(u32, K, EdgeId)>) -> Csr {
        items.sort_unstable_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
        let mut offsets = vec![0u32; node_count + 1];
        for (node, _, _) in &items {
            offsets[*node as usize + 1] += 1;
        }
        for i in 0..node_count {
            offsets[i + 1] += offsets[i];
        }
        Csr {
            offsets,
            edges: items.into_iter().map(|(_, _, e)| e).collect(),
        }
    }

    /// The edges of `node`, in order.
    pub fn get(&self, node: usize) -> &[EdgeId] {
        match (self.offsets.get(node), self.offsets.get(node + 1)) {
            (Some(&a), Some(&b)) => &self.edges[a as usize..b as usize],
            _ => &[],
        }
    }
}
