//! GA4GH Phenopacket Schema v2: patients as the differential diagnosis needs
//! them (observed and excluded HPO terms, sex, age, onset, the diagnosis).
//!
//! Reads one phenopacket JSON document, a folder of them, a `.tar.gz` of them,
//! or JSON Lines holding either full phenopackets or the compact form
//! `{"id", "disease", "genes", "observed": [..], "excluded": [..]}`.
//!
//! Only the members the ranking uses are typed; the schema's many others are
//! ignored. Term ids are kept exactly as written: whether they exist in the
//! HPO is for the ranking to report. A malformed document stops the read
//! with an [`IngestError`] naming the file, the line and the JSON path of the
//! bad member, e.g. `phenotypicFeatures[2].type.id: missing field`.

use super::{open, IngestError};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One patient, as the ranking needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: String,
    /// `FEMALE`, `MALE`, `OTHER_SEX` or `UNKNOWN_SEX`, as published.
    pub sex: Option<String>,
    /// `subject.timeAtLastEncounter.age.iso8601duration`, if given.
    pub age: Option<String>,
    /// The earliest onset stated on an observed feature or a disease: an
    /// ISO 8601 duration as written, or an HPO onset term id (`HP:...`). A
    /// gestational age is given as the HPO antenatal onset term it falls in.
    pub onset: Option<String>,
    /// `phenotypicFeatures` with `excluded` not true, in document order.
    pub observed: Vec<Feature>,
    /// `phenotypicFeatures` with `excluded: true`, in document order.
    pub excluded: Vec<Feature>,
    /// The disease ids of `interpretations[].diagnosis.disease`, then those
    /// of `diseases[].term` (not excluded ones), deduplicated, in order.
    pub diagnoses: Vec<String>,
    /// The gene symbols of the diagnoses' genomic interpretations (not
    /// rejected ones), deduplicated, in order.
    pub genes: Vec<String>,
}

/// A phenotypic feature: an HPO term id as written, and its label if given.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: String,
    pub label: Option<String>,
}

/// Parses one phenopacket v2 JSON document; `path`/`line` only name where it
/// came from in errors (`line` is the line the document starts on).
pub fn parse(json: &str, path: &Path, line: usize) -> Result<Case, IngestError> {
    let line = line.max(1);
    let start = json.len() - json.trim_start().len();
    let first_line = line + json[..start].matches('\n').count();
    match json[start..].chars().next() {
        Some('{') => {}
        None => return Err(IngestError::parse(path, line, "empty document")),
        Some(c) => {
            return Err(IngestError::parse(
                path,
                first_line,
                format!("not a JSON object: the document starts with `{c}`"),
            ))
        }
    }
    let at = |l: Option<usize>| l.map_or(first_line, |l| line + l - 1);
    let mut de = serde_json::Deserializer::from_str(json);
    let packet: Phenopacket = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let (l, reason) = describe(&e.path().to_string(), e.inner());
        IngestError::parse(path, at(l), reason)
    })?;
    de.end().map_err(|e| {
        let (l, reason) = describe("", &e);
        IngestError::parse(path, at(l), reason)
    })?;
    Ok(packet.into_case())
}

/// Reads cases from: one `.json` phenopacket; a folder (every `*.json`
/// below it, recursively, sorted by path); a `.jsonl` / `.jsonl.gz` file
/// with one JSON object per line, each either a phenopacket or the compact
/// form `{"id","disease","genes","observed":[ids],"excluded":[ids]}` (as in
/// `data/phenopackets/dev.jsonl.gz`; `disease` goes to diagnoses); or a
/// `.tar.gz` of phenopacket JSON files (every member ending in `.json`,
/// sorted by member path). Blank JSONL lines are skipped. Input that holds
/// no case at all is an error.
pub fn read_cases(path: &Path) -> Result<Vec<Case>, IngestError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let cases = if path.is_dir() {
        read_folder(path)?
    } else if name.ends_with(".jsonl") || name.ends_with(".jsonl.gz") {
        read_jsonl(path)?
    } else if name.ends_with(".tar.gz") || name.ends_with(".tar") || name.ends_with(".tgz") {
        read_tar(path)?
    } else if name.ends_with(".json") || name.ends_with(".json.gz") {
        let mut bytes = Vec::new();
        open(path)?
            .read_to_end(&mut bytes)
            .map_err(|e| IngestError::io(path, e))?;
        vec![parse(utf8(path, &bytes)?, path, 1)?]
    } else {
        return Err(IngestError::parse(
            path,
            1,
            "not a phenopacket input: expected a folder, or a .json, .jsonl, .jsonl.gz \
             or .tar.gz file",
        ));
    };
    if cases.is_empty() {
        return Err(IngestError::parse(path, 1, "holds no case"));
    }
    Ok(cases)
}

