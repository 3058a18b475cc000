//! Curated facts on a disease (patient organizations, newborn screening,
//! cross-references) and the curators' changes to them.

use super::error::{ApiError, Coded};
use super::kg;
use super::release::Role;
use crate::curation::{self, Action, Change, Fact, FactKind, XrefFact};
use crate::graph::model::NodeId;
use crate::graph::KnowledgeGraph;
use crate::ingest::curated::{OrganizationFact, ScreeningFact};
use crate::release::{Release, Releases};
use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Enum, InputObject, Json, Object, Result, SimpleObject, ID};
use std::sync::Arc;

/// The facts of `kinds` of a disease as served: the release's seed facts
/// with every curator's change applied. Each field asks only for its kind.
///
/// Read through the request's [`CuratedLoader`], so a list of diseases
/// reads the change log once, not once per disease and field.
pub(crate) async fn facts(
    ctx: &Context<'_>,
    disease: NodeId,
    kinds: &[FactKind],
) -> Vec<(String, Fact)> {
    load(ctx, disease)
        .await
        .facts
        .iter()
        .filter(|(_, f)| kinds.contains(&f.kind()))
        .cloned()
        .collect()
}

/// Curators' changes to a disease's facts, oldest first (through the
/// request's [`CuratedLoader`] like [`facts`]).
pub(crate) async fn changes(ctx: &Context<'_>, disease: NodeId) -> Vec<Change> {
    load(ctx, disease).await.changes.clone()
}

/// A disease's curation through the request's loader, or read now when the
/// request has none (a schema executed without `DocumentCache`).
async fn load(ctx: &Context<'_>, disease: NodeId) -> Arc<DiseaseCuration> {
    let loaded = match ctx.data_opt::<DataLoader<CuratedLoader, HashMapCache>>() {
        // The loader answers every key and cannot fail.
        Some(loader) => loader.load_one(disease).await.ok().flatten(),
        None => None,
    };
    loaded.unwrap_or_else(|| Arc::new(DiseaseCuration::of(ctx, disease)))
}

/// A disease's curated facts as served, and the changes behind them.
pub struct DiseaseCuration {
    facts: Vec<(String, Fact)>,
    changes: Vec<Change>,
}

impl DiseaseCuration {
    /// Read now, outside any batch (mutations check against this).
    fn of(ctx: &Context<'_>, disease: NodeId) -> DiseaseCuration {
        let kg = kg(ctx);
        let changes = ctx
            .data_unchecked::<Arc<Releases>>()
            .curation()
            .changes_for(&kg.disease(disease).equivalent_ids);
        DiseaseCuration::build(kg, disease, changes)
    }

    fn build(kg: &KnowledgeGraph, disease: NodeId, changes: Vec<Change>) -> DiseaseCuration {
        DiseaseCuration {
            facts: curation::effective(seed(kg, disease, &FactKind::ALL), &changes),
            changes,
        }
    }
}

/// Loads the curated facts of the diseases one request asks for, in
/// batches. Created per request (see `DocumentCache::execute`), over the
/// release that request reads.
pub struct CuratedLoader {
    release: Arc<Release>,
    releases: Arc<Releases>,
}

impl CuratedLoader {
    /// The loader of one request, reading `release`.
    pub fn for_request(
        release: Arc<Release>,
        releases: Arc<Releases>,
    ) -> DataLoader<CuratedLoader, HashMapCache> {
        // Nothing is waited for (no I/O): a batch is what gathers while the
        // previous one loads, rather than what gathers during a timer tick
        // (1 ms, 20 times a whole disease page).
        DataLoader::with_cache(
            CuratedLoader { release, releases },
            tokio::spawn,
            HashMapCache::default(),
        )
        .delay(std::time::Duration::ZERO)
    }
}

impl Loader<NodeId> for CuratedLoader {
    type Value = Arc<DiseaseCuration>;
    type Error = std::convert::Infallible;

