//! Ingest: one parser per source format.
//!
//! Each parser reads one published file (gzipped or plain), validates every
//! row, and returns plain records. Nothing here knows about the graph; the
//! [`crate::graph`] builder joins the records. A malformed row stops the parse
//! with an [`IngestError`] naming the file, the line and the reason.

pub mod catalogue;
pub mod ctgov;
pub mod curated;
pub mod fda;
pub mod genes_to_phenotype;
pub mod hgnc;
pub mod hpoa;
pub mod mondo;
pub mod obo;
pub mod orphanet_epidemiology;
pub mod orphapacket;
pub mod phenopacket;

#[cfg(test)]
mod fuzz_regressions;

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A failure to read or parse a source file.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be opened or read.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A line (or JSON member) of the file is malformed.
    #[error("{path}:{line}: {reason}")]
    Parse {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl IngestError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        IngestError::Io {
            path: path.to_path_buf(),
            error: source,
        }
    }

    pub(crate) fn parse(path: &Path, line: usize, reason: impl Into<String>) -> Self {
        IngestError::Parse {
            path: path.to_path_buf(),
            line,
            reason: reason.into(),
        }
    }
}

fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

/// Opens a file for reading, transparently decompressing `*.gz`.
pub(crate) fn open(path: &Path) -> Result<Box<dyn Read + Send>, IngestError> {
    let file = File::open(path).map_err(|e| IngestError::io(path, e))?;
    if is_gzip(path) {
        Ok(Box::new(flate2::read::GzDecoder::new(
            BufReader::with_capacity(1 << 16, file),
        )))
    } else {
        Ok(Box::new(file))
    }
}

/// [`open`] for the in-memory contents of a file named `name`.
pub(crate) fn open_bytes<'a>(name: &Path, bytes: &'a [u8]) -> Box<dyn Read + Send + 'a> {
    if is_gzip(name) {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    }
}

/// Calls `f(line_number, line)` for every line of `input`, the (already
/// decompressed) text of the file at `path`, with the trailing newline
/// removed. Line numbers start at 1.
pub(crate) fn for_each_line(
    path: &Path,
    input: impl Read,
    mut f: impl FnMut(usize, &str) -> Result<(), IngestError>,
) -> Result<(), IngestError> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut buf = String::new();
    let mut line_no = 0;
    loop {
        buf.clear();
        let n = reader
            .read_line(&mut buf)
            .map_err(|e| IngestError::parse(path, line_no + 1, format!("unreadable line: {e}")))?;
        if n == 0 {
            return Ok(());
        }
        line_no += 1;
        let line = buf.trim_end_matches(['\n', '\r']);
        f(line_no, line)?;
    }
}

/// A tab-separated table with a header row: column positions by name.
pub(crate) struct TsvHeader {
    columns: Vec<String>,
}

impl TsvHeader {
    pub(crate) fn new(line: &str) -> Self {
        TsvHeader {
            columns: line.split('\t').map(|c| c.trim().to_string()).collect(),
        }
    }

    /// The position of a required column.
    pub(crate) fn require(
        &self,
        path: &Path,
        line: usize,
        name: &str,
    ) -> Result<usize, IngestError> {
        self.columns
            .iter()
            .position(|c| c == name)
            .ok_or_else(|| IngestError::parse(path, line, format!("missing column `{name}`")))
    }

    pub(crate) fn position(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    pub(crate) fn len(&self) -> usize {
        self.columns.len()
    }
}

/// Splits a data row and checks it has at least `min` fields.
pub(crate) fn split_row<'a>(
    path: &Path,
    line_no: usize,
    line: &'a str,
    min: usize,
) -> Result<Vec<&'a str>, IngestError> {
    let fields: Vec<&str> = line.split('\t').collect();
    if fields.len() < min {
        return Err(IngestError::parse(
            path,
            line_no,
            format!(
                "expected {min} tab-separated fields, found {}",
                fields.len()
            ),
        ));
    }
    Ok(fields)
}

