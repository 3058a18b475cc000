//! Compact identifiers (CURIEs): parsing, prefix normalisation and validation.
//!
//! Every source spells prefixes its own way (`Orphanet:732`, `ORPHA:732`,
//! `mesh:D017285`, `GARD:0007425`). All of them are normalised here, once, so
//! that the rest of the crate compares plain strings.

use std::fmt;
use std::sync::Arc;

/// Why a string is not a usable identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurieError {
    /// The string is empty or only whitespace.
    #[error("identifier is empty")]
    Empty,
    /// There is no `PREFIX:local` separator.
    #[error("`{0}` is not a CURIE (expected PREFIX:LOCAL, e.g. ORPHA:732)")]
    NoPrefix(String),
    /// The prefix is not one this server knows.
    #[error("`{0}` has an unknown prefix `{1}`")]
    UnknownPrefix(String, String),
    /// The local part does not have the shape the prefix requires.
    #[error("`{0}` is malformed: {1}")]
    BadLocal(String, &'static str),
    /// A gene was asked for by an id of another kind (`MONDO:0019127`).
    #[error(
        "`{0}` is not a gene identifier (expected a symbol, HGNC:n, NCBIGene:n or ENSEMBL:ENSG...)"
    )]
    NotGene(String),
    /// Not a gene symbol: the text, escaped, and why.
    #[error("`{0}` is not a gene symbol or identifier: {1}")]
    BadSymbol(String, &'static str),
}

/// A known identifier namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Prefix {
    Mondo,
    Orpha,
    Omim,
    Decipher,
    Gard,
    Doid,
    Mesh,
    Umls,
    Ncit,
    Icd10cm,
    Hp,
    Hgnc,
    NcbiGene,
    Ensembl,
}

impl Prefix {
    /// The canonical spelling used in every CURIE this server emits.
    pub fn as_str(self) -> &'static str {
        match self {
            Prefix::Mondo => "MONDO",
            Prefix::Orpha => "ORPHA",
            Prefix::Omim => "OMIM",
            Prefix::Decipher => "DECIPHER",
            Prefix::Gard => "GARD",
            Prefix::Doid => "DOID",
            Prefix::Mesh => "MESH",
            Prefix::Umls => "UMLS",
            Prefix::Ncit => "NCIT",
            Prefix::Icd10cm => "ICD10CM",
            Prefix::Hp => "HP",
            Prefix::Hgnc => "HGNC",
            Prefix::NcbiGene => "NCBIGene",
            Prefix::Ensembl => "ENSEMBL",
        }
    }

    fn parse(raw: &str) -> Option<Prefix> {
        let upper = raw.to_ascii_uppercase();
        Some(match upper.as_str() {
            "MONDO" => Prefix::Mondo,
            "ORPHA" | "ORPHANET" | "ORDO" => Prefix::Orpha,
            "OMIM" | "MIM" => Prefix::Omim,
            "DECIPHER" => Prefix::Decipher,
            "GARD" => Prefix::Gard,
            "DOID" => Prefix::Doid,
            "MESH" | "MSH" => Prefix::Mesh,
            "UMLS" | "UMLS_CUI" => Prefix::Umls,
            "NCIT" => Prefix::Ncit,
            "ICD10CM" | "ICD-10-CM" => Prefix::Icd10cm,
            "HP" | "HPO" => Prefix::Hp,
            "HGNC" => Prefix::Hgnc,
            "NCBIGENE" | "ENTREZ" | "NCBI_GENE" => Prefix::NcbiGene,
            "ENSEMBL" => Prefix::Ensembl,
            _ => return None,
        })
    }

    /// Identifier namespaces that name diseases.
    pub fn is_disease(self) -> bool {
        matches!(
            self,
            Prefix::Mondo
                | Prefix::Orpha
                | Prefix::Omim
                | Prefix::Decipher
                | Prefix::Gard
                | Prefix::Doid
                | Prefix::Mesh
                | Prefix::Umls
                | Prefix::Ncit
                | Prefix::Icd10cm
        )
    }

    /// Identifier namespaces that name genes.
    pub fn is_gene(self) -> bool {
        matches!(self, Prefix::Hgnc | Prefix::NcbiGene | Prefix::Ensembl)
    }

    /// Validates and normalises the local part for this prefix.
    fn normalise_local(self, local: &str) -> Result<String, &'static str> {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match self {
            Prefix::Mondo | Prefix::Hp => {
                if local.len() == 7 && digits(local) {
                    Ok(local.to_string())
                } else {
                    Err("expected 7 digits")
                }
            }
            Prefix::Doid => digits(local)
                .then(|| local.to_string())
                .ok_or("expected digits"),
            Prefix::Orpha | Prefix::Omim | Prefix::Decipher | Prefix::Hgnc | Prefix::NcbiGene => {
                digits(local)
                    .then(|| local.trim_start_matches('0').to_string())
                    .filter(|s| !s.is_empty())
                    .ok_or("expected a positive number")
            }
            // GARD ids are published both as `GARD:7425` and `GARD:0007425`.
            Prefix::Gard => digits(local)
                .then(|| local.trim_start_matches('0').to_string())
                .filter(|s| !s.is_empty())
                .ok_or("expected a positive number"),
            Prefix::Mesh | Prefix::Umls | Prefix::Ncit | Prefix::Ensembl => {
                // Published files hold a few codes without their letter
                // (`NCIT:3921`), so only the character set is checked.
                let ok = !local.is_empty() && local.bytes().all(|b| b.is_ascii_alphanumeric());
                ok.then(|| local.to_ascii_uppercase())
                    .ok_or("expected letters and digits")
            }
            Prefix::Icd10cm => {
                let ok = local.len() >= 3
                    && local.as_bytes()[0].is_ascii_alphabetic()
                    && local
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
                ok.then(|| local.to_ascii_uppercase())
                    .ok_or("expected an ICD-10-CM code or range such as M33.2 or A00-A09")
            }
        }
    }
}