    async fn load(
        &self,
        keys: &[NodeId],
    ) -> Result<std::collections::HashMap<NodeId, Self::Value>, Self::Error> {
        let kg = &self.release.kg;
        let ids: Vec<&[crate::curie::Curie]> = keys
            .iter()
            .map(|&d| kg.disease(d).equivalent_ids.as_slice())
            .collect();
        let changes = self.releases.curation().changes_for_each(&ids);
        Ok(keys
            .iter()
            .zip(changes)
            .map(|(&d, c)| (d, Arc::new(DiseaseCuration::build(kg, d, c))))
            .collect())
    }
}

fn seed(kg: &KnowledgeGraph, disease: NodeId, kinds: &[FactKind]) -> Vec<(String, Fact)> {
    let r = kg.records();
    let d = kg.disease(disease);
    let mut out = Vec::new();
    for kind in kinds {
        match kind {
            FactKind::PatientOrganization => out.extend(
                r.organizations_of(disease)
                    .iter()
                    .map(|&i| Fact::PatientOrganization(r.organizations[i as usize].1.clone())),
            ),
            FactKind::Screening => out.extend(
                r.screening_of(disease)
                    .iter()
                    .map(|&i| Fact::Screening(r.screening[i as usize].1.clone())),
            ),
            FactKind::Xref => out.extend(d.xrefs.iter().map(|x| {
                Fact::Xref(XrefFact {
                    disease: d.id.clone(),
                    xref: x.id.to_string(),
                    relation: x.relation.clone(),
                })
            })),
        }
    }
    out.into_iter().map(|f| (f.id(), f)).collect()
}

/// A patient organization serving the disease's patients.
#[derive(SimpleObject)]
pub struct PatientOrganization {
    /// This organization's tie to this disease (its `factId`).
    id: ID,
    /// Stable id of this fact (for corrections and retirements).
    fact_id: ID,
    /// The organization's name, e.g. `The Myositis Association`.
    name: String,
    /// Its web site, e.g. `https://www.myositis.org`.
    url: String,
    /// ISO 3166-1 alpha-2 code of its seat, e.g. `US`; null for an
    /// international body.
    country: Option<String>,
    /// `international`, `national` or `regional`.
    scope: String,
    /// The public page stating the fact.
    source_url: String,
    /// When the fact was checked against its source (ISO date).
    as_of: String,
}

/// The disease's entry on a newborn-screening panel.
#[derive(SimpleObject)]
pub struct ScreeningEntry {
    /// This screening entry of this disease (its `factId`).
    id: ID,
    /// Stable id of this fact (for corrections and retirements).
    fact_id: ID,
    /// e.g. `RUSP` (the US Recommended Uniform Screening Panel).
    program: String,
    /// `core` or `secondary`.
    panel: String,
    /// The condition as the panel names it.
    condition: String,
    /// The panel's code for the condition, e.g. `PROP`; null when it has none.
    condition_code: Option<String>,
    /// Where the panel applies, e.g. `US`.
    jurisdiction: String,
    /// The public page stating the entry.
    source_url: String,
    /// When the fact was checked against its source (ISO date).
    as_of: String,
}

pub(crate) fn organizations(facts: &[(String, Fact)]) -> Vec<PatientOrganization> {
    facts
        .iter()
        .filter_map(|(id, f)| match f {
            Fact::PatientOrganization(o) => Some(PatientOrganization {
                id: ID(id.clone()),
                fact_id: ID(id.clone()),
                name: o.organization.clone(),
                url: o.url.clone(),
                country: o.country.clone(),
                scope: o.scope.clone(),
                source_url: o.source_url.clone(),
                as_of: o.as_of.clone(),
            }),
            _ => None,
        })
        .collect()
}

