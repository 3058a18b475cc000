//! Full load of the real releases: wall time, live heap and resident memory.
//!
//! `cargo bench --bench load` prints, for each of 5 loads, the time, the
//! bytes live on the heap after the load (counted by an instrumented
//! allocator), and the resident set size once freed memory is returned.
//! Targets: load <= 3 s, steady RSS <= 300 MB.

use rarekg::graph::{DataPaths, KnowledgeGraph};
use stats_alloc::{Region, StatsAlloc, INSTRUMENTED_SYSTEM};
use std::alloc::System;
use std::time::Instant;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn main() {
    let paths = DataPaths::under(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
    let mut times = Vec::new();
    for i in 0..5 {
        let region = Region::new(GLOBAL);
        let t = Instant::now();
        let kg = KnowledgeGraph::load(&paths).expect("load");
        let secs = t.elapsed().as_secs_f64();
        let s = region.change();
        let live = s.bytes_allocated as isize - s.bytes_deallocated as isize;
        rarekg::memory::release_freed_memory();
        let rss = rarekg::memory::resident_bytes();
        println!(
            "load {i}: {secs:.3} s, live heap {:.0} MiB, RSS {:.0} MiB, {} nodes, {} edges",
            live as f64 / 1048576.0,
            rss as f64 / 1048576.0,
            kg.node_count(),
            kg.edge_count()
        );
        times.push(secs);
        drop(kg);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    println!(
        "load time: min {:.3} s, median {:.3} s, max {:.3} s",
        times[0], times[2], times[4]
    );
}
