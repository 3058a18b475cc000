//! The catalogue of source files: each file a release is built from is
//! declared once, in [`for_each_source`], with its key, where it lives in
//! the repository, what it is, its licence, its parser and whether a
//! reload's diff reports its changes. From that one table come the
//! reloadable sources ([`SourceFile`]), the file layout ([`DataPaths`]),
//! the GraphQL enum of reloadable sources and `rarekg check`'s report.
//!
//! Adding a source is one line here, plus what the graph makes of it.

use super::IngestError;
use std::path::{Path, PathBuf};

/// Calls the macro `$m` with every source file, one per line:
/// `Variant, "key", slot, "path under the root", "what it is", "licence",
/// parser, diffs;` where `slot` is `field(name)` of [`DataPaths`] or
/// `mapping(i)` (the i-th MONDO mapping set), `parser` reads the file and
/// counts its records, and `diffs` says whether a reload's diff reports
/// what it changes (terms and disease annotations).
macro_rules! for_each_source {
    ($m:ident) => {
        $m! {
            Hpo, "hpo", field(hpo), "ontologies/hpo/hp.obo.gz",
                "`hp.obo`", "HPO licence (free to use with attribution)",
                |p| $crate::ingest::obo::parse(p).map(|d| d.terms.len()), true;
            Hpoa, "hpoa", field(hpoa), "data/hpo/phenotype.hpoa.gz",
                "`phenotype.hpoa`", "HPO licence (free to use with attribution)",
                |p| $crate::ingest::hpoa::parse(p).map(|d| d.rows.len()), true;
            GenesToPhenotype, "genes_to_phenotype", field(genes_to_phenotype), "data/hpo/genes_to_phenotype.txt.gz",
                "`genes_to_phenotype.txt`", "HPO licence (free to use with attribution)",
                |p| $crate::ingest::genes_to_phenotype::parse(p).map(|r| r.len()), false;
            Orphanet, "orphanet", field(orphanet), "data/orphanet/orphapackets_json_2025-12.tar.gz",
                "The ORPHApackets `.tar.gz`", "CC BY 4.0",
                |p| $crate::ingest::orphapacket::parse_tarball(p).map(|s| s.packets.len()), true;
            Ordo, "ordo", field(ordo), "ontologies/ordo/ordo-2_6-2018-07-12.json.gz",
                "ORDO as OBO Graphs JSON (RDF store only)", "CC BY 4.0",
                |p| $crate::ingest::catalogue::json_bytes(p), false;
            MondoTerms, "mondo_terms", field(mondo_terms), "ontologies/mondo/mondo-rare.tsv.gz",
                "MONDO rare-subset labels TSV", "CC BY 4.0",
                |p| $crate::ingest::mondo::parse_terms(p).map(|t| t.len()), true;
            MondoEdges, "mondo_edges", field(mondo_edges), "ontologies/mondo/mondo-rare_edges.tsv.gz",
                "MONDO rare-subset is_a edges TSV", "CC BY 4.0",
                |p| $crate::ingest::mondo::parse_subclass_edges(p).map(|e| e.len()), false;
            Hgnc, "hgnc", field(hgnc), "data/hgnc/hgnc_complete_set.txt.gz",
                "HGNC complete set", "freely available (HGNC)",
                |p| $crate::ingest::hgnc::parse(p).map(|s| s.genes.len()), false;
            MondoOrphanet, "mondo_orphanet", mapping(0), "data/mondo/mondo_exactmatch_orphanet.sssom.tsv.gz",
                "MONDO SSSOM: exact matches to Orphanet", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), true;
            MondoOmim, "mondo_omim", mapping(1), "data/mondo/mondo_exactmatch_omim.sssom.tsv.gz",
                "MONDO SSSOM: exact matches to OMIM", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), true;
            MondoDoid, "mondo_doid", mapping(2), "data/mondo/mondo_exactmatch_doid.sssom.tsv.gz",
                "MONDO SSSOM: exact matches to DOID", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), false;
            MondoMesh, "mondo_mesh", mapping(3), "data/mondo/mondo_exactmatch_mesh.sssom.tsv.gz",
                "MONDO SSSOM: exact matches to MeSH", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), false;
            MondoNcit, "mondo_ncit", mapping(4), "data/mondo/mondo_exactmatch_ncit.sssom.tsv.gz",
                "MONDO SSSOM: exact matches to NCIt", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), false;
            MondoUmls, "mondo_umls", mapping(5), "data/mondo/mondo_exactmatch_umls.sssom.tsv.gz",
                "MONDO SSSOM: exact matches to UMLS", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), false;
            MondoGard, "mondo_gard", mapping(6), "data/mondo/mondo_hasdbxref_gard.sssom.tsv.gz",
                "MONDO SSSOM: database cross-references to GARD", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), false;
            MondoIcd10cm, "mondo_icd10cm", mapping(7), "data/mondo/mondo_hasdbxref_icd10cm.sssom.tsv.gz",
                "MONDO SSSOM: database cross-references to ICD-10-CM", "CC0 1.0",
                |p| $crate::ingest::mondo::parse_sssom(p).map(|m| m.mappings.len()), false;
            MondoSubsets, "mondo_subsets", field(mondo_subsets), "data/mondo/mondo_subsets.tsv.gz",
                "MONDO subset membership TSV (the NORD and GARD rare-disease flags)", "CC BY 4.0",
                |p| $crate::ingest::mondo::parse_subsets(p).map(|s| s.len()), false;
            Fda, "fda", field(fda), "data/fda/FDA_oopd_approved_2025.csv.gz",
                "FDA orphan designations (CSV export)", "public domain (US government work)",
                |p| $crate::ingest::fda::parse(p).map(|r| r.len()), false;
            PatientOrganizations, "patient_organizations", field(organizations), "data/curated/patient_organizations.tsv",
                "Curated patient organizations (TSV)", "CC BY 4.0 (this project)",
                |p| $crate::ingest::curated::parse_organizations(p).map(|r| r.len()), false;
            Screening, "screening", field(screening), "data/curated/newborn_screening.tsv",
                "Curated newborn-screening entries (TSV)", "CC BY 4.0 (this project)",
                |p| $crate::ingest::curated::parse_screening(p).map(|r| r.len()), false;
            OrphanetEpidemiology, "orphanet_epidemiology", field(orphanet_epidemiology), "data/orphanet/epidemiology_of_rare_diseases.csv.gz",
                "Orphadata epidemiology CSV (validation status, mean values)", "CC BY 4.0",
                |p| $crate::ingest::orphanet_epidemiology::parse(p).map(|r| r.len()), false;
        }
    };
}
pub(crate) use for_each_source;