fn read_folder(dir: &Path) -> Result<Vec<Case>, IngestError> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| IngestError::io(&d, e))? {
            let p = entry.map_err(|e| IngestError::io(&d, e))?.path();
            if p.is_dir() {
                pending.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).map_err(|e| IngestError::io(f, e))?;
            parse(utf8(f, &bytes)?, f, 1)
        })
        .collect()
}

fn read_tar(path: &Path) -> Result<Vec<Case>, IngestError> {
    let input = open(path)?;
    let lower = path.to_string_lossy().to_ascii_lowercase();
    let input: Box<dyn Read + Send> = if lower.ends_with(".tgz") {
        Box::new(flate2::read::GzDecoder::new(input))
    } else {
        input
    };
    let mut archive = tar::Archive::new(input);
    let mut cases: Vec<(PathBuf, Case)> = Vec::new();
    let mut buf = Vec::new();
    for entry in archive.entries().map_err(|e| IngestError::io(path, e))? {
        let mut entry = entry.map_err(|e| IngestError::io(path, e))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let member = entry
            .path()
            .map_err(|e| IngestError::io(path, e))?
            .into_owned();
        let file_name = member.file_name().map(|n| n.to_string_lossy());
        // `._x.json` members are the resource forks some archivers add.
        if member.extension().is_none_or(|e| e != "json")
            || file_name.is_some_and(|n| n.starts_with("._"))
        {
            continue;
        }
        buf.clear();
        entry
            .read_to_end(&mut buf)
            .map_err(|e| IngestError::io(path, e))?;
        let name = path.join(&member);
        let case = parse(utf8(&name, &buf)?, &name, 1)?;
        cases.push((member, case));
    }
    cases.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(cases.into_iter().map(|(_, c)| c).collect())
}

fn read_jsonl(path: &Path) -> Result<Vec<Case>, IngestError> {
    let mut cases = Vec::new();
    super::for_each_line(path, open(path)?, |line_no, line| {
        if line.trim().is_empty() {
            return Ok(());
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            IngestError::parse(path, line_no, format!("column {}: {e}", e.column()))
        })?;
        let Some(object) = value.as_object() else {
            return Err(IngestError::parse(
                path,
                line_no,
                "not a JSON object: each line must hold one phenopacket or compact case",
            ));
        };
        let compact = !object.contains_key("phenotypicFeatures")
            && ["observed", "excluded", "disease"]
                .iter()
                .any(|k| object.contains_key(*k));
        let bad = |e: serde_path_to_error::Error<serde_json::Error>| {
            IngestError::parse(path, line_no, describe(&e.path().to_string(), e.inner()).1)
        };
        let case = if compact {
            serde_path_to_error::deserialize::<_, Compact>(value)
                .map_err(bad)?
                .into_case()
        } else {
            serde_path_to_error::deserialize::<_, Phenopacket>(value)
                .map_err(bad)?
                .into_case()
        };
        cases.push(case);
        Ok(())
    })?;
    Ok(cases)
}

/// `bytes` as text; invalid UTF-8 is an error at its line.
fn utf8<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, IngestError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        IngestError::parse(path, line, format!("not UTF-8 (byte {at})"))
    })
}

/// The line of a deserialisation error inside its text (if it has one) and
/// a reason naming `member`, the JSON path of the bad member (`.` or empty
/// for the document itself). `missing field `x`` at
/// `a.b` becomes `a.b.x: missing field`.
fn describe(member: &str, inner: &serde_json::Error) -> (Option<usize>, String) {
    let mut message = inner.to_string();
    let line = (inner.line() > 0).then_some(inner.line());
    if line.is_some() {
        let suffix = format!(" at line {} column {}", inner.line(), inner.column());
        if let Some(m) = message.strip_suffix(&suffix) {
            message = m.to_string();
        }
    }
    let mut member = if member == "." {
        String::new()
    } else {
        member.to_string()
    };
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        if !member.is_empty() {
            member.push('.');
        }
        member.push_str(field);
        message = "missing field".to_string();
    }
    if matches!(
        inner.classify(),
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof
    ) && inner.column() > 0
    {
        message = format!("{message} (column {})", inner.column());
    }
    if member.is_empty() {
        (line, message)
    } else {
        (line, format!("{member}: {message}"))
    }
}