/// A validated, normalised compact identifier such as `ORPHA:732`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Curie {
    prefix: Prefix,
    /// Shared: clones of one CURIE (e.g. provenance pointing at a disease) cost no memory.
    text: Arc<str>,
}

impl Curie {
    /// Parses a CURIE or one of the common IRIs (OBO PURLs, ORDO IRIs).
    ///
    /// ```
    /// use rarekg::curie::Curie;
    /// assert_eq!(Curie::parse("Orphanet:732").unwrap().as_str(), "ORPHA:732");
    /// assert_eq!(Curie::parse("GARD:0007425").unwrap().as_str(), "GARD:7425");
    /// assert_eq!(
    ///     Curie::parse("http://purl.obolibrary.org/obo/HP_0003701").unwrap().as_str(),
    ///     "HP:0003701"
    /// );
    /// assert!(Curie::parse("HP:12").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Curie, CurieError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CurieError::Empty);
        }
        let (raw_prefix, local) = match split_iri(s) {
            Some(parts) => parts,
            None => s
                .split_once(':')
                .ok_or_else(|| CurieError::NoPrefix(s.to_string()))?,
        };
        let prefix = Prefix::parse(raw_prefix)
            .ok_or_else(|| CurieError::UnknownPrefix(s.to_string(), raw_prefix.to_string()))?;
        let local = prefix
            .normalise_local(local.trim())
            .map_err(|why| CurieError::BadLocal(s.to_string(), why))?;
        Ok(Curie::from_parts(prefix, &local))
    }

    /// Builds a CURIE from a prefix and an already valid local part.
    pub fn from_parts(prefix: Prefix, local: &str) -> Curie {
        Curie {
            prefix,
            text: Arc::from(format!("{}:{}", prefix.as_str(), local)),
        }
    }

    pub fn prefix(&self) -> Prefix {
        self.prefix
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The part after the colon.
    pub fn local(&self) -> &str {
        &self.text[self.prefix.as_str().len() + 1..]
    }
}

impl fmt::Display for Curie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A gene as a client names it: one of its ids, or a symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GeneKey {
    /// `HGNC:3603`, `NCBIGene:2200` or `ENSEMBL:ENSG00000166147`, normalised.
    Id(Curie),
    /// A current, previous or alias symbol, as given (trimmed).
    Symbol(String),
}

impl GeneKey {
    /// The longest key accepted, in characters (HGNC's longest symbol has 26).
    pub const MAX_LEN: usize = 64;

