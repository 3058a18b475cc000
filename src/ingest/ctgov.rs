//! ClinicalTrials.gov API v2 study records (JSON).
//!
//! Three shapes are read, told apart by their members:
//! - a full v2 study (`{"protocolSection": ...}`) or a v2 search page
//!   (`{"studies": [...]}`);
//! - the reduced field set (`{"NCT...": {"nctId", "briefTitle", "overallStatus",
//!   "phases", "conditions", "interventions", "enrollment", "locations",
//!   "lastUpdateDate"}}`);
//! - the same keyed by trial with the Orphanet diseases it was retrieved for
//!   (`{"NCT...": {"nct_id", ..., "diseases": [{"orpha_code"}]}}`).
//!
//! A member of the wrong type names the file, the line and the member's path
//! (e.g. `NCT06472557.enrollment`).

use super::{open, open_bytes, IngestError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// One trial, as far as the file describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrialRecord {
    pub nct_id: String,
    pub brief_title: Option<String>,
    pub official_title: Option<String>,
    /// API v2 enum, e.g. `RECRUITING`.
    pub overall_status: Option<String>,
    /// API v2 enums, e.g. `PHASE2`.
    pub phases: Vec<String>,
    pub study_type: Option<String>,
    pub enrollment: Option<u32>,
    pub start_date: Option<String>,
    pub completion_date: Option<String>,
    pub sponsor: Option<String>,
    pub countries: Vec<String>,
    pub last_update: Option<String>,
    pub conditions: Vec<String>,
    /// MeSH condition terms ClinicalTrials.gov derived.
    pub mesh_conditions: Vec<String>,
    pub interventions: Vec<Intervention>,
    /// ORPHA codes the file keys the trial to.
    pub orpha_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Intervention {
    /// e.g. `DRUG`, `BIOLOGICAL`, `OTHER`.
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    pub name: String,
}

/// Overall statuses of API v2.
pub const STATUSES: [&str; 14] = [
    "ACTIVE_NOT_RECRUITING",
    "COMPLETED",
    "ENROLLING_BY_INVITATION",
    "NOT_YET_RECRUITING",
    "RECRUITING",
    "SUSPENDED",
    "TERMINATED",
    "WITHDRAWN",
    "AVAILABLE",
    "NO_LONGER_AVAILABLE",
    "TEMPORARILY_NOT_AVAILABLE",
    "APPROVED_FOR_MARKETING",
    "WITHHELD",
    "UNKNOWN",
];

/// Phases of API v2.
pub const PHASES: [&str; 6] = ["EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"];

/// The trials of one file.
pub fn parse(path: &Path) -> Result<Vec<TrialRecord>, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<Vec<TrialRecord>, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, mut input: impl Read) -> Result<Vec<TrialRecord>, IngestError> {
    let mut text = String::new();
    input
        .read_to_string(&mut text)
        .map_err(|e| IngestError::io(path, e))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| IngestError::parse(path, e.line().max(1), format!("malformed JSON: {e}")))?;
    if value.get("FullStudiesResponse").is_some() {
        return Err(IngestError::parse(
            path,
            1,
            "the retired API v1 `FullStudiesResponse` format is not read; fetch the study from API v2 (https://clinicaltrials.gov/api/v2/studies/NCT...)",
        ));
    }
    let records = if value.get("protocolSection").is_some() {
        vec![typed::<Study>(path, &text)?.into_record()]
    } else if value.get("studies").is_some() {
        typed::<SearchPage>(path, &text)?
            .studies
            .into_iter()
            .map(Study::into_record)
            .collect()
    } else if value.is_object() {
        typed::<BTreeMap<String, Reduced>>(path, &text)?
            .into_values()
            .map(Reduced::into_record)
            .collect()
    } else {
        return Err(IngestError::parse(
            path,
            1,
            "not a ClinicalTrials.gov v2 study, search page or trial index",
        ));
    };
    for r in &records {
        check(path, &text, r)?;
    }
    Ok(records)
}

/// Deserialises `text` as `T`; an error names the member's path and line.
fn typed<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, IngestError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let line = e.inner().line().max(1);
        IngestError::parse(path, line, format!("`{}`: {}", e.path(), e.inner()))
    })
}

/// `NCT` and 8 digits, e.g. `NCT06472557`.
pub fn is_nct_id(id: &str) -> bool {
    id.len() == 11 && id.starts_with("NCT") && id[3..].bytes().all(|b| b.is_ascii_digit())
}

/// Validates the enumerations and the id; errors point at the trial's line.
fn check(path: &Path, text: &str, r: &TrialRecord) -> Result<(), IngestError> {
    let line = text
        .find(&format!("\"{}\"", r.nct_id))
        .map_or(1, |at| text[..at].matches('\n').count() + 1);
    let bad = |field: &str, value: &str| {
        IngestError::parse(
            path,
            line,
            format!("{}.{field}: unknown value {value:?}", r.nct_id),
        )
    };
    if !is_nct_id(&r.nct_id) {
        return Err(bad("nctId", &r.nct_id));
    }
    if let Some(s) = &r.overall_status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(bad("overallStatus", s));
        }
    }
    if let Some(p) = r.phases.iter().find(|p| !PHASES.contains(&p.as_str())) {
        return Err(bad("phases", p));
    }
    Ok(())
}