// ---------------------------------------------------------------------------
// The members of the v2 schema the ranking uses.

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Phenopacket {
    id: Id,
    subject: Option<Individual>,
    phenotypic_features: Option<Vec<PhenotypicFeature>>,
    interpretations: Option<Vec<Interpretation>>,
    diseases: Option<Vec<Disease>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Individual {
    #[serde(default, deserialize_with = "sex")]
    sex: Option<String>,
    time_at_last_encounter: Option<TimeElement>,
}

/// A `TimeElement`; `timestamp` and `interval` cannot be placed relative to
/// birth and are ignored.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TimeElement {
    age: Option<Age>,
    age_range: Option<AgeRange>,
    gestational_age: Option<GestationalAge>,
    ontology_class: Option<OntologyClass>,
}

#[derive(Deserialize)]
struct Age {
    iso8601duration: Option<String>,
}

#[derive(Deserialize)]
struct AgeRange {
    start: Option<Age>,
}

#[derive(Deserialize)]
struct GestationalAge {
    weeks: u32,
    days: Option<u32>,
}

#[derive(Deserialize)]
struct OntologyClass {
    id: Id,
    label: Option<String>,
}

#[derive(Deserialize)]
struct PhenotypicFeature {
    #[serde(rename = "type")]
    term: OntologyClass,
    excluded: Option<bool>,
    onset: Option<TimeElement>,
}

