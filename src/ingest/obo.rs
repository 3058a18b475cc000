//! OBO 1.2 flat-file parser for `hp.obo`.
//!
//! Written by hand: the OBO crates on crates.io (fastobo) pull in a large
//! grammar for features HPO does not use, and we need line numbers on every
//! error. Only `[Term]` stanzas are kept; `[Typedef]` stanzas are skipped.

use super::{curie_field, for_each_line, open, open_bytes, IngestError};
use crate::curie::Curie;
use std::io::Read;
use std::path::Path;

/// The scope of an OBO synonym.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SynonymScope {
    Exact,
    Broad,
    Narrow,
    Related,
}

/// A synonym with its scope and optional synonym type (e.g. `layperson`).
#[derive(Debug, Clone, PartialEq)]
pub struct Synonym {
    pub text: String,
    pub scope: SynonymScope,
    pub kind: Option<String>,
}

/// One `[Term]` stanza.
#[derive(Debug, Clone, Default)]
pub struct OboTerm {
    pub id: Option<Curie>,
    /// Line of the `[Term]` header, for error messages downstream.
    pub line: usize,
    pub name: String,
    pub definition: Option<String>,
    pub definition_refs: Vec<String>,
    pub comment: Option<String>,
    pub synonyms: Vec<Synonym>,
    pub xrefs: Vec<String>,
    pub is_a: Vec<Curie>,
    pub alt_ids: Vec<Curie>,
    pub obsolete: bool,
    pub replaced_by: Vec<Curie>,
    pub consider: Vec<Curie>,
}

/// A parsed ontology file.
#[derive(Debug, Default)]
pub struct OboDocument {
    /// `data-version` header, e.g. `hp/releases/2025-01-16`.
    pub data_version: Option<String>,
    pub terms: Vec<OboTerm>,
}

impl OboDocument {
    /// The release date at the end of `data-version`.
    pub fn release(&self) -> Option<String> {
        self.data_version
            .as_deref()
            .map(|v| v.rsplit('/').next().unwrap_or(v).to_string())
    }
}

enum Section {
    Header,
    Term,
    Other,
}

/// Parses an OBO file. Every term must have an `id` and a `name`; ids must
/// be unique; `is_a`, `replaced_by` and `consider` must be HP ids.
pub fn parse(path: &Path) -> Result<OboDocument, IngestError> {
    read(path, open(path)?)
}

/// [`parse`] on the contents of a file named `name` (gunzipped if `*.gz`).
pub fn parse_bytes(name: &Path, bytes: &[u8]) -> Result<OboDocument, IngestError> {
    read(name, open_bytes(name, bytes))
}

fn read(path: &Path, input: impl Read) -> Result<OboDocument, IngestError> {
    let mut doc = OboDocument::default();
    let mut section = Section::Header;
    let mut current: Option<OboTerm> = None;
    let finish = |term: Option<OboTerm>, doc: &mut OboDocument| -> Result<(), IngestError> {
        if let Some(t) = term {
            if t.id.is_none() {
                return Err(IngestError::parse(path, t.line, "[Term] stanza has no id"));
            }
            if t.name.is_empty() {
                return Err(IngestError::parse(
                    path,
                    t.line,
                    "[Term] stanza has no name",
                ));
            }
            doc.terms.push(t);
        }
        Ok(())
    };
    for_each_line(path, input, |n, line| {
        let line = line.trim();
        if line.is_empty() || line.starts_with('!') {
            return Ok(());
        }
        if line.starts_with('[') {
            finish(current.take(), &mut doc)?;
            section = match line {
                "[Term]" => {
                    current = Some(OboTerm {
                        line: n,
                        ..OboTerm::default()
                    });
                    Section::Term
                }
                l if l.ends_with(']') => Section::Other,
                _ => {
                    return Err(IngestError::parse(
                        path,
                        n,
                        format!("malformed stanza header `{line}`"),
                    ))
                }
            };
            return Ok(());
        }
        let (tag, value) = line.split_once(':').ok_or_else(|| {
            IngestError::parse(path, n, format!("expected `tag: value`, found `{line}`"))
        })?;
        let value = strip_trailing_comment(value.trim());
        match section {
            Section::Header => {
                if tag == "data-version" {
                    doc.data_version = Some(value.to_string());
                }
            }
            Section::Other => {}
            Section::Term => {
                let term = current.as_mut().expect("a [Term] stanza is open");
                apply_tag(path, n, term, tag, value)?;
            }
        }
        Ok(())
    })?;
    finish(current.take(), &mut doc)?;
    if doc.terms.is_empty() {
        return Err(IngestError::parse(path, 1, "no [Term] stanza found"));
    }
    Ok(doc)
}

