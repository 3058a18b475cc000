//! Shared GraphQL types: sources and releases, provenance, frequencies.

use super::kg;
use super::phenotype::Phenotype;
use crate::graph::model::{self, NodeId};
use async_graphql::{Context, Enum, Object, SimpleObject, ID};

/// A data source and the release this server serves.
pub struct SourceInfo(pub model::Source);

/// A data source and the release this server serves.
#[Object]
impl SourceInfo {
    /// Short name, e.g. `Orphanet`.
    async fn name(&self) -> &'static str {
        self.0.name()
    }
    /// The release being served, as the source states it (usually a date).
    async fn release<'c>(&self, ctx: &Context<'c>) -> &'c str {
        kg(ctx)
            .sources()
            .iter()
            .find(|s| s.source == self.0)
            .map(|s| s.release.as_str())
            .unwrap_or("unknown")
    }
    /// Licence and the attribution it requires.
    async fn licence(&self) -> &'static str {
        self.0.licence()
    }
    /// The attribution its licence asks for (CC BY 4.0 sources require it).
    async fn attribution(&self) -> &'static str {
        self.0.attribution()
    }
    /// Home page of the source.
    async fn url(&self) -> &'static str {
        self.0.url()
    }
    /// Files of this release that were loaded.
    async fn files<'c>(&self, ctx: &Context<'c>) -> Vec<&'c str> {
        kg(ctx)
            .sources()
            .iter()
            .filter(|s| s.source == self.0)
            .flat_map(|s| s.files.iter().map(String::as_str))
            .collect()
    }
}

/// One source's statement of an association, with its evidence.
pub struct Assertion<'a> {
    pub provenance: &'a model::Provenance,
    pub frequency: Option<model::Frequency>,
    pub onset: Option<NodeId>,
    pub sex: Option<crate::ingest::hpoa::Sex>,
    pub modifiers: &'a [NodeId],
}

impl<'a> Assertion<'a> {
    pub fn plain(provenance: &'a model::Provenance) -> Self {
        Assertion {
            provenance,
            frequency: None,
            onset: None,
            sex: None,
            modifiers: &[],
        }
    }
}

/// Sex to which an annotation is restricted.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum Sex {
    /// Only males (HPOA `sex` column `MALE`).
    Male,
    /// Only females (HPOA `sex` column `FEMALE`).
    Female,
}

/// One source's statement of an association, with its evidence.
#[Object]
impl Assertion<'_> {
    /// The source that asserts it.
    async fn source(&self) -> SourceInfo {
        SourceInfo(self.provenance.source)
    }
    /// The disease id the source used (e.g. `OMIM:154700` for a merged disease).
    async fn asserted_for<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.provenance.asserted_for.map(|s| kg(ctx).text(s))
    }
    /// Evidence code (IEA, PCS, TAS), Orphanet's frequency class or gene association type.
    async fn evidence<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.provenance.evidence.map(|s| kg(ctx).text(s))
    }
    /// Publications and other references (e.g. `PMID:31675180`).
    async fn references<'c>(&self, ctx: &Context<'c>) -> Vec<&'c str> {
        kg(ctx).texts(self.provenance.references).collect()
    }
    /// Biocuration stamp (who curated it, when).
    async fn curation<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.provenance.curation.map(|s| kg(ctx).text(s))
    }
    /// Frequency as this source states it.
    async fn frequency(&self) -> Option<Frequency> {
        self.frequency.map(Frequency)
    }
    /// Age of onset, as an HPO term.
    async fn onset(&self) -> Option<Phenotype> {
        self.onset.map(Phenotype::new)
    }
    /// Sex the annotation is restricted to.
    async fn sex(&self) -> Option<Sex> {
        self.sex.map(|s| match s {
            crate::ingest::hpoa::Sex::Male => Sex::Male,
            crate::ingest::hpoa::Sex::Female => Sex::Female,
        })
    }
    /// Clinical modifiers (HPO terms).
    async fn modifiers(&self) -> Vec<Phenotype> {
        self.modifiers.iter().copied().map(Phenotype::new).collect()
    }
}

/// How often a feature occurs in patients.
pub struct Frequency(pub model::Frequency);

/// How often a feature occurs in patients, as one source states it: an
/// HPO frequency term (`HP:0040282`, Frequent), `n/m` patients or a percentage.
#[Object]
impl Frequency {
    /// Human-readable: the frequency term's name, `n/m`, or `p%`.
    async fn label(&self, ctx: &Context<'_>) -> String {
        match self.0 {
            model::Frequency::Term(t) => kg(ctx).phenotype(t).name.clone(),
            model::Frequency::Ratio(n, m) => format!("{n}/{m}"),
            model::Frequency::Percent(p) => format!("{p}%"),
        }
    }
    /// Approximate fraction of patients (0..1); frequency terms take the middle of their range.
    async fn value(&self, ctx: &Context<'_>) -> Option<f64> {
        kg(ctx).frequency_value(&self.0)
    }
    /// The HPO frequency term, when the source gives one.
    async fn term(&self) -> Option<Phenotype> {
        match self.0 {
            model::Frequency::Term(t) => Some(Phenotype::new(t)),
            _ => None,
        }
    }
    /// Patients with the feature, when given as n/m.
    async fn numerator(&self) -> Option<u32> {
        match self.0 {
            model::Frequency::Ratio(n, _) => Some(n),
            _ => None,
        }
    }
    /// Patients studied, when given as n/m.
    async fn denominator(&self) -> Option<u32> {
        match self.0 {
            model::Frequency::Ratio(_, m) => Some(m),
            _ => None,
        }
    }
    /// Percentage, when given as one.
    async fn percent(&self) -> Option<f32> {
        match self.0 {
            model::Frequency::Percent(p) => Some(p),
            _ => None,
        }
    }
}

/// An identifier in another resource.
#[derive(SimpleObject)]
pub struct Xref {
    /// This cross-reference of this disease (its `factId`): the same CURIE
    /// on two diseases is two objects, so a cache never mixes them.
    pub id: ID,
    /// The CURIE, e.g. `DOID:0080745`.
    pub curie: String,
    /// `exactMatch`, `hasDbXref`, or Orphanet's mapping relation (`BTNT`: the ORPHA
    /// code is broader; `NTBT`: narrower; `ND`: not decided).
    pub relation: String,
    /// The source asserting the cross-reference (`rarekg curated` for a
    /// curator's addition or correction).
    pub source: &'static str,
    /// Stable id of this fact, for a curator's correction or retirement.
    pub fact_id: String,
}

/// Distinct sources of a list of provenances, in first-seen order.
pub fn distinct_sources<'a>(p: impl Iterator<Item = &'a model::Provenance>) -> Vec<SourceInfo> {
    let mut out: Vec<model::Source> = Vec::new();
    for x in p {
        if !out.contains(&x.source) {
            out.push(x.source);
        }
    }
    out.into_iter().map(SourceInfo).collect()
}
