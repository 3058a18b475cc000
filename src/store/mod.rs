//! The ontology store: HPO, ORDO, MONDO and the graph's associations as RDF
//! in an in-memory oxigraph store, each in a named graph whose IRI carries
//! its release, queried with SPARQL.

mod convert;
pub mod vocab;

use crate::graph::{DataPaths, KnowledgeGraph};
use crate::ingest::{self, IngestError};
use convert::QuadSink;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedNodeRef, Term, Triple, Variable};
use oxigraph::sparql::{CancellationToken, QueryEvaluationError, QueryResults, SparqlEvaluator};
use oxigraph::store::Store;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// A failure to load the store or to answer a query.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A source file could not be read or parsed.
    #[error(transparent)]
    Ingest(#[from] IngestError),
    /// The store itself failed.
    #[error("ontology store: {0}")]
    Storage(String),
    /// The query is not valid SPARQL 1.1.
    #[error("{0}")]
    Syntax(String),
    /// The request is a SPARQL Update, which this endpoint does not run.
    #[error("SPARQL Update is not allowed: this endpoint is read-only")]
    UpdateRefused,
    /// The query ran longer than the time limit.
    #[error("the query ran longer than the {0:?} limit")]
    Timeout(Duration),
    /// The query produced more results than the result limit.
    #[error("the query returns more than {0} results; add a LIMIT or narrow it")]
    TooManyResults(usize),
    /// The query failed while being evaluated.
    #[error("query evaluation failed: {0}")]
    Evaluation(String),
}

/// Per-query limits.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub timeout: Duration,
    pub max_results: usize,
}

impl Default for QueryLimits {
    fn default() -> Self {
        QueryLimits {
            timeout: Duration::from_secs(10),
            max_results: 10_000,
        }
    }
}

/// The answer to a query, fully evaluated within the limits.
#[derive(Debug)]
pub enum Answer {
    Solutions {
        variables: Vec<Variable>,
        rows: Vec<Vec<Option<Term>>>,
    },
    Boolean(bool),
    Graph(Vec<Triple>),
}

/// The dataset a request names with the SPARQL Protocol's `default-graph-uri`
/// and `named-graph-uri`. Empty: the store's own, whose default graph is the
/// union of all its named graphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestDataset {
    /// Graphs merged into the default graph.
    pub default_graphs: Vec<NamedNode>,
    /// The named graphs the query may see with `GRAPH`.
    pub named_graphs: Vec<NamedNode>,
}

impl RequestDataset {
    pub fn is_empty(&self) -> bool {
        self.default_graphs.is_empty() && self.named_graphs.is_empty()
    }
}

/// One ontology (or RDF file, or annotation export) held in the store.
#[derive(Debug, Clone)]
pub struct OntologyInfo {
    /// Short name, e.g. `HPO`.
    pub name: String,
    /// The release, e.g. `2025-01-16`.
    pub version: String,
    /// The named graph holding it; its IRI carries the release.
    pub graph: String,
    /// The file it was loaded from, relative to the data root.
    pub source: String,
    pub loaded_at: SystemTime,
    pub triple_count: usize,
    /// Distinct subjects typed `owl:Class` (or Biolink-categorised entities).
    pub term_count: usize,
}

/// The RDF store.
pub struct OntologyStore {
    store: Store,
    ontologies: Vec<OntologyInfo>,
}

impl OntologyStore {
    /// Only HPO, converted from `hp.obo` (what the store benchmark times).
    pub fn load_hpo_only(paths: &DataPaths) -> Result<OntologyStore, StoreError> {
        let mut out = OntologyStore::empty()?;
        out.load_hpo(&paths.hpo)?;
        Ok(out)
    }

    fn empty() -> Result<OntologyStore, StoreError> {
        let store = Store::new().map_err(|e| StoreError::Storage(e.to_string()))?;
        Ok(OntologyStore {
            store,
            ontologies: Vec::new(),
        })
    }

