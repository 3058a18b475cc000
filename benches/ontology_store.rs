//! The RDF store: HPO converted from hp.obo and loaded into oxigraph, and the
//! whole store (HPO, MONDO, ORDO, associations). Target: HPO <= 5 s.
//!
//! `cargo bench --bench ontology_store` prints min/median/max over 5 runs.

use rarekg::graph::{DataPaths, KnowledgeGraph};
use rarekg::store::OntologyStore;
use std::time::Instant;

/// The server's allocator, as `src/main.rs` chooses it, so that these
/// figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let paths = DataPaths::under(root);
    let kg = KnowledgeGraph::load(&paths).expect("load");
    let mut hpo = Vec::new();
    let mut all = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let n = OntologyStore::load_hpo_only(&paths).expect("hpo").len();
        hpo.push(t.elapsed().as_secs_f64());
        assert!(n > 100_000, "{n} triples");
        let t = Instant::now();
        let store = OntologyStore::load(&paths, &kg).expect("store");
        all.push(t.elapsed().as_secs_f64());
        assert!(store.len() > 800_000);
    }
    for (name, mut v) in [
        ("HPO into oxigraph (parse, convert, load)", hpo),
        ("whole store (HPO, MONDO, ORDO, associations)", all),
    ] {
        v.sort_by(|a, b| a.total_cmp(b));
        println!(
            "{name}: min {:.2} s, median {:.2} s, max {:.2} s",
            v[0], v[2], v[4]
        );
    }
}