/// Parses a CURIE field, naming the field in the error.
pub(crate) fn curie_field(
    path: &Path,
    line: usize,
    field: &str,
    value: &str,
) -> Result<crate::curie::Curie, IngestError> {
    crate::curie::Curie::parse(value)
        .map_err(|e| IngestError::parse(path, line, format!("field `{field}`: {e}")))
}

/// One parser's cache of the values its rows repeat.
///
/// Annotation files repeat a few thousand ids and strings over hundreds of
/// thousands of rows; sharing them keeps the parse's peak memory (and the
/// allocator fragmentation it leaves) down and skips re-validating each id.
#[derive(Default)]
pub(crate) struct Shared {
    curies: HashMap<Box<str>, crate::curie::Curie>,
    texts: HashMap<Box<str>, Arc<str>>,
}

impl Shared {
    /// `curie_field`, remembering every id seen.
    pub(crate) fn curie(
        &mut self,
        path: &Path,
        line: usize,
        field: &str,
        value: &str,
    ) -> Result<crate::curie::Curie, IngestError> {
        if let Some(c) = self.curies.get(value) {
            return Ok(c.clone());
        }
        let c = curie_field(path, line, field, value)?;
        self.curies.insert(value.into(), c.clone());
        Ok(c)
    }

    /// One shared copy of a repeated string.
    pub(crate) fn text(&mut self, value: &str) -> Arc<str> {
        if let Some(t) = self.texts.get(value) {
            return t.clone();
        }
        let t: Arc<str> = value.into();
        self.texts.insert(value.into(), t.clone());
        t
    }

    /// `Frequency::parse`, sharing frequency terms.
    pub(crate) fn frequency(
        &mut self,
        path: &Path,
        line: usize,
        raw: &str,
    ) -> Result<Frequency, IngestError> {
        if let Some(c) = self.curies.get(raw) {
            return Ok(Frequency::Term(c.clone()));
        }
        let f = Frequency::parse(raw)
            .map_err(|e| IngestError::parse(path, line, format!("field `frequency`: {e}")))?;
        if let Frequency::Term(c) = &f {
            self.curies.insert(raw.into(), c.clone());
        }
        Ok(f)
    }
}

/// An annotation frequency as the sources state it.
#[derive(Debug, Clone, PartialEq)]
pub enum Frequency {
    /// An HPO frequency term (HP:0040280 .. HP:0040285).
    Term(crate::curie::Curie),
    /// `n` of `m` patients.
    Ratio(u32, u32),
    /// A percentage.
    Percent(f32),
}

impl Frequency {
    /// Parses `HP:0040283`, `3/7` or `25%`.
    pub fn parse(raw: &str) -> Result<Frequency, String> {
        let raw = raw.trim();
        if let Some((n, m)) = raw.split_once('/') {
            let n: u32 = n.trim().parse().map_err(|_| format!("bad ratio `{raw}`"))?;
            let m: u32 = m.trim().parse().map_err(|_| format!("bad ratio `{raw}`"))?;
            if m == 0 || n > m {
                return Err(format!("bad ratio `{raw}`"));
            }
            return Ok(Frequency::Ratio(n, m));
        }
        if let Some(p) = raw.strip_suffix('%') {
            let p: f32 = p
                .trim()
                .parse()
                .map_err(|_| format!("bad percentage `{raw}`"))?;
            if !(0.0..=100.0).contains(&p) {
                return Err(format!("percentage out of range `{raw}`"));
            }
            return Ok(Frequency::Percent(p));
        }
        let c = crate::curie::Curie::parse(raw).map_err(|e| e.to_string())?;
        if c.prefix() != crate::curie::Prefix::Hp {
            return Err(format!(
                "frequency `{raw}` is not an HP term, n/m or a percentage"
            ));
        }
        Ok(Frequency::Term(c))
    }
}

/// Writes `contents` to a fresh temporary file named `name`, for parser tests.
#[cfg(test)]
pub(crate) fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "rarekg-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}
