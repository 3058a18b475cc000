//! GraphQL-over-HTTP, GraphQL spec and graphql-ws conformance as clients
//! meet it: every malformed request shape with its status and code,
//! failed fields present as null, batches, per-item batch errors, and the
//! WebSocket protocol's handshake, limits and close codes.

use crate::common::{app, config};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Value,
}

async fn send(req: Request<Body>) -> Answer {
    let resp = app().oneshot(req).await.unwrap();
    let status = resp.status();
    let content_type = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON ({status}): {}", String::from_utf8_lossy(&bytes)));
    Answer {
        status,
        content_type,
        body,
    }
}

fn post(body: &str, content_type: Option<&str>, accept: Option<&str>) -> Request<Body> {
    let mut r = Request::post("/graphql");
    if let Some(c) = content_type {
        r = r.header("content-type", c);
    }
    if let Some(a) = accept {
        r = r.header("accept", a);
    }
    r.body(Body::from(body.to_string())).unwrap()
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no code in {v}"))
}

/// Each malformed shape: its status, its code, a JSON body without `data`.
#[tokio::test]
async fn every_malformed_request_gets_a_json_error_with_its_status_and_code() {
    let json = Some("application/json");
    let cases: Vec<(&str, Request<Body>, StatusCode, &str)> = vec![
        (
            "invalid JSON",
            post("{\"query\": ", json, None),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "string variables",
            post(
                r#"{"query": "{ meta { releaseId } }", "variables": "{}"}"#,
                json,
                None,
            ),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "empty object",
            post("{}", json, None),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "query not a string",
            post(r#"{"query": 7}"#, json, None),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "a bare number",
            post("3", json, None),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "an empty batch",
            post("[]", json, None),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
        (
            "no content type",
            post(r#"{"query": "{ meta { releaseId } }"}"#, None, None),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "text/plain",
            post(
                r#"{"query": "{ meta { releaseId } }"}"#,
                Some("text/plain"),
                None,
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            "nothing acceptable",
            post(
                r#"{"query": "{ meta { releaseId } }"}"#,
                json,
                Some("text/html"),
            ),
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
        ),
        (
            "PUT",
            Request::put("/graphql")
                .header("content-type", "application/json")
                .body(Body::from(r#"{"query": "{ meta { releaseId } }"}"#))
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            "a mutation by GET",
            Request::get("/graphql?query=mutation%20%7B%20__typename%20%7D")
                .body(Body::empty())
                .unwrap(),
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
        ),
        (
            "GET with variables not JSON",
            Request::get("/graphql?query=%7B__typename%7D&variables=nope")
                .body(Body::empty())
                .unwrap(),
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
        ),
    ];
    for (what, req, status, expected) in cases {
        let a = send(req).await;
        assert_eq!(a.status, status, "{what}: {}", a.body);
        assert_eq!(code(&a.body), expected, "{what}");
        assert!(
            a.content_type.starts_with("application/json"),
            "{what}: {}",
            a.content_type
        );
        assert!(
            a.body.get("data").is_none(),
            "{what}: a request error has no data"
        );
        let message = a.body["errors"][0]["message"].as_str().unwrap();
        assert!(
            !message.contains("Error("),
            "{what}: no debug strings: {message}"
        );
    }
}

#[tokio::test]
async fn graphql_response_json_is_understood_and_makes_request_errors_4xx() {
    let accept = Some("application/graphql-response+json, application/json;q=0.9");
    let a = send(post(
        r#"{"query": "{ disease(id: \"ORPHA:732\") { name } }"}"#,
        Some("application/json"),
        accept,
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.content_type, "application/graphql-response+json");
    assert_eq!(a.body["data"]["disease"]["name"], "Polymyositis");
    // A syntax error: 400 there, 200 under application/json; coded both ways.
    let broken = r#"{"query": "{ disease(id: "}"#;
    let a = send(post(broken, Some("application/json"), accept)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&a.body), "GRAPHQL_PARSE_FAILED");
    assert!(a.body.get("data").is_none());
    let a = send(post(broken, Some("application/json"), None)).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(code(&a.body), "GRAPHQL_PARSE_FAILED");
    // A field the schema lacks.
    let a = send(post(
        r#"{"query": "{ disease(id: \"ORPHA:732\") { nosuchfield } }"}"#,
        Some("application/json"),
        accept,
    ))
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&a.body), "GRAPHQL_VALIDATION_FAILED");
}

/// `ICD10CM:Q24.5` names several diseases: the field is there, as null,
/// with a located, coded error; the other root field is answered.
#[tokio::test]
async fn a_failed_field_is_null_with_its_path_and_code() {
    let a = send(post(
        r#"{"query": "{ meta { releaseId } disease(id: \"ICD10CM:Q24.5\") { id } }"}"#,
        Some("application/json"),
        None,
    ))
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let data = a.body["data"].as_object().unwrap();
    assert!(data.contains_key("disease"), "{}", a.body);
    assert_eq!(data["disease"], Value::Null);
    assert!(data["meta"]["releaseId"].is_u64());
    assert_eq!(a.body["errors"][0]["path"], json!(["disease"]));
    assert_eq!(code(&a.body), "AMBIGUOUS_ID");
}

/// A non-null field that fails nulls its nearest nullable ancestor.
#[test]
fn a_failed_non_null_field_propagates_to_its_nullable_parent() {
    // `search` is non-null; a malformed cursor fails it, so `data` is null.
    let v = crate::common::run(
        r#"{ search(text: "polymyositis", after: "not-a-cursor") { totalCount } }"#,
        json!({}),
    );
    let v = serde_json::to_value(&v).unwrap();
    assert_eq!(v["errors"][0]["path"], json!(["search"]), "{v}");
    assert!(v["errors"][0]["extensions"]["code"].is_string(), "{v}");
    assert_eq!(v["data"], Value::Null, "{v}");
}

#[tokio::test]
async fn a_batch_is_answered_in_order_each_measured_against_the_limits() {
    let deep = format!(
        "{{ {}__typename{} }}",
        "disease(id: \"ORPHA:732\") { parents { edges { node { ".repeat(5),
        " } } } }".repeat(5)
    );
    let batch = json!([
        { "query": "{ disease(id: \"ORPHA:732\") { name } }" },
        { "query": deep },
        { "query": "{ gene(id: \"FBN1\") { symbol } }" },
        "not a request",
    ]);
    let a = send(post(&batch.to_string(), Some("application/json"), None)).await;
    assert_eq!(a.status, StatusCode::OK);
    let items = a.body.as_array().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["data"]["disease"]["name"], "Polymyositis");
    assert_eq!(code(&items[1]), "DEPTH_LIMIT_EXCEEDED");
    assert_eq!(items[2]["data"]["gene"]["symbol"], "FBN1");
    assert_eq!(code(&items[3]), "BAD_REQUEST");
    // Over the batch cap: refused as a whole.
    let max = config().limits.max_batch_size;
    let many = Value::Array(vec![json!({"query": "{ __typename }"}); max + 1]);
    let a = send(post(&many.to_string(), Some("application/json"), None)).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(code(&a.body), "BAD_REQUEST");
}

#[tokio::test]
async fn each_operation_of_a_batch_is_charged_to_the_rate_limit() {
    let mut c = config();
    c.rate_limits.anonymous_per_minute = 3;
    let app = rarekg::server::app(crate::common::schema_(), crate::common::releases(), &c);
    let batch = Value::Array(vec![json!({"query": "{ __typename }"}); 5]);
    let resp = app
        .oneshot(post(&batch.to_string(), Some("application/json"), None))
        .await
        .unwrap();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let codes: Vec<Option<&str>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["errors"][0]["extensions"]["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        vec![None, None, None, Some("RATE_LIMITED"), Some("RATE_LIMITED")]
    );
}

/// 500 ids with one malformed: 499 records and one error at its index.
#[test]
fn a_batch_lookup_with_one_bad_id_answers_the_rest() {
    let page = crate::common::query(
        "{ diseases(first: 499) { edges { node { id } } } }",
        json!({}),
    );
    let mut ids: Vec<String> = page["diseases"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 499);
    ids.insert(250, "ORPHA:not-a-number".into());
    let resp = crate::common::run(
        "query($ids: [ID!]!) { diseasesByIds(ids: $ids) { id } }",
        json!({ "ids": ids }),
    );
    let v = serde_json::to_value(&resp).unwrap();
    let list = v["data"]["diseasesByIds"].as_array().unwrap();
    assert_eq!(list.len(), 500);
    assert_eq!(list.iter().filter(|d| d.is_object()).count(), 499);
    assert_eq!(list[250], Value::Null);
    assert_eq!(list[251]["id"], ids[251].as_str());
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["path"], json!(["diseasesByIds", 250]));
    assert_eq!(errors[0]["extensions"]["code"], "BAD_USER_INPUT");
    // Genes and phenotypes answer per item too.
    let v = serde_json::to_value(crate::common::run(
        r#"{ genesByIds(ids: ["FBN1", "", "NOSUCHGENE1"]) { symbol } phenotypesByIds(ids: ["HP:0003701", "HP:x"]) { id } }"#,
        json!({}),
    ))
    .unwrap();
    assert_eq!(v["data"]["genesByIds"][0]["symbol"], "FBN1");
    assert_eq!(v["data"]["genesByIds"][1], Value::Null);
    assert_eq!(v["data"]["genesByIds"][2], Value::Null);
    assert_eq!(v["data"]["phenotypesByIds"][0]["id"], "HP:0003701");
    assert_eq!(v["data"]["phenotypesByIds"][1], Value::Null);
    let paths: Vec<&Value> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["path"])
        .collect();
    assert!(paths.contains(&&json!(["genesByIds", 1])), "{paths:?}");
    assert!(paths.contains(&&json!(["phenotypesByIds", 1])), "{paths:?}");
}

#[test]
fn the_root_types_have_conventional_names() {
    let sdl = rarekg::api::sdl();
    for t in ["type Query", "type Mutation", "type Subscription"] {
        assert!(sdl.contains(&format!("{t} {{")), "{t}");
    }
    assert!(!sdl.contains("QueryRoot"));
}

/// Every object type with an `id` field identifies one object of that type:
/// the per-query types (search hits, graph nodes) have no `id`, and the
/// keyed types have one.
#[test]
fn ids_are_cache_safe() {
    let sdl = rarekg::api::sdl();
    let doc = async_graphql::parser::parse_schema(&sdl).unwrap();
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let mut with_id = std::collections::BTreeSet::new();
    for def in &doc.definitions {
        if let TypeSystemDefinition::Type(t) = def {
            if let TypeKind::Object(o) = &t.node.kind {
                if o.fields.iter().any(|f| f.node.name.node == "id") {
                    with_id.insert(t.node.name.node.to_string());
                }
            }
        }
    }
    for per_query in ["SearchHit", "GraphNode"] {
        assert!(
            !with_id.contains(per_query),
            "{per_query} must not have an id"
        );
    }
    for keyed in [
        "Disease",
        "Phenotype",
        "Gene",
        "Drug",
        "ClinicalTrial",
        "Organization",
        "PatientOrganization",
        "ScreeningEntry",
        "OntologyTerm",
        "Ontology",
        "CurationChange",
        "Xref",
    ] {
        assert!(with_id.contains(keyed), "{keyed} needs an id");
    }
}

/// The Xref of one CURIE on two diseases is two objects.
#[test]
fn one_curie_on_several_diseases_is_several_xrefs() {
    let v = crate::common::run(r#"{ disease(id: "ICD10CM:Q24.5") { id } }"#, json!({}));
    let v = serde_json::to_value(&v).unwrap();
    let candidates: Vec<String> = v["errors"][0]["extensions"]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert!(candidates.len() >= 2, "{v}");
    let list = crate::common::query(
        "query($ids: [ID!]!) { diseasesByIds(ids: $ids) { id xrefs { id curie } } }",
        json!({ "ids": candidates }),
    );
    let mut xref_ids = Vec::new();
    for d in list["diseasesByIds"].as_array().unwrap() {
        let x = d["xrefs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["curie"] == "ICD10CM:Q24.5")
            .unwrap_or_else(|| panic!("{} lists ICD10CM:Q24.5", d["id"]));
        xref_ids.push(x["id"].as_str().unwrap().to_string());
    }
    let distinct: std::collections::BTreeSet<_> = xref_ids.iter().collect();
    assert_eq!(distinct.len(), xref_ids.len(), "{xref_ids:?}");
}

// graphql-ws -----------------------------------------------------------

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A server on port 0 with `config`, and a stop handle.
async fn server(
    c: rarekg::config::Config,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let app = rarekg::server::app(crate::common::schema_(), crate::common::releases(), &c);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(rarekg::server::serve_until(listener, app, async {
        let _ = rx.await;
    }));
    (addr, tx)
}

async fn connect(addr: std::net::SocketAddr) -> Ws {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/graphql/ws")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(
        resp.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    ws
}

async fn send_ws(ws: &mut Ws, v: Value) {
    use tokio_tungstenite::tungstenite::Message;
    ws.send(Message::Text(v.to_string().into())).await.unwrap();
}

/// The next protocol message (skipping the server's pings), or the close
/// frame's code.
async fn recv(ws: &mut Ws) -> Result<Value, u16> {
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let m = tokio::time::timeout(std::time::Duration::from_secs(30), ws.next())
            .await
            .expect("an answer within 30 s");
        match m {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(t.as_str()).unwrap();
                if v["type"] == "ping" {
                    continue;
                }
                return Ok(v);
            }
            Some(Ok(Message::Close(f))) => return Err(f.map_or(1005, |f| u16::from(f.code))),
            Some(Ok(_)) => continue,
            other => panic!("socket ended: {other:?}"),
        }
    }
}

#[tokio::test]
async fn graphql_ws_carries_queries_refusals_and_subscriptions_on_one_socket() {
    let (addr, _stop) = server(config()).await;
    let mut ws = connect(addr).await;
    send_ws(&mut ws, json!({"type": "connection_init", "payload": {"authorization": format!("Bearer {}", crate::common::MAINTAINER_TOKEN)}})).await;
    assert_eq!(recv(&mut ws).await.unwrap()["type"], "connection_ack");
    // A query: next, then complete.
    send_ws(&mut ws, json!({"id": "1", "type": "subscribe", "payload": {"query": "{ disease(id: \"ORPHA:732\") { name } }"}})).await;
    let m = recv(&mut ws).await.unwrap();
    assert_eq!(m["type"], "next", "{m}");
    assert_eq!(m["payload"]["data"]["disease"]["name"], "Polymyositis");
    assert_eq!(
        recv(&mut ws).await.unwrap(),
        json!({"id": "1", "type": "complete"})
    );
    // Over a cost limit: an error message with the HTTP code; the socket stays.
    send_ws(&mut ws, json!({"id": "2", "type": "subscribe", "payload": {"query": "{ diseases(first: 100000) { totalCount } }"}})).await;
    let m = recv(&mut ws).await.unwrap();
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "PAGE_SIZE_EXCEEDED");
    // A subscription starts; a duplicate id closes the socket with 4409.
    send_ws(&mut ws, json!({"id": "3", "type": "subscribe", "payload": {"query": "subscription { releasesChanged { releaseId kind } }"}})).await;
    send_ws(
        &mut ws,
        json!({"id": "4", "type": "subscribe", "payload": {"query": "{ meta { releaseId } }"}}),
    )
    .await;
    let m = recv(&mut ws).await.unwrap();
    assert_eq!(
        m["id"], "4",
        "the query answers while the subscription runs: {m}"
    );
    assert_eq!(recv(&mut ws).await.unwrap()["type"], "complete");
    send_ws(
        &mut ws,
        json!({"id": "3", "type": "subscribe", "payload": {"query": "{ meta { releaseId } }"}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await, Err(4409));
}

#[tokio::test]
async fn graphql_ws_enforces_its_connection_limits() {
    let mut c = config();
    c.limits.ws_init_timeout_ms = 200;
    c.limits.ws_max_operations = 1;
    let (addr, _stop) = server(c).await;
    // No connection_init: 4408.
    let mut ws = connect(addr).await;
    assert_eq!(recv(&mut ws).await, Err(4408));
    // A subscribe before the handshake: 4401.
    let mut ws = connect(addr).await;
    send_ws(
        &mut ws,
        json!({"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await, Err(4401));
    // An unknown token: 4403.
    let mut ws = connect(addr).await;
    send_ws(
        &mut ws,
        json!({"type": "connection_init", "payload": {"authorization": "Bearer wrong"}}),
    )
    .await;
    assert_eq!(recv(&mut ws).await, Err(4403));
    // One operation at a time: the second is refused with a code.
    let mut ws = connect(addr).await;
    send_ws(&mut ws, json!({"type": "connection_init"})).await;
    assert_eq!(recv(&mut ws).await.unwrap()["type"], "connection_ack");
    send_ws(&mut ws, json!({"id": "s", "type": "subscribe", "payload": {"query": "subscription { releasesChanged { releaseId } }"}})).await;
    send_ws(
        &mut ws,
        json!({"id": "q", "type": "subscribe", "payload": {"query": "{ __typename }"}}),
    )
    .await;
    let m = recv(&mut ws).await.unwrap();
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
    // Completing the subscription frees the slot.
    send_ws(&mut ws, json!({"id": "s", "type": "complete"})).await;
    send_ws(
        &mut ws,
        json!({"id": "q2", "type": "subscribe", "payload": {"query": "{ __typename }"}}),
    )
    .await;
    let m = recv(&mut ws).await.unwrap();
    assert_eq!(m["payload"]["data"]["__typename"], "Query", "{m}");
    // A second connection_init: 4429.
    send_ws(&mut ws, json!({"type": "connection_init"})).await;
    loop {
        match recv(&mut ws).await {
            Ok(_) => continue,
            Err(code) => {
                assert_eq!(code, 4429);
                break;
            }
        }
    }
}

/// `redirectedFrom(id:)` depends on the entity and its argument only, so
/// two lookups of one term (by an alt_id and by its own id) that a cache
/// merges into one object agree.
#[test]
fn a_redirect_is_explained_by_its_argument_not_by_the_lookup() {
    let q = "query($a: ID!, $b: ID!) { a: phenotype(id: $a) { id redirectedFrom(id: $a) { from reason } } \
             b: phenotype(id: $b) { id redirectedFrom(id: $a) { from reason } } }";
    let v = crate::common::query(q, json!({ "a": "HP:0003432", "b": "HP:0003701" }));
    assert_eq!(v["a"]["id"], v["b"]["id"]);
    assert_eq!(v["a"]["redirectedFrom"], v["b"]["redirectedFrom"]);
    assert_eq!(v["a"]["redirectedFrom"]["from"], "HP:0003432");
    let v = crate::common::query(
        r#"{ gene(id: "FBN1") { byOld: redirectedFrom(id: "MFS1") { reason } own: redirectedFrom(id: "FBN1") { reason } } }"#,
        json!({}),
    );
    assert_eq!(v["gene"]["byOld"]["reason"], "PREVIOUS_SYMBOL");
    assert_eq!(v["gene"]["own"], Value::Null);
}

/// Each operation over graphql-ws is charged to the caller's budget, and a
/// spent budget refuses the operation, not the socket.
#[tokio::test]
async fn graphql_ws_operations_are_charged_to_the_rate_limit() {
    let mut c = config();
    // The upgrade request takes one; two operations take the rest.
    c.rate_limits.anonymous_per_minute = 3;
    let (addr, _stop) = server(c).await;
    let mut ws = connect(addr).await;
    send_ws(&mut ws, json!({"type": "connection_init"})).await;
    assert_eq!(recv(&mut ws).await.unwrap()["type"], "connection_ack");
    for id in ["1", "2"] {
        send_ws(
            &mut ws,
            json!({"id": id, "type": "subscribe", "payload": {"query": "{ __typename }"}}),
        )
        .await;
        assert_eq!(recv(&mut ws).await.unwrap()["type"], "next");
        assert_eq!(recv(&mut ws).await.unwrap()["type"], "complete");
    }
    send_ws(
        &mut ws,
        json!({"id": "3", "type": "subscribe", "payload": {"query": "{ __typename }"}}),
    )
    .await;
    let m = recv(&mut ws).await.unwrap();
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // The socket is still open: a ping is answered.
    send_ws(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut ws).await.unwrap()["type"], "pong");
}
