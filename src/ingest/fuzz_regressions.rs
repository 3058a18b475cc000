//! Replays the inputs kept under `fuzz/regressions/<target>/`: what the fuzz
//! targets (`fuzz/fuzz_targets/`) once broke a parser with, and hand-made
//! hostile files (empty, truncated gzip, invalid UTF-8, overflowing numbers).
//! Each file goes to its target's parser under its own name, so `*.gz` files
//! are gunzipped as they would be on disk. Every one must come back as `Ok`
//! or `Err`, never a panic; some must fail with a given message.

use super::{
    ctgov, curated, fda, genes_to_phenotype, hgnc, hpoa, mondo, obo, orphanet_epidemiology,
    orphapacket, IngestError,
};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Parses every file kept for `target` and checks that none panics and that
/// each `(file, text)` of `expected` fails with an error containing `text`.
fn replay<T>(
    target: &str,
    parse: impl Fn(&Path, &[u8]) -> Result<T, IngestError>,
    expected: &[(&str, &str)],
) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no regression input", dir.display());
    let mut panicked = Vec::new();
    let mut errors = Vec::new();
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        match catch_unwind(AssertUnwindSafe(|| parse(path, &bytes))) {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => errors.push((name, e.to_string())),
            Err(_) => panicked.push(name),
        }
    }
    assert!(panicked.is_empty(), "{target}: panicked on {panicked:?}");
    for (file, text) in expected {
        assert!(
            files.iter().any(|p| p.ends_with(file)),
            "{target}: no regression input `{file}`"
        );
        let error = errors.iter().find(|(name, _)| name == file);
        assert!(
            error.is_some_and(|(_, msg)| msg.contains(text)),
            "{target}/{file}: expected an error containing {text:?}, got {error:?}"
        );
    }
}

#[test]
fn obo() {
    replay(
        "obo",
        obo::parse_bytes,
        &[
            ("empty", ":1: no [Term] stanza found"),
            ("invalid-utf8-name", ":5: unreadable line"),
            ("huge-id", ":2: field `id`"),
        ],
    );
}

#[test]
fn hpoa() {
    replay(
        "hpoa",
        hpoa::parse_bytes,
        &[
            (
                "header-column-past-row-end",
                ":2: expected 14 tab-separated fields, found 12",
            ),
            ("invalid-utf8-disease-name", ":3: unreadable line"),
            ("ratio-overflows-u32", ":3: field `frequency`: bad ratio"),
            (
                "percent-overflows-f32",
                ":3: field `frequency`: percentage out of range",
            ),
        ],
    );
}

#[test]
fn genes_to_phenotype() {
    replay(
        "genes_to_phenotype",
        genes_to_phenotype::parse_bytes,
        &[
            ("empty", ":1: no header row"),
            (
                "header-column-past-row-end",
                ":2: expected 8 tab-separated fields, found 6",
            ),
            ("ratio-overflows-u32", ":2: field `frequency`: bad ratio"),
            ("gene-id-not-a-number", ":2: field `ncbi_gene_id`"),
        ],
    );
}

#[test]
fn hgnc() {
    replay(
        "hgnc",
        hgnc::parse_bytes,
        &[("invalid-utf8-name", ":2: unreadable line")],
    );
}

#[test]
fn mondo_terms() {
    replay(
        "mondo_terms",
        mondo::parse_terms_bytes,
        &[("invalid-utf8-label", ":2: unreadable line")],
    );
}

#[test]
fn mondo_edges() {
    replay(
        "mondo_edges",
        mondo::parse_subclass_edges_bytes,
        &[("huge-mondo-id", ":2: field `subject`")],
    );
}

#[test]
fn mondo_sssom() {
    replay(
        "mondo_sssom",
        mondo::parse_sssom_bytes,
        &[
            (
                "header-column-past-row-end",
                ":2: expected 5 tab-separated fields, found 4",
            ),
            ("invalid-utf8-version", ":1: unreadable line"),
        ],
    );
}

#[test]
fn curated_organizations() {
    replay(
        "curated_organizations",
        curated::parse_organizations_bytes,
        &[
            ("empty", ":1: no header row"),
            ("date-with-huge-year", ": field `as_of`: not an ISO date"),
        ],
    );
}

#[test]
fn curated_screening() {
    replay(
        "curated_screening",
        curated::parse_screening_bytes,
        &[("short-row", "tab-separated fields, found 4")],
    );
}

#[test]
fn fda() {
    replay(
        "fda",
        fda::parse_bytes,
        &[(
            "date-with-huge-numbers",
            ":2: `Date Designated`: not a date",
        )],
    );
}

#[test]
fn orphanet_epidemiology() {
    replay(
        "orphanet_epidemiology",
        orphanet_epidemiology::parse_bytes,
        &[("invalid-utf8", ":2: malformed CSV")],
    );
}

#[test]
fn ctgov() {
    replay(
        "ctgov",
        ctgov::parse_bytes,
        &[
            (
                "enrollment-overflows-u32.json",
                ":4: `NCT06472557.enrollment`",
            ),
            ("deeply-nested.json", "recursion limit exceeded"),
        ],
    );
}

#[test]
fn orphapacket() {
    replay(
        "orphapacket",
        orphapacket::parse_packet,
        &[
            (
                "invalid-utf8.json",
                ":1: column 46: invalid unicode code point",
            ),
            ("empty.json", ":1: column 0: EOF while parsing"),
        ],
    );
}
