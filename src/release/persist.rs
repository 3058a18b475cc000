//! Accepted releases on disk, so that a restart serves the last accepted
//! release and a crash in the middle of a reload leaves the previous intact.
//!
//! ```text
//! DATA_DIR/releases/<id>/<file>        the source file it reloaded, as loaded
//! DATA_DIR/releases/<id>/release.json  id, source, checksum, who, when, diff,
//!                                      and every file differing from the defaults
//! DATA_DIR/current                     the id being served
//! ```
//!
//! A release directory is written under a temporary name and renamed into
//! place once complete; `current` is replaced by rename too. Both renames are
//! atomic on POSIX file systems, so a crash leaves either the old state or
//! the new one, and temporary leftovers are ignored.

use crate::graph::diff::OntologyDiff;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What is recorded of an accepted release.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub id: u64,
    /// SHA-256 of the source file, hex.
    pub sha256: String,
    pub loaded_by: String,
    /// Seconds since the Unix epoch.
    pub loaded_at: u64,
    pub diff: Option<OntologyDiff>,
    /// The source this release reloaded (`hpo`, `hpoa`, ...).
    #[serde(default)]
    pub source: Option<String>,
    /// Every source file that differs from the vendored defaults: source key
    /// to a path relative to the data directory.
    #[serde(default)]
    pub files: std::collections::BTreeMap<String, String>,
}

/// A data directory of accepted releases.
#[derive(Debug, Clone)]
pub struct ReleaseDir {
    root: PathBuf,
}

impl ReleaseDir {
    pub fn open(root: &Path) -> std::io::Result<ReleaseDir> {
        std::fs::create_dir_all(root.join("releases"))?;
        Ok(ReleaseDir {
            root: root.to_path_buf(),
        })
    }

    fn dir(&self, id: u64) -> PathBuf {
        self.root.join("releases").join(id.to_string())
    }

    /// `paths` with the stored files of a release applied.
    pub fn apply(
        &self,
        files: &std::collections::BTreeMap<String, String>,
        paths: &mut crate::graph::DataPaths,
    ) {
        for (key, rel) in files {
            if let Some(source) = super::ReloadSource::from_key(key) {
                source.set(paths, self.root.join(rel));
            }
        }
    }

    /// The release being served, with its record, if one was accepted.
    pub fn current(&self) -> std::io::Result<Option<Record>> {
        let id = match std::fs::read_to_string(self.root.join("current")) {
            Ok(s) => s
                .trim()
                .parse::<u64>()
                .map_err(|e| invalid(format!("current: {e}")))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        self.record(id).map(Some)
    }

    /// A stored release's record.
    pub fn record(&self, id: u64) -> std::io::Result<Record> {
        let text = std::fs::read_to_string(self.dir(id).join("release.json"))?;
        serde_json::from_str(&text).map_err(|e| invalid(format!("release {id}: {e}")))
    }

    /// Stores an accepted release: copies `file` (the new `source`) and
    /// writes its record, under a temporary name renamed into place when
    /// complete.
    pub fn store(
        &self,
        source: super::ReloadSource,
        file: &Path,
        mut record: Record,
    ) -> std::io::Result<Record> {
        let tmp =
            self.root
                .join("releases")
                .join(format!(".tmp-{}-{}", record.id, std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
        let bytes = std::fs::read(file)?;
        record.sha256 = hex(&Sha256::digest(&bytes));
        // Keep the name (a `.gz` is read as gzip), prefixed by the source.
        let name = format!(
            "{}-{}",
            source.key(),
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        write_synced(&tmp.join(&name), &bytes)?;
        record.files.insert(
            source.key().to_string(),
            format!("releases/{}/{name}", record.id),
        );
        write_synced(
            &tmp.join("release.json"),
            serde_json::to_string_pretty(&record)?.as_bytes(),
        )?;
        let dest = self.dir(record.id);
        let _ = std::fs::remove_dir_all(&dest);
        std::fs::rename(&tmp, &dest)?;
        Ok(record)
    }

    /// Makes `id` the release served after a restart.
    pub fn set_current(&self, id: u64) -> std::io::Result<()> {
        let tmp = self.root.join(format!(".current-{}", std::process::id()));
        write_synced(&tmp, id.to_string().as_bytes())?;
        std::fs::rename(tmp, self.root.join("current"))
    }

    /// Serves the vendored default again after a restart.
    pub fn clear_current(&self) -> std::io::Result<()> {
        match std::fs::remove_file(self.root.join("current")) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The largest id stored, so new releases get fresh ids.
    pub fn max_id(&self) -> u64 {
        std::fs::read_dir(self.root.join("releases"))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u64>().ok())
            .max()
            .unwrap_or(0)
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn invalid(msg: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, msg)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