fn apply_tag(
    path: &Path,
    n: usize,
    term: &mut OboTerm,
    tag: &str,
    value: &str,
) -> Result<(), IngestError> {
    let hp = |field: &str, v: &str| -> Result<Curie, IngestError> {
        let c = curie_field(path, n, field, v)?;
        if c.prefix() != crate::curie::Prefix::Hp {
            return Err(IngestError::parse(
                path,
                n,
                format!("`{field}` must be an HP id, found `{v}`"),
            ));
        }
        Ok(c)
    };
    match tag {
        "id" => {
            if term.id.is_some() {
                return Err(IngestError::parse(path, n, "second `id` in one stanza"));
            }
            term.id = Some(hp("id", value)?);
        }
        "name" => term.name = value.to_string(),
        "def" => {
            let (text, rest) = quoted(value)
                .ok_or_else(|| IngestError::parse(path, n, "`def` must be a quoted string"))?;
            term.definition = Some(text);
            term.definition_refs = bracket_list(rest);
        }
        "comment" => term.comment = Some(value.to_string()),
        "synonym" => {
            let (text, rest) = quoted(value).ok_or_else(|| {
                IngestError::parse(path, n, "`synonym` must start with a quoted string")
            })?;
            let mut words = rest.split_whitespace();
            let scope = match words.next() {
                Some("EXACT") => SynonymScope::Exact,
                Some("BROAD") => SynonymScope::Broad,
                Some("NARROW") => SynonymScope::Narrow,
                Some("RELATED") => SynonymScope::Related,
                other => {
                    return Err(IngestError::parse(
                        path,
                        n,
                        format!(
                        "synonym scope must be EXACT, BROAD, NARROW or RELATED, found {other:?}"
                    ),
                    ))
                }
            };
            let kind = words
                .next()
                .filter(|w| !w.starts_with('['))
                .map(str::to_string);
            term.synonyms.push(Synonym { text, scope, kind });
        }
        "xref" => {
            let id = value.split_whitespace().next().unwrap_or("");
            if id.is_empty() {
                return Err(IngestError::parse(path, n, "empty `xref`"));
            }
            term.xrefs.push(id.to_string());
        }
        "is_a" => term.is_a.push(hp("is_a", first_word(value))?),
        "alt_id" => term.alt_ids.push(hp("alt_id", value)?),
        "is_obsolete" => term.obsolete = value == "true",
        "replaced_by" => term.replaced_by.push(hp("replaced_by", value)?),
        "consider" => term.consider.push(hp("consider", value)?),
        _ => {}
    }
    Ok(())
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// Removes an OBO trailing `! comment` outside quotes.
fn strip_trailing_comment(s: &str) -> &str {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => in_quotes = !in_quotes,
            '!' if !in_quotes => return s[..i].trim_end(),
            _ => {}
        }
        escaped = false;
    }
    s
}

/// Parses a leading `"quoted \" string"`, returning it unescaped and the rest.
fn quoted(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                let (_, next) = chars.next()?;
                out.push(match next {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
            }
            '"' => return Some((out, body[i + 1..].trim_start())),
            c => out.push(c),
        }
    }
    None
}

/// Parses `[a, b, c]` into its items.
fn bracket_list(s: &str) -> Vec<String> {
    s.trim()
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(inside, _)| {
            inside
                .split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<OboDocument, IngestError> {
        parse(&crate::ingest::temp_file("t.obo", text.as_bytes()))
    }

    #[test]
    fn parses_a_stanza() {
        let doc = parse_str(
            "format-version: 1.2\ndata-version: hp/releases/2025-01-16\n\n[Term]\nid: HP:0000002\nname: Abnormality of body height\ndef: \"Deviation \\\"x\\\".\" [PMID:1, https://a.b]\nsynonym: \"Height\" EXACT layperson []\nis_a: HP:0000001 ! All\nalt_id: HP:0000003\n",
        )
        .unwrap();
        assert_eq!(doc.release().as_deref(), Some("2025-01-16"));
        let t = &doc.terms[0];
        assert_eq!(t.definition.as_deref(), Some("Deviation \"x\"."));
        assert_eq!(t.definition_refs, vec!["PMID:1", "https://a.b"]);
        assert_eq!(t.synonyms[0].kind.as_deref(), Some("layperson"));
        assert_eq!(t.is_a[0].as_str(), "HP:0000001");
    }

    #[test]
    fn broken_stanza_names_its_line() {
        let err = parse_str("[Term]\nid: HP:0000001\nname: All\n\n[Term]\nid: HP:0000002\nname: X\nsynonym: \"unterminated EXACT []\n")
            .unwrap_err();
        assert!(
            err.to_string()
                .ends_with(":8: `synonym` must start with a quoted string"),
            "{err}"
        );
        let err = parse_str("[Term]\nname: no id\n").unwrap_err();
        assert!(
            err.to_string().contains(":1: [Term] stanza has no id"),
            "{err}"
        );
    }
}
