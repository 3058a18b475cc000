//! Curated fact files: patient organizations and newborn-screening panels.
//!
//! No public machine-readable source exists for either, so the project keeps
//! them as tab-separated files, one fact per row, each with the public page
//! that states it and the date it was checked. `#` lines are comments; the
//! first other line is the header. The formats are documented at the top of
//! each seed file under `data/curated/` and in `docs/DESIGN.md`.

use super::{curie_field, for_each_line, open, open_bytes, split_row, IngestError, TsvHeader};
use crate::curie::Curie;
use std::io::Read;
use std::path::Path;

/// A patient organization serving the patients of a disease.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrganizationFact {
    pub disease: Curie,
    pub organization: String,
    pub url: String,
    /// ISO 3166-1 alpha-2 code of its seat; empty for international bodies.
    pub country: Option<String>,
    /// `international`, `national` or `regional`.
    pub scope: String,
    pub source_url: String,
    /// The date the fact was checked against `source_url`.
    pub as_of: String,
}

/// A disease's entry on a newborn-screening panel.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScreeningFact {
    pub disease: Curie,
    /// e.g. `RUSP`.
    pub program: String,
    /// `core` or `secondary`.
    pub panel: String,
    /// The condition as the panel names it.
    pub condition: String,
    /// The panel's code for it, e.g. `PROP`.
    pub condition_code: Option<String>,
    /// e.g. `US`.
    pub jurisdiction: String,
    pub source_url: String,
    pub as_of: String,
}

/// The rows of one curated file, with the line each came from.
pub type Rows<T> = Vec<(usize, T)>;

/// A value outside its domain: the column (as the files name it) and why.
pub type Problem = (&'static str, &'static str);

fn is_url(v: &str) -> bool {
    v.starts_with("https://") || v.starts_with("http://")
}

fn is_iso_date(v: &str) -> bool {
    super::fda::iso_date(v).as_deref() == Some(v)
}

const NOT_URL: &str = "not an http(s) URL";
const NOT_DATE: &str = "not an ISO date (YYYY-MM-DD)";

impl OrganizationFact {
    /// The first value outside its domain; the file parser and curators'
    /// changes both check facts with it.
    pub fn problem(&self) -> Option<Problem> {
        if !is_url(&self.url) {
            Some(("organization_url", NOT_URL))
        } else if !["international", "national", "regional"].contains(&self.scope.as_str()) {
            Some(("scope", "expected international, national or regional"))
        } else if !is_url(&self.source_url) {
            Some(("source_url", NOT_URL))
        } else if !is_iso_date(&self.as_of) {
            Some(("as_of", NOT_DATE))
        } else {
            None
        }
    }
}

impl ScreeningFact {
    /// The first value outside its domain (see [`OrganizationFact::problem`]).
    pub fn problem(&self) -> Option<Problem> {
        if !["core", "secondary"].contains(&self.panel.as_str()) {
            Some(("panel", "expected core or secondary"))
        } else if !is_url(&self.source_url) {
            Some(("source_url", NOT_URL))
        } else if !is_iso_date(&self.as_of) {
            Some(("as_of", NOT_DATE))
        } else {
            None
        }
    }
}

pub fn parse_organizations(path: &Path) -> Result<Rows<OrganizationFact>, IngestError> {
    organizations(path, open(path)?)
}

/// [`parse_organizations`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_organizations_bytes(
    name: &Path,
    bytes: &[u8],
) -> Result<Rows<OrganizationFact>, IngestError> {
    organizations(name, open_bytes(name, bytes))
}