pub(crate) fn screening(facts: &[(String, Fact)]) -> Vec<ScreeningEntry> {
    facts
        .iter()
        .filter_map(|(id, f)| match f {
            Fact::Screening(s) => Some(ScreeningEntry {
                id: ID(id.clone()),
                fact_id: ID(id.clone()),
                program: s.program.clone(),
                panel: s.panel.clone(),
                condition: s.condition.clone(),
                condition_code: s.condition_code.clone(),
                jurisdiction: s.jurisdiction.clone(),
                source_url: s.source_url.clone(),
                as_of: s.as_of.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// What a curator's change does.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "Action")]
pub enum CurationAction {
    /// A new fact.
    Add,
    /// New values for an existing fact (same kind and disease).
    Correct,
    /// The fact no longer holds; hidden, its history kept.
    Retire,
}

/// One recorded change.
pub struct CurationChange(pub Change);

/// One recorded change to a curated fact.
#[Object]
impl CurationChange {
    /// `change:<seq>`: the change's place in the curation log, which never
    /// reuses one.
    async fn id(&self) -> ID {
        ID(format!("change:{}", self.0.seq))
    }
    /// Position in the curation log, from 1.
    async fn seq(&self) -> u64 {
        self.0.seq
    }
    /// Seconds since the Unix epoch.
    async fn at(&self) -> u64 {
        self.0.at
    }
    /// The curator (their token's name).
    async fn by(&self) -> &str {
        &self.0.by
    }
    /// The curator's reason for the change.
    async fn why(&self) -> &str {
        &self.0.why
    }
    /// The public source the change rests on.
    async fn source(&self) -> &str {
        &self.0.source
    }
    /// What the change did.
    async fn action(&self) -> CurationAction {
        self.0.action.into()
    }
    /// The fact it changed, e.g. `organization:ORPHA:732:the-myositis-association`.
    async fn fact_id(&self) -> ID {
        ID(self.0.fact_id.clone())
    }
    /// The fact's values after the change (before it, for a retirement).
    async fn fact(&self) -> Json<&Fact> {
        Json(&self.0.fact)
    }
}

/// A patient organization's values.
#[derive(InputObject)]
pub struct OrganizationInput {
    /// The organization's name.
    name: String,
    /// Its web site (an http or https URL).
    url: String,
    /// ISO 3166-1 alpha-2 code of its seat; omit (or leave empty) for an
    /// international body.
    country: Option<String>,
    /// `international`, `national` or `regional`.
    scope: String,
    /// The public page stating that it serves the disease's patients (an
    /// http or https URL).
    source_url: String,
    /// ISO date the fact was checked against `sourceUrl`.
    as_of: String,
}

/// A screening entry's values.
#[derive(InputObject)]
pub struct ScreeningInput {
    /// The screening program, e.g. `RUSP`.
    program: String,
    /// `core` or `secondary`.
    panel: String,
    /// The condition as the panel names it.
    condition: String,
    /// The panel's code for it, e.g. `PROP`; optional.
    condition_code: Option<String>,
    /// Where the panel applies, e.g. `US`.
    jurisdiction: String,
    /// The public page stating the entry (an http or https URL).
    source_url: String,
    /// ISO date (`YYYY-MM-DD`) the fact was checked against `sourceUrl`.
    as_of: String,
}

/// A cross-reference's values.
#[derive(InputObject)]
pub struct XrefInput {
    /// The other vocabulary's id, e.g. `DOID:0080177`.
    xref: String,
    /// e.g. `exactMatch`, `closeMatch`.
    relation: String,
}

/// A change to one curated fact of a disease. Give the fact's values for
/// `ADD` and `CORRECT` (exactly one of `organization`, `screening`, `xref`),
/// and `factId` for `CORRECT` and `RETIRE`.
#[derive(InputObject)]
pub struct CurationInput {
    /// Add, correct or retire.
    action: CurationAction,
    /// Any id of the disease, e.g. `ORPHA:732`; the fact's values are stored
    /// under its canonical id.
    disease_id: super::ids::DiseaseId,
    /// The current fact to correct or retire (its `factId`); ignored for `ADD`.
    fact_id: Option<ID>,
    /// A patient organization's values.
    organization: Option<OrganizationInput>,
    /// A newborn-screening entry's values.
    screening: Option<ScreeningInput>,
    /// A cross-reference's values.
    xref: Option<XrefInput>,
    /// Why the change is made.
    why: String,
    /// The public source it rests on (a URL or a reference).
    source: String,
}

fn require_curator(ctx: &Context<'_>) -> Result<String> {
    match ctx.data_opt::<Role>().cloned().unwrap_or(Role::Anonymous) {
        Role::Curator(name) | Role::Maintainer(name) => Ok(name),
        Role::Anonymous => Err(ApiError::Unauthenticated.into_error()),
        Role::Unknown | Role::Reader => {
            Err(ApiError::Forbidden("this token may not change curated facts".into()).into_error())
        }
    }
}

fn bad(m: impl Into<String>) -> async_graphql::Error {
    ApiError::BadUserInput(m.into()).into_error()
}

/// A fact's problem (see [`OrganizationFact::problem`]) as BAD_USER_INPUT.
fn checked(problem: Option<crate::ingest::curated::Problem>) -> Result<()> {
    match problem {
        Some((field, why)) => Err(bad(format!("`{field}`: {why}"))),
        None => Ok(()),
    }
}

impl CurationInput {
    fn fact(self, disease: crate::curie::Curie) -> Result<Option<Fact>> {
        let given = [
            self.organization.is_some(),
            self.screening.is_some(),
            self.xref.is_some(),
        ]
        .iter()
        .filter(|&&g| g)
        .count();
        if given > 1 {
            return Err(bad("give one of `organization`, `screening`, `xref`"));
        }
        if let Some(o) = self.organization {
            let fact = OrganizationFact {
                disease,
                organization: o.name,
                url: o.url,
                country: o.country.filter(|c| !c.is_empty()),
                scope: o.scope,
                source_url: o.source_url,
                as_of: o.as_of,
            };
            checked(fact.problem())?;
            return Ok(Some(Fact::PatientOrganization(fact)));
        }
        if let Some(s) = self.screening {
            let fact = ScreeningFact {
                disease,
                program: s.program,
                panel: s.panel,
                condition: s.condition,
                condition_code: s.condition_code.filter(|c| !c.is_empty()),
                jurisdiction: s.jurisdiction,
                source_url: s.source_url,
                as_of: s.as_of,
            };
            checked(fact.problem())?;
            return Ok(Some(Fact::Screening(fact)));
        }
        if let Some(x) = self.xref {
            let id = crate::curie::Curie::parse(&x.xref)
                .map_err(|e| bad(format!("`xref.xref`: {e}")))?;
            return Ok(Some(Fact::Xref(XrefFact {
                disease,
                xref: id.to_string(),
                relation: x.relation,
            })));
        }
        Ok(None)
    }
}

#[derive(Default)]
pub struct CurationMutation;

#[Object]
impl CurationMutation {
    /// Adds, corrects or retires a curated fact of a disease (curator or
    /// maintainer token). The change is logged with who, when, why and its
    /// source, and applies to every release served from now on.
    async fn curate(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The change: its action, the disease, the fact and why.")]
        input: CurationInput,
    ) -> Result<CurationChange> {
        let who = require_curator(ctx)?;
        let kg = kg(ctx);
        let node = super::ids::require(kg, &input.disease_id).coded()?;
        let current = DiseaseCuration::of(ctx, node).facts;
        let canonical = kg.disease(node).id.clone();
        let (action, fact_id, why, source) = (
            input.action,
            input.fact_id.clone().map(|f| f.0),
            input.why.clone(),
            input.source.clone(),
        );
        let fact = input.fact(canonical)?;
        let change = ctx
            .data_unchecked::<Arc<Releases>>()
            .curation()
            .record(
                curation::ChangeRequest {
                    action: action.into(),
                    fact_id,
                    fact,
                    by: who,
                    why,
                    source,
                },
                &current,
            )
            .map_err(|e| match e {
                curation::CurationError::Invalid(m) => bad(m),
                other => {
                    tracing::error!("curation: {other}");
                    ApiError::Internal.into_error()
                }
            })?;
        Ok(CurationChange(change))
    }
}
