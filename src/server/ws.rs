//! `/graphql/ws`: the graphql-ws protocol (`graphql-transport-ws`, the one
//! graphql-ws, Apollo Client and GraphiQL speak) carrying queries,
//! mutations and subscriptions through the same path as HTTP.
//!
//! Written here rather than taken from async-graphql's `GraphQLWebSocket`:
//! that one executes against the bare schema (without the release pin, the
//! cost limits, the rate limits and the roles of [`super::graphql`]), has
//! no `connection_init` timeout, no limit on operations per socket, lets a
//! duplicate operation id replace a running one, and never pings. Here:
//!
//! - `connection_init` must come within `ws_init_timeout_ms` (else 4408);
//!   its payload may carry `Authorization: Bearer <token>` (as
//!   `authorization` or `headers.Authorization`) and `X-API-Key`, like an
//!   HTTP request; an unknown token closes with 4403;
//! - each `subscribe` is charged to the caller's rate budget and measured
//!   against the cost limits; a refused one gets an `error` message with
//!   the same `extensions.code` as over HTTP, and the socket stays open;
//! - at most `ws_max_operations` run at once; a duplicate id closes with
//!   4409, as the protocol requires;
//! - a message over `ws_max_message_bytes` closes the socket;
//! - the server pings every `ws_keepalive_ms` and closes a socket silent
//!   for three intervals.

use super::answer::{is_request_error, response_json};
use super::graphql::execute;
use super::rate_limit::Caller;
use super::AppState;
use crate::api::{ApiError, Role};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The subprotocol of graphql-ws.
const PROTOCOL: &str = "graphql-transport-ws";

/// Upgrades to a graphql-ws socket.
pub(super) async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Option<axum::Extension<Caller>>,
    ws: WebSocketUpgrade,
) -> Response {
    let header_role = state.tokens.role(&headers);
    let caller = caller.map(|c| c.0);
    let max = state.limits.ws_max_message_bytes;
    let ws = ws
        .protocols([PROTOCOL])
        .max_message_size(max)
        .max_frame_size(max);
    let agreed = ws.selected_protocol().is_some();
    let asked = headers.contains_key(axum::http::header::SEC_WEBSOCKET_PROTOCOL);
    ws.on_upgrade(move |mut socket| async move {
        if asked && !agreed {
            send_close(&mut socket, 4406, "Subprotocol not acceptable").await;
            return;
        }
        Session::new(state, header_role, caller).run(socket).await;
    })
    .into_response()
}

/// What an operation's task tells the session.
enum Event {
    /// A message for the client.
    Send(Value),
    /// The operation with this id is over (its last message was sent).
    Done(String),
}

struct Session {
    state: AppState,
    role: Role,
    caller: Option<Caller>,
    running: HashMap<String, tokio::task::JoinHandle<()>>,
}

impl Session {
    fn new(state: AppState, role: Role, caller: Option<Caller>) -> Session {
        Session {
            state,
            role,
            caller,
            running: HashMap::new(),
        }
    }