fn organizations(path: &Path, input: impl Read) -> Result<Rows<OrganizationFact>, IngestError> {
    parse_rows(
        path,
        input,
        &[
            "disease_id",
            "organization",
            "organization_url",
            "country",
            "scope",
            "source_url",
            "as_of",
        ],
        |f, line| {
            let fact = OrganizationFact {
                disease: f.disease(line)?,
                organization: f.required(1, line)?.to_string(),
                url: f.required(2, line)?.to_string(),
                country: f.optional(3).map(str::to_string),
                scope: f.required(4, line)?.to_string(),
                source_url: f.required(5, line)?.to_string(),
                as_of: f.required(6, line)?.to_string(),
            };
            f.checked(fact.problem(), line)?;
            Ok(fact)
        },
    )
}

pub fn parse_screening(path: &Path) -> Result<Rows<ScreeningFact>, IngestError> {
    screening(path, open(path)?)
}

/// [`parse_screening`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_screening_bytes(
    name: &Path,
    bytes: &[u8],
) -> Result<Rows<ScreeningFact>, IngestError> {
    screening(name, open_bytes(name, bytes))
}

fn screening(path: &Path, input: impl Read) -> Result<Rows<ScreeningFact>, IngestError> {
    parse_rows(
        path,
        input,
        &[
            "disease_id",
            "program",
            "panel",
            "condition",
            "condition_code",
            "jurisdiction",
            "source_url",
            "as_of",
        ],
        |f, line| {
            let fact = ScreeningFact {
                disease: f.disease(line)?,
                program: f.required(1, line)?.to_string(),
                panel: f.required(2, line)?.to_string(),
                condition: f.required(3, line)?.to_string(),
                condition_code: f.optional(4).map(str::to_string),
                jurisdiction: f.required(5, line)?.to_string(),
                source_url: f.required(6, line)?.to_string(),
                as_of: f.required(7, line)?.to_string(),
            };
            f.checked(fact.problem(), line)?;
            Ok(fact)
        },
    )
}

/// One row's fields by the position of their column in `names`.
struct Fields<'a> {
    path: &'a Path,
    names: &'a [&'a str],
    values: Vec<&'a str>,
}

impl Fields<'_> {
    fn error(&self, line: usize, field: &str, reason: &str) -> IngestError {
        IngestError::parse(self.path, line, format!("field `{field}`: {reason}"))
    }

    fn optional(&self, i: usize) -> Option<&str> {
        Some(self.values[i].trim()).filter(|v| !v.is_empty())
    }

    fn required(&self, i: usize, line: usize) -> Result<&str, IngestError> {
        self.optional(i)
            .ok_or_else(|| self.error(line, self.names[i], "empty"))
    }

    fn disease(&self, line: usize) -> Result<Curie, IngestError> {
        curie_field(self.path, line, self.names[0], self.required(0, line)?)
    }

    /// A fact's problem as an error at `line`.
    fn checked(&self, problem: Option<Problem>, line: usize) -> Result<(), IngestError> {
        match problem {
            Some((field, reason)) => Err(self.error(line, field, reason)),
            None => Ok(()),
        }
    }
}

fn parse_rows<T>(
    path: &Path,
    input: impl Read,
    names: &[&str],
    mut row: impl FnMut(&Fields<'_>, usize) -> Result<T, IngestError>,
) -> Result<Rows<T>, IngestError> {
    let mut columns: Option<Vec<usize>> = None;
    let mut out = Vec::new();
    for_each_line(path, input, |line, text| {
        if text.starts_with('#') || text.trim().is_empty() {
            return Ok(());
        }
        let Some(cols) = &columns else {
            let header = TsvHeader::new(text);
            columns = Some(
                names
                    .iter()
                    .map(|n| header.require(path, line, n))
                    .collect::<Result<_, _>>()?,
            );
            return Ok(());
        };
        let width = cols.iter().max().map_or(0, |m| m + 1);
        let all = split_row(path, line, text, width)?;
        let fields = Fields {
            path,
            names,
            values: cols.iter().map(|&c| all[c]).collect(),
        };
        out.push((line, row(&fields, line)?));
        Ok(())
    })?;
    if columns.is_none() {
        return Err(IngestError::parse(path, 1, "no header row"));
    }
    Ok(out)
}
