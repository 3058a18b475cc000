//! Curators' changes to curated facts: patient-organization links,
//! newborn-screening entries and disease cross-references.
//!
//! The seed facts ship in `data/curated/` and are part of each release.
//! Curators add, correct and retire facts through GraphQL; each change
//! records who, when, why and on what source, is appended (and synced) to a
//! JSON-lines log in the data directory, and is applied on top of the facts
//! of whichever release answers. Changes name diseases by id, not by node, so
//! they survive restarts and reloads of the underlying releases.

use crate::curie::Curie;
use crate::ingest::curated::{OrganizationFact, ScreeningFact};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

/// Why a change was refused or the log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CurationError {
    /// The change is incomplete or contradicts the facts.
    #[error("{0}")]
    Invalid(String),
    /// A line of the log is not a change.
    #[error("{path}:{line}: {reason}")]
    Log {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// The log could not be read or written.
    #[error("curation log: {0}")]
    Io(#[from] std::io::Error),
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// A new fact.
    Add,
    /// New values for an existing fact.
    Correct,
    /// The fact no longer holds; it is hidden, its history kept.
    Retire,
}

/// A cross-reference a curator asserts for a disease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XrefFact {
    pub disease: Curie,
    /// The other vocabulary's id, e.g. `DOID:0080177`.
    pub xref: String,
    /// e.g. `exactMatch`, `closeMatch`.
    pub relation: String,
}

/// A curated fact's values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fact {
    PatientOrganization(OrganizationFact),
    Screening(ScreeningFact),
    Xref(XrefFact),
}

/// The kinds of curated fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactKind {
    PatientOrganization,
    Screening,
    Xref,
}

impl FactKind {
    pub const ALL: [FactKind; 3] = [
        FactKind::PatientOrganization,
        FactKind::Screening,
        FactKind::Xref,
    ];
}

impl Fact {
    pub fn kind(&self) -> FactKind {
        match self {
            Fact::PatientOrganization(_) => FactKind::PatientOrganization,
            Fact::Screening(_) => FactKind::Screening,
            Fact::Xref(_) => FactKind::Xref,
        }
    }

    pub fn disease(&self) -> &Curie {
        match self {
            Fact::PatientOrganization(f) => &f.disease,
            Fact::Screening(f) => &f.disease,
            Fact::Xref(f) => &f.disease,
        }
    }

    /// A stable id from the fact's identifying values, e.g.
    /// `organization:ORPHA:732:the-myositis-association`.
    pub fn id(&self) -> String {
        let slug = |s: &str| crate::graph::linker::normalise(s).replace(' ', "-");
        match self {
            Fact::PatientOrganization(f) => {
                format!("organization:{}:{}", f.disease, slug(&f.organization))
            }
            Fact::Screening(f) => format!(
                "screening:{}:{}:{}",
                f.disease,
                slug(&f.program),
                slug(f.condition_code.as_deref().unwrap_or(&f.condition))
            ),
            Fact::Xref(f) => format!("xref:{}:{}", f.disease, f.xref),
        }
    }
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the log, from 1.
    pub seq: u64,
    /// Seconds since the Unix epoch.
    pub at: u64,
    pub by: String,
    pub why: String,
    /// The public source the change rests on (a URL or a reference).
    pub source: String,
    pub action: Action,
    /// The fact changed.
    pub fact_id: String,
    /// The fact's values after the change (before it, for a retirement).
    pub fact: Fact,
}

/// A change a curator asks for.
#[derive(Debug, Clone)]
pub struct ChangeRequest {
    pub action: Action,
    /// The fact corrected or retired.
    pub fact_id: Option<String>,
    /// The values added or corrected.
    pub fact: Option<Fact>,
    pub by: String,
    pub why: String,
    pub source: String,
}

/// The log of changes, in memory and (when opened on a file) on disk.
#[derive(Debug, Default)]
pub struct Curation {
    changes: RwLock<Vec<Change>>,
    file: Option<PathBuf>,
}

impl Curation {
    /// An in-memory log (nothing survives a restart).
    pub fn in_memory() -> Curation {
        Curation::default()
    }

