//! The typed knowledge graph and its indexes.
//!
//! A [`KnowledgeGraph`] is immutable once built: every lookup index, the HPO
//! ancestor and descendant closures and the ordered adjacency lists are
//! computed once by [`KnowledgeGraph::load`]. There is no way to obtain a
//! half-built graph.

mod builder;
mod csr;
pub mod diff;
pub mod explore;
mod frequency;
mod identity;
pub mod linker;
pub mod model;
pub mod records;
mod strings;

pub use crate::ingest::catalogue::DataPaths;
pub use builder::SourceBundle;
use csr::Csr;
use model::*;

use crate::curie::Curie;
use crate::ingest::orphanet_epidemiology::EpidemiologyRow;
use crate::ingest::{self, IngestError};
use petgraph::graph::Graph;
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Counts and anomalies of one load, for `check` and start-up logs.
#[derive(Debug, Default, Clone)]
pub struct LoadStats {
    /// Rows or records read per source file.
    pub rows: Vec<(&'static str, usize)>,
    /// Records read per catalogued source, as its parser counts them
    /// (what `check` reports); sources the graph does not read (ORDO, for
    /// the RDF store) are absent.
    pub records: BTreeMap<ingest::catalogue::SourceFile, usize>,
    /// Edges per edge type.
    pub edges: BTreeMap<&'static str, usize>,
    /// Disease ids merged through exact mappings.
    pub identity_merges: usize,
    /// Exact mappings not applied because they would merge two distinct diseases.
    pub identity_merges_refused: usize,
    /// Annotations to HP ids absent from the ontology (dropped).
    pub unresolved_terms: usize,
    /// Annotations to obsolete HP ids, redirected to the replacement term.
    pub redirected_terms: usize,
    /// Orphanet genes without an HGNC id or symbol match (dropped).
    pub unresolved_genes: usize,
    /// Genes known to the annotation files but not to the HGNC release.
    pub genes_outside_hgnc: usize,
    /// Classification links to diseases not in the graph (dropped).
    pub unresolved_classification: usize,
    /// External references whose prefix this server does not know.
    pub unparsed_xrefs: usize,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Indexes {
    pub disease: HashMap<Curie, NodeId>,
    pub ambiguous_disease: HashMap<Curie, Vec<NodeId>>,
    pub phenotype: HashMap<Curie, NodeId>,
    /// Genes by id: `HGNC:n`, `NCBIGene:n`, `ENSEMBL:...`.
    pub gene: HashMap<Curie, NodeId>,
    /// Ids naming several genes (an Ensembl id HGNC gives two genes).
    pub ambiguous_gene: HashMap<Curie, Vec<NodeId>>,
    /// Upper-case current symbols and the genes bearing each: one, except
    /// where genes of different ids share a symbol (NCBI's `-` for a gene
    /// without one).
    pub gene_symbol: HashMap<String, Vec<NodeId>>,
    /// Upper-case previous and alias symbols that are no gene's current
    /// symbol, and the genes that list each.
    pub gene_alias: HashMap<String, Vec<NodeId>>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct Adjacency {
    pub disease_phenotypes: Csr,
    pub phenotype_diseases: Csr,
    pub gene_diseases: Csr,
    pub disease_genes: Csr,
    pub gene_phenotypes: Csr,
    pub phenotype_genes: Csr,
    pub parents: Csr,
    pub children: Csr,
}

/// The outcome of resolving an identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// The id names this node directly.
    Found(NodeId),
    /// The id is an alternative or obsolete id; this is the current term.
    Redirected {
        node: NodeId,
        reason: RedirectReason,
    },
    /// The id names several nodes (a shared cross-reference or alias).
    Ambiguous(Vec<NodeId>),
    /// Well-formed, but nothing has this id.
    NotFound,
}

/// Why an id was answered with another node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectReason {
    /// An HPO `alt_id` of the term.
    AltId,
    /// An obsolete term whose `replaced_by` is the term.
    Obsolete,
    /// A previous or alias gene symbol.
    PreviousSymbol,
}

/// Which list of edges to walk.
#[derive(Debug, Clone, Copy)]
pub enum Rel {
    DiseasePhenotypes,
    PhenotypeDiseases,
    DiseaseGenes,
    GeneDiseases,
    GenePhenotypes,
    PhenotypeGenes,
    Parents,
    Children,
}

fn rss_mib() -> usize {
    crate::memory::resident_bytes() >> 20
}

/// A parser thread's result; a parser panic is re-raised here.
fn join<T>(r: std::thread::Result<T>) -> T {
    r.unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// Every source parsed: the core graph's, the records', and what completes
/// the graph afterwards (epidemiology, MONDO subsets).
type Parsed = (
    SourceBundle,
    records::RecordSources,
    (
        Vec<EpidemiologyRow>,
        Vec<ingest::mondo::SubsetRow>,
        BTreeMap<ingest::catalogue::SourceFile, usize>,
    ),
);

/// The rare-disease knowledge graph.
pub struct KnowledgeGraph {
    graph: Graph<Node, Edge, petgraph::Directed, u32>,
    phenotype_range: Range<u32>,
    gene_range: Range<u32>,
    disease_range: Range<u32>,
    ancestors: Vec<Box<[u32]>>,
    descendants: Vec<Box<[u32]>>,
    index: Indexes,
    adjacency: Adjacency,
    /// Diseases, phenotypes and genes sorted by display name.
    by_name: [Vec<NodeId>; 3],
    /// Each node's position when all nodes are sorted by display name.
    ranks: Vec<u32>,
    phenotype_assertions: Vec<PhenotypeAssertion>,
    strings: Strings,
    gene_disease_assertions: Vec<Provenance>,
    gene_phenotype_assertions: Vec<GenePhenotypeAssertion>,
    sources: Vec<SourceRelease>,
    stats: LoadStats,
    records: records::Records,
}

impl KnowledgeGraph {
    /// Parses every source (in parallel) and builds the graph, then hands
    /// the memory the parse records held back to the OS.
    /// The annotation sets are dropped: a release is built with
    /// [`crate::release::build`], which derives its analytics from them.
    pub fn load(paths: &DataPaths) -> Result<KnowledgeGraph, IngestError> {
        let (kg, _) = KnowledgeGraph::load_with_annotations(paths)?;
        crate::memory::release_freed_memory();
        tracing::debug!(rss_mib = rss_mib(), "graph built, sources dropped");
        Ok(kg)
    }

    /// The graph and the annotation sets the analytics tables are built
    /// from, without returning freed memory to the OS: a reload builds its
    /// RDF store meanwhile, and trimming the heap under it (then faulting
    /// the pages back in) slowed each reload by a growing amount.
    pub fn load_with_annotations(
        paths: &DataPaths,
    ) -> Result<(KnowledgeGraph, Annotations), IngestError> {
        let bundle = std::thread::scope(|s| -> Result<Parsed, IngestError> {
            let hpo = s.spawn(|| ingest::obo::parse(&paths.hpo));
            let hpoa = s.spawn(|| ingest::hpoa::parse(&paths.hpoa));
            let g2p = s.spawn(|| ingest::genes_to_phenotype::parse(&paths.genes_to_phenotype));
            let orpha = s.spawn(|| ingest::orphapacket::parse_tarball(&paths.orphanet));
            let hgnc = s.spawn(|| ingest::hgnc::parse(&paths.hgnc));
            let records = s.spawn(|| -> Result<_, IngestError> {
                Ok(records::RecordSources {
                    fda: Some((paths.fda.clone(), ingest::fda::parse(&paths.fda)?)),
                    trials: paths
                        .trials
                        .iter()
                        .map(|p| ingest::ctgov::parse(p).map(|t| (p.clone(), t)))
                        .collect::<Result<_, _>>()?,
                    organizations: Some((
                        paths.organizations.clone(),
                        ingest::curated::parse_organizations(&paths.organizations)?,
                    )),
                    screening: Some((
                        paths.screening.clone(),
                        ingest::curated::parse_screening(&paths.screening)?,
                    )),
                })
            });
            let epidemiology =
                s.spawn(|| ingest::orphanet_epidemiology::parse(&paths.orphanet_epidemiology));
            let subsets = s.spawn(|| ingest::mondo::parse_subsets(&paths.mondo_subsets));
            let mondo = s.spawn(|| -> Result<_, IngestError> {
                let terms = ingest::mondo::parse_terms(&paths.mondo_terms)?;
                let edges = ingest::mondo::parse_subclass_edges(&paths.mondo_edges)?;
                let maps = paths
                    .mondo_mappings
                    .iter()
                    .map(|p| ingest::mondo::parse_sssom(p).map(|m| (p.clone(), m)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((terms, edges, maps))
            });
            // Joined in a fixed order, so the error reported is the same
            // whichever parser finishes first.
            let hpo = join(hpo.join())?;
            let hpoa = join(hpoa.join())?;
            let g2p = join(g2p.join())?;
            let orpha = join(orpha.join())?;
            let (terms, edges, maps) = join(mondo.join())?;
            let hgnc = join(hgnc.join())?;
            let records = join(records.join())?;
            let epidemiology = join(epidemiology.join())?;
            let subsets = join(subsets.join())?;
            let mut read: Vec<(&std::path::Path, usize)> = vec![
                (&paths.hpo, hpo.terms.len()),
                (&paths.hpoa, hpoa.rows.len()),
                (&paths.genes_to_phenotype, g2p.len()),
                (&paths.orphanet, orpha.packets.len()),
                (&paths.mondo_terms, terms.len()),
                (&paths.mondo_edges, edges.len()),
                (&paths.hgnc, hgnc.genes.len()),
                (&paths.orphanet_epidemiology, epidemiology.len()),
                (&paths.mondo_subsets, subsets.len()),
            ];
            read.extend(maps.iter().map(|(p, m)| (p.as_path(), m.mappings.len())));
            let fda = records.fda.as_ref().map(|(p, r)| (p.as_path(), r.len()));
            let organizations =
                (records.organizations.as_ref()).map(|(p, r)| (p.as_path(), r.len()));
            let screening = (records.screening.as_ref()).map(|(p, r)| (p.as_path(), r.len()));
            read.extend([fda, organizations, screening].into_iter().flatten());
            let counts = ingest::catalogue::SourceFile::ALL
                .iter()
                .filter_map(|&s| {
                    let file = s.file(paths);
                    read.iter().find(|(p, _)| *p == file).map(|&(_, n)| (s, n))
                })
                .collect();
            Ok((
                SourceBundle {
                    hpo: (paths.hpo.clone(), hpo),
                    hpoa: (paths.hpoa.clone(), hpoa),
                    genes_to_phenotype: (paths.genes_to_phenotype.clone(), g2p),
                    orphanet: (paths.orphanet.clone(), orpha),
                    mondo_terms: (paths.mondo_terms.clone(), terms),
                    mondo_edges: (paths.mondo_edges.clone(), edges),
                    mondo_mappings: maps,
                    hgnc: (paths.hgnc.clone(), hgnc),
                },
                records,
                (epidemiology, subsets, counts),
            ))
        })?;
        tracing::debug!(rss_mib = rss_mib(), "sources parsed");
        let (bundle, record_sources, (epidemiology, subsets, counts)) = bundle;
        let (mut kg, annotations) = builder::build(bundle)?;
        kg.stats.records = counts;
        tracing::debug!(rss_mib = rss_mib(), "core graph built");
        kg.complete_prevalences(&epidemiology);
        kg.add_subsets(&subsets);
        let (records, releases) = records::build(&kg, record_sources)?;
        tracing::debug!(rss_mib = rss_mib(), "records linked");
        kg.records = records;
        kg.sources.extend(releases);
        Ok((kg, annotations))
    }

    /// Flags the diseases in MONDO's rare-disease programme subsets
    /// (`nord_rare`, `gard_rare`) as attributes, stated by MONDO for the
    /// MONDO id. A row for an id no disease has is counted, not an error
    /// (the subset table covers all of MONDO, the graph its rare subset).
    fn add_subsets(&mut self, rows: &[ingest::mondo::SubsetRow]) {
        const FLAGS: [&str; 2] = ["nord_rare", "gard_rare"];
        let mut added = 0;
        // The MONDO id each flagged disease is stated for, appended once per
        // disease (`Strings::append` does not deduplicate).
        let mut stated: HashMap<NodeId, strings::Sym> = HashMap::new();
        for r in rows.iter().filter(|r| FLAGS.contains(&r.subset.as_str())) {
            let Some(&n) = self.index.disease.get(&r.id) else {
                continue;
            };
            let Node::Disease(d) = &self.graph[n] else {
                continue;
            };
            if d.attributes
                .iter()
                .any(|a| a.kind == AttributeKind::Subset && a.label == r.subset)
            {
                continue;
            }
            let strings = &mut self.strings;
            let id = *stated
                .entry(n)
                .or_insert_with(|| strings.append(r.id.as_str()));
            let Node::Disease(d) = &mut self.graph[n] else {
                continue;
            };
            d.attributes.push(Attribute {
                kind: AttributeKind::Subset,
                term: None,
                label: r.subset.clone(),
                provenance: Provenance::new(Source::Mondo, id),
            });
            added += 1;
        }
        self.stats.rows.push(("MONDO subset rows", rows.len()));
        tracing::debug!(added, "MONDO subset flags");
    }

    /// Adds the validation status (and a missing mean value) of Orphadata's
    /// epidemiology file to the packets' prevalences, matched by ORPHA code,
    /// type, class, geography and source.
    fn complete_prevalences(&mut self, rows: &[EpidemiologyRow]) {
        let mut by_code: HashMap<&str, Vec<&EpidemiologyRow>> = HashMap::new();
        for r in rows {
            by_code.entry(r.orpha_code.as_str()).or_default().push(r);
        }
        for n in self.disease_range.clone() {
            let Node::Disease(d) = &mut self.graph[NodeId::new(n as usize)] else {
                continue;
            };
            let Some(candidates) = d
                .equivalent_ids
                .iter()
                .filter(|id| id.prefix() == crate::curie::Prefix::Orpha)
                .find_map(|id| by_code.get(id.local()))
            else {
                continue;
            };
            for p in &mut d.prevalences {
                let found = candidates.iter().find(|r| {
                    r.kind == p.kind
                        && r.class == p.class
                        && r.geographic == p.geographic
                        && r.source == p.reference
                });
                if let Some(r) = found {
                    p.validation_status = r.validation_status.clone();
                    if p.mean_value.is_none() {
                        p.mean_value = r.mean_value.clone();
                    }
                }
            }
        }
    }

    pub fn node(&self, n: NodeId) -> &Node {
        &self.graph[n]
    }

    /// The disease at `n`; panics if `n` is not a disease (a programming error).
    pub fn disease(&self, n: NodeId) -> &Disease {
        match &self.graph[n] {
            Node::Disease(d) => d,
            other => panic!("node {n:?} is not a disease: {other:?}"),
        }
    }

    pub fn phenotype(&self, n: NodeId) -> &Phenotype {
        match &self.graph[n] {
            Node::Phenotype(p) => p,
            other => panic!("node {n:?} is not a phenotype: {other:?}"),
        }
    }

    pub fn gene(&self, n: NodeId) -> &Gene {
        match &self.graph[n] {
            Node::Gene(g) => g,
            other => panic!("node {n:?} is not a gene: {other:?}"),
        }
    }

    /// The edge and its (source, target) nodes.
    pub fn edge(&self, e: EdgeId) -> (&Edge, NodeId, NodeId) {
        let (s, t) = self
            .graph
            .edge_endpoints(e)
            .expect("edge ids come from this graph");
        (&self.graph[e], s, t)
    }

    /// The edges of `n` along `rel`, in display order.
    pub fn edges(&self, n: NodeId, rel: Rel) -> &[EdgeId] {
        let a = &self.adjacency;
        let csr = match rel {
            Rel::DiseasePhenotypes => &a.disease_phenotypes,
            Rel::PhenotypeDiseases => &a.phenotype_diseases,
            Rel::DiseaseGenes => &a.disease_genes,
            Rel::GeneDiseases => &a.gene_diseases,
            Rel::GenePhenotypes => &a.gene_phenotypes,
            Rel::PhenotypeGenes => &a.phenotype_genes,
            Rel::Parents => &a.parents,
            Rel::Children => &a.children,
        };
        csr.get(n.index())
    }

    /// The node at the other end of `e` from `n`.
    pub fn other(&self, e: EdgeId, n: NodeId) -> NodeId {
        let (_, s, t) = self.edge(e);
        if s == n {
            t
        } else {
            s
        }
    }

    /// Resolves any disease CURIE (MONDO, ORPHA, OMIM, GARD, DOID, ...).
    pub fn find_disease(&self, id: &Curie) -> Lookup {
        if let Some(&n) = self.index.disease.get(id) {
            return Lookup::Found(n);
        }
        match self.index.ambiguous_disease.get(id) {
            Some(v) => Lookup::Ambiguous(v.clone()),
            None => Lookup::NotFound,
        }
    }

    /// Resolves an HP id, an alt_id, or an obsolete id (to its replacement).
    pub fn find_phenotype(&self, id: &Curie) -> Lookup {
        let Some(&n) = self.index.phenotype.get(id) else {
            return Lookup::NotFound;
        };
        let p = self.phenotype(n);
        if &p.id != id {
            return Lookup::Redirected {
                node: n,
                reason: RedirectReason::AltId,
            };
        }
        if let Some(r) = &p.replaced_by {
            if let Some(&m) = self.index.phenotype.get(r) {
                return Lookup::Redirected {
                    node: m,
                    reason: RedirectReason::Obsolete,
                };
            }
        }
        Lookup::Found(n)
    }

    /// Resolves `HGNC:n`, `NCBIGene:n`, `ENSEMBL:...` or a (current, previous
    /// or alias) symbol, case-insensitively; text that is not a gene id is
    /// taken as a symbol (see [`GeneKey::parse`](crate::curie::GeneKey::parse)).
    pub fn find_gene(&self, key: &str) -> Lookup {
        match crate::curie::GeneKey::parse(key) {
            Ok(k) => self.find_gene_key(&k),
            Err(_) => self.find_gene_symbol(key.trim()),
        }
    }

    /// Resolves a parsed gene id or symbol.
    pub fn find_gene_key(&self, key: &crate::curie::GeneKey) -> Lookup {
        match key {
            crate::curie::GeneKey::Id(id) => self.find_gene_id(id),
            crate::curie::GeneKey::Symbol(s) => self.find_gene_symbol(s),
        }
    }

    /// Resolves `HGNC:n`, `NCBIGene:n` or `ENSEMBL:...`.
    pub fn find_gene_id(&self, id: &Curie) -> Lookup {
        if let Some(&n) = self.index.gene.get(id) {
            return Lookup::Found(n);
        }
        match self.index.ambiguous_gene.get(id) {
            Some(v) => Lookup::Ambiguous(v.clone()),
            None => Lookup::NotFound,
        }
    }

    /// Resolves a symbol, case-insensitively: a current symbol names its
    /// gene; otherwise a previous or alias symbol is redirected to the gene
    /// listing it. A symbol several genes bear, or list, is ambiguous.
    pub fn find_gene_symbol(&self, symbol: &str) -> Lookup {
        let k = symbol.to_ascii_uppercase();
        match self.index.gene_symbol.get(&k).map(Vec::as_slice) {
            Some(&[n]) => return Lookup::Found(n),
            Some(v) => return Lookup::Ambiguous(v.to_vec()),
            None => {}
        }
        match self.index.gene_alias.get(&k).map(Vec::as_slice) {
            Some(&[n]) => Lookup::Redirected {
                node: n,
                reason: RedirectReason::PreviousSymbol,
            },
            Some(v) => Lookup::Ambiguous(v.to_vec()),
            None => Lookup::NotFound,
        }
    }

    /// The node's position in display-name order (case-insensitive).
    pub fn rank(&self, n: NodeId) -> u32 {
        self.ranks[n.index()]
    }

    /// Diseases sorted by name (case-insensitive).
    pub fn diseases_by_name(&self) -> &[NodeId] {
        &self.by_name[0]
    }

    /// HPO terms sorted by name (case-insensitive).
    pub fn phenotypes_by_name(&self) -> &[NodeId] {
        &self.by_name[1]
    }

    /// Genes sorted by symbol (case-insensitive).
    pub fn genes_by_symbol(&self) -> &[NodeId] {
        &self.by_name[2]
    }

    /// All disease nodes, in node order.
    pub fn diseases(&self) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        self.disease_range.clone().map(|i| NodeId::new(i as usize))
    }

    /// All HPO term nodes (obsolete ones included), in node order.
    pub fn phenotypes(&self) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        self.phenotype_range
            .clone()
            .map(|i| NodeId::new(i as usize))
    }

    /// All gene nodes, in node order.
    pub fn genes(&self) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        self.gene_range.clone().map(|i| NodeId::new(i as usize))
    }

    /// Strict ancestors of an HPO term (closure of is_a), computed at load.
    pub fn ancestors(&self, term: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.ancestors[term.index()]
            .iter()
            .map(|&i| NodeId::new(i as usize))
    }

    /// Strict descendants of an HPO term, computed at load.
    pub fn descendants(&self, term: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        self.descendants[term.index()]
            .iter()
            .map(|&i| NodeId::new(i as usize))
    }

    /// Whether `term` is `ancestor` or one of its descendants.
    pub fn is_a(&self, term: NodeId, ancestor: NodeId) -> bool {
        term == ancestor
            || self.ancestors[term.index()]
                .binary_search(&(ancestor.index() as u32))
                .is_ok()
    }

    pub fn sources(&self) -> &[SourceRelease] {
        &self.sources
    }

    pub fn stats(&self) -> &LoadStats {
        &self.stats
    }

    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Entity counts by type.
    pub fn entity_counts(&self) -> [(&'static str, usize); 3] {
        [
            ("Disease", self.disease_range.len()),
            ("Phenotype", self.phenotype_range.len()),
            ("Gene", self.gene_range.len()),
        ]
    }

    /// The frequency of a disease-phenotype association as a fraction of
    /// patients, if any source states one.
    pub fn association_frequency(&self, a: &PhenotypeAssociation) -> Option<f64> {
        frequency::association_frequency(&self.graph, self.phenotype_assertions(a))
    }

    /// Drugs, designations, trials, organizations and screening entries.
    pub fn records(&self) -> &records::Records {
        &self.records
    }

    /// An interned provenance string.
    pub fn text(&self, s: Sym) -> &str {
        self.strings.get(s)
    }

    /// An interned list of provenance strings.
    pub fn texts(&self, l: SymList) -> impl ExactSizeIterator<Item = &str> {
        self.strings.list(l).iter().map(|&s| self.strings.get(s))
    }

    /// Every source's statement of a disease-phenotype association.
    pub fn phenotype_assertions(&self, a: &PhenotypeAssociation) -> &[PhenotypeAssertion] {
        &self.phenotype_assertions[a.assertions.range()]
    }

    /// Every source's statement of a gene-disease association.
    pub fn gene_disease_assertions(&self, span: Span) -> &[Provenance] {
        &self.gene_disease_assertions[span.range()]
    }

    /// Every linking disease of a gene-phenotype association.
    pub fn gene_phenotype_assertions(&self, span: Span) -> &[GenePhenotypeAssertion] {
        &self.gene_phenotype_assertions[span.range()]
    }

    /// A frequency as a fraction of patients.
    pub fn frequency_value(&self, f: &Frequency) -> Option<f64> {
        frequency::frequency_value(&self.graph, f)
    }
}
