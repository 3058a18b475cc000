//! The SPARQL 1.1 Protocol endpoint, `/sparql`: read-only, with the
//! protocol's dataset parameters, content negotiation, a service description
//! (`GET /sparql` without a query), a time limit and a result-size limit per
//! query.

use super::answer::plain_error as error;
use super::AppState;
use crate::store::{Answer, OntologyStore, RequestDataset, StoreError};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use oxigraph::io::{JsonLdProfileSet, RdfFormat, RdfSerializer};
use oxigraph::model::{BlankNode, Literal, NamedNode, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};

/// `GET /sparql?query=...`, or without a query the service description.
pub(super) async fn get(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let params = match parse_form(raw.unwrap_or_default().as_bytes()).and_then(Params::new) {
        Ok(p) => p,
        Err(message) => return error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message),
    };
    if params.queries.is_empty() && !params.update {
        return service_description(&state, &headers);
    }
    run(state, &headers, params).await
}

/// `POST /sparql` with a form (`query=` or `update=`) or a bare query. The
/// dataset parameters may also come in the URL's query string (where a bare
/// query's must be).
pub(super) async fn post(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let pairs = match ctype.as_str() {
        "application/x-www-form-urlencoded" => parse_form(&body),
        "application/sparql-query" => String::from_utf8(body.to_vec())
            .map(|q| vec![("query".to_string(), q)])
            .map_err(|_| "the query is not UTF-8".to_string()),
        "application/sparql-update" => return refused(),
        other => {
            return error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UNSUPPORTED_MEDIA_TYPE",
                &format!("content type `{other}`: send application/sparql-query or a form"),
            )
        }
    };
    let url = parse_form(raw.unwrap_or_default().as_bytes()).map(|url| {
        url.into_iter()
            .filter(|(k, _)| k == DEFAULT_GRAPH || k == NAMED_GRAPH)
    });
    let params = pairs.and_then(|mut p| {
        p.extend(url?);
        Params::new(p)
    });
    match params {
        Ok(p) => run(state, &headers, p).await,
        Err(message) => error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &message),
    }
}

const DEFAULT_GRAPH: &str = "default-graph-uri";
const NAMED_GRAPH: &str = "named-graph-uri";

fn parse_form(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    serde_urlencoded::from_bytes(bytes).map_err(|e| format!("malformed form: {e}"))
}

/// The protocol parameters of a request.
struct Params {
    queries: Vec<String>,
    update: bool,
    dataset: RequestDataset,
}

impl Params {
    fn new(pairs: Vec<(String, String)>) -> Result<Params, String> {
        let mut out = Params {
            queries: Vec::new(),
            update: false,
            dataset: RequestDataset::default(),
        };
        for (k, v) in pairs {
            match k.as_str() {
                "query" => out.queries.push(v),
                "update" => out.update = true,
                DEFAULT_GRAPH | NAMED_GRAPH => {
                    let iri = NamedNode::new(v.trim())
                        .map_err(|e| format!("`{k}`: `{v}` is not an absolute IRI: {e}"))?;
                    if k == DEFAULT_GRAPH {
                        out.dataset.default_graphs.push(iri);
                    } else {
                        out.dataset.named_graphs.push(iri);
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }
}

async fn run(state: AppState, headers: &HeaderMap, params: Params) -> Response {
    if params.update {
        return refused();
    }
    let query = match <[String; 1]>::try_from(params.queries) {
        Ok([q]) => q,
        Err(v) if v.is_empty() => {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "missing `query` parameter",
            )
        }
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                "more than one `query` parameter",
            )
        }
    };
    let accept = accept(headers);
    // Refuse at once what no answer could satisfy, before running anything.
    if negotiate(&accept, RESULT_OFFERS).is_none() && negotiate(&accept, RDF_OFFERS).is_none() {
        return not_acceptable(RESULT_OFFERS.iter().chain(RDF_OFFERS));
    }
    let Some(store) = state.releases.current().store().load_full() else {
        return store_loading();
    };
    // SPARQL queries share the request slots with GraphQL (its own
    // `sparql_timeout_ms` bounds each one).
    let Some(permit) = state.permit().await else {
        return super::answer::plain_refusal(&crate::api::ApiError::Overloaded);
    };
    let limits = state.limits.sparql();
    let dataset = params.dataset;
    let answer = tokio::task::spawn_blocking(move || {
        let answer = if !dataset.is_empty() && OntologyStore::declares_dataset(&query) {
            None
        } else {
            Some(store.query_in(&query, &dataset, &limits))
        };
        drop(permit);
        answer
    })
    .await;
    match answer {
        Ok(Some(Ok(a))) => serialize(&a, &accept),
        Ok(Some(Err(e))) => store_error(&e),
        Ok(None) => error(
            StatusCode::BAD_REQUEST,
            "DATASET_CONFLICT",
            "the query names its dataset (FROM or FROM NAMED) and the request \
             names one too (default-graph-uri or named-graph-uri): give only one",
        ),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            "the query failed",
        ),
    }
}

