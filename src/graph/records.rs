//! The record layer of a disease page: drugs and their orphan designations,
//! clinical trials, patient organizations and newborn-screening entries.
//!
//! These come from the FDA, ClinicalTrials.gov and the curated files; their
//! link to a disease is made by [`super::linker`] (designation text, trial
//! conditions) or by id (trials keyed to ORPHA codes, curated rows). They are
//! held in typed arenas with per-disease indexes, built after the core graph
//! and part of the same release.

use super::linker::{self, Linked, Linker, SynonymBreadth};
use super::model::{NodeId, Source, SourceRelease};
use super::{KnowledgeGraph, Lookup, Rel};
use crate::curie::Curie;
use crate::ingest::ctgov::TrialRecord;
use crate::ingest::curated::{OrganizationFact, Rows, ScreeningFact};
use crate::ingest::fda::DesignationRow;
use crate::ingest::IngestError;
use std::collections::HashMap;
use std::path::PathBuf;

/// The record sources of one build, with the files they came from.
#[derive(Debug, Default)]
pub struct RecordSources {
    pub fda: Option<(PathBuf, Vec<DesignationRow>)>,
    pub trials: Vec<(PathBuf, Vec<TrialRecord>)>,
    pub organizations: Option<(PathBuf, Rows<OrganizationFact>)>,
    pub screening: Option<(PathBuf, Rows<ScreeningFact>)>,
}

/// A regulatory agency granting orphan designations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agency {
    Fda,
    Ema,
}

/// A drug (a designated product).
#[derive(Debug, Clone)]
pub struct Drug {
    /// `DRUG:` and the normalised generic name, e.g. `DRUG:bosentan`.
    pub id: String,
    pub generic_name: String,
    pub trade_names: Vec<String>,
}

/// One marketing approval of a designated use.
#[derive(Debug, Clone)]
pub struct Approval {
    pub labeled_indication: Option<String>,
    pub approval_date: Option<String>,
    pub exclusivity_end: Option<String>,
    pub exclusivity_indication: Option<String>,
}

/// The link an entity linker made, with what it matched.
#[derive(Debug, Clone)]
pub struct TextLink {
    pub disease: NodeId,
    pub confidence: f32,
    pub matched_name: String,
    /// `exact`, `synonym`, `tokens`, `contained`, `orpha_key` (a file's
    /// ORPHA key, confirmed by a condition or the title), or
    /// `orpha_key_unconfirmed` (confidence 0.5).
    pub method: &'static str,
    /// The text that was linked.
    pub text: String,
}

/// An orphan designation: a drug for a use, by an agency.
#[derive(Debug, Clone)]
pub struct Designation {
    pub drug: u32,
    pub agency: Agency,
    /// e.g. "Treatment of pulmonary arterial hypertension".
    pub text: String,
    pub date_designated: String,
    pub status: String,
    pub withdrawn_date: Option<String>,
    pub approval_status: Option<String>,
    pub approvals: Vec<Approval>,
    pub sponsor: Option<String>,
    pub sponsor_country: Option<String>,
    /// None when the linker found no disease (or several equally).
    pub link: Option<TextLink>,
    /// Diseases the text names equally well, when ambiguous.
    pub candidates: Vec<NodeId>,
    /// The first line of the export the designation was read from.
    pub line: usize,
}

/// A clinical trial.
#[derive(Debug, Clone)]
pub struct Trial {
    pub record: TrialRecord,
    pub diseases: Vec<TextLink>,
    pub drugs: Vec<u32>,
}

impl Trial {
    /// Recruiting, not yet recruiting, enrolling by invitation or active
    /// but not recruiting.
    pub fn is_active(&self) -> bool {
        matches!(
            self.record.overall_status.as_deref(),
            Some(
                "RECRUITING"
                    | "NOT_YET_RECRUITING"
                    | "ENROLLING_BY_INVITATION"
                    | "ACTIVE_NOT_RECRUITING"
            )
        )
    }
}

/// Every record of a release and its indexes.
#[derive(Debug, Default)]
pub struct Records {
    pub drugs: Vec<Drug>,
    pub designations: Vec<Designation>,
    pub trials: Vec<Trial>,
    pub organizations: Vec<(NodeId, OrganizationFact)>,
    pub screening: Vec<(NodeId, ScreeningFact)>,
    drug_by_id: HashMap<String, u32>,
    trial_by_id: HashMap<String, u32>,
    disease_designations: HashMap<NodeId, Vec<u32>>,
    disease_trials: HashMap<NodeId, Vec<u32>>,
    disease_organizations: HashMap<NodeId, Vec<u32>>,
    disease_screening: HashMap<NodeId, Vec<u32>>,
    drug_designations: Vec<Vec<u32>>,
    drug_trials: Vec<Vec<u32>>,
}

