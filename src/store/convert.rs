//! Sources written as RDF quads.
//!
//! HPO follows the OBO-to-OWL mapping of the OBO 1.4 specification (labels,
//! `IAO:0000115` definitions, `oboInOwl` synonyms, xrefs, alt ids and ids,
//! `owl:deprecated`, `IAO:0100001` replaced-by). ORDO comes from its OBO
//! Graphs JSON. The knowledge graph's associations use Biolink predicates.

use super::vocab::*;
use crate::graph::model::{Edge, Node};
use crate::graph::{KnowledgeGraph, Rel};
use crate::ingest::mondo::{MappingSet, MondoTerm};
use crate::ingest::obo::{OboDocument, SynonymScope};
use crate::ingest::{self, IngestError};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Term};
use serde::Deserialize;
use std::path::Path;

/// Collects quads into one named graph.
pub(crate) struct QuadSink {
    graph: GraphName,
    pub quads: Vec<Quad>,
}

impl QuadSink {
    pub fn new(graph: &str) -> Self {
        QuadSink {
            graph: NamedNode::new_unchecked(graph).into(),
            quads: Vec::new(),
        }
    }

    fn add(&mut self, s: &str, p: &str, o: impl Into<Term>) {
        self.quads.push(Quad::new(
            NamedNode::new_unchecked(s),
            NamedNode::new_unchecked(p),
            o,
            self.graph.clone(),
        ));
    }

    fn iri(&mut self, s: &str, p: &str, o: &str) {
        self.add(s, p, NamedNode::new_unchecked(o));
    }

    fn text(&mut self, s: &str, p: &str, o: &str) {
        self.add(s, p, Literal::new_simple_literal(o));
    }

    fn ontology_header(&mut self, ontology: &str, version_iri: &str, version: &str) {
        self.iri(ontology, RDF_TYPE, OWL_ONTOLOGY);
        self.iri(ontology, OWL_VERSION_IRI, version_iri);
        self.text(ontology, OWL_VERSION_INFO, version);
    }
}

/// HPO from `hp.obo`.
pub(crate) fn hpo(doc: &OboDocument, sink: &mut QuadSink, version: &str) {
    sink.ontology_header(
        &format!("{OBO}hp.owl"),
        &format!("{OBO}hp/releases/{version}/hp.owl"),
        version,
    );
    for t in &doc.terms {
        let Some(id) = &t.id else { continue };
        let iri = curie_iri(id.as_str());
        sink.iri(&iri, RDF_TYPE, OWL_CLASS);
        sink.text(&iri, &oboinowl("id"), id.as_str());
        sink.text(&iri, RDFS_LABEL, &t.name);
        if let Some(d) = &t.definition {
            sink.text(&iri, DEFINITION, d);
        }
        if let Some(c) = &t.comment {
            sink.text(&iri, RDFS_COMMENT, c);
        }
        for s in &t.synonyms {
            let p = match s.scope {
                SynonymScope::Exact => "hasExactSynonym",
                SynonymScope::Broad => "hasBroadSynonym",
                SynonymScope::Narrow => "hasNarrowSynonym",
                SynonymScope::Related => "hasRelatedSynonym",
            };
            sink.text(&iri, &oboinowl(p), &s.text);
        }
        for x in &t.xrefs {
            sink.text(&iri, &oboinowl("hasDbXref"), x);
        }
        for a in &t.alt_ids {
            sink.text(&iri, &oboinowl("hasAlternativeId"), a.as_str());
        }
        for p in &t.is_a {
            sink.iri(&iri, RDFS_SUBCLASS_OF, &curie_iri(p.as_str()));
        }
        if t.obsolete {
            sink.add(
                &iri,
                OWL_DEPRECATED,
                Literal::new_typed_literal("true", NamedNode::new_unchecked(XSD_BOOLEAN)),
            );
        }
        for r in &t.replaced_by {
            sink.iri(&iri, REPLACED_BY, &curie_iri(r.as_str()));
        }
        for c in &t.consider {
            sink.text(&iri, &oboinowl("consider"), c.as_str());
        }
    }
}

/// The MONDO rare subset: labels, synonyms, is_a and exact mappings.
pub(crate) fn mondo(
    terms: &[MondoTerm],
    edges: &[(crate::curie::Curie, crate::curie::Curie)],
    mappings: &[MappingSet],
    sink: &mut QuadSink,
    version: &str,
) {
    sink.ontology_header(
        &format!("{OBO}mondo.owl"),
        &format!("{OBO}mondo/releases/{version}/mondo-rare.owl"),
        version,
    );
    for t in terms {
        let iri = curie_iri(t.id.as_str());
        sink.iri(&iri, RDF_TYPE, OWL_CLASS);
        sink.text(&iri, &oboinowl("id"), t.id.as_str());
        sink.text(&iri, RDFS_LABEL, &t.label);
        for s in &t.synonyms {
            sink.text(&iri, &oboinowl("hasRelatedSynonym"), s);
        }
    }
    for (c, p) in edges {
        sink.iri(
            &curie_iri(c.as_str()),
            RDFS_SUBCLASS_OF,
            &curie_iri(p.as_str()),
        );
    }
    for set in mappings {
        for m in &set.mappings {
            let s = curie_iri(m.subject.as_str());
            if m.predicate == "skos:exactMatch" {
                sink.iri(&s, SKOS_EXACT_MATCH, &curie_iri(m.object.as_str()));
            } else {
                sink.text(&s, &oboinowl("hasDbXref"), m.object.as_str());
            }
        }
    }
}

