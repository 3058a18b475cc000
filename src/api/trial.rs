//! The `ClinicalTrial` type.

use super::disease::Disease;
use super::drug::{Drug, LinkInfo};
use super::kg;
use crate::graph::records;
use async_graphql::{Context, Enum, Object, SimpleObject};

/// A ClinicalTrials.gov study.
pub struct ClinicalTrial(pub u32);

impl ClinicalTrial {
    fn get<'c>(&self, ctx: &Context<'c>) -> &'c records::Trial {
        &kg(ctx).records().trials[self.0 as usize]
    }
}

/// Overall recruitment status (ClinicalTrials.gov API v2).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TrialStatus {
    /// Ongoing; no longer recruiting participants.
    ActiveNotRecruiting,
    /// Ended normally.
    Completed,
    /// Enrolling participants chosen by invitation only.
    EnrollingByInvitation,
    /// Not yet recruiting participants.
    NotYetRecruiting,
    /// Recruiting participants.
    Recruiting,
    /// Stopped early; may resume.
    Suspended,
    /// Stopped early; will not resume.
    Terminated,
    /// Stopped before enrolling its first participant.
    Withdrawn,
    /// Expanded access: the treatment is available.
    Available,
    /// Expanded access: the treatment is no longer available.
    NoLongerAvailable,
    /// Expanded access: the treatment is temporarily not available.
    TemporarilyNotAvailable,
    /// Expanded access: the treatment is approved for marketing.
    ApprovedForMarketing,
    /// The status is withheld from the public record.
    Withheld,
    /// Last known as recruiting or active, but past its completion date
    /// and not verified for two years.
    Unknown,
}

impl TrialStatus {
    /// The API v2 spelling, e.g. `ACTIVE_NOT_RECRUITING`.
    pub fn api_name(self) -> &'static str {
        crate::ingest::ctgov::STATUSES[self as usize]
    }
}

/// Trial phase (ClinicalTrials.gov API v2).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum TrialPhase {
    /// Early phase 1 (formerly phase 0): exploratory, few participants.
    #[graphql(name = "EARLY_PHASE1")]
    EarlyPhase1,
    /// Phase 1: safety and dosage, usually in few participants.
    #[graphql(name = "PHASE1")]
    Phase1,
    /// Phase 2: efficacy and side effects.
    #[graphql(name = "PHASE2")]
    Phase2,
    /// Phase 3: efficacy against standard treatment, in more participants.
    #[graphql(name = "PHASE3")]
    Phase3,
    /// Phase 4: after marketing approval.
    #[graphql(name = "PHASE4")]
    Phase4,
    /// Not applicable (e.g. device or behavioural studies).
    Na,
}

impl TrialPhase {
    pub fn api_name(self) -> &'static str {
        crate::ingest::ctgov::PHASES[self as usize]
    }
}