const NONE: &[u32] = &[];

impl Records {
    pub fn drug(&self, id: &str) -> Option<u32> {
        self.drug_by_id
            .get(&drug_id(id.strip_prefix("DRUG:").unwrap_or(id)))
            .copied()
    }
    pub fn trial(&self, nct_id: &str) -> Option<u32> {
        self.trial_by_id.get(nct_id).copied()
    }
    /// Designations linked to a disease, newest first.
    pub fn designations_of(&self, d: NodeId) -> &[u32] {
        self.disease_designations
            .get(&d)
            .map_or(NONE, Vec::as_slice)
    }
    /// Trials linked to a disease, most recently updated first.
    pub fn trials_of(&self, d: NodeId) -> &[u32] {
        self.disease_trials.get(&d).map_or(NONE, Vec::as_slice)
    }
    pub fn organizations_of(&self, d: NodeId) -> &[u32] {
        self.disease_organizations
            .get(&d)
            .map_or(NONE, Vec::as_slice)
    }
    pub fn screening_of(&self, d: NodeId) -> &[u32] {
        self.disease_screening.get(&d).map_or(NONE, Vec::as_slice)
    }
    pub fn designations_of_drug(&self, drug: u32) -> &[u32] {
        self.drug_designations
            .get(drug as usize)
            .map_or(NONE, Vec::as_slice)
    }
    pub fn trials_of_drug(&self, drug: u32) -> &[u32] {
        self.drug_trials
            .get(drug as usize)
            .map_or(NONE, Vec::as_slice)
    }
}

/// `bosentan`, `Alglucosidase Alfa` -> `bosentan`, `alglucosidase-alfa`.
fn drug_id(generic: &str) -> String {
    linker::normalise(generic).replace(' ', "-")
}

/// The linker over every disease name and synonym of `kg`. A synonym
/// that names no more than an ancestor does is indexed under the ancestor,
/// and one broader than its disease is left out (see
/// [`linker::synonym_breadth`]).
pub fn disease_linker(kg: &KnowledgeGraph) -> Linker {
    let first = kg.diseases().next().map_or(0, NodeId::index);
    let normalised: Vec<String> = kg
        .diseases()
        .map(|n| linker::normalise(&kg.disease(n).name.value))
        .collect();
    let mut names = Vec::new();
    for n in kg.diseases() {
        let d = kg.disease(n);
        names.push((n, d.name.value.as_str(), true));
        if d.synonyms.is_empty() {
            continue;
        }
        let synonyms: Vec<String> = d
            .synonyms
            .iter()
            .map(|s| linker::normalise(&s.value))
            .collect();
        let preferred = normalised[n.index() - first].as_str();
        let ancestors: Vec<Vec<(NodeId, &str)>> = ancestor_generations(kg, n)
            .into_iter()
            .map(|g| {
                g.into_iter()
                    .map(|a| (a, normalised[a.index() - first].as_str()))
                    .collect()
            })
            .collect();
        for (s, norm) in d.synonyms.iter().zip(&synonyms) {
            match linker::synonym_breadth(norm, preferred, &ancestors) {
                SynonymBreadth::Exact => names.push((n, s.value.as_str(), false)),
                SynonymBreadth::Ancestor(up) => {
                    names.extend(up.into_iter().map(|a| (a, s.value.as_str(), false)))
                }
                SynonymBreadth::Broad => {}
            }
        }
    }
    Linker::new(names)
}

/// A disease's ancestors, one generation per list, nearest first.
fn ancestor_generations(kg: &KnowledgeGraph, n: NodeId) -> Vec<Vec<NodeId>> {
    let mut seen = vec![n];
    let mut out = Vec::new();
    let mut frontier = vec![n];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for &c in &frontier {
            for &e in kg.edges(c, Rel::Parents) {
                let p = kg.other(e, c);
                if !seen.contains(&p) {
                    seen.push(p);
                    next.push(p);
                }
            }
        }
        if !next.is_empty() {
            out.push(next.clone());
        }
        frontier = next;
    }
    out
}

fn text_link(linked: Linked, text: &str) -> (Option<TextLink>, Vec<NodeId>) {
    match linked {
        Linked::Linked(l) => (
            Some(TextLink {
                disease: l.disease,
                confidence: l.confidence,
                matched_name: l.matched_name,
                method: l.method,
                text: text.to_string(),
            }),
            Vec::new(),
        ),
        Linked::Ambiguous(c) => (None, c),
        Linked::Unlinked => (None, Vec::new()),
    }
}