#[derive(Deserialize)]
struct OboGraphs {
    graphs: Vec<OboGraph>,
}

#[derive(Deserialize)]
struct OboGraph {
    #[serde(default)]
    nodes: Vec<OgNode>,
    #[serde(default)]
    edges: Vec<OgEdge>,
    meta: Option<OgMeta>,
}

#[derive(Deserialize)]
struct OgNode {
    id: String,
    lbl: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    meta: Option<OgMeta>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct OgMeta {
    definition: Option<OgVal>,
    #[serde(default)]
    synonyms: Vec<OgPredVal>,
    #[serde(default)]
    xrefs: Vec<OgVal>,
    #[serde(default)]
    basic_property_values: Vec<OgPredVal>,
    deprecated: Option<bool>,
}

#[derive(Deserialize)]
struct OgVal {
    val: String,
}

#[derive(Deserialize)]
struct OgPredVal {
    pred: String,
    val: String,
}

#[derive(Deserialize)]
struct OgEdge {
    sub: String,
    pred: String,
    obj: String,
}

/// ORDO from its OBO Graphs JSON; returns the version it states.
pub(crate) fn ordo(path: &Path, sink: &mut QuadSink) -> Result<String, IngestError> {
    let reader = std::io::BufReader::new(ingest::open(path)?);
    let doc: OboGraphs = serde_json::from_reader(reader)
        .map_err(|e| IngestError::parse(path, e.line(), format!("column {}: {e}", e.column())))?;
    let g = doc
        .graphs
        .into_iter()
        .next()
        .ok_or_else(|| IngestError::parse(path, 1, "no graph in the OBO Graphs document"))?;
    let version = g
        .meta
        .as_ref()
        .and_then(|m| {
            m.basic_property_values
                .iter()
                .find(|p| p.pred.ends_with("versionInfo"))
        })
        .map(|p| p.val.clone())
        .unwrap_or_else(|| "unknown".into());
    sink.ontology_header(
        "http://www.orpha.net/ontology/orphanet.owl",
        &format!("http://www.orpha.net/version{version}"),
        &version,
    );
    for n in &g.nodes {
        if n.kind.as_deref() != Some("CLASS") {
            continue;
        }
        sink.iri(&n.id, RDF_TYPE, OWL_CLASS);
        if let Some(l) = &n.lbl {
            sink.text(&n.id, RDFS_LABEL, l);
        }
        let Some(m) = &n.meta else { continue };
        if let Some(d) = &m.definition {
            sink.text(&n.id, DEFINITION, &d.val);
        }
        for s in &m.synonyms {
            sink.text(&n.id, &oboinowl(&s.pred), &s.val);
        }
        for x in &m.xrefs {
            sink.text(&n.id, &oboinowl("hasDbXref"), &x.val);
        }
        if m.deprecated == Some(true) {
            sink.add(
                &n.id,
                OWL_DEPRECATED,
                Literal::new_typed_literal("true", NamedNode::new_unchecked(XSD_BOOLEAN)),
            );
        }
    }
    for e in &g.edges {
        let p = if e.pred == "is_a" {
            RDFS_SUBCLASS_OF
        } else {
            &e.pred
        };
        if !p.starts_with("http") {
            continue;
        }
        sink.iri(&e.sub, p, &e.obj);
    }
    Ok(version)
}

/// The knowledge graph's associations with Biolink predicates, so that one
/// query can join them with the ontologies.
pub(crate) fn associations(kg: &KnowledgeGraph, sink: &mut QuadSink) {
    let category = biolink("category");
    let has_phenotype = biolink("has_phenotype");
    let gene_condition = biolink("gene_associated_with_condition");
    let same_as = biolink("same_as");
    for d in kg.diseases() {
        let disease = kg.disease(d);
        let iri = curie_iri(disease.id.as_str());
        sink.iri(&iri, &category, &biolink("Disease"));
        sink.text(&iri, RDFS_LABEL, &disease.name.value);
        for other in disease.equivalent_ids.iter().skip(1) {
            sink.iri(&iri, &same_as, &curie_iri(other.as_str()));
        }
        for &e in kg.edges(d, Rel::DiseasePhenotypes) {
            let (edge, _, hp) = kg.edge(e);
            if let Edge::HasPhenotype(a) = edge {
                if !a.negated {
                    sink.iri(
                        &iri,
                        &has_phenotype,
                        &curie_iri(kg.phenotype(hp).id.as_str()),
                    );
                }
            }
        }
    }
    for g in kg.genes() {
        let edges = kg.edges(g, Rel::GeneDiseases);
        if edges.is_empty() {
            continue;
        }
        let Node::Gene(gene) = kg.node(g) else {
            continue;
        };
        let iri = curie_iri(gene.id.as_str());
        sink.iri(&iri, &category, &biolink("Gene"));
        sink.text(&iri, RDFS_LABEL, &gene.symbol);
        for &e in edges {
            let d = kg.other(e, g);
            sink.iri(&iri, &gene_condition, &curie_iri(kg.disease(d).id.as_str()));
        }
    }
}
