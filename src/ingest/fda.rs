//! FDA Orphan Drug Product designations (the OOPD search export, CSV).
//!
//! One row per approval of a designation: a designation approved for two
//! indications is two rows with the same drug, date and designation text.
//! Dates are ISO (`2000-10-06`, the 2025 export) or US style (`10/06/00`,
//! older exports); both are read and stored as ISO dates.

use super::{open, open_bytes, IngestError};
use std::io::Read;
use std::path::Path;

/// One row of the export.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignationRow {
    /// The file's line the row starts on.
    pub line: usize,
    pub generic_name: String,
    pub trade_name: Option<String>,
    /// ISO date.
    pub date_designated: String,
    /// e.g. "Treatment of pulmonary arterial hypertension".
    pub designation: String,
    /// e.g. "Designated/Approved".
    pub status: String,
    pub withdrawn_date: Option<String>,
    pub approval_status: Option<String>,
    pub labeled_indication: Option<String>,
    pub approval_date: Option<String>,
    pub exclusivity_end: Option<String>,
    pub exclusivity_indication: Option<String>,
    pub sponsor: Option<String>,
    pub sponsor_country: Option<String>,
}

/// The columns read; a file lacking one of the first four is refused.
const REQUIRED: [&str; 4] = [
    "Generic Name",
    "Date Designated",
    "Orphan Designation",
    "Orphan Designation Status",
];

pub fn parse(path: &Path) -> Result<Vec<DesignationRow>, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<Vec<DesignationRow>, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, input: impl Read) -> Result<Vec<DesignationRow>, IngestError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect::<Vec<_>>();
    let col = |name: &str| headers.iter().position(|h| h == name);
    for name in REQUIRED {
        if col(name).is_none() {
            return Err(IngestError::parse(
                path,
                1,
                format!("missing column `{name}`"),
            ));
        }
    }
    // Older exports lack the withdrawal date; the exclusivity column's name
    // carries a footnote.
    let exclusivity_indication = headers
        .iter()
        .position(|h| h.starts_with("Exclusivity Protected Indication"));
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let get = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        // The export ends with footnote rows: "Note: ..." and nothing else.
        if record.get(0).is_some_and(|v| v.starts_with("Note:"))
            && record.iter().skip(1).all(|v| v.trim().is_empty())
        {
            continue;
        }
        let required = |name: &str| {
            get(col(name)).ok_or_else(|| IngestError::parse(path, line, format!("empty `{name}`")))
        };
        let date = |name: &str, value: Option<String>| -> Result<Option<String>, IngestError> {
            value
                .map(|v| {
                    iso_date(&v).ok_or_else(|| {
                        IngestError::parse(path, line, format!("`{name}`: not a date: {v:?}"))
                    })
                })
                .transpose()
        };
        rows.push(DesignationRow {
            line,
            generic_name: required("Generic Name")?,
            trade_name: get(col("Trade Name")),
            date_designated: date("Date Designated", Some(required("Date Designated")?))?
                .unwrap_or_default(),
            designation: required("Orphan Designation")?,
            status: required("Orphan Designation Status")?,
            withdrawn_date: date(
                "Date Designation Withdrawn or Revoked",
                get(col("Date Designation Withdrawn or Revoked")),
            )?,
            approval_status: get(col("FDA Orphan Approval Status")),
            labeled_indication: get(col("Approved Labeled Indication")),
            approval_date: date(
                "Marketing Approval Date",
                get(col("Marketing Approval Date")),
            )?,
            exclusivity_end: date("Exclusivity End Date", get(col("Exclusivity End Date")))?,
            exclusivity_indication: get(exclusivity_indication),
            sponsor: get(col("Sponsor Company")),
            sponsor_country: get(col("Sponsor Country")),
        });
    }
    Ok(rows)
}

/// A CSV reader's error at its line.
pub(crate) fn csv_error(path: &Path, e: &csv::Error) -> IngestError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    IngestError::parse(path, line, format!("malformed CSV: {e}"))
}

/// `2000-10-06`, `10/06/00` or `10/06/2000` as `2000-10-06`.
pub(crate) fn iso_date(v: &str) -> Option<String> {
    let v = v.trim();
    let (y, m, d) = if let Some((y, rest)) = v.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (
            y.parse::<u32>().ok()?,
            m.parse::<u32>().ok()?,
            d.parse::<u32>().ok()?,
        )
    } else {
        let mut it = v.split('/');
        let m = it.next()?.parse::<u32>().ok()?;
        let d = it.next()?.parse::<u32>().ok()?;
        let y = it.next()?;
        if it.next().is_some() {
            return None;
        }
        let y = match (y.len(), y.parse::<u32>().ok()?) {
            (4, y) => y,
            // FDA designations start in 1983.
            (2, y) if y >= 83 => 1900 + y,
            (2, y) => 2000 + y,
            _ => return None,
        };
        (y, m, d)
    };
    ((1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn dates_in_both_export_styles() {
        assert_eq!(iso_date("2000-10-06").as_deref(), Some("2000-10-06"));
        assert_eq!(iso_date("10/06/00").as_deref(), Some("2000-10-06"));
        assert_eq!(iso_date("11/20/1985").as_deref(), Some("1985-11-20"));
        assert_eq!(iso_date("13/01/2000"), None);
        assert_eq!(iso_date("soon"), None);
    }
}
