//! `genes_to_phenotype.txt`: gene, phenotype and the disease that links them.

use super::{
    for_each_line, open, open_bytes, split_row, Frequency, IngestError, Shared, TsvHeader,
};
use crate::curie::{Curie, Prefix};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// One row: `ncbi_gene_id gene_symbol hpo_id hpo_name frequency disease_id`.
#[derive(Debug, Clone)]
pub struct GeneToPhenotypeRow {
    pub line: usize,
    pub ncbi_gene: Curie,
    pub symbol: Arc<str>,
    pub hpo: Curie,
    pub frequency: Option<Frequency>,
    pub disease: Curie,
}

pub fn parse(path: &Path) -> Result<Vec<GeneToPhenotypeRow>, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<Vec<GeneToPhenotypeRow>, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, input: impl Read) -> Result<Vec<GeneToPhenotypeRow>, IngestError> {
    let mut rows = Vec::new();
    let mut cols: Option<[usize; 5]> = None;
    let mut shared = Shared::default();
    for_each_line(path, input, |n, line| {
        if line.trim().is_empty() || line.starts_with('#') {
            return Ok(());
        }
        let Some(c) = cols else {
            let h = TsvHeader::new(line);
            cols = Some([
                h.require(path, n, "ncbi_gene_id")?,
                h.require(path, n, "gene_symbol")?,
                h.require(path, n, "hpo_id")?,
                h.require(path, n, "frequency")?,
                h.require(path, n, "disease_id")?,
            ]);
            return Ok(());
        };
        // The header may place a column past the format's sixth.
        let f = split_row(path, n, line, (c.iter().max().unwrap() + 1).max(6))?;
        let gene_id = f[c[0]].trim();
        let ncbi_gene = shared.curie(path, n, "ncbi_gene_id", &format!("NCBIGene:{gene_id}"))?;
        let hpo = shared.curie(path, n, "hpo_id", f[c[2]].trim())?;
        if hpo.prefix() != Prefix::Hp {
            return Err(IngestError::parse(path, n, "field `hpo_id`: not an HP id"));
        }
        let frequency = match f[c[3]].trim() {
            "" | "-" => None,
            raw => Some(shared.frequency(path, n, raw)?),
        };
        let disease = shared.curie(path, n, "disease_id", f[c[4]].trim())?;
        let symbol = f[c[1]].trim();
        if symbol.is_empty() {
            return Err(IngestError::parse(path, n, "field `gene_symbol`: empty"));
        }
        rows.push(GeneToPhenotypeRow {
            line: n,
            ncbi_gene,
            symbol: shared.text(symbol),
            hpo,
            frequency,
            disease,
        });
        Ok(())
    })?;
    if cols.is_none() {
        return Err(IngestError::parse(path, 1, "no header row"));
    }
    Ok(rows)
}
