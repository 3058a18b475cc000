//! One pipeline builds every release: at start-up, on a reload, when a
//! restart serves an accepted release again, and in the tests, benchmarks
//! and command-line tools.
//!
//! A build parses the sources into the graph, derives the analytics tables
//! from its annotation sets, then the indexes that depend on it: the RDF
//! store and the search index, and as a warm-up the p-value backgrounds of
//! the similarity rankings. Each index is filled once built, and
//! [`Derived::readiness`] is the one place that says what is built; `/ready`
//! reads it.

use super::{ReleaseError, StoreSlot};
use crate::analytics::{Analytics, Method, Target};
use crate::graph::{DataPaths, KnowledgeGraph};
use crate::search::{SearchError, SearchIndex};
use crate::store::OntologyStore;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// When a build makes the indexes derived from the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexes {
    /// Not at all: the graph and its analytics only (a dry run, the
    /// command line). The search index is still built on first use.
    None,
    /// On background threads, after [`build`] returns: GraphQL answers at
    /// once and `/ready` says what is still building (start-up).
    Background,
    /// Before [`build`] returns: the release is ready when it is served
    /// (a reload).
    Before,
}

/// How to build a release.
#[derive(Debug, Clone, Copy)]
pub struct BuildOptions {
    /// Whether the release carries an RDF store (the SPARQL endpoint).
    pub rdf_store: bool,
    /// When the derived indexes are built.
    pub indexes: Indexes,
    /// Whether the p-value backgrounds are computed, on a background
    /// thread, once the other indexes are (unless `indexes` is
    /// [`Indexes::None`]). They take 8 to 25 s of one core, so they do not
    /// hold a release back: a p-value asked for before they are in
    /// computes its method's own.
    pub warm_up: bool,
}

impl BuildOptions {
    /// Every index, built before the release is returned, then the warm-up.
    pub fn complete(rdf_store: bool) -> BuildOptions {
        BuildOptions {
            rdf_store,
            indexes: Indexes::Before,
            warm_up: true,
        }
    }

    /// The graph and its analytics only (the command line).
    pub fn graph_only() -> BuildOptions {
        BuildOptions {
            rdf_store: false,
            indexes: Indexes::None,
            warm_up: false,
        }
    }
}

/// The similarity methods whose p-value backgrounds every release computes
/// ahead of the first request (the likelihood-ratio ones are part of the
/// analytics tables).
pub const BACKGROUND_METHODS: [Method; 4] = [
    Method::Resnik,
    Method::Lin,
    Method::JiangConrath,
    Method::GraphIc,
];

/// How long each step of a build took.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildTimings {
    /// Parsing the sources and building the graph.
    pub graph: Duration,
    /// The analytics tables.
    pub analytics: Duration,
    /// The RDF store (zero without one, or when built in the background).
    pub store: Duration,
    /// The search index (zero when built in the background).
    pub search: Duration,
}

/// What a build made: the files, the graph, its analytics and the indexes
/// derived from it (still building when built in the background). A clone
/// shares them.
#[derive(Clone)]
pub struct Built {
    /// The files the release was built from.
    pub paths: DataPaths,
    pub kg: Arc<KnowledgeGraph>,
    pub analytics: Arc<Analytics>,
    pub derived: Arc<Derived>,
    pub timings: BuildTimings,
}

/// The indexes derived from a release's graph, each set once built.
pub struct Derived {
    /// The RDF store, once loaded.
    pub store: StoreSlot,
    with_store: bool,
    search: OnceLock<Result<SearchIndex, String>>,
    /// Set once every similarity method's p-value backgrounds are computed.
    backgrounds: OnceLock<()>,
}

/// Which derived indexes of a release are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    /// The RDF store (true when the release carries none).
    pub store: bool,
    /// The search index.
    pub search: bool,
    /// The p-value backgrounds of every similarity method (the warm-up).
    pub p_value_backgrounds: bool,
}

