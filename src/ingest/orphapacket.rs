//! Orphanet ORPHApackets: one JSON document per ORPHAcode, read straight from
//! the published `.tar.gz`.
//!
//! The export is irregular: the same member is sometimes an array and
//! sometimes an object (`"Prevalences": [{"Prevalence": {..}}]` next to
//! `"Prevalences": {"Prevalence": [{..}]}`). [`OneOrMany`] accepts both
//! without buffering, so the typed structs below stay strict elsewhere.

use super::{open, IngestError};
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::io::Read;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// A JSON member that is either one `T` or an array of `T`.
#[derive(Debug, Clone)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object or an array of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(OneOrMany(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|x| OneOrMany(vec![x]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::<E>::new(v)).map(|x| OneOrMany(vec![x]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OneOrMany(Vec::new()))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "Orphapacket")]
    packet: Packet,
}

/// One ORPHApacket, as published.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Packet {
    #[serde(rename = "ORPHAcode")]
    pub orpha_code: String,
    #[serde(rename = "version")]
    pub data_version: Option<String>,
    pub label: String,
    pub disorder_type: Option<DisorderType>,
    #[serde(default)]
    pub synonyms: OneOrMany<SynonymItem>,
    #[serde(default)]
    pub external_references: OneOrMany<ExternalReferenceItem>,
    #[serde(default)]
    pub text_section: OneOrMany<TextSection>,
    #[serde(default)]
    pub parents: OneOrMany<ParentItem>,
    #[serde(default)]
    pub children: OneOrMany<ChildItem>,
    #[serde(default)]
    pub phenotypes: OneOrMany<PhenotypeItem>,
    #[serde(default)]
    pub genes: OneOrMany<GeneItem>,
    #[serde(default)]
    pub prevalences: OneOrMany<PrevalenceItem>,
    #[serde(default)]
    pub average_age_of_onsets: OneOrMany<OnsetItem>,
    #[serde(default)]
    pub type_of_inheritances: OneOrMany<InheritanceItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DisorderType {
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SynonymItem {
    #[serde(rename = "Synonym")]
    pub synonym: String,
}

/// Either the reference itself or `{"ExternalReference": {...}}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExternalReferenceItem {
    pub source: Option<String>,
    pub reference: Option<String>,
    pub disorder_mapping_relation: Option<String>,
    pub external_reference: Option<ExternalReference>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExternalReference {
    pub source: String,
    pub reference: String,
    pub disorder_mapping_relation: Option<String>,
}

impl ExternalReferenceItem {
    /// The reference, whichever way it was wrapped.
    pub fn get(&self) -> Option<ExternalReference> {
        if let Some(r) = &self.external_reference {
            return Some(r.clone());
        }
        Some(ExternalReference {
            source: self.source.clone()?,
            reference: self.reference.clone()?,
            disorder_mapping_relation: self.disorder_mapping_relation.clone(),
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TextSection {
    pub text_section_type: String,
    pub contents: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParentItem {
    #[serde(rename = "Parent")]
    pub parent: OneOrMany<CodeLabel>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CodeLabel {
    #[serde(rename = "ORPHAcode")]
    pub orpha_code: String,
    #[serde(rename = "Label")]
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChildItem {
    #[serde(rename = "Child")]
    pub child: OneOrMany<CodeLabel>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhenotypeItem {
    #[serde(rename = "Phenotype")]
    pub phenotype: Phenotype,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Phenotype {
    #[serde(rename = "HPOId")]
    pub hpo_id: String,
    #[serde(rename = "HPOTerm")]
    pub hpo_term: String,
    #[serde(rename = "HPOFrequency")]
    pub hpo_frequency: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GeneItem {
    #[serde(rename = "Gene")]
    pub gene: Gene,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Gene {
    pub symbol: String,
    pub name: Option<String>,
    pub label: Option<String>,
    #[serde(default)]
    pub external_references: OneOrMany<ExternalReference2>,
    pub disorder_gene_association_type: Option<String>,
}

/// A gene cross-reference (`{"Source": "HGNC", "Reference": "3603"}`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExternalReference2 {
    pub source: String,
    pub reference: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PrevalenceItem {
    #[serde(rename = "Prevalence")]
    pub prevalence: OneOrMany<Prevalence>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Prevalence {
    pub source: Option<String>,
    pub prevalence_type: Option<String>,
    pub prevalence_qualification: Option<String>,
    pub prevalence_class: Option<String>,
    pub val_moy: Option<String>,
    pub prevalence_geographic: Option<String>,
    pub prevalence_validation_status: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ValueItem {
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct OnsetItem {
    #[serde(rename = "AverageAgeOfOnset")]
    pub onset: OneOrMany<ValueItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct InheritanceItem {
    #[serde(rename = "TypeOfInheritance")]
    pub inheritance: OneOrMany<ValueItem>,
}

impl Packet {
    pub fn definition(&self) -> Option<&str> {
        self.text_section
            .0
            .iter()
            .find(|t| t.text_section_type == "Definition")
            .map(|t| t.contents.as_str())
    }
    pub fn parents(&self) -> impl Iterator<Item = &CodeLabel> {
        self.parents.0.iter().flat_map(|p| p.parent.0.iter())
    }
    pub fn children(&self) -> impl Iterator<Item = &CodeLabel> {
        self.children.0.iter().flat_map(|p| p.child.0.iter())
    }
    pub fn prevalences(&self) -> impl Iterator<Item = &Prevalence> {
        self.prevalences
            .0
            .iter()
            .flat_map(|p| p.prevalence.0.iter())
    }
    pub fn onsets(&self) -> impl Iterator<Item = &str> {
        self.average_age_of_onsets
            .0
            .iter()
            .flat_map(|p| p.onset.0.iter())
            .map(|v| v.value.as_str())
    }
    pub fn inheritance(&self) -> impl Iterator<Item = &str> {
        self.type_of_inheritances
            .0
            .iter()
            .flat_map(|p| p.inheritance.0.iter())
            .map(|v| v.value.as_str())
    }
}

/// All packets of a release.
#[derive(Debug, Default)]
pub struct PacketSet {
    /// The `version` field shared by the packets, e.g.
    /// `1.3.42 / 4.1.8 [2025-03-03]`.
    pub version: Option<String>,
    pub packets: Vec<Packet>,
}

impl PacketSet {
    /// The date inside `version` (`2025-03-03`), else the whole string.
    pub fn release(&self) -> Option<String> {
        let v = self.version.as_deref()?;
        Some(match (v.find('['), v.find(']')) {
            (Some(a), Some(b)) if a < b => v[a + 1..b].to_string(),
            _ => v.to_string(),
        })
    }
}

/// Parses one packet document. `name` is used in errors.
pub fn parse_packet(name: &Path, bytes: &[u8]) -> Result<Packet, IngestError> {
    let env: Envelope = serde_json::from_slice(bytes)
        .map_err(|e| IngestError::parse(name, e.line(), format!("column {}: {e}", e.column())))?;
    let p = env.packet;
    if p.orpha_code.is_empty() || !p.orpha_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IngestError::parse(
            name,
            1,
            format!("field `ORPHAcode`: `{}` is not a number", p.orpha_code),
        ));
    }
    if p.label.trim().is_empty() {
        return Err(IngestError::parse(name, 1, "field `Label`: empty"));
    }
    Ok(p)
}

/// Reads every `*.json` member of a `.tar.gz` (or `.tar`) of ORPHApackets.
pub fn parse_tarball(path: &Path) -> Result<PacketSet, IngestError> {
    let mut archive = tar::Archive::new(open(path)?);
    let mut out = PacketSet::default();
    let mut buf = Vec::new();
    let entries = archive.entries().map_err(|e| IngestError::io(path, e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| IngestError::io(path, e))?;
        let member = entry
            .path()
            .map_err(|e| IngestError::io(path, e))?
            .into_owned();
        if member.extension().is_none_or(|e| e != "json") {
            continue;
        }
        buf.clear();
        entry
            .read_to_end(&mut buf)
            .map_err(|e| IngestError::io(path, e))?;
        let name: PathBuf = path.join(&member);
        let packet = parse_packet(&name, &buf)?;
        if out.version.is_none() {
            out.version = packet.data_version.clone();
        }
        out.packets.push(packet);
    }
    if out.packets.is_empty() {
        return Err(IngestError::parse(
            path,
            1,
            "the archive holds no ORPHApacket JSON file",
        ));
    }
    out.packets.sort_by(|a, b| a.orpha_code.cmp(&b.orpha_code));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_shapes_of_a_member() {
        let p = parse_packet(
            Path::new("ORPHApacket_1.json"),
            br#"{"Orphapacket": {"ORPHAcode": "1", "Label": "X", "version": "1.3.42 / 4.1.8 [2025-03-03]",
                "AverageAgeOfOnsets": {"AverageAgeOfOnset": [{"value": "Adult"}, {"value": "Elderly"}]},
                "TypeOfInheritances": [{"TypeOfInheritance": {"value": "Autosomal dominant"}}],
                "ExternalReferences": [{"Source": "OMIM", "Reference": "1", "DisorderMappingRelation": "E (Exact)"},
                                       {"ExternalReference": {"Source": "OMIM", "Reference": "2"}}]}}"#,
        )
        .unwrap();
        assert_eq!(p.onsets().collect::<Vec<_>>(), ["Adult", "Elderly"]);
        assert_eq!(p.inheritance().collect::<Vec<_>>(), ["Autosomal dominant"]);
        let refs: Vec<_> = p
            .external_references
            .0
            .iter()
            .filter_map(|r| r.get())
            .map(|r| r.reference)
            .collect();
        assert_eq!(refs, ["1", "2"]);
    }

    #[test]
    fn broken_json_names_the_member_and_line() {
        let err = parse_packet(
            Path::new("x.tar.gz/json/ORPHApacket_9.json"),
            b"{\"Orphapacket\": {\n\"ORPHAcode\": \"9\",\n\"Label\": }}",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("x.tar.gz/json/ORPHApacket_9.json:3: column"),
            "{msg}"
        );
    }
}