fn accept(headers: &HeaderMap) -> String {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",")
}

fn refused() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "FORBIDDEN",
        &StoreError::UpdateRefused.to_string(),
    )
}

fn store_loading() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "STORE_LOADING",
        "the ontology store is still loading; retry shortly",
    )
}

/// Maps store errors to HTTP statuses and stable codes.
fn store_error(e: &StoreError) -> Response {
    let (status, code) = match e {
        StoreError::Syntax(_) => (StatusCode::BAD_REQUEST, "SPARQL_SYNTAX"),
        StoreError::UpdateRefused => (StatusCode::FORBIDDEN, "FORBIDDEN"),
        StoreError::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "QUERY_TIMEOUT"),
        StoreError::TooManyResults(_) => (StatusCode::UNPROCESSABLE_ENTITY, "RESULT_TOO_LARGE"),
        StoreError::Evaluation(_) => (StatusCode::BAD_REQUEST, "QUERY_FAILED"),
        StoreError::Ingest(_) | StoreError::Storage(_) => {
            tracing::error!("sparql: {e}");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                "internal error",
            );
        }
    };
    error(status, code, &e.to_string())
}

/// A format the endpoint answers in.
struct Offer {
    /// The media type answered (`Content-Type`), matched by wildcards.
    media: &'static str,
    /// Other media types a client may ask it by.
    aliases: &'static [&'static str],
    /// Its IRI in <http://www.w3.org/ns/formats/>.
    iri: &'static str,
    kind: Kind,
}

#[derive(Clone, Copy)]
enum Kind {
    Results(QueryResultsFormat),
    Rdf(RdfFormat),
}

/// SELECT and ASK answers, the first being the default.
const RESULT_OFFERS: &[Offer] = &[
    Offer {
        media: "application/sparql-results+json",
        aliases: &["application/json"],
        iri: "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        kind: Kind::Results(QueryResultsFormat::Json),
    },
    Offer {
        media: "application/sparql-results+xml",
        aliases: &["application/xml", "text/xml"],
        iri: "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        kind: Kind::Results(QueryResultsFormat::Xml),
    },
    Offer {
        media: "text/csv; charset=utf-8",
        aliases: &["text/csv"],
        iri: "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        kind: Kind::Results(QueryResultsFormat::Csv),
    },
    Offer {
        media: "text/tab-separated-values; charset=utf-8",
        aliases: &["text/tab-separated-values"],
        iri: "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        kind: Kind::Results(QueryResultsFormat::Tsv),
    },
];

/// CONSTRUCT and DESCRIBE answers (and the service description), the first
/// being the default.
const RDF_OFFERS: &[Offer] = &[
    Offer {
        media: "text/turtle",
        aliases: &["application/x-turtle", "application/turtle"],
        iri: "http://www.w3.org/ns/formats/Turtle",
        kind: Kind::Rdf(RdfFormat::Turtle),
    },
    Offer {
        media: "application/n-triples",
        aliases: &["text/plain"],
        iri: "http://www.w3.org/ns/formats/N-Triples",
        kind: Kind::Rdf(RdfFormat::NTriples),
    },
    Offer {
        media: "application/rdf+xml",
        aliases: &["application/xml", "text/xml"],
        iri: "http://www.w3.org/ns/formats/RDF_XML",
        kind: Kind::Rdf(RdfFormat::RdfXml),
    },
    Offer {
        media: "application/ld+json",
        aliases: &["application/json", "application/x-json+ld"],
        iri: "http://www.w3.org/ns/formats/JSON-LD",
        kind: Kind::Rdf(RdfFormat::JsonLd {
            profile: JsonLdProfileSet::empty(),
        }),
    },
    Offer {
        media: "application/n-quads",
        aliases: &["text/x-nquads"],
        iri: "http://www.w3.org/ns/formats/N-Quads",
        kind: Kind::Rdf(RdfFormat::NQuads),
    },
    Offer {
        media: "application/trig",
        aliases: &["application/x-trig"],
        iri: "http://www.w3.org/ns/formats/TriG",
        kind: Kind::Rdf(RdfFormat::TriG),
    },
];