impl Readiness {
    /// Whether every request is answered from what is built: the store
    /// and the search index (the warm-up only makes the first p-values
    /// quicker).
    pub fn is_ready(&self) -> bool {
        self.store && self.search
    }

    /// Whether the warm-up is done too.
    pub fn is_complete(&self) -> bool {
        self.is_ready() && self.p_value_backgrounds
    }
}

impl Derived {
    fn new(with_store: bool) -> Derived {
        Derived {
            store: StoreSlot::default(),
            with_store,
            search: OnceLock::new(),
            backgrounds: OnceLock::new(),
        }
    }

    /// Nothing built and no RDF store: for a release of one's own over a
    /// graph built once (tests, benchmarks), with `Built { derived, ..b }`.
    pub fn none() -> Derived {
        Derived::new(false)
    }

    /// Nothing built but the RDF store `store`, shared.
    pub fn sharing_store(store: StoreSlot) -> Derived {
        Derived {
            store,
            ..Derived::new(true)
        }
    }

    /// What is built now.
    pub fn readiness(&self) -> Readiness {
        Readiness {
            store: !self.with_store || self.store.load().is_some(),
            search: self.search.get().is_some(),
            p_value_backgrounds: self.backgrounds.get().is_some(),
        }
    }

    /// Whether the release carries an RDF store.
    pub fn serves_store(&self) -> bool {
        self.with_store
    }

    /// The search index of `kg`, built on the first call if no build made
    /// it yet (the first search waits for it).
    pub fn search(&self, kg: &KnowledgeGraph) -> Result<&SearchIndex, SearchError> {
        self.search
            .get_or_init(|| SearchIndex::build(kg).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| SearchError::Build(e.clone()))
    }

    /// Computes the p-value backgrounds of every similarity method.
    fn compute_backgrounds(&self, kg: &KnowledgeGraph, analytics: &Analytics) -> Duration {
        let t = Instant::now();
        for target in [Target::Diseases, Target::Genes] {
            for method in BACKGROUND_METHODS {
                analytics.precompute_backgrounds(kg, target, method);
            }
        }
        let _ = self.backgrounds.set(());
        t.elapsed()
    }
}

