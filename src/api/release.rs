//! Releases over GraphQL: history, reload and rollback (maintainers only).

use super::error::{ApiError, Coded};
use crate::release::{Release, ReleaseError, Releases};
use async_graphql::{Context, Json, Object, Result, SimpleObject, Upload};
use std::sync::Arc;

/// Who is calling, from the `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// No token.
    Anonymous,
    /// A token this server does not know.
    Unknown,
    /// A reader token from configuration: reads, never changes.
    Reader,
    /// A maintainer token from configuration, with its holder's name.
    Maintainer(String),
    /// A curator token: may change curated facts, not releases.
    Curator(String),
}

/// The maintainer's name, or the refusal.
fn require_maintainer(ctx: &Context<'_>) -> Result<String> {
    match ctx.data_opt::<Role>().cloned().unwrap_or(Role::Anonymous) {
        Role::Maintainer(name) => Ok(name),
        Role::Anonymous => Err(ApiError::Unauthenticated.into_error()),
        Role::Unknown | Role::Reader | Role::Curator(_) => Err(ApiError::Forbidden(
            "this token may not reload or roll back releases".into(),
        )
        .into_error()),
    }
}

impl From<ReleaseError> for ApiError {
    fn from(e: ReleaseError) -> Self {
        match e {
            ReleaseError::Invalid(e) => ApiError::InvalidRelease(e.to_string()),
            ReleaseError::Busy => ApiError::Conflict(e.to_string()),
            ReleaseError::UnknownRelease(_) => ApiError::BadUserInput(e.to_string()),
            ReleaseError::Store(e) => e.into(),
            ReleaseError::Persist(e) => {
                tracing::error!("persisting a release: {e}");
                ApiError::Internal
            }
            ReleaseError::Search(e) => {
                tracing::error!("building a release's search index: {e}");
                ApiError::Internal
            }
            // Start-up errors; a running server does not meet them.
            e @ (ReleaseError::DataDir { .. } | ReleaseError::Curation(_)) => {
                tracing::error!("{e}");
                ApiError::Internal
            }
        }
    }
}

/// The `release:` argument of the root fields that read a release: the id
/// of a kept release (see `releases`) to answer from instead of the
/// current one. It is read before execution, from whichever root field
/// carries it ([`crate::api::DocumentCache::execute`] pins the whole
/// request to that release), so resolvers ignore its value. In the schema
/// it is an `Int`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleasePin(pub u64);

impl ReleasePin {
    /// The argument's name, as the fields declare it and the pin is read.
    pub const ARGUMENT: &'static str = "release";
    /// The argument's description, as every field declares it (a test
    /// checks the schema against it).
    pub const DESCRIPTION: &'static str =
        "Answer from this kept release (see `releases`) instead of the current one.";
}

impl async_graphql::InputType for ReleasePin {
    type RawValueType = Self;