    fn load_hpo(&mut self, path: &Path) -> Result<(), StoreError> {
        let hpo = ingest::obo::parse(path)?;
        let version = hpo.release().unwrap_or_else(|| "unknown".into());
        let mut sink = QuadSink::new(&format!("{}hp/releases/{version}/hp.owl", vocab::OBO));
        convert::hpo(&hpo, &mut sink, &version);
        drop(hpo);
        self.insert("HPO", &version, path, sink)
    }

    /// Loads HPO (from `hp.obo`), MONDO, ORDO, every RDF file in
    /// `ontologies/` and the associations of `kg`.
    pub fn load(paths: &DataPaths, kg: &KnowledgeGraph) -> Result<OntologyStore, StoreError> {
        let mut out = OntologyStore::load_ontologies(paths)?;
        out.add_associations(kg)?;
        Ok(out)
    }

    /// Loads the ontologies only (HPO, MONDO, ORDO, RDF files): what does not
    /// depend on the knowledge graph, so a reload can build it while the
    /// graph is being built. Complete it with [`Self::add_associations`].
    pub fn load_ontologies(paths: &DataPaths) -> Result<OntologyStore, StoreError> {
        let mut out = OntologyStore::empty()?;
        out.load_hpo(&paths.hpo)?;

        let terms = ingest::mondo::parse_terms(&paths.mondo_terms)?;
        let edges = ingest::mondo::parse_subclass_edges(&paths.mondo_edges)?;
        let mappings = paths
            .mondo_mappings
            .iter()
            .map(|p| ingest::mondo::parse_sssom(p))
            .collect::<Result<Vec<_>, _>>()?;
        let version = mappings
            .iter()
            .find_map(|m| m.release())
            .unwrap_or_else(|| "unknown".into());
        let mut sink = QuadSink::new(&format!(
            "{}mondo/releases/{version}/mondo-rare.owl",
            vocab::OBO
        ));
        convert::mondo(&terms, &edges, &mappings, &mut sink, &version);
        out.insert("MONDO", &version, &paths.mondo_terms, sink)?;

        let mut sink = QuadSink::new("http://www.orpha.net/ORDO/releases/pending");
        let version = convert::ordo(&paths.ordo, &mut sink)?;
        let mut renamed = QuadSink::new(&format!(
            "http://www.orpha.net/ORDO/releases/{version}/ordo.owl"
        ));
        renamed.quads = sink
            .quads
            .into_iter()
            .map(|q| {
                oxigraph::model::Quad::new(
                    q.subject,
                    q.predicate,
                    q.object,
                    renamed_graph(&version),
                )
            })
            .collect();
        out.insert("ORDO", &version, &paths.ordo, renamed)?;
        for file in rdf_files(&paths.ontologies_dir)? {
            out.load_rdf_file(&file)?;
        }
        Ok(out)
    }

    /// Adds the associations of `kg` with Biolink predicates.
    pub fn add_associations(&mut self, kg: &KnowledgeGraph) -> Result<(), StoreError> {
        // Named after the releases of the annotation sources it is made of.
        let release_of = |src: crate::graph::model::Source| {
            kg.sources()
                .iter()
                .find(|s| s.source == src)
                .map_or("unknown", |s| s.release.as_str())
        };
        use crate::graph::model::Source;
        let release = format!(
            "hpoa-{}_orphanet-{}_hgnc-{}",
            release_of(Source::Hpoa),
            release_of(Source::Orphanet),
            release_of(Source::Hgnc)
        );
        let mut sink = QuadSink::new(&format!("urn:rarekg:associations:{release}"));
        convert::associations(kg, &mut sink);
        self.insert(
            "Associations (Biolink)",
            &release,
            Path::new("knowledge graph"),
            sink,
        )
    }