/// The file of a source in [`DataPaths`].
macro_rules! file {
    ($p:ident, field($f:ident)) => {
        $p.$f.as_path()
    };
    ($p:ident, mapping($i:literal)) => {
        $p.mondo_mappings
            .get($i)
            .map_or(Path::new(""), |f| f.as_path())
    };
}

/// The place of a source's file in [`DataPaths`].
macro_rules! slot {
    ($p:ident, field($f:ident)) => {
        &mut $p.$f
    };
    ($p:ident, mapping($i:literal)) => {{
        if $p.mondo_mappings.len() <= $i {
            $p.mondo_mappings.resize($i + 1, PathBuf::new());
        }
        &mut $p.mondo_mappings[$i]
    }};
}

macro_rules! define_source_file {
    ($($v:ident, $key:literal, $slot:ident($($s:tt)*), $path:literal, $what:literal, $licence:literal, $parse:expr, $diffs:literal;)*) => {
        /// A source file a release is built from, and can be rebuilt with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum SourceFile {
            $(#[doc = $what] $v,)*
        }

        impl SourceFile {
            /// Every source, in the catalogue's order.
            pub const ALL: &'static [SourceFile] = &[$(SourceFile::$v),*];

            /// The name used in the data directory and on the command line.
            pub fn key(self) -> &'static str {
                match self { $(SourceFile::$v => $key,)* }
            }

            /// What the file is.
            pub fn description(self) -> &'static str {
                match self { $(SourceFile::$v => $what,)* }
            }

            /// Its licence.
            pub fn licence(self) -> &'static str {
                match self { $(SourceFile::$v => $licence,)* }
            }

            /// Where the repository keeps it, relative to the root.
            pub fn vendored(self) -> &'static str {
                match self { $(SourceFile::$v => $path,)* }
            }

            /// Whether a reload's diff reports what it changes (terms and
            /// disease annotations); every source reloads.
            pub fn diffs(self) -> bool {
                match self { $(SourceFile::$v => $diffs,)* }
            }

            /// Reads `path` as this source and counts its records.
            pub fn parse(self, path: &Path) -> Result<usize, IngestError> {
                match self {
                    $(SourceFile::$v => {
                        let parse: fn(&Path) -> Result<usize, IngestError> = $parse;
                        parse(path)
                    })*
                }
            }

            /// The file `p` reads this source from.
            pub fn file(self, p: &DataPaths) -> &Path {
                match self { $(SourceFile::$v => file!(p, $slot($($s)*)),)* }
            }

            fn slot(self, p: &mut DataPaths) -> &mut PathBuf {
                match self { $(SourceFile::$v => slot!(p, $slot($($s)*)),)* }
            }
        }
    };
}
for_each_source!(define_source_file);

impl SourceFile {
    /// The source named `key` (any case).
    pub fn from_key(key: &str) -> Option<SourceFile> {
        SourceFile::ALL
            .iter()
            .copied()
            .find(|s| s.key().eq_ignore_ascii_case(key))
    }