    fn type_name() -> std::borrow::Cow<'static, str> {
        <u64 as async_graphql::InputType>::type_name()
    }

    fn create_type_info(registry: &mut async_graphql::registry::Registry) -> String {
        <u64 as async_graphql::InputType>::create_type_info(registry)
    }

    fn parse(value: Option<async_graphql::Value>) -> async_graphql::InputValueResult<Self> {
        <u64 as async_graphql::InputType>::parse(value)
            .map(ReleasePin)
            .map_err(async_graphql::InputValueError::propagate)
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::from(self.0)
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

/// A release of the data this server has served or can serve again.
#[derive(SimpleObject)]
pub struct ReleaseInfo {
    /// Increasing from 1 (the release loaded at start-up).
    id: u64,
    /// Whether new requests are answered from it.
    current: bool,
    /// When it was loaded (seconds since the Unix epoch).
    loaded_at: u64,
    /// `startup`, or the maintainer who loaded it.
    loaded_by: String,
    /// The HPO file it was built from.
    hpo_file: String,
    /// The source this release reloaded (null for a start-up release).
    changed_source: Option<ReloadSourceName>,
    /// The HPO release it serves.
    hpo_release: String,
    /// What it changed against the release it replaced (null for the first).
    diff: Option<Json<crate::graph::diff::OntologyDiff>>,
}

fn info(r: &Release, current: u64) -> ReleaseInfo {
    ReleaseInfo {
        id: r.id,
        current: r.id == current,
        loaded_at: r
            .loaded_at
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
        loaded_by: r.loaded_by.clone(),
        hpo_file: r.paths.hpo.display().to_string(),
        changed_source: r.changed.map(ReloadSourceName::from),
        hpo_release: r
            .kg
            .sources()
            .iter()
            .find(|s| s.source == crate::graph::model::Source::Hpo)
            .map(|s| s.release.clone())
            .unwrap_or_default(),
        diff: r.diff.clone().map(Json),
    }
}

macro_rules! define_source_name {
    ($($v:ident, $key:literal, $slot:ident($($s:tt)*), $path:literal, $what:literal, $licence:literal, $parse:expr, $diffs:literal;)*) => {
        /// A source that can be reloaded (the catalogue of sources).
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
        #[graphql(remote = "crate::release::ReloadSource")]
        pub enum ReloadSourceName {
            $(#[doc = $what] $v,)*
        }
    };
}
crate::ingest::catalogue::for_each_source!(define_source_name);

/// The outcome of a reload.
#[derive(SimpleObject)]
pub struct ReloadResult {
    /// Whether the new release is now served (false for a dry run).
    applied: bool,
    /// The release built from the file (after a dry run, never served).
    release: ReleaseInfo,
}

#[derive(Default)]
pub struct ReleaseQuery;

#[Object]
impl ReleaseQuery {
    /// The releases kept in memory, oldest first.
    async fn releases(&self, ctx: &Context<'_>) -> Vec<ReleaseInfo> {
        let releases = ctx.data_unchecked::<Arc<Releases>>();
        let current = releases.current().id;
        releases
            .history()
            .iter()
            .map(|r| info(r, current))
            .collect()
    }

    /// The diff between two kept releases.
    async fn release_diff(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The release to diff from (an `id` of `releases`).")] from: u64,
        #[graphql(desc = "The release to diff to (an `id` of `releases`).")] to: u64,
    ) -> Result<Json<crate::graph::diff::OntologyDiff>> {
        let releases = ctx.data_unchecked::<Arc<Releases>>();
        let get = |id| {
            releases
                .get(id)
                .ok_or(ApiError::from(ReleaseError::UnknownRelease(id)))
                .coded()
        };
        let (a, b) = (get(from)?, get(to)?);
        Ok(Json(crate::graph::diff::phenotype_diff(&a.kg, &b.kg)))
    }
}

/// Reload and rollback.
#[derive(Default)]
pub struct ReleaseMutation;

#[Object]
impl ReleaseMutation {
    /// Loads a new release of one source (plain or gzipped, as published)
    /// from a file on the server (`path`) or an uploaded one (`file`,
    /// GraphQL multipart request), validates it off the request path, diffs
    /// it against the served release and (unless `dryRun`) swaps it in
    /// atomically. Maintainers only. A file that does not parse is refused
    /// with its line; the running release is untouched.
    async fn reload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The source the file is a new release of.")] source: ReloadSourceName,
        #[graphql(desc = "A file on the server; give this or `file`.")] path: Option<String>,
        #[graphql(desc = "An uploaded file (multipart request); give this or `path`.")]
        file: Option<Upload>,
        #[graphql(
            desc = "Validate and diff only, keep serving the current release (default false)."
        )]
        dry_run: Option<bool>,
    ) -> Result<ReloadResult> {
        let who = require_maintainer(ctx)?;
        let dry_run = dry_run.unwrap_or(false);
        let input = match (path, file) {
            (Some(p), None) => std::path::PathBuf::from(p),
            (None, Some(f)) => save_upload(ctx, f).coded()?,
            _ => {
                return Err(
                    ApiError::BadUserInput("give exactly one of `path` and `file`".into())
                        .into_error(),
                )
            }
        };
        let releases = ctx.data_unchecked::<Arc<Releases>>().clone();
        let outcome = tokio::task::spawn_blocking(move || {
            releases.reload(source.into(), &input, &who, dry_run)
        })
        .await
        .map_err(|_| ApiError::Internal.into_error())?
        .map_err(ApiError::from)
        .coded()?;
        let current = ctx.data_unchecked::<Arc<Releases>>().current().id;
        Ok(ReloadResult {
            applied: outcome.applied,
            release: info(&outcome.release, current),
        })
    }

    /// `reload(source: HPO, ...)`.
    async fn reload_hpo(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "An `hp.obo` on the server; give this or `file`.")] path: Option<String>,
        #[graphql(desc = "An uploaded `hp.obo` (multipart request); give this or `path`.")]
        file: Option<Upload>,
        #[graphql(
            desc = "Validate and diff only, keep serving the current release (default false)."
        )]
        dry_run: Option<bool>,
    ) -> Result<ReloadResult> {
        self.reload(ctx, ReloadSourceName::Hpo, path, file, dry_run)
            .await
    }

    /// Serves a kept earlier release again. Maintainers only.
    async fn rollback(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The kept release to serve (an `id` of `releases`).")] release_id: u64,
    ) -> Result<ReleaseInfo> {
        let who = require_maintainer(ctx)?;
        let releases = ctx.data_unchecked::<Arc<Releases>>();
        let r = releases
            .rollback(release_id, &who)
            .map_err(ApiError::from)
            .coded()?;
        Ok(info(&r, r.id))
    }
}