    fn insert(
        &mut self,
        name: &str,
        version: &str,
        source: &Path,
        sink: QuadSink,
    ) -> Result<(), StoreError> {
        let graph = match sink.quads.first().map(|q| q.graph_name.clone()) {
            Some(oxigraph::model::GraphName::NamedNode(n)) => n.into_string(),
            _ => return Ok(()),
        };
        let triple_count = sink.quads.len();
        let term_count = count_terms(&sink.quads);
        self.add_quads(sink.quads)?;
        self.register(name, version, &graph, source, triple_count, term_count);
        Ok(())
    }

    fn add_quads(&self, quads: Vec<oxigraph::model::Quad>) -> Result<(), StoreError> {
        let mut loader = self.store.bulk_loader();
        loader
            .load_quads(quads)
            .map_err(|e| StoreError::Storage(e.to_string()))?;
        loader
            .commit()
            .map_err(|e| StoreError::Storage(e.to_string()))
    }

    fn register(
        &mut self,
        name: &str,
        version: &str,
        graph: &str,
        source: &Path,
        triple_count: usize,
        term_count: usize,
    ) {
        self.ontologies.push(OntologyInfo {
            name: name.to_string(),
            version: version.to_string(),
            graph: graph.to_string(),
            source: source
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            loaded_at: SystemTime::now(),
            triple_count,
            term_count,
        });
    }

    /// Loads a Turtle, RDF/XML, N-Triples or OWL (RDF/XML) file into a named
    /// graph of its own; a syntax error names the file and line.
    pub fn load_rdf_file(&mut self, path: &Path) -> Result<(), StoreError> {
        let format = rdf_format(path).ok_or_else(|| {
            IngestError::parse(path, 1, "not an RDF file (.ttl, .nt, .rdf, .owl)")
        })?;
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let graph = format!("urn:rarekg:file:{name}");
        let data = std::fs::read(path).map_err(|e| IngestError::io(path, e))?;
        // Parse fully first, so a broken file adds nothing to the store.
        let mut quads = Vec::new();
        for q in RdfParser::from_format(format)
            .with_default_graph(NamedNode::new_unchecked(graph.clone()))
            .for_slice(&data)
        {
            quads.push(q.map_err(|e| {
                let line = e.location().map_or(1, |l| l.start.line as usize + 1);
                IngestError::parse(path, line, e.to_string())
            })?);
        }
        let n = quads.len();
        let terms = count_terms(&quads);
        self.add_quads(quads)?;
        self.register(&name, "file", &graph, path, n, terms);
        Ok(())
    }

    /// The ontologies held, in load order.
    pub fn ontologies(&self) -> &[OntologyInfo] {
        &self.ontologies
    }

