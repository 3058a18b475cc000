//! A whole HPO reload in process, as the server does it: parse every source,
//! build the graph and the RDF store, diff against the running release,
//! build the search index beside them, persist to a data directory and
//! swap. Target: <= 5 s.
//!
//! The bench alternates between two HPO files (the vendored release, and the
//! same with one term relabeled) for 8 reloads, keeping 3 releases in memory
//! as the server does by default, so that the time of later reloads (with
//! earlier releases still held) is measured too.
//!
//! `cargo bench --bench reload` prints each reload's steps and
//! min/median/max.

use rarekg::graph::DataPaths;
use rarekg::release::{build, BuildOptions, Release, ReleaseDir, Releases, ReloadSource};
use std::io::Read;

/// The server's allocator, as `src/main.rs` chooses it, so that these
/// figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths = DataPaths::under(root);
    let work = std::env::temp_dir().join(format!("rarekg-reload-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work).expect("temp dir");

    let mut obo = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&paths.hpo).expect("hp.obo.gz"))
        .read_to_string(&mut obo)
        .expect("gunzip");
    let original = work.join("hp-original.obo");
    std::fs::write(&original, &obo).expect("write");
    let relabeled = work.join("hp-relabeled.obo");
    let changed = obo.replacen(
        "name: Proximal muscle weakness\n",
        "name: Proximal muscle weakness (relabeled)\n",
        1,
    );
    assert_ne!(changed, obo);
    std::fs::write(&relabeled, changed).expect("write");
    drop(obo);

    let first = build(paths, BuildOptions::complete(true)).expect("the start-up release");
    let releases = Releases::new(Release::initial(first), 3)
        .with_dir(ReleaseDir::open(&work.join("var")).expect("data dir"));

    let mut totals = Vec::new();
    for i in 0..8 {
        let file = if i % 2 == 0 { &relabeled } else { &original };
        let out = releases
            .reload(ReloadSource::Hpo, file, "bench", false)
            .expect("reload");
        let t = out.timings;
        println!(
            "reload {}: total {:.2} s (graph {:.2} s, graph+store {:.2} s, diff {:.3} s, search index {:.2} s beside them, persist+swap {:.3} s), rss {} MiB",
            i + 1,
            t.total.as_secs_f64(),
            t.graph.as_secs_f64(),
            t.store.as_secs_f64(),
            t.diff.as_secs_f64(),
            t.search.as_secs_f64(),
            t.persist_and_swap.as_secs_f64(),
            memory_stats::memory_stats().map_or(0, |m| m.physical_mem >> 20)
        );
        totals.push(t.total.as_secs_f64());
    }
    totals.sort_by(|a, b| a.total_cmp(b));
    println!(
        "whole HPO reload with the RDF store: min {:.2} s, median {:.2} s, max {:.2} s",
        totals[0],
        totals[totals.len() / 2],
        totals[totals.len() - 1]
    );
    let _ = std::fs::remove_dir_all(&work);
}