/// Copies an uploaded file to a temporary file named like the upload (so a
/// `.gz` is read as gzip), for the loader to read.
fn save_upload(ctx: &Context<'_>, file: Upload) -> Result<std::path::PathBuf, ApiError> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let value = file
        .value(ctx)
        .map_err(|e| ApiError::BadUserInput(format!("upload: {e}")))?;
    let name = std::path::Path::new(&value.filename)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hp.obo".into());
    let dir = std::env::temp_dir().join(format!(
        "rarekg-upload-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let saved = (|| {
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(name);
        let mut out = std::fs::File::create(&path)?;
        std::io::copy(&mut value.into_read(), &mut out)?;
        Ok::<_, std::io::Error>(path)
    })();
    saved.map_err(|e| {
        tracing::error!("saving an upload: {e}");
        ApiError::Internal
    })
}

/// A change of the served release, as announced to subscribers.
#[derive(SimpleObject, Clone)]
pub struct ReleaseChange {
    /// The release now served.
    release_id: u64,
    /// `reload` or `rollback`.
    kind: String,
    /// Who made the change.
    by: String,
}

#[derive(Default)]
pub struct SubscriptionRoot;

/// Live announcements, over graphql-ws at `/graphql/ws`.
#[async_graphql::Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Announces every reload and rollback (for maintainer dashboards), over
    /// graphql-ws at `/graphql/ws`.
    async fn releases_changed(
        &self,
        ctx: &Context<'_>,
    ) -> impl futures_util::Stream<Item = ReleaseChange> {
        let rx = ctx.data_unchecked::<Arc<Releases>>().subscribe();
        futures_util::stream::unfold(rx, |mut rx| async move {
            loop {
                match rx.recv().await {
                    Ok(e) => {
                        let change = ReleaseChange {
                            release_id: e.release_id,
                            kind: e.kind.to_string(),
                            by: e.by,
                        };
                        return Some((change, rx));
                    }
                    // A slow subscriber skips what it missed and goes on.
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        })
    }
}