    /// Total triples held.
    pub fn len(&self) -> usize {
        self.store.len().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every (predicate, object, graph) stated about `iri`.
    pub fn describe(&self, iri: &str) -> Result<Vec<(NamedNode, Term, String)>, StoreError> {
        let s = NamedNodeRef::new(iri)
            .map_err(|e| StoreError::Syntax(format!("`{iri}` is not an IRI: {e}")))?;
        self.store
            .quads_for_pattern(Some(s.into()), None, None, None)
            .map(|q| {
                let q = q.map_err(|e| StoreError::Storage(e.to_string()))?;
                let graph = match q.graph_name {
                    oxigraph::model::GraphName::NamedNode(n) => n.into_string(),
                    _ => String::new(),
                };
                Ok((q.predicate, q.object, graph))
            })
            .collect()
    }

    /// The IRIs of the named graphs the store holds, sorted.
    pub fn named_graphs(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .store
            .named_graphs()
            .filter_map(|g| match g {
                Ok(oxigraph::model::NamedOrBlankNode::NamedNode(n)) => Some(n.into_string()),
                _ => None,
            })
            .collect();
        out.sort();
        out
    }

    /// Whether `sparql` is a query with its own dataset (`FROM` or
    /// `FROM NAMED`); `false` when it does not parse as a query.
    pub fn declares_dataset(sparql: &str) -> bool {
        SparqlEvaluator::new()
            .parse_query(sparql)
            .is_ok_and(|p| !p.dataset().is_default_dataset())
    }

    /// Evaluates a SPARQL query within `limits`. Updates are refused.
    pub fn query(&self, sparql: &str, limits: &QueryLimits) -> Result<Answer, StoreError> {
        self.query_in(sparql, &RequestDataset::default(), limits)
    }

    /// Evaluates a SPARQL query over `dataset` within `limits`. A non-empty
    /// `dataset` replaces the query's own (`FROM`, `FROM NAMED`), as the
    /// protocol says; see [`Self::declares_dataset`] to refuse the mix instead.
    /// With only named graphs given, the default graph is empty.
    pub fn query_in(
        &self,
        sparql: &str,
        dataset: &RequestDataset,
        limits: &QueryLimits,
    ) -> Result<Answer, StoreError> {
        let token = CancellationToken::new();
        let mut prepared = match SparqlEvaluator::new()
            .with_cancellation_token(token.clone())
            .parse_query(sparql)
        {
            Ok(p) => p,
            Err(e) => {
                if SparqlEvaluator::new().parse_update(sparql).is_ok() {
                    return Err(StoreError::UpdateRefused);
                }
                return Err(StoreError::Syntax(e.to_string()));
            }
        };
        // Without FROM, the default graph is the union of all named graphs,
        // so a query need not know which release graph holds what.
        if !dataset.is_empty() {
            let d = prepared.dataset_mut();
            d.set_default_graph(
                dataset
                    .default_graphs
                    .iter()
                    .map(|g| g.clone().into())
                    .collect(),
            );
            d.set_available_named_graphs(
                dataset
                    .named_graphs
                    .iter()
                    .map(|g| g.clone().into())
                    .collect(),
            );
        } else if prepared.dataset().is_default_dataset() {
            prepared.dataset_mut().set_default_graph_as_union();
        }
        let _watchdog = Watchdog::start(token, limits.timeout);
        let started = Instant::now();
        let map_err = |e: QueryEvaluationError| match e {
            QueryEvaluationError::Cancelled => StoreError::Timeout(limits.timeout),
            other => StoreError::Evaluation(other.to_string()),
        };
        let results = prepared.on_store(&self.store).execute().map_err(map_err)?;
        let answer = match results {
            QueryResults::Boolean(b) => Answer::Boolean(b),
            QueryResults::Solutions(solutions) => {
                let variables = solutions.variables().to_vec();
                let mut rows = Vec::new();
                for s in solutions {
                    let s = s.map_err(map_err)?;
                    if rows.len() == limits.max_results {
                        return Err(StoreError::TooManyResults(limits.max_results));
                    }
                    rows.push(variables.iter().map(|v| s.get(v).cloned()).collect());
                }
                Answer::Solutions { variables, rows }
            }
            QueryResults::Graph(triples) => {
                let mut out = Vec::new();
                for t in triples {
                    if out.len() == limits.max_results {
                        return Err(StoreError::TooManyResults(limits.max_results));
                    }
                    out.push(t.map_err(map_err)?);
                }
                Answer::Graph(out)
            }
        };
        if started.elapsed() > limits.timeout {
            return Err(StoreError::Timeout(limits.timeout));
        }
        Ok(answer)
    }
}

/// Distinct subjects typed `owl:Class` or given a Biolink category, counted
/// from the quads before they are loaded (a SPARQL count afterwards would
/// scan the graph again on every reload).
fn count_terms(quads: &[oxigraph::model::Quad]) -> usize {
    let category = vocab::biolink("category");
    quads
        .iter()
        .filter(|q| match q.predicate.as_str() {
            vocab::RDF_TYPE => {
                matches!(&q.object, Term::NamedNode(o) if o.as_str() == vocab::OWL_CLASS)
            }
            p => p == category,
        })
        .map(|q| &q.subject)
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn renamed_graph(version: &str) -> oxigraph::model::GraphName {
    NamedNode::new_unchecked(format!(
        "http://www.orpha.net/ORDO/releases/{version}/ordo.owl"
    ))
    .into()
}

fn rdf_format(path: &Path) -> Option<RdfFormat> {
    match path.extension()?.to_str()? {
        "ttl" => Some(RdfFormat::Turtle),
        "nt" => Some(RdfFormat::NTriples),
        "rdf" | "owl" => Some(RdfFormat::RdfXml),
        _ => None,
    }
}

/// RDF files directly in `dir` (sorted, so the load order is stable).
fn rdf_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && rdf_format(p).is_some())
        .collect();
    out.sort();
    Ok(out)
}

