//! HGNC complete set (`hgnc_complete_set.txt`), approved genes only.

use super::{curie_field, for_each_line, open, open_bytes, split_row, IngestError, TsvHeader};
use crate::curie::Curie;
use std::io::Read;
use std::path::Path;

/// One approved gene.
#[derive(Debug, Clone)]
pub struct HgncGene {
    pub hgnc: Curie,
    pub symbol: String,
    pub name: String,
    pub locus_group: String,
    pub locus_type: String,
    pub location: String,
    pub alias_symbols: Vec<String>,
    pub previous_symbols: Vec<String>,
    pub ncbi_gene: Option<Curie>,
    pub ensembl: Option<Curie>,
    pub omim: Vec<String>,
    pub date_modified: String,
}

/// The parsed file.
#[derive(Debug, Default)]
pub struct HgncSet {
    pub genes: Vec<HgncGene>,
    /// Rows with status `Entry Withdrawn`, skipped.
    pub withdrawn: usize,
}

impl HgncSet {
    /// The file carries no version: its release is the newest `date_modified`.
    pub fn release(&self) -> Option<String> {
        self.genes
            .iter()
            .map(|g| g.date_modified.as_str())
            .max()
            .map(str::to_string)
    }
}

/// Splits `"A|B|C"` (quotes optional) into its items.
fn multi(v: &str) -> Vec<String> {
    v.trim()
        .trim_matches('"')
        .split('|')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub fn parse(path: &Path) -> Result<HgncSet, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<HgncSet, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, input: impl Read) -> Result<HgncSet, IngestError> {
    const NAMES: [&str; 14] = [
        "hgnc_id",
        "symbol",
        "name",
        "locus_group",
        "locus_type",
        "status",
        "location",
        "alias_symbol",
        "prev_symbol",
        "entrez_id",
        "ensembl_gene_id",
        "omim_id",
        "date_modified",
        "date_approved_reserved",
    ];
    let mut out = HgncSet::default();
    let mut cols: Option<[usize; 14]> = None;
    for_each_line(path, input, |n, line| {
        if line.trim().is_empty() {
            return Ok(());
        }
        let Some(c) = cols else {
            let h = TsvHeader::new(line);
            let mut c = [0; 14];
            for (slot, name) in c.iter_mut().zip(NAMES) {
                *slot = h.require(path, n, name)?;
            }
            cols = Some(c);
            return Ok(());
        };
        let f = split_row(path, n, line, c.iter().max().unwrap() + 1)?;
        let get = |i: usize| f[c[i]].trim();
        if get(5) != "Approved" {
            out.withdrawn += 1;
            return Ok(());
        }
        let symbol = get(1);
        if symbol.is_empty() {
            return Err(IngestError::parse(path, n, "field `symbol`: empty"));
        }
        let opt = |field: &str, prefix: &str, v: &str| -> Result<Option<Curie>, IngestError> {
            if v.is_empty() {
                Ok(None)
            } else {
                curie_field(path, n, field, &format!("{prefix}:{v}")).map(Some)
            }
        };
        out.genes.push(HgncGene {
            hgnc: curie_field(path, n, "hgnc_id", get(0))?,
            symbol: symbol.to_string(),
            name: get(2).to_string(),
            locus_group: get(3).to_string(),
            locus_type: get(4).to_string(),
            location: get(6).to_string(),
            alias_symbols: multi(get(7)),
            previous_symbols: multi(get(8)),
            ncbi_gene: opt("entrez_id", "NCBIGene", get(9))?,
            ensembl: opt("ensembl_gene_id", "ENSEMBL", get(10))?,
            omim: multi(get(11)),
            date_modified: if get(12).is_empty() { get(13) } else { get(12) }.to_string(),
        });
        Ok(())
    })?;
    if cols.is_none() {
        return Err(IngestError::parse(path, 1, "no header row"));
    }
    Ok(out)
}
