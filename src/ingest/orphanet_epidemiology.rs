//! Orphadata epidemiology (product 9, prevalences) flattened to CSV: one
//! row per prevalence, with the validation status and mean value the
//! ORPHApackets leave out.

use super::{open, open_bytes, IngestError};
use std::io::Read;
use std::path::Path;

/// One prevalence row.
#[derive(Debug, Clone, PartialEq)]
pub struct EpidemiologyRow {
    pub line: usize,
    pub orpha_code: String,
    pub kind: Option<String>,
    pub class: Option<String>,
    pub mean_value: Option<String>,
    pub geographic: Option<String>,
    pub validation_status: Option<String>,
    pub source: Option<String>,
}

const COLUMNS: [&str; 7] = [
    "orpha_code",
    "prevalence_type",
    "prevalence_class",
    "val_moy",
    "prevalence_geographic",
    "prevalence_validation_status",
    "source",
];

pub fn parse(path: &Path) -> Result<Vec<EpidemiologyRow>, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<Vec<EpidemiologyRow>, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, input: impl Read) -> Result<Vec<EpidemiologyRow>, IngestError> {
    let mut reader = csv::Reader::from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| super::fda::csv_error(path, &e))?
        .clone();
    let mut at = [0usize; 7];
    for (i, name) in COLUMNS.iter().enumerate() {
        at[i] = headers
            .iter()
            .position(|h| h == *name)
            .ok_or_else(|| IngestError::parse(path, 1, format!("missing column `{name}`")))?;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| super::fda::csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let get = |i: usize| {
            record
                .get(at[i])
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let orpha_code = get(0)
            .filter(|c| c.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| IngestError::parse(path, line, "field `orpha_code`: not a number"))?;
        rows.push(EpidemiologyRow {
            line,
            orpha_code,
            kind: get(1),
            class: get(2),
            mean_value: get(3).filter(|v| v != "0.0"),
            geographic: get(4),
            validation_status: get(5),
            source: get(6),
        });
    }
    Ok(rows)
}