/// A ClinicalTrials.gov study, e.g. `NCT06472557`.
#[Object]
impl ClinicalTrial {
    /// Its NCT number, which identifies it (the same as `nctId`).
    async fn id<'c>(&self, ctx: &Context<'c>) -> async_graphql::ID {
        async_graphql::ID(self.get(ctx).record.nct_id.clone())
    }
    /// NCT number, e.g. `NCT06472557`.
    async fn nct_id<'c>(&self, ctx: &Context<'c>) -> &'c str {
        &self.get(ctx).record.nct_id
    }
    /// The study's page on ClinicalTrials.gov.
    async fn url(&self, ctx: &Context<'_>) -> String {
        format!(
            "https://clinicaltrials.gov/study/{}",
            self.get(ctx).record.nct_id
        )
    }
    /// The short public title; null when the record has none.
    async fn brief_title<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.brief_title.as_deref()
    }
    /// The full scientific title; null when the record has none.
    async fn official_title<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.official_title.as_deref()
    }
    /// API v2 status, e.g. `RECRUITING`.
    async fn overall_status<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.overall_status.as_deref()
    }
    /// Recruiting, not yet recruiting, enrolling by invitation, or active
    /// and not recruiting.
    async fn active(&self, ctx: &Context<'_>) -> bool {
        self.get(ctx).is_active()
    }
    /// API v2 phases, e.g. `PHASE2`.
    async fn phases<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &self.get(ctx).record.phases
    }
    /// API v2 study type: `INTERVENTIONAL`, `OBSERVATIONAL` or `EXPANDED_ACCESS`;
    /// null when not given.
    async fn study_type<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.study_type.as_deref()
    }
    /// Participants: the actual count, or the estimated one while the study
    /// enrolls, as the record states; null when not given.
    async fn enrollment(&self, ctx: &Context<'_>) -> Option<u32> {
        self.get(ctx).record.enrollment
    }
    /// As the record states it, `YYYY-MM-DD` or `YYYY-MM` (actual or
    /// anticipated); null when not given.
    async fn start_date<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.start_date.as_deref()
    }
    /// As the record states it, `YYYY-MM-DD` or `YYYY-MM` (actual or
    /// anticipated); null when not given.
    async fn completion_date<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.completion_date.as_deref()
    }
    /// Lead sponsor.
    async fn sponsor<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.sponsor.as_deref()
    }
    /// Countries of its sites.
    async fn countries<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &self.get(ctx).record.countries
    }
    /// The record's last update: this trial's data-as-of date.
    async fn last_update<'c>(&self, ctx: &Context<'c>) -> Option<&'c str> {
        self.get(ctx).record.last_update.as_deref()
    }
    /// Conditions as the record states them.
    async fn conditions<'c>(&self, ctx: &Context<'c>) -> &'c [String] {
        &self.get(ctx).record.conditions
    }
    /// Interventions (type and name).
    async fn interventions<'c>(&self, ctx: &Context<'c>) -> Vec<Intervention<'c>> {
        self.get(ctx)
            .record
            .interventions
            .iter()
            .map(|i| Intervention {
                kind: i.kind.as_deref(),
                name: &i.name,
            })
            .collect()
    }
    /// Diseases the trial is linked to, with how each was found.
    async fn diseases<'c>(&self, ctx: &Context<'c>) -> Vec<TrialDisease<'c>> {
        self.get(ctx)
            .diseases
            .iter()
            .map(|l| TrialDisease {
                disease: Disease(l.disease),
                link: l.into(),
            })
            .collect()
    }
    /// Designated drugs among its interventions.
    async fn drugs(&self, ctx: &Context<'_>) -> Vec<Drug> {
        self.get(ctx).drugs.iter().map(|&d| Drug(d)).collect()
    }
}

/// What a trial tests.
#[derive(SimpleObject)]
pub struct Intervention<'a> {
    /// e.g. `DRUG`, `BIOLOGICAL`, `OTHER`.
    kind: Option<&'a str>,
    /// Its name as the record states it, e.g. `Omaveloxolone`.
    name: &'a str,
}

/// A disease a trial is linked to.
#[derive(SimpleObject)]
pub struct TrialDisease<'a> {
    /// The disease.
    disease: Disease,
    /// How it was linked: the text matched, the method and the confidence.
    link: LinkInfo<'a>,
}

/// An edge of a trial list.
#[derive(SimpleObject)]
pub struct ClinicalTrialEdge {
    /// Opaque cursor; pass as `after` to continue after this edge.
    pub cursor: String,
    /// The trial.
    pub node: ClinicalTrial,
}

impl ClinicalTrialEdge {
    pub fn new(cursor: String, trial: u32) -> Self {
        ClinicalTrialEdge {
            cursor,
            node: ClinicalTrial(trial),
        }
    }
}

/// A disease's trial counts, as a page shows them.
#[derive(SimpleObject)]
pub struct TrialCounts {
    /// Recruiting, not yet recruiting, enrolling by invitation, or active
    /// and not recruiting.
    pub active: usize,
    /// All trials linked to the disease.
    pub total: usize,
}