#[derive(Deserialize)]
struct SearchPage {
    studies: Vec<Study>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Study {
    protocol_section: Protocol,
    #[serde(default)]
    derived_section: Option<Derived>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Protocol {
    identification_module: Identification,
    status_module: Status,
    sponsor_collaborators_module: Sponsors,
    conditions_module: Conditions,
    design_module: Design,
    arms_interventions_module: Arms,
    contacts_locations_module: Locations,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Identification {
    nct_id: String,
    brief_title: Option<String>,
    official_title: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Status {
    overall_status: Option<String>,
    start_date_struct: Option<DateStruct>,
    completion_date_struct: Option<DateStruct>,
    last_update_post_date_struct: Option<DateStruct>,
}

#[derive(Deserialize)]
struct DateStruct {
    date: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Sponsors {
    lead_sponsor: Option<Named>,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Conditions {
    conditions: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Design {
    study_type: Option<String>,
    phases: Vec<String>,
    enrollment_info: Option<Enrollment>,
}

#[derive(Deserialize)]
struct Enrollment {
    count: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Arms {
    interventions: Vec<Intervention>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Locations {
    locations: Vec<Location>,
}

#[derive(Deserialize)]
struct Location {
    #[serde(default)]
    country: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Derived {
    condition_browse_module: Option<Browse>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Browse {
    meshes: Vec<Mesh>,
}

#[derive(Deserialize)]
struct Mesh {
    term: String,
}

fn countries(locations: Vec<Location>) -> Vec<String> {
    let mut c: Vec<String> = locations.into_iter().filter_map(|l| l.country).collect();
    c.sort();
    c.dedup();
    c
}

impl Study {
    fn into_record(self) -> TrialRecord {
        let p = self.protocol_section;
        let date = |d: Option<DateStruct>| d.map(|d| d.date);
        TrialRecord {
            nct_id: p.identification_module.nct_id,
            brief_title: p.identification_module.brief_title,
            official_title: p.identification_module.official_title,
            overall_status: p.status_module.overall_status,
            phases: p.design_module.phases,
            study_type: p.design_module.study_type,
            enrollment: p.design_module.enrollment_info.and_then(|e| e.count),
            start_date: date(p.status_module.start_date_struct),
            completion_date: date(p.status_module.completion_date_struct),
            sponsor: p.sponsor_collaborators_module.lead_sponsor.map(|s| s.name),
            countries: countries(p.contacts_locations_module.locations),
            last_update: date(p.status_module.last_update_post_date_struct),
            conditions: p.conditions_module.conditions,
            mesh_conditions: self
                .derived_section
                .and_then(|d| d.condition_browse_module)
                .map(|b| b.meshes.into_iter().map(|m| m.term).collect())
                .unwrap_or_default(),
            interventions: p.arms_interventions_module.interventions,
            orpha_codes: Vec::new(),
        }
    }
}

/// A trial of the reduced field set, in camelCase (`clinical_trials_index`)
/// or snake_case with its ORPHA keys (`clinical_trials2diseases`).
#[derive(Deserialize)]
struct Reduced {
    #[serde(alias = "nct_id", rename = "nctId")]
    nct_id: String,
    #[serde(default, alias = "brief_title", rename = "briefTitle")]
    brief_title: Option<String>,
    #[serde(default, alias = "official_title", rename = "officialTitle")]
    official_title: Option<String>,
    #[serde(default, alias = "overall_status", rename = "overallStatus")]
    overall_status: Option<String>,
    #[serde(default, alias = "study_type", rename = "studyType")]
    study_type: Option<String>,
    #[serde(default)]
    phases: Vec<String>,
    #[serde(default)]
    conditions: Vec<String>,
    #[serde(default)]
    interventions: Vec<Intervention>,
    #[serde(default)]
    enrollment: Option<u32>,
    #[serde(default)]
    locations: Vec<Location>,
    #[serde(default, alias = "last_update", rename = "lastUpdateDate")]
    last_update: Option<String>,
    #[serde(default)]
    diseases: Vec<KeyedDisease>,
}

#[derive(Deserialize)]
struct KeyedDisease {
    orpha_code: String,
}

impl Reduced {
    fn into_record(self) -> TrialRecord {
        TrialRecord {
            nct_id: self.nct_id,
            brief_title: self.brief_title,
            official_title: self.official_title,
            overall_status: self.overall_status,
            phases: self.phases,
            study_type: self.study_type,
            enrollment: self.enrollment,
            countries: countries(self.locations),
            last_update: self.last_update,
            conditions: self.conditions,
            interventions: self.interventions,
            orpha_codes: self.diseases.into_iter().map(|d| d.orpha_code).collect(),
            ..TrialRecord::default()
        }
    }
}

/// Merges the records of several files: one trial per NCT id, its fields
/// taken from the most complete record and its lists united.
pub fn merge(records: impl IntoIterator<Item = TrialRecord>) -> Vec<TrialRecord> {
    let mut by_id: BTreeMap<String, TrialRecord> = BTreeMap::new();
    for r in records {
        match by_id.get_mut(&r.nct_id) {
            None => {
                by_id.insert(r.nct_id.clone(), r);
            }
            Some(t) => {
                macro_rules! fill {
                    ($($f:ident),*) => { $( if t.$f.is_none() { t.$f = r.$f; } )* };
                }
                fill!(
                    brief_title,
                    official_title,
                    overall_status,
                    study_type,
                    enrollment,
                    start_date,
                    completion_date,
                    sponsor,
                    last_update
                );
                for (into, from) in [
                    (&mut t.phases, r.phases),
                    (&mut t.countries, r.countries),
                    (&mut t.conditions, r.conditions),
                    (&mut t.mesh_conditions, r.mesh_conditions),
                    (&mut t.orpha_codes, r.orpha_codes),
                ] {
                    for v in from {
                        if !into.contains(&v) {
                            into.push(v);
                        }
                    }
                }
                for i in r.interventions {
                    if !t.interventions.contains(&i) {
                        t.interventions.push(i);
                    }
                }
            }
        }
    }
    by_id.into_values().collect()
}
