//! The `Drug` type and its orphan designations.

use super::connection::{Connection, PageArgs};
use super::disease::Disease;
use super::error::Coded;
use super::kg;
use super::trial::ClinicalTrialEdge;
use crate::graph::records::{self, Agency as RecordAgency};
use async_graphql::{Context, Enum, Object, Result, SimpleObject};

/// A drug with orphan designations.
pub struct Drug(pub u32);

/// A drug with orphan designations, e.g. `DRUG:bosentan`.
#[Object]
impl Drug {
    /// `DRUG:` and the normalised generic name, e.g. `DRUG:bosentan`.
    async fn id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).records().drugs[self.0 as usize].id
    }
    /// Generic name as the agency lists it.
    async fn generic_name<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &kg(ctx).records().drugs[self.0 as usize].generic_name
    }
    /// Trade names.
    async fn trade_names<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &kg(ctx).records().drugs[self.0 as usize].trade_names
    }
    /// Its orphan designations, newest first.
    async fn designations(&self, ctx: &Context<'_>) -> Vec<Designation> {
        let r = kg(ctx).records();
        let mut v: Vec<u32> = r.designations_of_drug(self.0).to_vec();
        v.sort_by(|a, b| {
            r.designations[*b as usize]
                .date_designated
                .cmp(&r.designations[*a as usize].date_designated)
        });
        v.into_iter().map(Designation).collect()
    }
    /// Trials whose interventions name this drug, most recently updated first.
    async fn trials(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size: at most 500; default 20.")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor (the previous page's `pageInfo.endCursor`).")]
        after: Option<String>,
    ) -> Result<Connection<ClinicalTrialEdge>> {
        let page = PageArgs::new(first, after.as_deref()).coded()?;
        Ok(
            page.apply(kg(ctx).records().trials_of_drug(self.0), |cursor, &t| {
                ClinicalTrialEdge::new(cursor, t)
            }),
        )
    }
}

/// The agency that granted a designation.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "RecordAgency")]
pub enum Agency {
    /// US Food and Drug Administration.
    Fda,
    /// European Medicines Agency.
    Ema,
}

/// An orphan designation: a drug, for a use, by an agency; with the
/// disease the entity linker found in its text.
pub struct Designation(pub u32);

impl Designation {
    fn get<'c>(&self, ctx: &Context<'c>) -> &'c records::Designation {
        &kg(ctx).records().designations[self.0 as usize]
    }
}

/// An orphan designation: a drug, for a use, by an agency; with the
/// disease the entity linker found in its text.
#[Object]
impl Designation {
    /// `DESIGNATION:` the agency and the line of the export it was read from
    /// (`DESIGNATION:FDA-L123`), stable for a given export.
    async fn id(&self, ctx: &Context<'_>) -> String {
        crate::graph::explore::designation_id(kg(ctx), self.0)
    }
    /// The designated drug.
    async fn drug(&self, ctx: &Context<'_>) -> Drug {
        Drug(self.get(ctx).drug)
    }
    /// The agency that granted it (only FDA designations are loaded so far).
    async fn agency(&self, ctx: &Context<'_>) -> Agency {
        self.get(ctx).agency.into()
    }
    /// The designated use, e.g. "Treatment of pulmonary arterial hypertension".
    async fn designation<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.get(ctx).text
    }
    /// ISO date.
    async fn date_designated<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.get(ctx).date_designated
    }
    /// e.g. `Designated/Approved`.
    async fn status<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.get(ctx).status
    }
    /// ISO date the designation was withdrawn or revoked; null while it stands.
    async fn withdrawn_date<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).withdrawn_date.as_deref()
    }
    /// The export's `FDA Orphan Approval Status` as written; null when empty.
    async fn approval_status<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).approval_status.as_deref()
    }
    /// Marketing approvals of the designated use.
    async fn approvals<'c>(&self, ctx: &Context<'c>) -> Vec<Approval<'c>> {
        self.get(ctx)
            .approvals
            .iter()
            .map(|a| Approval {
                labeled_indication: a.labeled_indication.as_deref(),
                approval_date: a.approval_date.as_deref(),
                exclusivity_end: a.exclusivity_end.as_deref(),
                exclusivity_protected_indication: a.exclusivity_indication.as_deref(),
            })
            .collect()
    }
    /// The sponsor company, e.g. `Actelion Pharmaceuticals Ltd`; null when not given.
    async fn sponsor<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).sponsor.as_deref()
    }
    /// The sponsor's country as the export names it, e.g. `United States`; null
    /// when not given.
    async fn sponsor_country<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).sponsor_country.as_deref()
    }
    /// The disease the designation text names; null when unlinked.
    async fn disease(&self, ctx: &Context<'_>) -> Option<Disease> {
        self.get(ctx).link.as_ref().map(|l| Disease(l.disease))
    }
    /// How the disease was found (null when unlinked).
    async fn link<'c>(&self, ctx: &Context<'c>) -> Option<LinkInfo<'c>> {
        self.get(ctx).link.as_ref().map(LinkInfo::from)
    }
    /// When the text names several diseases equally well: the candidates.
    async fn candidates(&self, ctx: &Context<'_>) -> Vec<Disease> {
        self.get(ctx)
            .candidates
            .iter()
            .map(|&n| Disease(n))
            .collect()
    }
    /// The line of the FDA export it was read from.
    async fn source_line(&self, ctx: &Context<'_>) -> usize {
        self.get(ctx).line
    }
}

/// One marketing approval.
#[derive(SimpleObject)]
pub struct Approval<'a> {
    /// The approved labeled indication, as the FDA words it; null when not given.
    labeled_indication: Option<&'a str>,
    /// ISO date.
    approval_date: Option<&'a str>,
    /// ISO date the orphan exclusivity ends.
    exclusivity_end: Option<&'a str>,
    /// The indication the orphan exclusivity protects (the FDA states it for
    /// approvals from 2013 on); null when not given.
    exclusivity_protected_indication: Option<&'a str>,
}

/// How the entity linker tied a text to a disease.
#[derive(SimpleObject)]
pub struct LinkInfo<'a> {
    /// The text linked.
    text: &'a str,
    /// The disease name or synonym that matched.
    matched_name: &'a str,
    /// 0..1: 1 for an exact name or an ORPHA key, lower for looser matches.
    confidence: f32,
    /// `exact`, `synonym`, `tokens`, `contained`, `orpha_key` (a file's ORPHA
    /// key, confirmed by a condition or the title) or `orpha_key_unconfirmed`
    /// (the file's key alone; confidence 0.5).
    method: &'a str,
}

impl<'a> From<&'a records::TextLink> for LinkInfo<'a> {
    fn from(l: &'a records::TextLink) -> Self {
        LinkInfo {
            text: &l.text,
            matched_name: &l.matched_name,
            confidence: l.confidence,
            method: l.method,
        }
    }
}

/// An edge of a designation list.
#[derive(SimpleObject)]
pub struct DesignationEdge {
    /// Opaque cursor; pass as `after` to continue after this edge.
    pub cursor: String,
    /// The designation.
    pub node: Designation,
}

/// How many designations the linker placed.
#[derive(SimpleObject)]
pub struct DesignationStats {
    /// Designations loaded.
    pub total: usize,
    /// Designations placed on a disease.
    pub linked: usize,
    /// Texts naming several diseases equally well (left unlinked).
    pub ambiguous: usize,
    /// Designations not placed on a disease (`total - linked`, the ambiguous
    /// ones included).
    pub unlinked: usize,
    /// linked / total.
    pub share_linked: f64,
}