    /// `paths` with this source read from `file`.
    pub fn set(self, paths: &mut DataPaths, file: PathBuf) {
        *self.slot(paths) = file;
    }
}

/// Counts the records of a JSON document (1 when it parses).
pub(crate) fn json_bytes(path: &Path) -> Result<usize, IngestError> {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut super::open(path)?, &mut text)
        .map_err(|e| IngestError::parse(path, 1, format!("not text: {e}")))?;
    serde_json::from_str::<serde::de::IgnoredAny>(&text)
        .map_err(|e| IngestError::parse(path, e.line(), e.to_string()))?;
    Ok(1)
}

/// Where the source files live, relative to a data root (the repository).
#[derive(Debug, Clone, Default)]
pub struct DataPaths {
    pub hpo: PathBuf,
    pub hpoa: PathBuf,
    pub genes_to_phenotype: PathBuf,
    pub orphanet: PathBuf,
    pub mondo_terms: PathBuf,
    pub mondo_edges: PathBuf,
    /// One file per MONDO SSSOM mapping set, in the catalogue's order.
    pub mondo_mappings: Vec<PathBuf>,
    /// MONDO subset membership (NORD and GARD rare-disease flags).
    pub mondo_subsets: PathBuf,
    pub hgnc: PathBuf,
    /// ORDO as OBO Graphs JSON (loaded into the ontology store).
    pub ordo: PathBuf,
    /// Further RDF files (.ttl, .nt, .rdf, .owl) for the ontology store.
    pub ontologies_dir: PathBuf,
    /// FDA Orphan Drug Product designations (CSV export).
    pub fda: PathBuf,
    /// ClinicalTrials.gov v2 JSON files (see [`crate::ingest::ctgov`]).
    pub trials: Vec<PathBuf>,
    /// Curated patient organizations (see [`crate::ingest::curated`]).
    pub organizations: PathBuf,
    /// Curated newborn-screening panel entries.
    pub screening: PathBuf,
    /// Orphadata epidemiology CSV (validation status, mean values).
    pub orphanet_epidemiology: PathBuf,
}

impl DataPaths {
    /// The layout of this repository's `ontologies/` and `data/` folders:
    /// every catalogued source where [`SourceFile::vendored`] says, the
    /// trials found under `data/clinicaltrials`.
    pub fn under(root: &Path) -> DataPaths {
        let mut paths = DataPaths {
            ontologies_dir: root.join("ontologies"),
            trials: json_files(&root.join("data/clinicaltrials")),
            ..Default::default()
        };
        for &s in SourceFile::ALL {
            s.set(&mut paths, root.join(s.vendored()));
        }
        paths
    }

    /// Adds the ClinicalTrials.gov files under `dir` (e.g. those imported
    /// into the data directory).
    pub fn add_trials_from(&mut self, dir: &Path) {
        self.trials.extend(json_files(dir));
    }
}

/// `*.json` and `*.json.gz` files under `dir`, recursively, sorted.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".json") || name.ends_with(".json.gz") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_source_has_one_key_and_its_own_vendored_file() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let paths = DataPaths::under(root);
        let mut keys = std::collections::BTreeSet::new();
        let mut files = std::collections::BTreeSet::new();
        for &s in SourceFile::ALL {
            assert!(keys.insert(s.key()), "{} twice", s.key());
            assert_eq!(SourceFile::from_key(&s.key().to_uppercase()), Some(s));
            let file = s.file(&paths);
            assert_eq!(file, root.join(s.vendored()));
            assert!(
                file.is_file(),
                "{} is not in the repository",
                file.display()
            );
            assert!(files.insert(file.to_path_buf()), "{} twice", file.display());
        }
        assert_eq!(paths.mondo_mappings.len(), 8);
        assert_eq!(SourceFile::from_key("nope"), None);
    }

    #[test]
    fn setting_a_source_changes_its_file_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let vendored = DataPaths::under(root);
        let mut paths = vendored.clone();
        SourceFile::MondoOmim.set(&mut paths, PathBuf::from("/tmp/omim.tsv"));
        for &s in SourceFile::ALL {
            let expected = if s == SourceFile::MondoOmim {
                Path::new("/tmp/omim.tsv")
            } else {
                s.file(&vendored)
            };
            assert_eq!(s.file(&paths), expected, "{}", s.key());
        }
    }

    #[test]
    fn a_parser_error_names_the_file_and_line() {
        let p = crate::ingest::temp_file("subsets.tsv", b"id\tsubset\tgroup\nMONDO:1\t\tx\n");
        let e = SourceFile::MondoSubsets.parse(&p).unwrap_err().to_string();
        assert!(e.contains("subsets.tsv") && e.contains(":2"), "{e}");
        assert!(e.contains("subset"), "{e}");
    }
}