/// One media range of an `Accept` header.
struct Range {
    kind: String,
    subtype: String,
    q: f32,
}

fn ranges(accept: &str) -> Vec<Range> {
    accept
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let media = it.next()?.trim().to_ascii_lowercase();
            let (kind, subtype) = media.split_once('/')?;
            let q = it
                .filter_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    (k.trim().eq_ignore_ascii_case("q")).then(|| v.trim().parse::<f32>().ok())?
                })
                .next()
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            Some(Range {
                kind: kind.trim().to_string(),
                subtype: subtype.trim().to_string(),
                q,
            })
        })
        .collect()
}

/// How well an offer suits: quality, specificity of the match, and the
/// match's place in `Accept` (earlier is better).
type Score = (f32, u8, std::cmp::Reverse<usize>);

/// The offer the client prefers: each offer takes the quality of the most
/// specific range that matches it (exact types by any alias, `type/*` and
/// `*/*` by its main type); the highest quality wins, then the more
/// specific match, then the range listed first, then the offer listed first.
/// No `Accept` (or an empty one) accepts anything.
fn negotiate<'a>(accept: &str, offers: &'a [Offer]) -> Option<&'a Offer> {
    let ranges = ranges(accept);
    if ranges.is_empty() {
        return offers.first();
    }
    let mut best: Option<(Score, &Offer)> = None;
    for offer in offers {
        let main = offer.media.split(';').next().unwrap_or("").trim();
        let (main_kind, _) = main.split_once('/').unwrap_or((main, ""));
        // (specificity, position, q) of the most specific matching range.
        let mut matched: Option<(u8, usize, f32)> = None;
        for (i, r) in ranges.iter().enumerate() {
            let specificity = if r.kind == "*" && r.subtype == "*" {
                0
            } else if r.subtype == "*" && r.kind == main_kind {
                1
            } else if std::iter::once(main)
                .chain(offer.aliases.iter().copied())
                .any(|m| m.split_once('/') == Some((r.kind.as_str(), r.subtype.as_str())))
            {
                2
            } else {
                continue;
            };
            if matched.is_none_or(|(s, _, _)| specificity > s) {
                matched = Some((specificity, i, r.q));
            }
        }
        let Some((specificity, position, q)) = matched else {
            continue;
        };
        if q <= 0.0 {
            continue;
        }
        let score = (q, specificity, std::cmp::Reverse(position));
        if best
            .as_ref()
            .is_none_or(|(b, _)| score.partial_cmp(b) == Some(std::cmp::Ordering::Greater))
        {
            best = Some((score, offer));
        }
    }
    best.map(|(_, o)| o)
}

fn serialize(answer: &Answer, accept: &str) -> Response {
    let offers = match answer {
        Answer::Graph(_) => RDF_OFFERS,
        _ => RESULT_OFFERS,
    };
    let Some(offer) = negotiate(accept, offers) else {
        return not_acceptable(offers.iter());
    };
    let body = match (answer, offer.kind) {
        (Answer::Graph(triples), Kind::Rdf(format)) => rdf(format, triples),
        (Answer::Boolean(b), Kind::Results(format)) => QueryResultsSerializer::from_format(format)
            .serialize_boolean_to_writer(Vec::new(), *b)
            .map_err(|e| e.to_string()),
        (Answer::Solutions { variables, rows }, Kind::Results(format)) => (|| {
            let mut w = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(Vec::new(), variables.clone())?;
            for row in rows {
                w.serialize(
                    variables
                        .iter()
                        .zip(row)
                        .filter_map(|(v, t)| t.as_ref().map(|t| (v.as_ref(), t.as_ref()))),
                )?;
            }
            w.finish()
        })()
        .map_err(|e| e.to_string()),
        _ => Err("no serializer for this answer".to_string()),
    };
    respond(offer, body)
}

fn rdf(format: RdfFormat, triples: &[Triple]) -> Result<Vec<u8>, String> {
    let mut w = RdfSerializer::from_format(format).for_writer(Vec::new());
    for t in triples {
        w.serialize_triple(t).map_err(|e| e.to_string())?;
    }
    w.finish().map_err(|e| e.to_string())
}

fn respond(offer: &Offer, body: Result<Vec<u8>, String>) -> Response {
    match body {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(offer.media)),
                (header::VARY, HeaderValue::from_static("accept")),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => {
            tracing::error!("sparql: serializing as {}: {e}", offer.media);
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "INTERNAL",
                &format!("serialization as {} failed", offer.media),
            )
        }
    }
}

