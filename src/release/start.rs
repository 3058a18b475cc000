//! The releases a server starts with.

use super::{build, BuildOptions, Indexes, Release, ReleaseDir, ReleaseError, Releases};
use crate::config::ServerConfig;
use crate::curation::Curation;
use crate::graph::DataPaths;
use std::path::Path;

/// The releases a server starts serving: the release accepted last in the
/// data directory (`data_dir`, or `var/` under `root`) if a reload was
/// accepted before, else the vendored data under `root`, with the trials
/// imported into the data directory and the curators' log kept there. The
/// graph is built before this returns; the other indexes follow in the
/// background ([`Indexes::Background`]), and `/ready` says when they are in.
pub fn open(root: &Path, server: &ServerConfig) -> Result<Releases, ReleaseError> {
    let data_dir = server.data_dir.clone().unwrap_or_else(|| root.join("var"));
    let dir = ReleaseDir::open(&data_dir).map_err(|e| ReleaseError::DataDir {
        path: data_dir.clone(),
        source: e,
    })?;
    let record = dir.current().map_err(|e| ReleaseError::DataDir {
        path: data_dir.join("current"),
        source: e,
    })?;
    let mut paths = DataPaths::under(root);
    paths.add_trials_from(&data_dir.join("trials"));
    let curation = Curation::open(&data_dir.join("curation.jsonl"))?;
    if let Some(r) = &record {
        dir.apply(&r.files, &mut paths);
        tracing::info!("serving release {} accepted earlier ({:?})", r.id, r.files);
    }
    let options = BuildOptions {
        rdf_store: server.rdf_store,
        indexes: Indexes::Background,
        warm_up: server.warm_up_p_values,
    };
    let built = build(paths, options)?;
    let first = match &record {
        Some(r) => Release::restored(built, r),
        None => Release::initial(built),
    };
    Ok(Releases::new(first, server.keep_releases)
        .with_dir(dir)
        .with_curation(curation)
        .with_warm_up(server.warm_up_p_values))
}
