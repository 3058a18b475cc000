//! Ontologies in the RDF store, reachable from GraphQL: the list of loaded
//! ontologies, term lookup by IRI or CURIE, and SPARQL for clients that speak
//! only GraphQL.

use super::error::{ApiError, Coded};
use crate::store::{vocab, Answer, OntologyStore, QueryLimits, StoreError};
use async_graphql::{Context, Json, Object, Result, SimpleObject, ID};
use oxigraph::model::Term;
use std::sync::Arc;

fn store(ctx: &Context<'_>) -> Result<Arc<OntologyStore>> {
    ctx.data_unchecked::<Arc<crate::release::Release>>()
        .store()
        .load_full()
        .ok_or_else(|| ApiError::StoreLoading.into_error())
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Syntax(m) => ApiError::BadUserInput(m),
            StoreError::UpdateRefused => ApiError::Forbidden(e.to_string()),
            StoreError::Timeout(_) | StoreError::TooManyResults(_) => {
                ApiError::LimitExceeded(e.to_string())
            }
            StoreError::Evaluation(m) => ApiError::BadUserInput(m),
            StoreError::Ingest(_) | StoreError::Storage(_) => {
                tracing::error!("ontology store: {e}");
                ApiError::Internal
            }
        }
    }
}

/// An ontology (or RDF file, or the annotation export) held in the store.
#[derive(SimpleObject)]
pub struct Ontology {
    /// Its named graph, which identifies this release of it (the same as
    /// `graph`).
    id: ID,
    /// Short name, e.g. `HPO`.
    name: String,
    /// The release loaded.
    version: String,
    /// The named graph holding it (its IRI carries the release).
    graph: String,
    /// When it was loaded (RFC 3339).
    loaded_at: String,
    /// Triples in its named graph.
    triple_count: usize,
    /// Classes (or Biolink-categorised entities) in it.
    term_count: usize,
    /// The file it came from.
    source: String,
}

/// One statement about a term.
#[derive(SimpleObject)]
pub struct Axiom {
    /// Predicate IRI, e.g. `http://www.w3.org/2000/01/rdf-schema#subClassOf`.
    predicate: String,
    /// Object: an IRI, or a literal's lexical form.
    object: String,
    /// Whether the object is an IRI (or blank node) rather than a literal.
    object_is_iri: bool,
    /// The named graph (ontology release) stating it.
    graph: String,
}

/// A term of a loaded ontology, with everything stated about it.
#[derive(SimpleObject)]
pub struct OntologyTerm {
    /// Its IRI, which identifies it (the same as `iri`).
    id: ID,
    /// Its IRI, e.g. `http://purl.obolibrary.org/obo/HP_0003701`.
    iri: String,
    /// The CURIE, for OBO and ORDO IRIs.
    curie: Option<String>,
    /// `rdfs:label` values.
    labels: Vec<String>,
    /// Every triple with the term as subject, from every loaded ontology.
    axioms: Vec<Axiom>,
}

#[derive(Default)]
pub struct OntologyQuery;

#[Object]
impl OntologyQuery {
    /// The ontologies loaded in the RDF store, with their releases.
    async fn ontologies(&self, ctx: &Context<'_>) -> Result<Vec<Ontology>> {
        Ok(store(ctx)?
            .ontologies()
            .iter()
            .map(|o| Ontology {
                id: ID(o.graph.clone()),
                name: o.name.clone(),
                version: o.version.clone(),
                graph: o.graph.clone(),
                loaded_at: rfc3339(o.loaded_at),
                triple_count: o.triple_count,
                term_count: o.term_count,
                source: o.source.clone(),
            })
            .collect())
    }

