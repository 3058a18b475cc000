//! `phenotype.hpoa`: HPO disease annotations (the 2021+ twelve-column format).

use super::{
    for_each_line, open, open_bytes, split_row, Frequency, IngestError, Shared, TsvHeader,
};
use crate::curie::{Curie, Prefix};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The HPO sub-ontology an annotation belongs to (column `aspect`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aspect {
    /// P: phenotypic abnormality.
    Phenotype,
    /// I: mode of inheritance.
    Inheritance,
    /// C: onset and clinical course.
    ClinicalCourse,
    /// M: clinical modifier.
    Modifier,
    /// H: past medical history.
    History,
}

/// The sex an annotation is restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

/// One row of `phenotype.hpoa`.
#[derive(Debug, Clone)]
pub struct HpoaRow {
    pub line: usize,
    pub disease: Curie,
    pub disease_name: Arc<str>,
    pub negated: bool,
    pub hpo: Curie,
    pub references: Vec<Arc<str>>,
    pub evidence: Arc<str>,
    pub onset: Option<Curie>,
    pub frequency: Option<Frequency>,
    pub sex: Option<Sex>,
    pub modifiers: Vec<Curie>,
    pub aspect: Aspect,
    pub biocuration: Arc<str>,
}

/// The parsed file.
#[derive(Debug, Default)]
pub struct Hpoa {
    /// `#version:` header.
    pub version: Option<String>,
    pub rows: Vec<HpoaRow>,
}

/// An HP id field.
fn hp_term(
    shared: &mut Shared,
    path: &Path,
    n: usize,
    field: &str,
    v: &str,
) -> Result<Curie, IngestError> {
    let c = shared.curie(path, n, field, v)?;
    if c.prefix() != Prefix::Hp {
        return Err(IngestError::parse(
            path,
            n,
            format!("field `{field}`: `{v}` is not an HP id"),
        ));
    }
    Ok(c)
}

pub fn parse(path: &Path) -> Result<Hpoa, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<Hpoa, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, input: impl Read) -> Result<Hpoa, IngestError> {
    let mut out = Hpoa::default();
    let mut header: Option<[usize; 12]> = None;
    let mut shared = Shared::default();
    for_each_line(path, input, |n, line| {
        if let Some(meta) = line.strip_prefix('#') {
            if let Some(v) = meta.strip_prefix("version:") {
                out.version = Some(v.trim().to_string());
            }
            return Ok(());
        }
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some(cols) = header else {
            let h = TsvHeader::new(line);
            let mut cols = [0; 12];
            for (slot, name) in cols.iter_mut().zip([
                "database_id",
                "disease_name",
                "qualifier",
                "hpo_id",
                "reference",
                "evidence",
                "onset",
                "frequency",
                "sex",
                "modifier",
                "aspect",
                "biocuration",
            ]) {
                *slot = h.require(path, n, name)?;
            }
            header = Some(cols);
            return Ok(());
        };
        // The header may place a column past the format's twelfth.
        let f = split_row(path, n, line, cols.iter().max().unwrap() + 1)?;
        let get = |i: usize| f[cols[i]].trim();
        let disease = shared.curie(path, n, "database_id", get(0))?;
        if !matches!(
            disease.prefix(),
            Prefix::Omim | Prefix::Orpha | Prefix::Decipher
        ) {
            return Err(IngestError::parse(
                path,
                n,
                format!(
                    "field `database_id`: `{}` is not an OMIM, ORPHA or DECIPHER id",
                    get(0)
                ),
            ));
        }
        let negated = match get(2) {
            "" => false,
            "NOT" => true,
            other => {
                return Err(IngestError::parse(
                    path,
                    n,
                    format!("field `qualifier`: expected NOT or empty, found `{other}`"),
                ))
            }
        };
        let evidence = get(5);
        if !matches!(evidence, "IEA" | "PCS" | "TAS" | "ICE") {
            return Err(IngestError::parse(
                path,
                n,
                format!("field `evidence`: unknown evidence code `{evidence}`"),
            ));
        }
        let aspect = match get(10) {
            "P" => Aspect::Phenotype,
            "I" => Aspect::Inheritance,
            "C" => Aspect::ClinicalCourse,
            "M" => Aspect::Modifier,
            "H" => Aspect::History,
            other => {
                return Err(IngestError::parse(
                    path,
                    n,
                    format!("field `aspect`: expected P, I, C, M or H, found `{other}`"),
                ))
            }
        };
        let sex = match get(8).to_ascii_uppercase().as_str() {
            "" => None,
            "MALE" => Some(Sex::Male),
            "FEMALE" => Some(Sex::Female),
            other => {
                return Err(IngestError::parse(
                    path,
                    n,
                    format!("field `sex`: expected MALE, FEMALE or empty, found `{other}`"),
                ))
            }
        };
        let frequency = match get(7) {
            "" => None,
            raw => Some(shared.frequency(path, n, raw)?),
        };
        let hpo = hp_term(&mut shared, path, n, "hpo_id", get(3))?;
        let onset = match get(6) {
            "" => None,
            raw => Some(hp_term(&mut shared, path, n, "onset", raw)?),
        };
        let mut modifiers = Vec::new();
        for m in get(9).split(';').map(str::trim).filter(|m| !m.is_empty()) {
            let m = hp_term(&mut shared, path, n, "modifier", m)?;
            if !modifiers.contains(&m) {
                modifiers.push(m);
            }
        }
        out.rows.push(HpoaRow {
            line: n,
            disease,
            disease_name: shared.text(get(1)),
            negated,
            hpo,
            references: get(4)
                .split(';')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(|r| shared.text(r))
                .collect(),
            evidence: shared.text(evidence),
            onset,
            frequency,
            sex,
            modifiers,
            aspect,
            biocuration: shared.text(get(11)),
        });
        Ok(())
    })?;
    if header.is_none() {
        return Err(IngestError::parse(
            path,
            1,
            "no header row (database_id ... biocuration)",
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "#version: 2025-01-16\ndatabase_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\tsex\tmodifier\taspect\tbiocuration\n";

    fn parse_rows(rows: &str) -> Result<Hpoa, IngestError> {
        parse(&crate::ingest::temp_file(
            "phenotype.hpoa",
            format!("{HEADER}{rows}").as_bytes(),
        ))
    }

    #[test]
    fn parses_frequency_forms_and_aspects() {
        let h = parse_rows(
            "ORPHA:732\tPolymyositis\t\tHP:0003701\tORPHA:732\tTAS\t\tHP:0040281\t\t\tP\tORPHA:orphadata[2025-01-16]\n\
             OMIM:1\tX\tNOT\tHP:0000002\tPMID:1;PMID:2\tPCS\tHP:0003577\t3/7\tMALE\t\tP\tHPO:x[2020-01-01]\n\
             OMIM:1\tX\t\tHP:0000006\tPMID:1\tIEA\t\t25%\t\t\tI\tHPO:x[2020-01-01]\n",
        )
        .unwrap();
        assert_eq!(h.version.as_deref(), Some("2025-01-16"));
        assert_eq!(h.rows.len(), 3);
        assert!(h.rows[1].negated);
        assert_eq!(h.rows[1].frequency, Some(Frequency::Ratio(3, 7)));
        assert_eq!(h.rows[1].references.len(), 2);
        assert_eq!(h.rows[2].frequency, Some(Frequency::Percent(25.0)));
        assert_eq!(h.rows[2].aspect, Aspect::Inheritance);
    }

    #[test]
    fn a_malformed_row_names_file_line_and_field() {
        let err = parse_rows("ORPHA:732\tP\t\tHP:0003701\tX\tTAS\t\t9/7\t\t\tP\tc\n").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("phenotype.hpoa:3: field `frequency`: bad ratio `9/7`"),
            "{msg}"
        );
        let err =
            parse_rows("ORPHA:732\tP\tMAYBE\tHP:0003701\tX\tTAS\t\t\t\t\tP\tc\n").unwrap_err();
        assert!(err.to_string().contains(":3: field `qualifier`"), "{err}");
        let err = parse_rows("ORPHA:732\tP\n").unwrap_err();
        assert!(
            err.to_string()
                .contains(":3: expected 12 tab-separated fields, found 2"),
            "{err}"
        );
    }
}
