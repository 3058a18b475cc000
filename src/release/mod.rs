//! Releases: one knowledge graph and its RDF store, served together and
//! swapped atomically when an ontology is reloaded.
//!
//! Every request takes the current [`Release`] once (an `Arc`), so all of its
//! fields are answered from one release even if a reload swaps in another
//! meanwhile; the old release is freed when its last request finishes.

mod build;
mod persist;
mod start;

pub use build::{
    build, BuildOptions, BuildTimings, Built, Derived, Indexes, Readiness, BACKGROUND_METHODS,
};
pub use persist::{Record, ReleaseDir};
pub use start::open;

use crate::graph::diff::{phenotype_diff, OntologyDiff};
use crate::graph::{DataPaths, KnowledgeGraph};
use crate::ingest::IngestError;
use crate::search::{SearchError, SearchIndex};
use crate::store::{OntologyStore, StoreError};
use arc_swap::{ArcSwap, ArcSwapOption};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// A release's RDF store, once loaded.
pub type StoreSlot = Arc<ArcSwapOption<OntologyStore>>;

/// Why a reload or rollback was refused. The running release is untouched.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    /// The new file does not parse or does not build a consistent graph.
    #[error(transparent)]
    Invalid(#[from] IngestError),
    /// The RDF store could not be built from the new release.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another reload is running.
    #[error("another reload is in progress")]
    Busy,
    /// No kept release has this id.
    #[error("no kept release has id {0}")]
    UnknownRelease(u64),
    /// The search index of the new release could not be built.
    #[error(transparent)]
    Search(SearchError),
    /// The accepted release could not be written to the data directory.
    #[error("cannot persist the release: {0}")]
    Persist(#[from] std::io::Error),
    /// The data directory could not be opened or read at start-up.
    #[error("data directory {}: {source}", path.display())]
    DataDir {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The curators' log in the data directory could not be read.
    #[error(transparent)]
    Curation(#[from] crate::curation::CurationError),
}

/// A source file a release can be rebuilt with: every source of the
/// catalogue ([`crate::ingest::catalogue`]).
pub use crate::ingest::catalogue::SourceFile as ReloadSource;

/// One served state of the data.
pub struct Release {
    /// Increasing from 1 (the release loaded at start-up).
    pub id: u64,
    pub kg: Arc<KnowledgeGraph>,
    /// Information content, similarity and the ranking tables of `kg`.
    pub analytics: Arc<crate::analytics::Analytics>,
    /// The files this release was built from.
    pub paths: DataPaths,
    /// The files that differ from the vendored defaults, by source key, as
    /// stored in the data directory (relative to it).
    pub overrides: std::collections::BTreeMap<String, String>,
    /// The source this release reloaded (none for a start-up release).
    pub changed: Option<ReloadSource>,
    pub loaded_at: SystemTime,
    /// Who loaded it (`startup`, or the maintainer token's name).
    pub loaded_by: String,
    /// What it changed against the release it replaced.
    pub diff: Option<OntologyDiff>,
    /// Whether it is stored in the data directory (else it is the vendored default).
    pub stored: bool,
    /// The indexes derived from `kg`, and which are built.
    pub derived: Arc<Derived>,
}

impl Release {
    /// The release built at start-up from the vendored data.
    pub fn initial(built: Built) -> Release {
        Release {
            id: 1,
            kg: built.kg,
            analytics: built.analytics,
            paths: built.paths,
            overrides: Default::default(),
            changed: None,
            loaded_at: SystemTime::now(),
            loaded_by: "startup".into(),
            diff: None,
            stored: false,
            derived: built.derived,
        }
    }

    /// The release recorded in a data directory, served again after a
    /// restart; `built` from the record's files (see [`ReleaseDir::apply`]).
    pub fn restored(built: Built, record: &Record) -> Release {
        Release {
            id: record.id,
            overrides: record.files.clone(),
            changed: record.source.as_deref().and_then(ReloadSource::from_key),
            loaded_at: std::time::UNIX_EPOCH + std::time::Duration::from_secs(record.loaded_at),
            loaded_by: record.loaded_by.clone(),
            diff: record.diff.clone(),
            stored: true,
            ..Release::initial(built)
        }
    }

    /// The RDF store's slot: empty until the store is loaded (or for good,
    /// when the server runs without one).
    pub fn store(&self) -> &StoreSlot {
        &self.derived.store
    }

    /// The search index of this release, built on the first call if its
    /// build did not make it yet.
    pub fn search(&self) -> Result<&SearchIndex, SearchError> {
        self.derived.search(&self.kg)
    }

    /// Which of the derived indexes are built.
    pub fn readiness(&self) -> Readiness {
        self.derived.readiness()
    }
}

/// An announcement that the served release changed.
#[derive(Debug, Clone)]
pub struct ReleaseEvent {
    /// The release now served.
    pub release_id: u64,
    /// `reload` or `rollback`.
    pub kind: &'static str,
    /// Who made the change.
    pub by: String,
}

/// The result of a reload.
pub struct ReloadOutcome {
    /// The new release (not served when `applied` is false).
    pub release: Arc<Release>,
    pub applied: bool,
    /// Where the time went.
    pub timings: ReloadTimings,
}

/// How long each step of a reload took.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReloadTimings {
    /// Parsing the sources and building the knowledge graph and its
    /// analytics tables.
    pub graph: Duration,
    /// Adding the graph's associations to the RDF store (its ontologies
    /// are parsed side by side with the graph); zero without a store.
    pub store: Duration,
    /// Diffing against the running release.
    pub diff: Duration,
    /// Building the search index (side by side with the store).
    pub search: Duration,
    /// Writing the release to the data directory and swapping it in.
    pub persist_and_swap: Duration,
    /// The whole reload.
    pub total: Duration,
}

/// Reloads so far, by outcome, and the time they took.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReloadStats {
    /// Reloads swapped in.
    pub applied: u64,
    /// Reloads validated and diffed, not swapped (`dryRun`).
    pub dry_runs: u64,
    /// Reloads refused (a bad file, or one already running).
    pub refused: u64,
    /// Seconds spent in reloads, all outcomes.
    pub seconds_total: f64,
    /// Seconds the last reload took.
    pub last_seconds: f64,
}

/// The current release and the kept earlier ones.
pub struct Releases {
    stats: Mutex<ReloadStats>,
    current: ArcSwap<Release>,
    kept: Mutex<Vec<Arc<Release>>>,
    keep: usize,
    dir: Option<ReleaseDir>,
    reloading: Mutex<()>,
    /// Whether reloads warm up the p-value backgrounds ([`BuildOptions::warm_up`]).
    warm_up: bool,
    events: tokio::sync::broadcast::Sender<ReleaseEvent>,
    /// Curators' changes, applied over every release.
    curation: Arc<crate::curation::Curation>,
}

impl Releases {
    /// Serves `first`; keeps up to `keep` releases (at least 2) in memory.
    /// Later releases carry an RDF store when `first` does.
    pub fn new(first: Release, keep: usize) -> Releases {
        let first = Arc::new(first);
        Releases {
            current: ArcSwap::new(first.clone()),
            kept: Mutex::new(vec![first]),
            stats: Mutex::new(ReloadStats::default()),
            keep: keep.max(2),
            dir: None,
            reloading: Mutex::new(()),
            warm_up: true,
            events: tokio::sync::broadcast::channel(64).0,
            curation: Arc::new(crate::curation::Curation::in_memory()),
        }
    }

    /// Keeps curators' changes in `curation` (e.g. a log in the data
    /// directory) instead of in memory.
    pub fn with_curation(mut self, curation: crate::curation::Curation) -> Releases {
        self.curation = Arc::new(curation);
        self
    }

    /// Curators' changes.
    pub fn curation(&self) -> &crate::curation::Curation {
        &self.curation
    }

    /// Whether reloads warm up the p-value backgrounds (by default they do).
    pub fn with_warm_up(mut self, warm_up: bool) -> Releases {
        self.warm_up = warm_up;
        self
    }

    /// Persists accepted releases in `dir` (see [`ReleaseDir`]).
    pub fn with_dir(mut self, dir: ReleaseDir) -> Releases {
        self.dir = Some(dir);
        self
    }

    /// Whether releases carry an RDF store (as the first one did).
    pub fn serves_store(&self) -> bool {
        self.current().derived.serves_store()
    }

    /// Reloads so far.
    pub fn reload_stats(&self) -> ReloadStats {
        *self.stats.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The release new requests are answered from.
    pub fn current(&self) -> Arc<Release> {
        self.current.load_full()
    }

    /// Announcements of reloads and rollbacks, from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ReleaseEvent> {
        self.events.subscribe()
    }

    /// How many subscribers are listening.
    pub fn subscriber_count(&self) -> usize {
        self.events.receiver_count()
    }

    fn announce(&self, release_id: u64, kind: &'static str, by: &str) {
        // No subscriber is not an error.
        let _ = self.events.send(ReleaseEvent {
            release_id,
            kind,
            by: by.to_string(),
        });
    }

    /// Kept releases, oldest first.
    pub fn history(&self) -> Vec<Arc<Release>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A kept release by id.
    pub fn get(&self, id: u64) -> Option<Arc<Release>> {
        self.history().into_iter().find(|r| r.id == id)
    }

    /// `reload` of the HPO file.
    pub fn reload_hpo(
        &self,
        hpo: &Path,
        who: &str,
        dry_run: bool,
    ) -> Result<ReloadOutcome, ReleaseError> {
        self.reload(ReloadSource::Hpo, hpo, who, dry_run)
    }

    /// Builds a release from the current one's files with `source` read from
    /// `file` (and, when the server has one, a new RDF store), diffs it
    /// against the current one and, unless `dry_run`, persists it and swaps
    /// it in. Blocking: call it off the async runtime.
    pub fn reload(
        &self,
        source: ReloadSource,
        file: &Path,
        who: &str,
        dry_run: bool,
    ) -> Result<ReloadOutcome, ReleaseError> {
        let started = Instant::now();
        let outcome = self.reload_once(source, file, who, dry_run);
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        match (&outcome, dry_run) {
            (Err(_), _) => stats.refused += 1,
            (Ok(_), true) => stats.dry_runs += 1,
            (Ok(_), false) => stats.applied += 1,
        }
        let took = started.elapsed().as_secs_f64();
        stats.seconds_total += took;
        stats.last_seconds = took;
        outcome
    }

    fn reload_once(
        &self,
        source: ReloadSource,
        file: &Path,
        who: &str,
        dry_run: bool,
    ) -> Result<ReloadOutcome, ReleaseError> {
        let _only_one = self.reloading.try_lock().map_err(|_| ReleaseError::Busy)?;
        let started = Instant::now();
        let mut timings = ReloadTimings::default();
        let current = self.current();
        let mut paths = current.paths.clone();
        source.set(&mut paths, file.to_path_buf());
        // A dry run builds the graph only, to diff it.
        let options = BuildOptions {
            rdf_store: self.serves_store(),
            indexes: if dry_run {
                Indexes::None
            } else {
                Indexes::Before
            },
            warm_up: self.warm_up,
        };
        let built = build(paths, options)?;
        timings.graph = built.timings.graph + built.timings.analytics;
        timings.store = built.timings.store;
        timings.search = built.timings.search;
        let t = Instant::now();
        let diff = phenotype_diff(&current.kg, &built.kg);
        timings.diff = t.elapsed();
        let t = Instant::now();
        let stored_max = self.dir.as_ref().map_or(0, ReleaseDir::max_id);
        let id = self
            .history()
            .iter()
            .map(|r| r.id)
            .max()
            .unwrap_or(0)
            .max(stored_max)
            + 1;
        let loaded_at = SystemTime::now();
        let mut overrides = current.overrides.clone();
        let mut built = built;
        if let (Some(dir), false) = (&self.dir, dry_run) {
            let record = Record {
                id,
                sha256: String::new(),
                loaded_by: who.to_string(),
                loaded_at: loaded_at
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
                diff: Some(diff.clone()),
                source: Some(source.key().to_string()),
                files: overrides.clone(),
            };
            let record = dir.store(source, file, record)?;
            overrides = record.files;
            dir.apply(&overrides, &mut built.paths);
        }
        let release = Arc::new(Release {
            id,
            overrides,
            changed: Some(source),
            loaded_at,
            loaded_by: who.to_string(),
            diff: Some(diff),
            stored: self.dir.is_some(),
            ..Release::initial(built)
        });
        if !dry_run {
            self.publish(release.clone());
            if let Some(dir) = &self.dir {
                dir.set_current(id)?;
            }
            self.announce(id, "reload", who);
        }
        timings.persist_and_swap = t.elapsed();
        timings.total = started.elapsed();
        tracing::info!(
            release = id,
            source = source.key(),
            dry_run,
            ?timings,
            "reload done"
        );
        Ok(ReloadOutcome {
            release,
            applied: !dry_run,
            timings,
        })
    }

    /// Serves a kept earlier release again.
    pub fn rollback(&self, id: u64, who: &str) -> Result<Arc<Release>, ReleaseError> {
        let _only_one = self.reloading.try_lock().map_err(|_| ReleaseError::Busy)?;
        let release = self.get(id).ok_or(ReleaseError::UnknownRelease(id))?;
        if let Some(dir) = &self.dir {
            if release.stored {
                dir.set_current(id)?;
            } else {
                dir.clear_current()?;
            }
        }
        self.current.store(release.clone());
        self.announce(id, "rollback", who);
        Ok(release)
    }

    fn publish(&self, release: Arc<Release>) {
        self.current.store(release.clone());
        let evicted = {
            let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
            kept.push(release);
            let over = kept.len().saturating_sub(self.keep);
            kept.drain(..over).collect::<Vec<_>>()
        };
        // Freeing a release (its graph and store, ~500 MiB) took 0.5 s; do it,
        // and return the freed pages to the OS, off the reload's path. A
        // request still holding an evicted release frees it when it ends.
        let _ = std::thread::Builder::new()
            .name("release-free".into())
            .spawn(move || {
                drop(evicted);
                crate::memory::release_freed_memory();
            });
    }
}