    /// A term by IRI (`http://purl.obolibrary.org/obo/HP_0003701`) or CURIE
    /// (`HP:0003701`, `ORPHA:732`, `MONDO:0019127`); null when no ontology
    /// states anything about it.
    async fn ontology_term(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An IRI, or a CURIE (`HP:0003701`, `ORPHA:732`).")] id: ID,
    ) -> Result<Option<OntologyTerm>> {
        let iri = if id.starts_with("http://") || id.starts_with("https://") {
            id.to_string()
        } else {
            let c = crate::curie::Curie::parse(&id)
                .map_err(ApiError::from)
                .coded()?;
            vocab::curie_iri(c.as_str())
        };
        let axioms = store(ctx)?.describe(&iri).map_err(ApiError::from).coded()?;
        if axioms.is_empty() {
            return Ok(None);
        }
        let labels = axioms
            .iter()
            .filter(|(p, _, _)| p.as_str() == vocab::RDFS_LABEL)
            .filter_map(|(_, o, _)| match o {
                Term::Literal(l) => Some(l.value().to_string()),
                _ => None,
            })
            .collect();
        Ok(Some(OntologyTerm {
            id: ID(iri.clone()),
            curie: vocab::iri_curie(&iri),
            iri,
            labels,
            axioms: axioms
                .into_iter()
                .map(|(p, o, graph)| {
                    let (object, object_is_iri) = match o {
                        Term::NamedNode(n) => (n.into_string(), true),
                        Term::BlankNode(b) => (b.to_string(), true),
                        Term::Literal(l) => (l.value().to_string(), false),
                        #[allow(unreachable_patterns)]
                        other => (other.to_string(), false),
                    };
                    Axiom {
                        predicate: p.into_string(),
                        object,
                        object_is_iri,
                        graph,
                    }
                })
                .collect(),
        }))
    }

    /// Runs a read-only SPARQL query and answers in the SPARQL 1.1 JSON results
    /// format (`{"head": ..., "results": ...}` or `{"boolean": ...}`); CONSTRUCT
    /// and DESCRIBE answer N-Triples lines in `{"triples": [...]}`.
    async fn sparql(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "A SPARQL 1.1 SELECT, ASK, CONSTRUCT or DESCRIBE query; updates are refused. Without `FROM`, the default graph is the union of every ontology's graph."
        )]
        query: String,
    ) -> Result<Json<serde_json::Value>> {
        let store = store(ctx)?;
        let limits = *ctx.data_unchecked::<QueryLimits>();
        let answer = tokio::task::spawn_blocking(move || store.query(&query, &limits))
            .await
            .map_err(|_| ApiError::Internal.into_error())?
            .map_err(ApiError::from)
            .coded()?;
        Ok(Json(match answer {
            Answer::Boolean(b) => serde_json::json!({ "head": {}, "boolean": b }),
            Answer::Graph(triples) => {
                serde_json::json!({ "triples": triples.iter().map(|t| format!("{t} .")).collect::<Vec<_>>() })
            }
            Answer::Solutions { variables, rows } => serde_json::json!({
                "head": { "vars": variables.iter().map(|v| v.as_str()).collect::<Vec<_>>() },
                "results": { "bindings": rows.iter().map(|row| {
                    let mut b = serde_json::Map::new();
                    for (v, t) in variables.iter().zip(row) {
                        if let Some(t) = t {
                            b.insert(v.as_str().to_string(), term_json(t));
                        }
                    }
                    serde_json::Value::Object(b)
                }).collect::<Vec<_>>() }
            }),
        }))
    }
}

/// A term in the SPARQL JSON results format.
fn term_json(t: &Term) -> serde_json::Value {
    match t {
        Term::NamedNode(n) => serde_json::json!({ "type": "uri", "value": n.as_str() }),
        Term::BlankNode(b) => serde_json::json!({ "type": "bnode", "value": b.as_str() }),
        Term::Literal(l) => {
            let mut v = serde_json::json!({ "type": "literal", "value": l.value() });
            if let Some(lang) = l.language() {
                v["xml:lang"] = lang.into();
            } else if l.datatype().as_str() != "http://www.w3.org/2001/XMLSchema#string" {
                v["datatype"] = l.datatype().as_str().into();
            }
            v
        }
        #[allow(unreachable_patterns)]
        other => serde_json::json!({ "type": "triple", "value": other.to_string() }),
    }
}

/// Formats a time as RFC 3339 (UTC, seconds).
fn rfc3339(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm);
    // written out to avoid a date-time dependency for one timestamp.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
