//! Export of the whole graph, or of a neighbourhood, as KGX TSV (a nodes
//! file and an edges file, with Biolink categories and predicates) and as
//! JSON-LD. Written to any [`std::io::Write`] as it goes, so the server can
//! stream a download of any size.
//!
//! Ids are CURIEs; trials become `clinicaltrials:NCT...`, and drugs and
//! designations keep this server's `DRUG:` and `DESIGNATION:` ids (expanded
//! to `urn:rarekg:` IRIs in the JSON-LD context). Each edge names the
//! sources its type comes from (`primary_knowledge_source`); the assertions
//! behind one edge, with their evidence and references, are served by the
//! GraphQL API.

use crate::graph::explore::{self, EdgeKind, Entity, Filter, Link};
use crate::graph::model::Source;
use crate::graph::KnowledgeGraph;
use std::io::{self, Write};

/// What to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// KGX nodes TSV.
    KgxNodes,
    /// KGX edges TSV.
    KgxEdges,
    /// JSON-LD: one object per node, its outgoing edges as properties.
    JsonLd,
}

impl Format {
    /// From a file name: `nodes.tsv`, `edges.tsv` or `graph.jsonld`.
    pub fn from_file(name: &str) -> Option<Format> {
        match name {
            "nodes.tsv" => Some(Format::KgxNodes),
            "edges.tsv" => Some(Format::KgxEdges),
            "graph.jsonld" => Some(Format::JsonLd),
            _ => None,
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            Format::KgxNodes | Format::KgxEdges => "text/tab-separated-values; charset=utf-8",
            Format::JsonLd => "application/ld+json",
        }
    }
    fn suffix(self) -> &'static str {
        match self {
            Format::KgxNodes => "nodes.tsv",
            Format::KgxEdges => "edges.tsv",
            Format::JsonLd => "graph.jsonld",
        }
    }
}

/// The whole graph, or the neighbourhood of one entity.
#[derive(Debug, Clone)]
pub enum Scope {
    Whole,
    Around {
        start: Entity,
        depth: u32,
        limit: usize,
    },
}

/// The download's file name: `rarekg-r<release>[-<id>-d<depth>]-<file>`.
pub fn file_name(kg: &KnowledgeGraph, release: u64, scope: &Scope, format: Format) -> String {
    let around = match scope {
        Scope::Whole => String::new(),
        Scope::Around { start, depth, .. } => {
            let id: String = start
                .id(kg)
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!("-{id}-d{depth}")
        }
    };
    format!("rarekg-r{release}{around}-{}", format.suffix())
}

/// The id written for an entity.
fn export_id(kg: &KnowledgeGraph, e: Entity) -> String {
    match e {
        Entity::Trial(_) => format!("clinicaltrials:{}", e.id(kg)),
        _ => e.id(kg),
    }
}

/// The sources edges of a type come from.
fn sources(kind: EdgeKind) -> &'static [Source] {
    match kind {
        EdgeKind::DiseasePhenotype => &[Source::Hpoa, Source::Orphanet],
        EdgeKind::GeneDisease => &[Source::Orphanet, Source::GenesToPhenotype],
        EdgeKind::GenePhenotype => &[Source::GenesToPhenotype],
        EdgeKind::SubclassOf => &[Source::Hpo, Source::Orphanet, Source::Mondo],
        EdgeKind::DrugDesignation | EdgeKind::DesignationDisease => &[Source::Fda],
        EdgeKind::TrialDisease | EdgeKind::TrialDrug => &[Source::ClinicalTrials],
    }
}

fn infores(s: Source) -> &'static str {
    match s {
        Source::Hpo => "infores:hpo",
        Source::Hpoa | Source::GenesToPhenotype => "infores:hpo-annotations",
        Source::Orphanet => "infores:orphanet",
        Source::Mondo => "infores:mondo",
        Source::Hgnc => "infores:hgnc",
        Source::Fda => "infores:fda-oopd",
        Source::ClinicalTrials => "infores:clinicaltrials",
        Source::Curated => "infores:rarekg-curated",
    }
}

