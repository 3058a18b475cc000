//! MONDO rare-disease subset: labels and synonyms (TSV), `is_a` edges (KGX
//! TSV) and SSSOM mapping sets.

use super::{curie_field, for_each_line, open, open_bytes, split_row, IngestError, TsvHeader};
use crate::curie::{Curie, Prefix};
use std::io::Read;
use std::path::Path;

/// One MONDO class of the rare subset.
#[derive(Debug, Clone)]
pub struct MondoTerm {
    pub id: Curie,
    pub label: String,
    pub synonyms: Vec<String>,
}

/// `ID LABEL SYNONYMS` (synonyms `|`-separated).
pub fn parse_terms(path: &Path) -> Result<Vec<MondoTerm>, IngestError> {
    terms(path, open(path)?)
}

/// [`parse_terms`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_terms_bytes(name: &Path, bytes: &[u8]) -> Result<Vec<MondoTerm>, IngestError> {
    terms(name, open_bytes(name, bytes))
}

fn terms(path: &Path, input: impl Read) -> Result<Vec<MondoTerm>, IngestError> {
    let mut out = Vec::new();
    let mut seen_header = false;
    for_each_line(path, input, |n, line| {
        if line.trim().is_empty() {
            return Ok(());
        }
        if !seen_header {
            seen_header = true;
            let h = TsvHeader::new(line);
            h.require(path, n, "ID")?;
            h.require(path, n, "LABEL")?;
            return Ok(());
        }
        let f = split_row(path, n, line, 2)?;
        let id = curie_field(path, n, "ID", f[0])?;
        if id.prefix() != Prefix::Mondo {
            return Err(IngestError::parse(path, n, "field `ID`: not a MONDO id"));
        }
        let label = f[1].trim();
        if label.is_empty() {
            return Err(IngestError::parse(path, n, "field `LABEL`: empty"));
        }
        let synonyms = f
            .get(2)
            .map(|s| {
                s.split('|')
                    .map(str::trim)
                    .filter(|x| !x.is_empty() && *x != label)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        out.push(MondoTerm {
            id,
            label: label.to_string(),
            synonyms,
        });
        Ok(())
    })?;
    Ok(out)
}

/// One row of MONDO's subset table: a term and a subset it is in
/// (`nord_rare`, `gard_rare`, `rare`, `orphanet`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsetRow {
    pub id: Curie,
    pub subset: String,
}

/// MONDO's subset table (`id`, `subset`, `group` columns, tab-separated).
pub fn parse_subsets(path: &Path) -> Result<Vec<SubsetRow>, IngestError> {
    subsets(path, open(path)?)
}

fn subsets(path: &Path, input: impl Read) -> Result<Vec<SubsetRow>, IngestError> {
    let mut out = Vec::new();
    let mut cols: Option<(usize, usize)> = None;
    for_each_line(path, input, |n, line| {
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some((i, s)) = cols else {
            let h = TsvHeader::new(line);
            cols = Some((h.require(path, n, "id")?, h.require(path, n, "subset")?));
            return Ok(());
        };
        let f = split_row(path, n, line, i.max(s) + 1)?;
        if f[s].trim().is_empty() {
            return Err(IngestError::parse(path, n, "empty field `subset`"));
        }
        out.push(SubsetRow {
            id: curie_field(path, n, "id", f[i])?,
            subset: f[s].trim().to_string(),
        });
        Ok(())
    })?;
    Ok(out)
}

/// `subject biolink:subclass_of object` edges; other predicates are skipped.
pub fn parse_subclass_edges(path: &Path) -> Result<Vec<(Curie, Curie)>, IngestError> {
    subclass_edges(path, open(path)?)
}

/// [`parse_subclass_edges`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_subclass_edges_bytes(
    name: &Path,
    bytes: &[u8],
) -> Result<Vec<(Curie, Curie)>, IngestError> {
    subclass_edges(name, open_bytes(name, bytes))
}

fn subclass_edges(path: &Path, input: impl Read) -> Result<Vec<(Curie, Curie)>, IngestError> {
    let mut out = Vec::new();
    let mut cols: Option<(usize, usize, usize)> = None;
    for_each_line(path, input, |n, line| {
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some((s, p, o)) = cols else {
            let h = TsvHeader::new(line);
            cols = Some((
                h.require(path, n, "subject")?,
                h.require(path, n, "predicate")?,
                h.require(path, n, "object")?,
            ));
            return Ok(());
        };
        let f = split_row(path, n, line, s.max(p).max(o) + 1)?;
        if f[p] != "biolink:subclass_of" {
            return Ok(());
        }
        out.push((
            curie_field(path, n, "subject", f[s])?,
            curie_field(path, n, "object", f[o])?,
        ));
        Ok(())
    })?;
    Ok(out)
}

/// One SSSOM mapping.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub subject: Curie,
    pub subject_label: String,
    /// `skos:exactMatch` or `oboInOwl:hasDbXref`.
    pub predicate: String,
    pub object: Curie,
    /// The object's label, where the set gives one (empty otherwise).
    pub object_label: String,
    pub justification: String,
}

/// A parsed SSSOM file.
#[derive(Debug, Default)]
pub struct MappingSet {
    /// `mapping_set_version` from the YAML header.
    pub version: Option<String>,
    pub mappings: Vec<Mapping>,
}

impl MappingSet {
    /// The release date inside `mapping_set_version`
    /// (`.../mondo/releases/2026-08-04/mappings/...`).
    pub fn release(&self) -> Option<String> {
        let v = self.version.as_deref()?;
        let after = v.split("/releases/").nth(1)?;
        Some(after.split('/').next()?.to_string())
    }
}

/// Parses an SSSOM TSV file. Rows whose object prefix this server does not
/// know are an error: a mapping set is chosen for its target namespace.
pub fn parse_sssom(path: &Path) -> Result<MappingSet, IngestError> {
    sssom(path, open(path)?)
}

/// [`parse_sssom`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_sssom_bytes(name: &Path, bytes: &[u8]) -> Result<MappingSet, IngestError> {
    sssom(name, open_bytes(name, bytes))
}

fn sssom(path: &Path, input: impl Read) -> Result<MappingSet, IngestError> {
    let mut out = MappingSet::default();
    let mut cols: Option<[usize; 6]> = None;
    for_each_line(path, input, |n, line| {
        if let Some(meta) = line.strip_prefix('#') {
            if let Some(v) = meta.trim().strip_prefix("mapping_set_version:") {
                out.version = Some(v.trim().to_string());
            }
            return Ok(());
        }
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some(c) = cols else {
            let h = TsvHeader::new(line);
            cols = Some([
                h.require(path, n, "subject_id")?,
                h.require(path, n, "subject_label")?,
                h.require(path, n, "predicate_id")?,
                h.require(path, n, "object_id")?,
                h.position("mapping_justification").unwrap_or(h.len()),
                h.position("object_label").unwrap_or(h.len()),
            ]);
            return Ok(());
        };
        // The header may place a required column past the fourth.
        let f = split_row(path, n, line, c[..4].iter().max().unwrap() + 1)?;
        out.mappings.push(Mapping {
            subject: curie_field(path, n, "subject_id", f[c[0]])?,
            subject_label: f[c[1]].trim().to_string(),
            predicate: f[c[2]].trim().to_string(),
            object: curie_field(path, n, "object_id", f[c[3]])?,
            object_label: f
                .get(c[5])
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
            justification: f
                .get(c[4])
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
        });
        Ok(())
    })?;
    if cols.is_none() {
        return Err(IngestError::parse(path, 1, "no header row"));
    }
    Ok(out)
}