/// A curated row's disease, which must exist.
fn curated_disease(
    kg: &KnowledgeGraph,
    path: &std::path::Path,
    line: usize,
    id: &Curie,
) -> Result<NodeId, IngestError> {
    match kg.find_disease(id) {
        Lookup::Found(n) | Lookup::Redirected { node: n, .. } => Ok(n),
        Lookup::Ambiguous(_) => Err(IngestError::parse(
            path,
            line,
            format!("field `disease_id`: {id} names several diseases; use its MONDO or ORPHA id"),
        )),
        Lookup::NotFound => Err(IngestError::parse(
            path,
            line,
            format!("field `disease_id`: no disease has the id {id}"),
        )),
    }
}

/// Builds the records of `sources` against the diseases of `kg`, and the
/// source releases they add.
pub(crate) fn build(
    kg: &KnowledgeGraph,
    sources: RecordSources,
) -> Result<(Records, Vec<SourceRelease>), IngestError> {
    let linker = disease_linker(kg);
    let mut r = Records::default();
    let mut releases = Vec::new();
    let file_name = |p: &PathBuf| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };

    if let Some((path, rows)) = sources.fda {
        // One designation per (drug, date, text, sponsor); each row is an approval.
        let mut by_key: HashMap<(String, String, String), u32> = HashMap::new();
        for row in rows {
            let id = drug_id(&row.generic_name);
            let drug = *r.drug_by_id.entry(id.clone()).or_insert_with(|| {
                r.drugs.push(Drug {
                    id: format!("DRUG:{id}"),
                    generic_name: row.generic_name.clone(),
                    trade_names: Vec::new(),
                });
                (r.drugs.len() - 1) as u32
            });
            if let Some(t) = &row.trade_name {
                let names = &mut r.drugs[drug as usize].trade_names;
                if !names.contains(t) {
                    names.push(t.clone());
                }
            }
            let approval = Approval {
                labeled_indication: row.labeled_indication.clone(),
                approval_date: row.approval_date.clone(),
                exclusivity_end: row.exclusivity_end.clone(),
                exclusivity_indication: row.exclusivity_indication.clone(),
            };
            let has_approval =
                approval.approval_date.is_some() || approval.labeled_indication.is_some();
            let key = (id, row.date_designated.clone(), row.designation.clone());
            if let Some(&i) = by_key.get(&key) {
                if has_approval {
                    r.designations[i as usize].approvals.push(approval);
                }
                continue;
            }
            let (link, candidates) = text_link(linker.link(&row.designation), &row.designation);
            by_key.insert(key, r.designations.len() as u32);
            r.designations.push(Designation {
                drug,
                agency: Agency::Fda,
                text: row.designation,
                date_designated: row.date_designated,
                status: row.status,
                withdrawn_date: row.withdrawn_date,
                approval_status: row.approval_status,
                approvals: if has_approval {
                    vec![approval]
                } else {
                    Vec::new()
                },
                sponsor: row.sponsor,
                sponsor_country: row.sponsor_country,
                link,
                candidates,
                line: row.line,
            });
        }
        // The export carries no version: its release is its newest date.
        let newest = r
            .designations
            .iter()
            .flat_map(|d| {
                std::iter::once(&d.date_designated)
                    .chain(d.approvals.iter().filter_map(|a| a.approval_date.as_ref()))
            })
            .max();
        releases.push(SourceRelease {
            source: Source::Fda,
            release: newest.cloned().unwrap_or_else(|| "unknown".into()),
            files: vec![file_name(&path)],
        });
    }

    let mut trial_files = Vec::new();
    let mut all = Vec::new();
    for (path, records) in sources.trials {
        trial_files.push(file_name(&path));
        all.extend(records);
    }
    let merged = crate::ingest::ctgov::merge(all);
    let drug_names: HashMap<String, u32> = r
        .drugs
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            std::iter::once(&d.generic_name)
                .chain(&d.trade_names)
                .map(move |n| (linker::normalise(n), i as u32))
        })
        .collect();
    for record in merged {
        let mut diseases: Vec<TextLink> = Vec::new();
        for code in &record.orpha_codes {
            let Ok(id) = Curie::parse(&format!("ORPHA:{code}")) else {
                continue;
            };
            if let Lookup::Found(n) = kg.find_disease(&id) {
                if !diseases.iter().any(|l| l.disease == n) {
                    diseases.push(TextLink {
                        disease: n,
                        confidence: 1.0,
                        matched_name: kg.disease(n).name.value.clone(),
                        method: "orpha_key_pending",
                        text: id.to_string(),
                    });
                }
            }
        }
        for condition in &record.conditions {
            if let (Some(l), _) = text_link(linker.link(condition), condition) {
                match diseases.iter_mut().find(|d| d.disease == l.disease) {
                    // An ORPHA key the conditions confirm.
                    Some(known) if known.method == "orpha_key_pending" => {
                        known.method = "orpha_key"
                    }
                    Some(_) => {}
                    None => diseases.push(l),
                }
            }
        }
        // An ORPHA key that neither a condition nor the title confirms is
        // kept (the file asserts it) but flagged: the 317-trial set keys
        // some trials to diseases they do not study.
        let title = linker::normalise(&format!(
            "{} {}",
            record.brief_title.as_deref().unwrap_or(""),
            record.official_title.as_deref().unwrap_or("")
        ));
        for l in diseases
            .iter_mut()
            .filter(|l| l.method == "orpha_key_pending")
        {
            let d = kg.disease(l.disease);
            let named = std::iter::once(&d.name.value)
                .chain(d.synonyms.iter().map(|s| &s.value))
                .map(|n| linker::normalise(n))
                .any(|n| !n.is_empty() && format!(" {title} ").contains(&format!(" {n} ")));
            if named {
                l.method = "orpha_key";
            } else {
                l.method = "orpha_key_unconfirmed";
                l.confidence = 0.5;
            }
        }
        let mut drugs: Vec<u32> = record
            .interventions
            .iter()
            .filter_map(|i| drug_names.get(&linker::normalise(&i.name)).copied())
            .collect();
        drugs.sort_unstable();
        drugs.dedup();
        r.trial_by_id
            .insert(record.nct_id.clone(), r.trials.len() as u32);
        r.trials.push(Trial {
            record,
            diseases,
            drugs,
        });
    }
    if !trial_files.is_empty() {
        let newest_update = r
            .trials
            .iter()
            .filter_map(|t| t.record.last_update.as_deref())
            .max()
            .unwrap_or("");
        releases.push(SourceRelease {
            source: Source::ClinicalTrials,
            release: format!("last update {newest_update}"),
            files: trial_files,
        });
    }

    let mut curated_files = Vec::new();
    let mut newest_check = String::new();
    if let Some((path, rows)) = sources.organizations {
        for (line, fact) in rows {
            let d = curated_disease(kg, &path, line, &fact.disease)?;
            newest_check = newest_check.max(fact.as_of.clone());
            r.organizations.push((d, fact));
        }
        curated_files.push(file_name(&path));
    }
    if let Some((path, rows)) = sources.screening {
        for (line, fact) in rows {
            let d = curated_disease(kg, &path, line, &fact.disease)?;
            newest_check = newest_check.max(fact.as_of.clone());
            r.screening.push((d, fact));
        }
        curated_files.push(file_name(&path));
    }
    if !curated_files.is_empty() {
        releases.push(SourceRelease {
            source: Source::Curated,
            release: newest_check,
            files: curated_files,
        });
    }

    r.index();
    Ok((r, releases))
}