    /// Parses a gene id or symbol. Symbols are taken as they are: HGNC's
    /// hold parentheses, brackets, apostrophes, `+`, `*` and colons
    /// (`IGLV(VI)-25-1`, `2'-PDE`, `CYP4F-se9[6:7:8]`, `MGC:14091`), so
    /// text with a colon is a symbol unless what precedes the colon is a
    /// prefix this server knows. Refused: empty text, text longer than
    /// [`Self::MAX_LEN`], control characters, whitespace inside a symbol,
    /// a known prefix with a malformed local part, and ids of other kinds.
    ///
    /// ```
    /// use rarekg::curie::GeneKey;
    /// assert!(matches!(GeneKey::parse("hgnc:03603"), Ok(GeneKey::Id(c)) if c.as_str() == "HGNC:3603"));
    /// assert_eq!(GeneKey::parse(" IGLV(VI)-25-1 "), Ok(GeneKey::Symbol("IGLV(VI)-25-1".into())));
    /// assert_eq!(GeneKey::parse("CYP4F-se9[6:7:8]"), Ok(GeneKey::Symbol("CYP4F-se9[6:7:8]".into())));
    /// assert!(GeneKey::parse("MONDO:0019127").is_err());
    /// assert!(GeneKey::parse("not a gene").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<GeneKey, CurieError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CurieError::Empty);
        }
        let shown = || {
            let mut t: String = s.chars().take(Self::MAX_LEN).collect();
            if t.len() < s.len() {
                t.push('…');
            }
            t.escape_debug().to_string()
        };
        if s.chars().count() > Self::MAX_LEN {
            return Err(CurieError::BadSymbol(shown(), "longer than 64 characters"));
        }
        if s.chars().any(char::is_control) {
            return Err(CurieError::BadSymbol(
                shown(),
                "contains a control character",
            ));
        }
        match Curie::parse(s) {
            Ok(c) if c.prefix().is_gene() => return Ok(GeneKey::Id(c)),
            Ok(_) => return Err(CurieError::NotGene(s.to_string())),
            Err(e @ CurieError::BadLocal(..)) => return Err(e),
            // No prefix, or not one of ours: a symbol.
            Err(_) => {}
        }
        if s.chars().any(char::is_whitespace) {
            return Err(CurieError::BadSymbol(
                shown(),
                "contains whitespace, which no gene symbol has",
            ));
        }
        Ok(GeneKey::Symbol(s.to_string()))
    }
}

/// Recognises `http://purl.obolibrary.org/obo/HP_0000001` and
/// `http://www.orpha.net/ORDO/Orphanet_732`.
fn split_iri(s: &str) -> Option<(&str, &str)> {
    let rest = s
        .strip_prefix("http://purl.obolibrary.org/obo/")
        .or_else(|| s.strip_prefix("https://purl.obolibrary.org/obo/"))
        .or_else(|| s.strip_prefix("http://www.orpha.net/ORDO/"))?;
    rest.split_once('_')
}

/// As its string form (`ORPHA:732`), so records holding ids can be stored.
impl serde::Serialize for Curie {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Curie {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Curie::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_prefix_spellings() {
        for (input, want) in [
            ("ORPHA:732", "ORPHA:732"),
            ("Orphanet:732", "ORPHA:732"),
            ("orpha:0732", "ORPHA:732"),
            ("MONDO:0019127", "MONDO:0019127"),
            ("mesh:D017285", "MESH:D017285"),
            ("GARD:7425", "GARD:7425"),
            ("NCBIGene:2200", "NCBIGene:2200"),
            ("HGNC:3603", "HGNC:3603"),
            ("ICD10CM:M33.2", "ICD10CM:M33.2"),
            ("http://www.orpha.net/ORDO/Orphanet_732", "ORPHA:732"),
        ] {
            assert_eq!(Curie::parse(input).unwrap().as_str(), want, "{input}");
        }
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "  ",
            "732",
            "FOO:1",
            "HP:abc",
            "MONDO:19127",
            "ORPHA:",
            "ORPHA:x1",
        ] {
            assert!(Curie::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn gene_symbols_are_taken_as_they_are() {
        // Real HGNC previous and alias symbols.
        for s in [
            "IGLV(VI)-25-1",
            "2'-PDE",
            "CK2alpha'",
            "CYP4F-se9[6:7:8]",
            "Em:AC068896.4",
            "MGC:14091",
            "-",
            "C4B_2",
        ] {
            assert_eq!(GeneKey::parse(s), Ok(GeneKey::Symbol(s.to_string())), "{s}");
        }
        assert_eq!(
            GeneKey::parse("NCBIGene:0105259599"),
            Ok(GeneKey::Id(Curie::parse("NCBIGene:105259599").unwrap()))
        );
    }

    #[test]
    fn garbage_is_not_a_gene_key() {
        let long = "A".repeat(65);
        for (bad, why) in [
            ("", "empty"),
            ("   ", "empty"),
            ("FBN\u{7}1", "control character"),
            ("FBN\n1", "control character"),
            ("not a gene", "whitespace"),
            (long.as_str(), "longer than 64"),
            ("MONDO:0019127", "not a gene identifier"),
            ("HGNC:abc", "malformed"),
        ] {
            let e = GeneKey::parse(bad).expect_err(bad).to_string();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
        // The message shows control characters escaped and long input cut.
        let e = GeneKey::parse("FBN\u{1b}1").unwrap_err().to_string();
        assert!(e.contains("FBN\\u{1b}1"), "{e}");
        let e = GeneKey::parse(&"A".repeat(10_000)).unwrap_err().to_string();
        assert!(e.len() < 200, "{e}");
    }
}