    /// The log at `path` (created when missing); a malformed line names the
    /// file and line.
    pub fn open(path: &Path) -> Result<Curation, CurationError> {
        let mut changes = Vec::new();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                for (i, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    let c: Change = serde_json::from_str(line).map_err(|e| CurationError::Log {
                        path: path.to_path_buf(),
                        line: i + 1,
                        reason: e.to_string(),
                    })?;
                    changes.push(c);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        Ok(Curation {
            changes: RwLock::new(changes),
            file: Some(path.to_path_buf()),
        })
    }

    /// How many changes the log holds.
    pub fn len(&self) -> usize {
        self.changes.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Whether no change was ever made.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every change, oldest first.
    pub fn changes(&self) -> Vec<Change> {
        self.changes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The changes to facts of a disease known by any of `ids`.
    pub fn changes_for(&self, ids: &[Curie]) -> Vec<Change> {
        self.changes_for_each(&[ids]).pop().unwrap_or_default()
    }

    /// The changes of several diseases at once, each known by any of its
    /// ids: one pass over the log for all of them.
    pub fn changes_for_each(&self, diseases: &[&[Curie]]) -> Vec<Vec<Change>> {
        let mut by_id: HashMap<&Curie, Vec<usize>> = HashMap::new();
        for (i, ids) in diseases.iter().enumerate() {
            for id in *ids {
                by_id.entry(id).or_default().push(i);
            }
        }
        let mut out = vec![Vec::new(); diseases.len()];
        for c in self
            .changes
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            for &i in by_id.get(c.fact.disease()).into_iter().flatten() {
                out[i].push(c.clone());
            }
        }
        out
    }

    /// Records a change against the facts `current` (the effective facts of
    /// the disease, seed and curated). Add needs a new fact id; correct and
    /// retire need an existing one, and a correction keeps the fact's kind
    /// and disease.
    pub fn record(
        &self,
        request: ChangeRequest,
        current: &[(String, Fact)],
    ) -> Result<Change, CurationError> {
        let ChangeRequest {
            action,
            fact_id,
            fact,
            by,
            why,
            source,
        } = request;
        let fact_id = fact_id.as_deref();
        let invalid = |m: String| Err(CurationError::Invalid(m));
        if why.trim().is_empty() || source.trim().is_empty() {
            return invalid("a change needs a reason (`why`) and a `source`".into());
        }
        let existing = |id: &str| {
            current
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, f)| f.clone())
        };
        let (fact_id, fact) = match action {
            Action::Add => {
                let Some(fact) = fact else {
                    return invalid("`add` needs the fact's values".into());
                };
                let id = fact.id();
                if existing(&id).is_some() {
                    return invalid(format!("fact {id} exists already; correct it instead"));
                }
                (id, fact)
            }
            Action::Correct | Action::Retire => {
                let Some(id) = fact_id else {
                    return invalid("`correct` and `retire` need a `factId`".into());
                };
                let Some(old) = existing(id) else {
                    return invalid(format!("no current fact has id {id}"));
                };
                let fact = match (action, fact) {
                    (Action::Retire, _) => old,
                    (_, None) => return invalid("`correct` needs the fact's new values".into()),
                    (_, Some(new)) => {
                        if new.kind() != old.kind() || new.disease() != old.disease() {
                            return invalid(
                                "a correction keeps the fact's kind and disease; retire it and add another".into(),
                            );
                        }
                        new
                    }
                };
                (id.to_string(), fact)
            }
        };
        let mut changes = self.changes.write().unwrap_or_else(|e| e.into_inner());
        let change = Change {
            seq: changes.len() as u64 + 1,
            at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            by,
            why,
            source,
            action,
            fact_id,
            fact,
        };
        if let Some(path) = &self.file {
            // Appended and synced before it is applied: an accepted change
            // is on disk.
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?;
            let mut line = serde_json::to_string(&change).map_err(std::io::Error::other)?;
            line.push('\n');
            f.write_all(line.as_bytes())?;
            f.sync_all()?;
        }
        changes.push(change.clone());
        Ok(change)
    }
}

/// The effective facts: `seed` (id, fact) in order, with `changes` applied
/// in order (additions appended, corrections in place, retirements removed).
pub fn effective(seed: Vec<(String, Fact)>, changes: &[Change]) -> Vec<(String, Fact)> {
    let mut facts = seed;
    let mut index: HashMap<String, usize> = facts
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.clone(), i))
        .collect();
    let mut retired = vec![false; facts.len()];
    for c in changes {
        match (c.action, index.get(&c.fact_id).copied()) {
            (Action::Add, None) => {
                index.insert(c.fact_id.clone(), facts.len());
                facts.push((c.fact_id.clone(), c.fact.clone()));
                retired.push(false);
            }
            (Action::Add | Action::Correct, Some(i)) => {
                facts[i].1 = c.fact.clone();
                retired[i] = false;
            }
            (Action::Retire, Some(i)) => retired[i] = true,
            // A correction or retirement of a fact this release lacks.
            (Action::Correct | Action::Retire, None) => {}
        }
    }
    facts
        .into_iter()
        .zip(retired)
        .filter(|(_, r)| !r)
        .map(|(f, _)| f)
        .collect()
}
