//! `GET /export/{nodes.tsv|edges.tsv|graph.jsonld}`: the graph (or, with
//! `?around=ID&depth=N&limit=N`, a neighbourhood) streamed as KGX TSV or
//! JSON-LD, named with the release it comes from.

use super::answer::plain_error as error;
use super::AppState;
use crate::api::ids::EntityId;
use crate::api::ApiError;
use crate::export::{self, Format, Scope};
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::io::{self, Write};

/// The deepest neighbourhood exported.
const MAX_DEPTH: u32 = 3;
/// The most nodes of an exported neighbourhood.
const MAX_NODES: usize = 50_000;

#[derive(serde::Deserialize)]
pub(super) struct Params {
    around: Option<String>,
    depth: Option<u32>,
    limit: Option<usize>,
}

/// Sends what is written as body chunks; a client that went away ends the
/// writing with `BrokenPipe`.
struct ChannelWriter(tokio::sync::mpsc::Sender<Result<Bytes, io::Error>>);

impl Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .blocking_send(Ok(Bytes::copy_from_slice(buf)))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub(super) async fn export(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(p): Query<Params>,
) -> Response {
    let Some(format) = Format::from_file(&file) else {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "exports are nodes.tsv, edges.tsv and graph.jsonld",
        );
    };
    let release = state.releases.current();
    let scope = match p.around {
        None => Scope::Whole,
        Some(id) => {
            let found = EntityId::parse_id(&id).and_then(|id| id.require(&release.kg));
            let start = match found {
                Ok(start) => start,
                Err(e) => {
                    let status = match e {
                        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
                        _ => StatusCode::BAD_REQUEST,
                    };
                    return error(status, e.code(), &e.to_string());
                }
            };
            let depth = p.depth.unwrap_or(1);
            let limit = p.limit.unwrap_or(5_000);
            if !(1..=MAX_DEPTH).contains(&depth) || !(1..=MAX_NODES).contains(&limit) {
                return error(
                    StatusCode::BAD_REQUEST,
                    "BAD_USER_INPUT",
                    &format!("`depth` must be 1 to {MAX_DEPTH} and `limit` 1 to {MAX_NODES}"),
                );
            }
            Scope::Around {
                start,
                depth,
                limit,
            }
        }
    };
    let name = export::file_name(&release.kg, release.id, &scope, format);
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::task::spawn_blocking(move || {
        let mut w = io::BufWriter::with_capacity(64 * 1024, ChannelWriter(tx.clone()));
        if let Err(e) = export::write(&release.kg, &scope, format, &mut w) {
            if e.kind() != io::ErrorKind::BrokenPipe {
                tracing::error!("export {format:?}: {e}");
                let _ = tx.blocking_send(Err(e));
            }
        }
    });
    let stream =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|b| (b, rx)) });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}