    async fn run(mut self, socket: WebSocket) {
        let (mut sink, mut stream) = socket.split();
        let limits = self.state.limits.clone();
        // The handshake.
        let init = Duration::from_millis(limits.ws_init_timeout_ms);
        let first = match tokio::time::timeout(init, stream.next()).await {
            Err(_) => {
                return send_close(&mut sink, 4408, "Connection initialisation timeout").await;
            }
            Ok(None) | Ok(Some(Err(_))) => return,
            Ok(Some(Ok(m))) => m,
        };
        let message = match parse(&first) {
            Ok(Some(m)) => m,
            Ok(None) => return,
            Err((code, reason)) => return send_close(&mut sink, code, &reason).await,
        };
        match message.get("type").and_then(Value::as_str) {
            Some("connection_init") => {}
            Some("subscribe") => return send_close(&mut sink, 4401, "Unauthorized").await,
            _ => {
                return send_close(&mut sink, 4400, "expected connection_init first").await;
            }
        }
        if let Err(reason) = self.init(message.get("payload")) {
            return send_close(&mut sink, 4403, &reason).await;
        }
        if sink
            .send(text(&json!({"type": "connection_ack"})))
            .await
            .is_err()
        {
            return;
        }

        let (events_tx, mut events) = mpsc::channel::<Event>(64);
        let keepalive =
            (limits.ws_keepalive_ms > 0).then(|| Duration::from_millis(limits.ws_keepalive_ms));
        let mut ticker = tokio::time::interval(keepalive.unwrap_or(Duration::from_secs(3600)));
        ticker.tick().await;
        let mut last_heard = Instant::now();
        loop {
            tokio::select! {
                incoming = stream.next() => {
                    let Some(Ok(m)) = incoming else { break };
                    last_heard = Instant::now();
                    let message = match parse(&m) {
                        Ok(Some(v)) => v,
                        Ok(None) => {
                            if matches!(m, Message::Close(_)) { break }
                            continue;
                        }
                        Err((code, reason)) => {
                            send_close(&mut sink, code, &reason).await;
                            break;
                        }
                    };
                    match self.on_message(message, &events_tx) {
                        Ok(Some(reply)) => {
                            if sink.send(text(&reply)).await.is_err() { break }
                        }
                        Ok(None) => {}
                        Err((code, reason)) => {
                            send_close(&mut sink, code, &reason).await;
                            break;
                        }
                    }
                }
                Some(event) = events.recv() => match event {
                    Event::Send(v) => {
                        if sink.send(text(&v)).await.is_err() { break }
                    }
                    Event::Done(id) => {
                        self.running.remove(&id);
                    }
                },
                _ = ticker.tick(), if keepalive.is_some() => {
                    let every = keepalive.unwrap_or_default();
                    if last_heard.elapsed() > every * 3 {
                        send_close(&mut sink, 4408, "no message for three keep-alive intervals").await;
                        break;
                    }
                    if sink.send(text(&json!({"type": "ping"}))).await.is_err() { break }
                }
            }
        }
        for (_, task) in self.running.drain() {
            task.abort();
        }
    }

    /// Takes the `connection_init` payload: a token and an API key as an
    /// HTTP request would send them.
    fn init(&mut self, payload: Option<&Value>) -> Result<(), String> {
        let Some(Value::Object(p)) = payload else {
            return Ok(());
        };
        let field = |names: &[&str]| -> Option<String> {
            let find = |o: &serde_json::Map<String, Value>| {
                o.iter()
                    .find(|(k, _)| names.iter().any(|n| k.eq_ignore_ascii_case(n)))
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            };
            find(p).or_else(|| p.get("headers").and_then(Value::as_object).and_then(find))
        };
        if let Some(auth) = field(&["authorization"]) {
            let mut h = HeaderMap::new();
            let value = if auth.starts_with("Bearer ") {
                auth
            } else {
                format!("Bearer {auth}")
            };
            if let Ok(v) = value.parse() {
                h.insert(axum::http::header::AUTHORIZATION, v);
            }
            self.role = self.state.tokens.role(&h);
            if self.role == Role::Unknown {
                return Err("Forbidden: unknown token".into());
            }
        }
        if let Some(key) = field(&["x-api-key", "apiKey"]) {
            let addr = self
                .caller
                .as_ref()
                .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |c| c.addr);
            let caller = Caller {
                key: Some(key.trim().to_string()),
                addr,
            };
            // The key must be one the server knows, as over HTTP.
            if let Err(e) = self.state.budgets.charge(&caller) {
                return Err(e.to_string());
            }
            self.caller = Some(caller);
        }
        Ok(())
    }

    /// Handles one message after the handshake: the reply to send now, if
    /// any, or the close code and reason the protocol requires.
    fn on_message(
        &mut self,
        message: Value,
        events: &mpsc::Sender<Event>,
    ) -> Result<Option<Value>, (u16, String)> {
        let kind = message.get("type").and_then(Value::as_str).unwrap_or("");
        match kind {
            "ping" => {
                let mut pong = json!({"type": "pong"});
                if let Some(p) = message.get("payload") {
                    pong["payload"] = p.clone();
                }
                Ok(Some(pong))
            }
            "pong" => Ok(None),
            "connection_init" => Err((4429, "Too many initialisation requests".into())),
            "complete" => {
                if let Some(id) = message.get("id").and_then(Value::as_str) {
                    if let Some(task) = self.running.remove(id) {
                        task.abort();
                    }
                }
                Ok(None)
            }
            "subscribe" => {
                let Some(id) = message.get("id").and_then(Value::as_str) else {
                    return Err((4400, "subscribe needs an id".into()));
                };
                let id = id.to_string();
                if self.running.contains_key(&id) {
                    return Err((4409, format!("Subscriber for {id} already exists")));
                }
                let request = match message.get("payload") {
                    Some(Value::Object(o)) => super::request::from_payload(o.clone())
                        .map_err(|e| (4400, e.to_string()))?,
                    _ => return Err((4400, "subscribe needs a payload object".into())),
                };
                if self.running.len() >= self.state.limits.ws_max_operations {
                    let e = ApiError::LimitExceeded(format!(
                        "at most {} operations run at once on one socket",
                        self.state.limits.ws_max_operations
                    ));
                    return Ok(Some(error_message(&id, &e.to_response())));
                }
                if let Some(c) = &self.caller {
                    if let Err(e) = self.state.budgets.charge(c) {
                        return Ok(Some(error_message(&id, &e.to_response())));
                    }
                }
                let task = tokio::spawn(operation(
                    self.state.clone(),
                    self.role.clone(),
                    id.clone(),
                    request,
                    events.clone(),
                ));
                self.running.insert(id, task);
                Ok(None)
            }
            other => Err((4400, format!("unknown message type `{other}`"))),
        }
    }
}