/// Every entity of the graph (obsolete HPO terms left out).
fn all_entities(kg: &KnowledgeGraph) -> impl Iterator<Item = Entity> + '_ {
    let r = kg.records();
    kg.diseases()
        .map(Entity::Disease)
        .chain(
            kg.phenotypes()
                .filter(|&n| !kg.phenotype(n).obsolete)
                .map(Entity::Phenotype),
        )
        .chain(kg.genes().map(Entity::Gene))
        .chain((0..r.drugs.len() as u32).map(Entity::Drug))
        .chain((0..r.designations.len() as u32).map(Entity::Designation))
        .chain((0..r.trials.len() as u32).map(Entity::Trial))
}

/// The links an entity is the source of (each link once over the graph).
fn outgoing(kg: &KnowledgeGraph, e: Entity) -> Vec<Link> {
    let mut out = Vec::new();
    explore::links(kg, e, |l, _| {
        if l.source == e && !(matches!(l.target, Entity::Phenotype(n) if kg.phenotype(n).obsolete))
        {
            out.push(l);
        }
    });
    out.sort_unstable();
    out.dedup();
    out
}

fn tsv(s: &str) -> String {
    s.replace(['\t', '\n', '\r'], " ")
}

/// Writes `scope` of `kg` in `format`.
pub fn write(
    kg: &KnowledgeGraph,
    scope: &Scope,
    format: Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (entities, links): (Vec<Entity>, Option<Vec<Link>>) = match scope {
        Scope::Whole => (all_entities(kg).collect(), None),
        Scope::Around {
            start,
            depth,
            limit,
        } => {
            let n = explore::neighborhood(kg, *start, *depth, &Filter::default(), *limit);
            (n.nodes.into_iter().map(|(e, _)| e).collect(), Some(n.links))
        }
    };
    let links_of = |e: Entity| -> Vec<Link> {
        match &links {
            None => outgoing(kg, e),
            Some(all) => all.iter().filter(|l| l.source == e).copied().collect(),
        }
    };
    match format {
        Format::KgxNodes => {
            writeln!(out, "id\tcategory\tname\tprovided_by")?;
            for e in entities {
                writeln!(
                    out,
                    "{}\t{}\t{}\tinfores:rarekg",
                    export_id(kg, e),
                    e.kind().biolink(),
                    tsv(e.label(kg))
                )?;
            }
        }
        Format::KgxEdges => {
            writeln!(out, "subject\tpredicate\tobject\tprimary_knowledge_source")?;
            for e in entities {
                for l in links_of(e) {
                    let src: Vec<&str> = sources(l.kind).iter().map(|s| infores(*s)).collect();
                    writeln!(
                        out,
                        "{}\t{}\t{}\t{}",
                        export_id(kg, l.source),
                        l.kind.biolink(),
                        export_id(kg, l.target),
                        src.join("|")
                    )?;
                }
            }
        }
        Format::JsonLd => {
            let context = serde_json::json!({
                "biolink": "https://w3id.org/biolink/vocab/",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
                "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
                "HP": "http://purl.obolibrary.org/obo/HP_",
                "ORPHA": "http://www.orpha.net/ORDO/Orphanet_",
                "OMIM": "https://omim.org/entry/",
                "DECIPHER": "https://www.deciphergenomics.org/syndrome/",
                "HGNC": "https://identifiers.org/hgnc:",
                "NCBIGene": "https://identifiers.org/ncbigene:",
                "clinicaltrials": "https://clinicaltrials.gov/study/",
                "DRUG": "urn:rarekg:drug:",
                "DESIGNATION": "urn:rarekg:designation:",
                "name": "rdfs:label"
            });
            write!(out, "{{\"@context\":{context},\"@graph\":[")?;
            for (i, e) in entities.into_iter().enumerate() {
                let mut node = serde_json::Map::new();
                node.insert("@id".into(), export_id(kg, e).into());
                node.insert("@type".into(), e.kind().biolink().into());
                node.insert("name".into(), e.label(kg).into());
                for l in links_of(e) {
                    let target = serde_json::json!({ "@id": export_id(kg, l.target) });
                    match node
                        .entry(l.kind.biolink())
                        .or_insert_with(|| serde_json::Value::Array(Vec::new()))
                    {
                        serde_json::Value::Array(v) => v.push(target),
                        _ => unreachable!("edge properties are arrays"),
                    }
                }
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, &node)?;
            }
            out.write_all(b"]}")?;
        }
    }
    out.flush()
}