#[derive(Deserialize)]
struct Interpretation {
    diagnosis: Option<Diagnosis>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Diagnosis {
    disease: Option<OntologyClass>,
    genomic_interpretations: Option<Vec<GenomicInterpretation>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenomicInterpretation {
    interpretation_status: Option<String>,
    gene: Option<GeneDescriptor>,
    variant_interpretation: Option<VariantInterpretation>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VariantInterpretation {
    variation_descriptor: Option<VariationDescriptor>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VariationDescriptor {
    gene_context: Option<GeneDescriptor>,
}

#[derive(Deserialize)]
struct GeneDescriptor {
    symbol: Option<String>,
}

#[derive(Deserialize)]
struct Disease {
    term: OntologyClass,
    excluded: Option<bool>,
    onset: Option<TimeElement>,
}

/// The compact JSONL form.
#[derive(Deserialize)]
struct Compact {
    id: Id,
    #[serde(default)]
    disease: Ids,
    #[serde(default)]
    genes: Ids,
    #[serde(default)]
    observed: Ids,
    #[serde(default)]
    excluded: Ids,
}

/// A non-empty id, kept as written.
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if s.trim().is_empty() {
            return Err(de::Error::custom("empty id"));
        }
        Ok(Id(s))
    }
}

/// One id or a list of them (`null` is none); each must be non-empty.
#[derive(Default)]
struct Ids(Vec<String>);

impl<'de> Deserialize<'de> for Ids {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ids;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an id or an array of ids")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ids, E> {
                if v.trim().is_empty() {
                    return Err(E::custom("empty id"));
                }
                Ok(Ids(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ids, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(Id(s)) = seq.next_element()? {
                    v.push(s);
                }
                Ok(Ids(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Ids, E> {
                Ok(Ids::default())
            }
        }
        d.deserialize_any(V)
    }
}

/// `sex` as published; the protobuf JSON mapping also allows the enum's
/// number, which is turned into its name.
fn sex<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a Sex enum name or number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            const NAMES: [&str; 4] = ["UNKNOWN_SEX", "FEMALE", "MALE", "OTHER_SEX"];
            match NAMES.get(v as usize) {
                Some(n) => Ok(Some(n.to_string())),
                None => Err(E::custom(format!("unknown Sex number {v}"))),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom(format!("unknown Sex number {v}"))),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

impl Phenopacket {
    fn into_case(self) -> Case {
        let mut case = Case {
            id: self.id.0,
            sex: None,
            age: None,
            onset: None,
            observed: Vec::new(),
            excluded: Vec::new(),
            diagnoses: Vec::new(),
            genes: Vec::new(),
        };
        if let Some(subject) = self.subject {
            case.sex = subject.sex;
            case.age = subject
                .time_at_last_encounter
                .and_then(|t| t.age)
                .and_then(|a| a.iso8601duration);
        }
        let mut earliest = Earliest::default();
        for f in self.phenotypic_features.unwrap_or_default() {
            let feature = Feature {
                id: f.term.id.0,
                label: f.term.label,
            };
            if f.excluded == Some(true) {
                case.excluded.push(feature);
            } else {
                earliest.offer(f.onset.as_ref());
                case.observed.push(feature);
            }
        }
        for i in self.interpretations.unwrap_or_default() {
            let Some(diagnosis) = i.diagnosis else {
                continue;
            };
            if let Some(d) = &diagnosis.disease {
                push_unique(&mut case.diagnoses, &d.id.0);
            }
            for g in diagnosis.genomic_interpretations.unwrap_or_default() {
                if g.interpretation_status.as_deref() == Some("REJECTED") {
                    continue;
                }
                let from_variant = g
                    .variant_interpretation
                    .and_then(|v| v.variation_descriptor)
                    .and_then(|v| v.gene_context);
                for gene in [g.gene, from_variant].into_iter().flatten() {
                    if let Some(s) = gene.symbol.filter(|s| !s.trim().is_empty()) {
                        push_unique(&mut case.genes, &s);
                    }
                }
            }
        }
        for d in self.diseases.unwrap_or_default() {
            if d.excluded == Some(true) {
                continue;
            }
            earliest.offer(d.onset.as_ref());
            push_unique(&mut case.diagnoses, &d.term.id.0);
        }
        case.onset = earliest.value;
        case
    }
}

impl Compact {
    fn into_case(self) -> Case {
        let features = |ids: Ids| {
            ids.0
                .into_iter()
                .map(|id| Feature { id, label: None })
                .collect()
        };
        let unique = |ids: Ids| {
            let mut out = Vec::new();
            for id in &ids.0 {
                push_unique(&mut out, id);
            }
            out
        };
        Case {
            id: self.id.0,
            sex: None,
            age: None,
            onset: None,
            diagnoses: unique(self.disease),
            genes: unique(self.genes),
            observed: features(self.observed),
            excluded: features(self.excluded),
        }
    }
}

// ---------------------------------------------------------------------------
// Onset: the earliest of the stated ones.

/// The earliest onset offered so far. Onsets are compared by where they
/// start, in days from birth (negative before birth); one that cannot be
/// placed (an unknown term, an unreadable duration) counts as later than any
/// that can. On a tie the first stated wins.
#[derive(Default)]
struct Earliest {
    value: Option<String>,
    start: Option<f64>,
}

/// The days of a full-term pregnancy (40 weeks), to place gestational ages.
const TERM_DAYS: f64 = 280.0;
const YEAR_DAYS: f64 = 365.25;

impl Earliest {
    fn offer(&mut self, onset: Option<&TimeElement>) {
        let Some((value, start)) = onset.and_then(stated_onset) else {
            return;
        };
        let earlier = match (start, self.start) {
            _ if self.value.is_none() => true,
            (Some(new), Some(old)) => new < old,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if earlier {
            self.value = Some(value);
            self.start = start;
        }
    }
}

/// The onset a time element states, as [`Case::onset`] reports it, and
/// where it starts.
fn stated_onset(t: &TimeElement) -> Option<(String, Option<f64>)> {
    if let Some(d) = t.age.as_ref().and_then(|a| a.iso8601duration.as_ref()) {
        return Some((d.clone(), duration_days(d)));
    }
    if let Some(d) = t
        .age_range
        .as_ref()
        .and_then(|r| r.start.as_ref())
        .and_then(|a| a.iso8601duration.as_ref())
    {
        return Some((d.clone(), duration_days(d)));
    }
    if let Some(g) = &t.gestational_age {
        let days = f64::from(g.weeks) * 7.0 + f64::from(g.days.unwrap_or(0));
        return Some((
            gestational_term(g.weeks).to_string(),
            Some(days - TERM_DAYS),
        ));
    }
    if let Some(c) = &t.ontology_class {
        return Some((c.id.0.clone(), onset_term_start(&c.id.0)));
    }
    None
}

/// The HPO antenatal onset term a gestational age (in weeks) falls in.
fn gestational_term(weeks: u32) -> &'static str {
    match weeks {
        0..=9 => "HP:0011460",   // Embryonal onset (up to 10 weeks of gestation)
        10 => "HP:0011461",      // Fetal onset
        11..=13 => "HP:0034199", // Late first trimester onset
        14..=27 => "HP:0034198", // Second trimester onset
        _ => "HP:0034197",       // Third trimester onset
    }
}

/// Where an HPO onset term starts, in days from birth, after the terms'
/// definitions.
fn onset_term_start(id: &str) -> Option<f64> {
    let gestation = |weeks: f64| Some(weeks * 7.0 - TERM_DAYS);
    match id {
        "HP:0030674" | "HP:0011460" => gestation(0.0), // Antenatal, Embryonal
        "HP:0011461" => gestation(10.0),               // Fetal
        "HP:0034199" => gestation(11.0),               // Late first trimester
        "HP:0034198" => gestation(14.0),               // Second trimester
        "HP:0034197" => gestation(28.0),               // Third trimester
        "HP:0003577" => Some(0.0),                     // Congenital: present at birth
        // Neonatal: in the first 28 days, so after a congenital onset and
        // before a stated age of one day.
        "HP:0003623" => Some(0.5),
        "HP:0003593" | "HP:0410280" => Some(28.0), // Infantile, Pediatric
        "HP:0011463" => Some(YEAR_DAYS),           // Childhood
        "HP:0003621" => Some(5.0 * YEAR_DAYS),     // Juvenile
        // Adult, Young adult, Early young adult
        "HP:0003581" | "HP:0011462" | "HP:0025708" => Some(16.0 * YEAR_DAYS),
        "HP:0025709" => Some(19.0 * YEAR_DAYS), // Intermediate young adult
        "HP:0025710" => Some(25.0 * YEAR_DAYS), // Late young adult
        "HP:0003596" => Some(40.0 * YEAR_DAYS), // Middle age
        "HP:0003584" => Some(60.0 * YEAR_DAYS), // Late onset
        _ => None,
    }
}

/// An ISO 8601 duration (`P1Y6M`, `P3W`, `PT12H`, `P0.5Y`) in days.
fn duration_days(d: &str) -> Option<f64> {
    let rest = d.strip_prefix('P')?;
    if rest.is_empty() {
        return None;
    }
    let mut days = 0.0;
    let mut number = String::new();
    let mut in_time = false;
    for c in rest.chars() {
        match c {
            '0'..='9' | '.' | ',' => number.push(if c == ',' { '.' } else { c }),
            'T' if !in_time && number.is_empty() => in_time = true,
            _ => {
                let n: f64 = number.parse().ok()?;
                number.clear();
                let unit = match (in_time, c) {
                    (false, 'Y') => YEAR_DAYS,
                    (false, 'M') => YEAR_DAYS / 12.0,
                    (false, 'W') => 7.0,
                    (false, 'D') => 1.0,
                    (true, 'H') => 1.0 / 24.0,
                    (true, 'M') => 1.0 / 1440.0,
                    (true, 'S') => 1.0 / 86400.0,
                    _ => return None,
                };
                days += n * unit;
            }
        }
    }
    number.is_empty().then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::temp_file;

    /// A phenopacket in the published v2 shape (trimmed).
    const PACKET: &str = r#"{
  "id": "PMID_1_II_2",
  "subject": {
    "id": "II.2",
    "timeAtLastEncounter": {
      "age": {
        "iso8601duration": "P34Y"
      }
    },
    "sex": "FEMALE"
  },
  "phenotypicFeatures": [
    {
      "type": {
        "id": "HP:0000662",
        "label": "Nyctalopia"
      },
      "onset": {
        "ontologyClass": {
          "id": "HP:0003621",
          "label": "Juvenile onset"
        }
      }
    },
    {
      "type": {
        "id": "HP:0000421",
        "label": "Epistaxis"
      },
      "excluded": true
    },
    {
      "type": {
        "id": "HP:0001133",
        "label": "Constriction of peripheral visual field"
      },
      "onset": {
        "age": {
          "iso8601duration": "P4Y6M"
        }
      }
    },
    {
      "type": {
        "id": "HP:9999999"
      },
      "excluded": false,
      "severity": {
        "id": "HP:0012828",
        "label": "Severe"
      }
    }
  ],
  "interpretations": [
    {
      "id": "vB65tQO7YQCfpezJuGOjXtYS",
      "progressStatus": "SOLVED",
      "diagnosis": {
        "disease": {
          "id": "OMIM:601718",
          "label": "Retinitis pigmentosa 19"
        },
        "genomicInterpretations": [
          {
            "subjectOrBiosampleId": "II.2",
            "interpretationStatus": "CAUSATIVE",
            "variantInterpretation": {
              "acmgPathogenicityClassification": "PATHOGENIC",
              "variationDescriptor": {
                "id": "c1938_1GtoA_ABCA4_NM_000350v3",
                "geneContext": {
                  "valueId": "HGNC:34",
                  "symbol": "ABCA4"
                },
                "allelicState": {
                  "id": "GENO:0000135",
                  "label": "heterozygous"
                }
              }
            }
          },
          {
            "subjectOrBiosampleId": "II.2",
            "interpretationStatus": "CAUSATIVE",
            "variantInterpretation": {
              "variationDescriptor": {
                "id": "second",
                "geneContext": {
                  "valueId": "HGNC:34",
                  "symbol": "ABCA4"
                }
              }
            }
          },
          {
            "subjectOrBiosampleId": "II.2",
            "interpretationStatus": "CONTRIBUTORY",
            "gene": {
              "valueId": "HGNC:3603",
              "symbol": "FBN1"
            }
          },
          {
            "subjectOrBiosampleId": "II.2",
            "interpretationStatus": "REJECTED",
            "gene": {
              "valueId": "HGNC:1",
              "symbol": "A1BG"
            }
          }
        ]
      }
    }
  ],
  "diseases": [
    {
      "term": {
        "id": "OMIM:601718",
        "label": "Retinitis pigmentosa 19"
      },
      "onset": {
        "ontologyClass": {
          "id": "HP:0003581",
          "label": "Adult onset"
        }
      }
    },
    {
      "term": {
        "id": "OMIM:248200",
        "label": "Stargardt disease 1"
      }
    },
    {
      "term": {
        "id": "OMIM:100100",
        "label": "Ruled out"
      },
      "excluded": true
    }
  ],
  "metaData": {
    "created": "2025-09-28T09:02:18.228190Z",
    "phenopacketSchemaVersion": "2.0.2"
  }
}"#;

    fn feature(id: &str, label: Option<&str>) -> Feature {
        Feature {
            id: id.to_string(),
            label: label.map(str::to_string),
        }
    }

    fn err_text(r: Result<impl std::fmt::Debug, IngestError>) -> String {
        r.unwrap_err().to_string()
    }

    #[test]
    fn splits_observed_and_excluded() {
        let c = parse(PACKET, Path::new("p.json"), 1).unwrap();
        assert_eq!(c.id, "PMID_1_II_2");
        assert_eq!(
            c.observed,
            [
                feature("HP:0000662", Some("Nyctalopia")),
                feature(
                    "HP:0001133",
                    Some("Constriction of peripheral visual field")
                ),
                // not an HPO id: kept as written, for the ranking to report
                feature("HP:9999999", None),
            ]
        );
        assert_eq!(c.excluded, [feature("HP:0000421", Some("Epistaxis"))]);
    }

    #[test]
    fn diagnosis_from_interpretations_then_diseases() {
        let c = parse(PACKET, Path::new("p.json"), 1).unwrap();
        // deduplicated; the excluded disease is not a diagnosis
        assert_eq!(c.diagnoses, ["OMIM:601718", "OMIM:248200"]);

        let only_diseases = r#"{"id": "x", "diseases": [{"term": {"id": "OMIM:2"}}]}"#;
        let c = parse(only_diseases, Path::new("p.json"), 1).unwrap();
        assert_eq!(c.diagnoses, ["OMIM:2"]);
    }

    #[test]
    fn genes_from_both_gene_forms() {
        let c = parse(PACKET, Path::new("p.json"), 1).unwrap();
        // geneContext of a variant, then a bare gene; not the rejected one
        assert_eq!(c.genes, ["ABCA4", "FBN1"]);
    }

    #[test]
    fn onset_sex_and_age() {
        let c = parse(PACKET, Path::new("p.json"), 1).unwrap();
        assert_eq!(c.sex.as_deref(), Some("FEMALE"));
        assert_eq!(c.age.as_deref(), Some("P34Y"));
        // P4Y6M is before juvenile (5 years) and adult onset
        assert_eq!(c.onset.as_deref(), Some("P4Y6M"));

        let doc = |onsets: &str| {
            let features: Vec<String> = onsets
                .split('|')
                .map(|o| format!(r#"{{"type": {{"id": "HP:1"}}, "onset": {o}}}"#))
                .collect();
            format!(
                r#"{{"id": "x", "subject": {{"sex": 2}}, "phenotypicFeatures": [{}]}}"#,
                features.join(",")
            )
        };
        let onset = |onsets: &str| parse(&doc(onsets), Path::new("p.json"), 1).unwrap().onset;
        let term = |id: &str| format!(r#"{{"ontologyClass": {{"id": "{id}"}}}}"#);
        let age = |d: &str| format!(r#"{{"age": {{"iso8601duration": "{d}"}}}}"#);
        assert_eq!(
            onset(&format!("{}|{}", age("P2M"), term("HP:0003623"))).as_deref(),
            Some("HP:0003623")
        );
        assert_eq!(
            onset(&format!("{}|{}", term("HP:0003623"), term("HP:0003577"))).as_deref(),
            Some("HP:0003577")
        );
        assert_eq!(
            onset(&format!(
                "{}|{}",
                term("HP:0003577"),
                r#"{"gestationalAge": {"weeks": 19, "days": 2}}"#
            ))
            .as_deref(),
            Some("HP:0034198")
        );
        // a term that cannot be placed loses to one that can, but is kept alone
        assert_eq!(
            onset(&format!("{}|{}", term("HP:0000000"), age("P30Y"))).as_deref(),
            Some("P30Y")
        );
        assert_eq!(onset(&term("HP:0000000")).as_deref(), Some("HP:0000000"));
        // the protobuf enum number of `sex`
        let c = parse(&doc(&age("P1Y")), Path::new("p.json"), 1).unwrap();
        assert_eq!(c.sex.as_deref(), Some("MALE"));
        assert_eq!(c.age, None);

        assert_eq!(duration_days("P1Y6M"), Some(1.5 * YEAR_DAYS));
        assert_eq!(duration_days("P2W3D"), Some(17.0));
        assert_eq!(duration_days("PT12H"), Some(0.5));
        assert_eq!(duration_days("P"), None);
        assert_eq!(duration_days("P3"), None);
        assert_eq!(duration_days("1Y"), None);
    }

    #[test]
    fn no_features_is_valid() {
        let c = parse(r#"{"id": "x", "metaData": {}}"#, Path::new("p.json"), 1).unwrap();
        assert!(c.observed.is_empty() && c.excluded.is_empty() && c.diagnoses.is_empty());
        assert_eq!((c.sex, c.age, c.onset), (None, None, None));
    }

    #[test]
    fn compact_jsonl_and_blank_lines() {
        let jsonl = concat!(
            r#"{"id": "a", "cohort": "ABCA4", "disease": "OMIM:601718", "genes": ["ABCA4"], "observed": ["HP:0000662", "HP:0000543"], "excluded": ["HP:0000421"]}"#,
            "\n\n   \n",
            r#"{"id": "b", "phenotypicFeatures": [{"type": {"id": "HP:1", "label": "one"}, "excluded": true}]}"#,
            "\n",
        );
        let path = temp_file("cases.jsonl", jsonl.as_bytes());
        let cases = read_cases(&path).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(
            cases[0],
            Case {
                id: "a".into(),
                sex: None,
                age: None,
                onset: None,
                observed: vec![feature("HP:0000662", None), feature("HP:0000543", None)],
                excluded: vec![feature("HP:0000421", None)],
                diagnoses: vec!["OMIM:601718".into()],
                genes: vec!["ABCA4".into()],
            }
        );
        assert_eq!(cases[1].id, "b");
        assert_eq!(cases[1].excluded, [feature("HP:1", Some("one"))]);

        // gzipped, as vendored
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, jsonl.as_bytes()).unwrap();
        let path = temp_file("cases.jsonl.gz", &gz.finish().unwrap());
        assert_eq!(read_cases(&path).unwrap(), cases);
    }

    #[test]
    fn errors_name_the_line_and_json_path() {
        // the third feature's `type` has a label but no id (line 7 of the
        // document, which starts on line 10 of its file)
        let doc = concat!(
            "{\n",
            "  \"id\": \"x\",\n",
            "  \"phenotypicFeatures\": [\n",
            "    {\"type\": {\"id\": \"HP:1\"}},\n",
            "    {\"type\": {\"id\": \"HP:2\"}, \"excluded\": true},\n",
            "    {\"type\": {\n",
            "      \"label\": \"no id\"}}\n",
            "  ]\n",
            "}\n",
        );
        let msg = err_text(parse(doc, Path::new("dir/p.json"), 10));
        assert_eq!(
            msg,
            "dir/p.json:16: phenotypicFeatures[2].type.id: missing field"
        );

        let msg = err_text(parse(
            "{\"id\": \"x\",\n\"phenotypicFeatures\": [{\"type\": {\"id\": 7}}]}",
            Path::new("p.json"),
            1,
        ));
        assert!(
            msg.starts_with("p.json:2: phenotypicFeatures[0].type.id: invalid type: integer `7`"),
            "{msg}"
        );
        let msg = err_text(parse(
            r#"{"id": "x", "phenotypicFeatures": [{"type": {"id": " "}}]}"#,
            Path::new("p.json"),
            1,
        ));
        assert_eq!(msg, "p.json:1: phenotypicFeatures[0].type.id: empty id");
        let msg = err_text(parse(
            r#"{"phenotypicFeatures": []}"#,
            Path::new("p.json"),
            1,
        ));
        assert_eq!(msg, "p.json:1: id: missing field");
        let msg = err_text(parse(
            "{\"id\": \"x\",\n\"subject\": }",
            Path::new("p.json"),
            1,
        ));
        assert!(
            msg.starts_with("p.json:2: subject: expected value"),
            "{msg}"
        );
        let msg = err_text(parse(r#"{"id": "x"} {}"#, Path::new("p.json"), 1));
        assert!(msg.starts_with("p.json:1: trailing characters"), "{msg}");

        // not an object: a struct must not be read from an array
        let msg = err_text(parse("\n  [\"x\"]", Path::new("p.json"), 1));
        assert_eq!(
            msg,
            "p.json:2: not a JSON object: the document starts with `[`"
        );
        assert_eq!(
            err_text(parse("  ", Path::new("p.json"), 1)),
            "p.json:1: empty document"
        );

        // JSONL: the file's line, after a blank line
        let jsonl = concat!(
            r#"{"id": "a", "disease": "OMIM:1", "observed": ["HP:1"], "excluded": []}"#,
            "\n\n",
            r#"{"id": "b", "disease": "OMIM:1", "observed": ["HP:1", 5], "excluded": []}"#,
            "\n",
        );
        let path = temp_file("bad.jsonl", jsonl.as_bytes());
        let msg = err_text(read_cases(&path));
        assert_eq!(
            msg,
            format!(
                "{}:3: observed[1]: invalid type: integer `5`, expected a string",
                path.display()
            )
        );
        let jsonl = "{\"id\": \"a\", \"observed\": []}\n\n[1]\n";
        let path = temp_file("array.jsonl", jsonl.as_bytes());
        let msg = err_text(read_cases(&path));
        assert!(
            msg.starts_with(&format!("{}:3: not a JSON object", path.display())),
            "{msg}"
        );
        let jsonl = "\n{\"id\": \"a\", \"phenotypicFeatures\": [{\"type\": {}}]}\n";
        let path = temp_file("packet.jsonl", jsonl.as_bytes());
        let msg = err_text(read_cases(&path));
        assert_eq!(
            msg,
            format!(
                "{}:2: phenotypicFeatures[0].type.id: missing field",
                path.display()
            )
        );
        let path = temp_file("broken.jsonl", b"{\"id\": \"a\", \"observed\": [\n");
        let msg = err_text(read_cases(&path));
        assert!(
            msg.starts_with(&format!("{}:1: column", path.display())),
            "{msg}"
        );
        let path = temp_file("empty.jsonl", b"\n\n");
        assert!(err_text(read_cases(&path)).ends_with(":1: holds no case"));
    }

    #[test]
    fn reads_a_file_and_a_folder() {
        let a = temp_file("a.json", PACKET.as_bytes());
        let dir = a.parent().unwrap().to_path_buf();
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(
            dir.join("sub/b.json"),
            r#"{"id": "b", "phenotypicFeatures": [{"type": {"id": "HP:1"}}]}"#,
        )
        .unwrap();
        std::fs::write(dir.join("notes.txt"), "not a case").unwrap();
        assert_eq!(read_cases(&a).unwrap()[0].id, "PMID_1_II_2");
        let ids: Vec<String> = read_cases(&dir)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(ids, ["PMID_1_II_2", "b"]);
        std::fs::write(
            dir.join("sub/c.json"),
            "{\"id\": \"c\",\n\"diseases\": [{}]}",
        )
        .unwrap();
        let msg = err_text(read_cases(&dir));
        assert_eq!(
            msg,
            format!(
                "{}:2: diseases[0].term: missing field",
                dir.join("sub/c.json").display()
            )
        );
    }

    const TAR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/phenopackets/dev_phenopackets.tar.gz"
    );
    const JSONL: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/phenopackets/dev.jsonl.gz"
    );

    #[test]
    fn reads_the_vendored_development_cases() {
        let mut packets = read_cases(Path::new(TAR)).unwrap();
        assert_eq!(packets.len(), 6146);
        let mut compact = read_cases(Path::new(JSONL)).unwrap();
        assert_eq!(compact.len(), 6146);
        packets.sort_by(|a, b| a.id.cmp(&b.id));
        compact.sort_by(|a, b| a.id.cmp(&b.id));
        let ids = |f: &[Feature]| f.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        for (p, c) in packets.iter().zip(&compact).take(50) {
            assert_eq!(p.id, c.id);
            assert_eq!(ids(&p.observed), ids(&c.observed), "{}", p.id);
            assert_eq!(ids(&p.excluded), ids(&c.excluded), "{}", p.id);
        }

        let case = packets
            .iter()
            .find(|c| c.id == "PMID_23434115_Exome_2_proband")
            .unwrap();
        assert_eq!(case.diagnoses, ["OMIM:615193"]);
        assert_eq!(case.genes, ["ACTN1"]);
        assert_eq!(case.sex.as_deref(), Some("MALE"));
        assert!(case
            .excluded
            .contains(&feature("HP:0000421", Some("Epistaxis"))));
        assert_eq!(case.observed.len(), 4);
        assert_eq!(case.excluded.len(), 3);
    }
}