/// A scoped thread's result; a panic is re-raised here.
fn join<T>(r: std::thread::Result<T>) -> T {
    r.unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Builds a release from `paths`.
///
/// With [`Indexes::Before`], the RDF store's ontologies are parsed side by
/// side with the graph and the search index and p-value backgrounds are
/// computed while the store takes the graph's associations, so that the
/// two cores of a small machine are both busy. With
/// [`Indexes::Background`], freed parse memory is returned to the OS once
/// the graph is built (a reload skips that: trimming the heap under the
/// store being built slowed each reload by a growing amount).
pub fn build(paths: DataPaths, options: BuildOptions) -> Result<Built, ReleaseError> {
    let started = Instant::now();
    let mut timings = BuildTimings::default();
    let with_store = options.rdf_store && options.indexes != Indexes::None;
    let (graph, ontologies) = std::thread::scope(|scope| {
        let ontologies = (with_store && options.indexes == Indexes::Before)
            .then(|| scope.spawn(|| OntologyStore::load_ontologies(&paths)));
        let graph = KnowledgeGraph::load_with_annotations(&paths);
        timings.graph = started.elapsed();
        (graph, ontologies.map(|h| join(h.join())))
    });
    let (kg, annotations) = graph?;
    let t = Instant::now();
    let analytics = Arc::new(Analytics::build(&kg, annotations));
    timings.analytics = t.elapsed();
    let kg = Arc::new(kg);
    let derived = Arc::new(Derived::new(with_store));
    if options.indexes != Indexes::Before {
        crate::memory::release_freed_memory();
    }
    tracing::info!(
        "loaded in {:.2} s (analytics {:.2} s), resident memory {} MiB: {} nodes ({}), {} edges",
        started.elapsed().as_secs_f64(),
        timings.analytics.as_secs_f64(),
        crate::memory::resident_bytes() >> 20,
        kg.node_count(),
        kg.entity_counts()
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        kg.edge_count()
    );
    match options.indexes {
        Indexes::None => {}
        Indexes::Background => in_background(&paths, &kg, &analytics, &derived, options.warm_up),
        Indexes::Before => std::thread::scope(|scope| {
            let search = scope.spawn(|| {
                let t = Instant::now();
                (derived.search(&kg).map(|_| ()), t.elapsed())
            });
            if let Some(ontologies) = ontologies {
                let t = Instant::now();
                let mut store = ontologies?;
                store.add_associations(&kg)?;
                derived.store.store(Some(Arc::new(store)));
                timings.store = t.elapsed();
            }
            let (search, took) = join(search.join());
            search.map_err(ReleaseError::Search)?;
            timings.search = took;
            if options.warm_up {
                let (kg, analytics, derived) = (kg.clone(), analytics.clone(), derived.clone());
                std::thread::spawn(move || warm_up(&kg, &analytics, &derived));
            }
            Ok::<_, ReleaseError>(())
        })?,
    }
    Ok(Built {
        paths,
        kg,
        analytics,
        derived,
        timings,
    })
}

/// The warm-up: every similarity method's p-value backgrounds.
fn warm_up(kg: &KnowledgeGraph, analytics: &Analytics, derived: &Derived) {
    let took = derived.compute_backgrounds(kg, analytics);
    tracing::info!(
        "ranking backgrounds computed in {:.2} s",
        took.as_secs_f64()
    );
}

/// Starts the threads that build a start-up release's indexes: the RDF
/// store on one, the search index then the warm-up on another.
fn in_background(
    paths: &DataPaths,
    kg: &Arc<KnowledgeGraph>,
    analytics: &Arc<Analytics>,
    derived: &Arc<Derived>,
    warm: bool,
) {
    if derived.with_store {
        let (paths, kg, derived) = (paths.clone(), kg.clone(), derived.clone());
        std::thread::spawn(move || {
            let t = Instant::now();
            match OntologyStore::load(&paths, &kg) {
                Ok(store) => {
                    crate::memory::release_freed_memory();
                    tracing::info!(
                        "ontology store loaded in {:.2} s: {} triples in {} graphs, resident memory {} MiB",
                        t.elapsed().as_secs_f64(),
                        store.len(),
                        store.ontologies().len(),
                        crate::memory::resident_bytes() >> 20
                    );
                    derived.store.store(Some(Arc::new(store)));
                }
                Err(e) => tracing::error!("the ontology store did not load: {e}"),
            }
        });
    }
    let (kg, analytics, derived) = (kg.clone(), analytics.clone(), derived.clone());
    std::thread::spawn(move || {
        let t = Instant::now();
        match derived.search(&kg) {
            Ok(_) => tracing::info!("search index built in {:.2} s", t.elapsed().as_secs_f64()),
            Err(e) => tracing::error!("the search index did not build: {e}"),
        }
        if warm {
            warm_up(&kg, &analytics, &derived);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readiness_is_ready_only_when_every_index_is_built() {
        let mut r = Readiness {
            store: true,
            search: true,
            p_value_backgrounds: true,
        };
        assert!(r.is_ready() && r.is_complete());
        r.p_value_backgrounds = false;
        assert!(
            r.is_ready() && !r.is_complete(),
            "the warm-up holds nothing back"
        );
        r.search = false;
        assert!(!r.is_ready());
        let d = Derived::new(false);
        assert_eq!(
            d.readiness(),
            Readiness {
                store: true,
                search: false,
                p_value_backgrounds: false
            },
            "a release without a store does not wait for one"
        );
        assert!(!Derived::new(true).readiness().store);
    }
}