impl Records {
    fn index(&mut self) {
        self.drug_designations = vec![Vec::new(); self.drugs.len()];
        self.drug_trials = vec![Vec::new(); self.drugs.len()];
        for (i, d) in self.designations.iter().enumerate() {
            self.drug_designations[d.drug as usize].push(i as u32);
            if let Some(l) = &d.link {
                self.disease_designations
                    .entry(l.disease)
                    .or_default()
                    .push(i as u32);
            }
        }
        for (i, t) in self.trials.iter().enumerate() {
            for l in &t.diseases {
                self.disease_trials
                    .entry(l.disease)
                    .or_default()
                    .push(i as u32);
            }
            for &d in &t.drugs {
                self.drug_trials[d as usize].push(i as u32);
            }
        }
        for (i, (d, _)) in self.organizations.iter().enumerate() {
            self.disease_organizations
                .entry(*d)
                .or_default()
                .push(i as u32);
        }
        for (i, (d, _)) in self.screening.iter().enumerate() {
            self.disease_screening.entry(*d).or_default().push(i as u32);
        }
        let designations = &self.designations;
        for v in self.disease_designations.values_mut() {
            v.sort_by(|a, b| {
                designations[*b as usize]
                    .date_designated
                    .cmp(&designations[*a as usize].date_designated)
                    .then(a.cmp(b))
            });
        }
        let trials = &self.trials;
        let by_update = |a: &u32, b: &u32| {
            trials[*b as usize]
                .record
                .last_update
                .cmp(&trials[*a as usize].record.last_update)
                .then(a.cmp(b))
        };
        for v in self.disease_trials.values_mut() {
            v.sort_by(by_update);
        }
        for v in &mut self.drug_trials {
            v.sort_by(by_update);
        }
    }
}