/// Runs one operation and sends its messages: `next` then `complete`, or
/// one `error` when it did not execute.
async fn operation(
    state: AppState,
    role: Role,
    id: String,
    req: async_graphql::Request,
    events: mpsc::Sender<Event>,
) {
    // A query or mutation is a stream of one answer, run through the HTTP
    // layer's `execute` (slot, deadline).
    let mut answers = if is_subscription(&state, &req) {
        state
            .documents
            .execute_stream(&state.schema, &state.releases, req.data(role))
    } else {
        futures_util::stream::once(async move {
            execute(&state, role, req)
                .await
                .unwrap_or_else(|e| e.to_response())
        })
        .boxed()
    };
    let mut first = true;
    while let Some(resp) = answers.next().await {
        // A request that did not execute ends with `error`, not `complete`.
        let refused = first && is_request_error(&resp);
        first = false;
        let message = if refused {
            error_message(&id, &resp)
        } else {
            next_message(&id, &resp)
        };
        if events.send(Event::Send(message)).await.is_err() {
            return;
        }
        if refused {
            let _ = events.send(Event::Done(id)).await;
            return;
        }
    }
    let _ = events
        .send(Event::Send(json!({"id": id, "type": "complete"})))
        .await;
    let _ = events.send(Event::Done(id)).await;
}

fn is_subscription(state: &AppState, req: &async_graphql::Request) -> bool {
    use async_graphql::parser::types::OperationType;
    state
        .documents
        .selects(req, |t| t == OperationType::Subscription)
}

fn next_message(id: &str, resp: &async_graphql::Response) -> Value {
    json!({"id": id, "type": "next", "payload": response_json(resp)})
}

/// The `error` message: the request's errors, as the protocol has them (an
/// array of GraphQL errors).
fn error_message(id: &str, resp: &async_graphql::Response) -> Value {
    let errors = serde_json::to_value(&resp.errors).unwrap_or_default();
    json!({"id": id, "type": "error", "payload": errors})
}

fn text(v: &Value) -> Message {
    Message::Text(v.to_string().into())
}

/// A client message as JSON (`Ok(None)` for control frames), or the close
/// code for one the protocol does not allow.
fn parse(m: &Message) -> Result<Option<Value>, (u16, String)> {
    match m {
        Message::Text(t) => match serde_json::from_str::<Value>(t.as_str()) {
            Ok(v @ Value::Object(_)) if v.get("type").is_some_and(Value::is_string) => Ok(Some(v)),
            Ok(_) => Err((4400, "a message is a JSON object with a `type`".into())),
            Err(e) => Err((4400, format!("the message is not JSON: {e}"))),
        },
        Message::Binary(_) => Err((4400, "messages are text".into())),
        _ => Ok(None),
    }
}

async fn send_close<S>(sink: &mut S, code: u16, reason: &str)
where
    S: futures_util::Sink<Message> + Unpin,
{
    // Close reasons are limited to 123 bytes by the WebSocket protocol.
    let mut reason = reason.to_string();
    while reason.len() > 123 {
        reason.pop();
    }
    let _ = sink
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}