/// Cancels a query when its time is up; dropping it (the query ended)
/// takes its deadline back.
///
/// Every query of the process shares one timer thread, which sleeps until
/// the earliest deadline: a thread per query cost a spawn each and, under
/// load, as many sleeping threads as queries in flight. Written here because
/// the store's queries run on blocking threads, outside any async runtime
/// whose timers could serve.
struct Watchdog {
    key: (Instant, u64),
}

/// The deadlines of the queries running now, earliest first, keyed by a
/// sequence number so that equal instants stay apart.
struct Deadlines {
    next: u64,
    pending: std::collections::BTreeMap<(Instant, u64), CancellationToken>,
}

struct Timer {
    deadlines: std::sync::Mutex<Deadlines>,
    changed: std::sync::Condvar,
}

static TIMER: Timer = Timer {
    deadlines: std::sync::Mutex::new(Deadlines {
        next: 0,
        pending: std::collections::BTreeMap::new(),
    }),
    changed: std::sync::Condvar::new(),
};

impl Timer {
    /// The process's timer, its thread started on first use.
    fn get() -> &'static Timer {
        static STARTED: std::sync::Once = std::sync::Once::new();
        STARTED.call_once(|| {
            std::thread::Builder::new()
                .name("sparql-watchdog".into())
                .spawn(|| TIMER.run())
                .expect("the SPARQL watchdog thread starts");
        });
        &TIMER
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Deadlines> {
        self.deadlines.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn run(&self) {
        let mut d = self.lock();
        loop {
            let now = Instant::now();
            while let Some(entry) = d.pending.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                entry.remove().cancel();
            }
            d = match d.pending.first_key_value() {
                Some(((at, _), _)) => {
                    let wait = at.saturating_duration_since(now);
                    self.changed
                        .wait_timeout(d, wait)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
                None => self.changed.wait(d).unwrap_or_else(|e| e.into_inner()),
            };
        }
    }
}

impl Watchdog {
    fn start(token: CancellationToken, timeout: Duration) -> Watchdog {
        let timer = Timer::get();
        let mut d = timer.lock();
        let key = (Instant::now() + timeout, d.next);
        d.next += 1;
        d.pending.insert(key, token);
        let earliest = d.pending.first_key_value().is_some_and(|(k, _)| *k == key);
        drop(d);
        if earliest {
            timer.changed.notify_one();
        }
        Watchdog { key }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        TIMER.lock().pending.remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Waits up to 10 s for `token` to be cancelled.
    fn cancelled_within_10s(token: &CancellationToken) -> bool {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if token.is_cancelled() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    #[test]
    fn a_watchdog_cancels_its_query_when_time_is_up_and_not_after_it_is_dropped() {
        let long = CancellationToken::new();
        let _long = Watchdog::start(long.clone(), Duration::from_secs(3600));
        // A shorter deadline set after a longer one wakes the timer.
        let short = CancellationToken::new();
        let _short = Watchdog::start(short.clone(), Duration::from_millis(20));
        assert!(cancelled_within_10s(&short));
        assert!(!long.is_cancelled());
        // A query that ended takes its deadline back.
        let ended = CancellationToken::new();
        drop(Watchdog::start(ended.clone(), Duration::from_millis(20)));
        let later = CancellationToken::new();
        let _later = Watchdog::start(later.clone(), Duration::from_millis(60));
        assert!(cancelled_within_10s(&later));
        assert!(!ended.is_cancelled());
    }
}