fn not_acceptable<'a>(offers: impl Iterator<Item = &'a Offer>) -> Response {
    let mut media: Vec<&str> = offers
        .map(|o| o.media.split(';').next().unwrap_or(o.media))
        .collect();
    media.dedup();
    error(
        StatusCode::NOT_ACCEPTABLE,
        "NOT_ACCEPTABLE",
        &format!("supported media types: {}", media.join(", ")),
    )
}

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
const DCTERMS_TITLE: &str = "http://purl.org/dc/terms/title";

/// The SPARQL 1.1 Service Description of the endpoint: its IRI, language,
/// result formats, features, and the dataset the store holds.
fn service_description(state: &AppState, headers: &HeaderMap) -> Response {
    let Some(offer) = negotiate(&accept(headers), RDF_OFFERS) else {
        return not_acceptable(RDF_OFFERS.iter());
    };
    let Kind::Rdf(format) = offer.kind else {
        unreachable!("RDF offers are RDF formats")
    };
    let Some(store) = state.releases.current().store().load_full() else {
        return store_loading();
    };
    let sd = |local: &str| NamedNode::new_unchecked(format!("{SD}{local}"));
    let a = NamedNode::new_unchecked(RDF_TYPE);
    let service = BlankNode::default();
    let mut triples = vec![
        Triple::new(service.clone(), a.clone(), sd("Service")),
        Triple::new(service.clone(), sd("endpoint"), endpoint(headers)),
        Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Query"),
        ),
        // Without FROM, the default graph is the union of the named graphs.
        Triple::new(service.clone(), sd("feature"), sd("UnionDefaultGraph")),
    ];
    for o in RESULT_OFFERS.iter().chain(RDF_OFFERS) {
        triples.push(Triple::new(
            service.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(o.iri),
        ));
    }
    let dataset = BlankNode::default();
    let default_graph = BlankNode::default();
    triples.extend([
        Triple::new(service.clone(), sd("defaultDataset"), dataset.clone()),
        Triple::new(dataset.clone(), a.clone(), sd("Dataset")),
        Triple::new(dataset.clone(), sd("defaultGraph"), default_graph.clone()),
        Triple::new(default_graph, a.clone(), sd("Graph")),
    ]);
    let ontologies = store.ontologies();
    for name in store.named_graphs() {
        let named = BlankNode::default();
        let graph = BlankNode::default();
        triples.extend([
            Triple::new(dataset.clone(), sd("namedGraph"), named.clone()),
            Triple::new(named.clone(), a.clone(), sd("NamedGraph")),
            Triple::new(named.clone(), sd("name"), NamedNode::new_unchecked(&name)),
            Triple::new(named, sd("graph"), graph.clone()),
            Triple::new(graph.clone(), a.clone(), sd("Graph")),
        ]);
        if let Some(o) = ontologies.iter().find(|o| o.graph == name) {
            triples.push(Triple::new(
                graph,
                NamedNode::new_unchecked(DCTERMS_TITLE),
                Literal::new_simple_literal(format!("{} {}", o.name, o.version)),
            ));
        }
    }
    let mut w = RdfSerializer::from_format(format);
    if matches!(
        format,
        RdfFormat::Turtle | RdfFormat::TriG | RdfFormat::RdfXml
    ) {
        for (prefix, iri) in [
            ("sd", SD),
            ("fmt", "http://www.w3.org/ns/formats/"),
            ("dcterms", "http://purl.org/dc/terms/"),
        ] {
            w = match w.with_prefix(prefix, iri) {
                Ok(w) => w,
                Err(_) => unreachable!("the prefixes are valid IRIs"),
            };
        }
    }
    let mut w = w.for_writer(Vec::new());
    let body = triples
        .iter()
        .try_for_each(|t| w.serialize_triple(t))
        .map_err(|e| e.to_string())
        .and_then(|()| w.finish().map_err(|e| e.to_string()));
    respond(offer, body)
}

/// The endpoint's absolute IRI, from the `Host` the client used (or the
/// `X-Forwarded-*` headers of a proxy in front).
fn endpoint(headers: &HeaderMap) -> NamedNode {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let proto = match get("x-forwarded-proto") {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    let host = get("x-forwarded-host")
        .or_else(|| get(header::HOST.as_str()))
        .unwrap_or("localhost");
    NamedNode::new(format!("{proto}://{host}/sparql"))
        .unwrap_or_else(|_| NamedNode::new_unchecked("http://localhost/sparql"))
}
