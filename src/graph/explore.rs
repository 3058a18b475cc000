//! Graph exploration: neighbourhoods, shortest paths and related diseases.
//!
//! The traversal covers the petgraph graph (diseases, phenotypes, genes and
//! their associations and hierarchies) and the record layer joined to it
//! (drugs, their orphan designations, and trials), so that a path can run
//! drug -> designation -> disease -> gene.

use super::model::NodeId;
use super::{KnowledgeGraph, Rel};
use crate::curie::Curie;
use rustc_hash::FxHashMap;
use std::collections::{HashMap, VecDeque};

/// An entity of the explorable graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Entity {
    Disease(NodeId),
    Phenotype(NodeId),
    Gene(NodeId),
    Drug(u32),
    Designation(u32),
    Trial(u32),
}

/// The type of an [`Entity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Disease,
    Phenotype,
    Gene,
    Drug,
    Designation,
    Trial,
}

/// The type of an edge (undirected for traversal; `source` and `target`
/// keep the direction the data states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Disease has phenotype.
    DiseasePhenotype,
    /// Gene associated with disease.
    GeneDisease,
    /// Gene associated with phenotype.
    GenePhenotype,
    /// Subclass of (diseases and phenotypes).
    SubclassOf,
    /// Drug holds designation.
    DrugDesignation,
    /// Designation is for disease.
    DesignationDisease,
    /// Trial studies disease.
    TrialDisease,
    /// Trial tests drug.
    TrialDrug,
}

impl EntityKind {
    /// The Biolink category of this type.
    pub fn biolink(self) -> &'static str {
        match self {
            EntityKind::Disease => "biolink:Disease",
            EntityKind::Phenotype => "biolink:PhenotypicFeature",
            EntityKind::Gene => "biolink:Gene",
            EntityKind::Drug => "biolink:Drug",
            // The designation record: a regulator's statement about a drug.
            EntityKind::Designation => "biolink:InformationContentEntity",
            EntityKind::Trial => "biolink:Study",
        }
    }
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 8] = [
        EdgeKind::DiseasePhenotype,
        EdgeKind::GeneDisease,
        EdgeKind::GenePhenotype,
        EdgeKind::SubclassOf,
        EdgeKind::DrugDesignation,
        EdgeKind::DesignationDisease,
        EdgeKind::TrialDisease,
        EdgeKind::TrialDrug,
    ];
    /// The Biolink predicate of this edge.
    pub fn biolink(self) -> &'static str {
        match self {
            EdgeKind::DiseasePhenotype => "biolink:has_phenotype",
            EdgeKind::GeneDisease => "biolink:gene_associated_with_condition",
            EdgeKind::GenePhenotype => "biolink:has_phenotype",
            EdgeKind::SubclassOf => "biolink:subclass_of",
            EdgeKind::DrugDesignation => "biolink:has_participant",
            EdgeKind::DesignationDisease => "biolink:treats",
            EdgeKind::TrialDisease => "biolink:studies",
            EdgeKind::TrialDrug => "biolink:has_participant",
        }
    }
}

/// An edge: source, target and type, as the data states the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Link {
    pub source: Entity,
    pub target: Entity,
    pub kind: EdgeKind,
}

impl Entity {
    pub fn kind(self) -> EntityKind {
        match self {
            Entity::Disease(_) => EntityKind::Disease,
            Entity::Phenotype(_) => EntityKind::Phenotype,
            Entity::Gene(_) => EntityKind::Gene,
            Entity::Drug(_) => EntityKind::Drug,
            Entity::Designation(_) => EntityKind::Designation,
            Entity::Trial(_) => EntityKind::Trial,
        }
    }

    /// Its id: a CURIE, `DRUG:name`, `DESIGNATION:FDA-L<line>` or an NCT id.
    pub fn id(self, kg: &KnowledgeGraph) -> String {
        let r = kg.records();
        match self {
            Entity::Disease(n) => kg.disease(n).id.to_string(),
            Entity::Phenotype(n) => kg.phenotype(n).id.to_string(),
            Entity::Gene(n) => kg.gene(n).id.to_string(),
            Entity::Drug(i) => r.drugs[i as usize].id.clone(),
            Entity::Designation(i) => designation_id(kg, i),
            Entity::Trial(i) => r.trials[i as usize].record.nct_id.clone(),
        }
    }

    /// Its display name.
    pub fn label(self, kg: &KnowledgeGraph) -> &str {
        let r = kg.records();
        match self {
            Entity::Disease(n) => &kg.disease(n).name.value,
            Entity::Phenotype(n) => &kg.phenotype(n).name,
            Entity::Gene(n) => &kg.gene(n).symbol,
            Entity::Drug(i) => &r.drugs[i as usize].generic_name,
            Entity::Designation(i) => &r.designations[i as usize].text,
            Entity::Trial(i) => {
                let t = &r.trials[i as usize].record;
                t.brief_title.as_deref().unwrap_or(&t.nct_id)
            }
        }
    }
}

/// A designation's id: its agency and the line of the export it was read
/// from (`DESIGNATION:FDA-L123`).
pub fn designation_id(kg: &KnowledgeGraph, i: u32) -> String {
    let d = &kg.records().designations[i as usize];
    format!("DESIGNATION:{:?}-L{}", d.agency, d.line).to_uppercase()
}

/// Finds an entity by id: a disease, HPO term or gene id (or gene symbol),
/// a drug (`DRUG:...`), a designation or an NCT id.
pub fn find(kg: &KnowledgeGraph, id: &str) -> Option<Entity> {
    let r = kg.records();
    let id = id.trim();
    if id.starts_with("DRUG:") {
        return r.drug(id).map(Entity::Drug);
    }
    if let Some(rest) = id.to_uppercase().strip_prefix("DESIGNATION:") {
        // `FDA-L123`: the agency and the export line (see `designation_id`).
        let (agency, line) = rest.rsplit_once("-L")?;
        let line: usize = line.parse().ok()?;
        return r
            .designations
            .iter()
            .position(|d| d.line == line && format!("{:?}", d.agency).to_uppercase() == agency)
            .map(|i| Entity::Designation(i as u32));
    }
    if id.to_uppercase().starts_with("NCT") {
        return r.trial(&id.to_uppercase()).map(Entity::Trial);
    }
    use super::Lookup::{Found, Redirected};
    if let Ok(c) = Curie::parse(id) {
        if c.prefix().is_disease() {
            if let Found(n) = kg.find_disease(&c) {
                return Some(Entity::Disease(n));
            }
        }
        if let Found(n) | Redirected { node: n, .. } = kg.find_phenotype(&c) {
            return Some(Entity::Phenotype(n));
        }
    }
    match kg.find_gene(id) {
        Found(n) | Redirected { node: n, .. } => Some(Entity::Gene(n)),
        _ => None,
    }
}

/// Every edge at an entity, with the entity at its other end.
pub fn links(kg: &KnowledgeGraph, e: Entity, mut visit: impl FnMut(Link, Entity)) {
    let r = kg.records();
    let mut emit = |source: Entity, target: Entity, kind: EdgeKind| {
        let other = if source == e { target } else { source };
        visit(
            Link {
                source,
                target,
                kind,
            },
            other,
        );
    };
    // The graph's edges of one relation; `outgoing` when `e` is the source.
    let mut graph =
        |n: NodeId, rel: Rel, kind: EdgeKind, wrap: fn(NodeId) -> Entity, outgoing: bool| {
            for &edge in kg.edges(n, rel) {
                let o = wrap(kg.other(edge, n));
                if outgoing {
                    emit(e, o, kind);
                } else {
                    emit(o, e, kind);
                }
            }
        };
    match e {
        Entity::Disease(n) => {
            graph(
                n,
                Rel::DiseasePhenotypes,
                EdgeKind::DiseasePhenotype,
                Entity::Phenotype,
                true,
            );
            graph(
                n,
                Rel::DiseaseGenes,
                EdgeKind::GeneDisease,
                Entity::Gene,
                false,
            );
            graph(n, Rel::Parents, EdgeKind::SubclassOf, Entity::Disease, true);
            graph(
                n,
                Rel::Children,
                EdgeKind::SubclassOf,
                Entity::Disease,
                false,
            );
            for &d in r.designations_of(n) {
                emit(Entity::Designation(d), e, EdgeKind::DesignationDisease);
            }
            for &t in r.trials_of(n) {
                emit(Entity::Trial(t), e, EdgeKind::TrialDisease);
            }
        }
        Entity::Phenotype(n) => {
            graph(
                n,
                Rel::PhenotypeDiseases,
                EdgeKind::DiseasePhenotype,
                Entity::Disease,
                false,
            );
            graph(
                n,
                Rel::PhenotypeGenes,
                EdgeKind::GenePhenotype,
                Entity::Gene,
                false,
            );
            graph(
                n,
                Rel::Parents,
                EdgeKind::SubclassOf,
                Entity::Phenotype,
                true,
            );
            graph(
                n,
                Rel::Children,
                EdgeKind::SubclassOf,
                Entity::Phenotype,
                false,
            );
        }
        Entity::Gene(n) => {
            graph(
                n,
                Rel::GeneDiseases,
                EdgeKind::GeneDisease,
                Entity::Disease,
                true,
            );
            graph(
                n,
                Rel::GenePhenotypes,
                EdgeKind::GenePhenotype,
                Entity::Phenotype,
                true,
            );
        }
        Entity::Drug(i) => {
            for &d in r.designations_of_drug(i) {
                emit(e, Entity::Designation(d), EdgeKind::DrugDesignation);
            }
            for &t in r.trials_of_drug(i) {
                emit(Entity::Trial(t), e, EdgeKind::TrialDrug);
            }
        }
        Entity::Designation(i) => {
            let d = &r.designations[i as usize];
            emit(Entity::Drug(d.drug), e, EdgeKind::DrugDesignation);
            if let Some(l) = &d.link {
                emit(e, Entity::Disease(l.disease), EdgeKind::DesignationDisease);
            }
        }
        Entity::Trial(i) => {
            let t = &r.trials[i as usize];
            for l in &t.diseases {
                emit(e, Entity::Disease(l.disease), EdgeKind::TrialDisease);
            }
            for &d in &t.drugs {
                emit(e, Entity::Drug(d), EdgeKind::TrialDrug);
            }
        }
    }
}

/// What a traversal may cross.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these edge types (empty: all).
    pub edges: Vec<EdgeKind>,
    /// Only these entity types (empty: all). The start (and a path's end)
    /// is always allowed.
    pub entities: Vec<EntityKind>,
}

impl Filter {
    fn edge(&self, k: EdgeKind) -> bool {
        self.edges.is_empty() || self.edges.contains(&k)
    }
    fn entity(&self, k: EntityKind) -> bool {
        self.entities.is_empty() || self.entities.contains(&k)
    }
}

/// A neighbourhood, ready to draw.
#[derive(Debug, Clone)]
pub struct Neighborhood {
    /// Entities with their distance from the start, the start first.
    pub nodes: Vec<(Entity, u32)>,
    pub links: Vec<Link>,
    /// Whether `limit` cut the neighbourhood short.
    pub truncated: bool,
}

/// The entities within `depth` edges of `start`, breadth first, at most
/// `limit` of them, and the edges between them that the walk crossed.
pub fn neighborhood(
    kg: &KnowledgeGraph,
    start: Entity,
    depth: u32,
    filter: &Filter,
    limit: usize,
) -> Neighborhood {
    // Entities are small integers: FxHash, not SipHash, which took most of
    // the time of a depth-2 neighbourhood (tens of thousands of lookups).
    let mut seen: FxHashMap<Entity, u32> = FxHashMap::default();
    seen.insert(start, 0);
    let mut nodes = vec![(start, 0)];
    let mut crossed = Vec::new();
    let mut queue = VecDeque::from([(start, 0)]);
    let mut truncated = false;
    while let Some((e, d)) = queue.pop_front() {
        if d >= depth {
            continue;
        }
        links(kg, e, |l, o| {
            if !filter.edge(l.kind) || !filter.entity(o.kind()) {
                return;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = seen.entry(o) {
                if nodes.len() >= limit {
                    truncated = true;
                    return;
                }
                slot.insert(d + 1);
                nodes.push((o, d + 1));
                queue.push_back((o, d + 1));
            }
            crossed.push(l);
        });
    }
    crossed.sort_unstable();
    crossed.dedup();
    Neighborhood {
        nodes,
        links: crossed,
        truncated,
    }
}

/// Up to `max_paths` shortest paths from `from` to `to` of at most
/// `max_length` edges; each path is its entities and the edges between them.
pub fn shortest_paths(
    kg: &KnowledgeGraph,
    from: Entity,
    to: Entity,
    max_length: u32,
    filter: &Filter,
    max_paths: usize,
) -> Vec<(Vec<Entity>, Vec<Link>)> {
    if from == to {
        return vec![(vec![from], Vec::new())];
    }
    // Breadth first, keeping every parent at the previous level.
    let mut level: FxHashMap<Entity, u32> = FxHashMap::default();
    level.insert(from, 0);
    let mut parents: FxHashMap<Entity, Vec<(Entity, Link)>> = FxHashMap::default();
    let mut frontier = vec![from];
    let mut d = 0;
    while !frontier.is_empty() && d < max_length && !level.contains_key(&to) {
        let mut next = Vec::new();
        for &e in &frontier {
            links(kg, e, |l, o| {
                if !filter.edge(l.kind) || (o != to && !filter.entity(o.kind())) {
                    return;
                }
                match level.get(&o) {
                    None => {
                        level.insert(o, d + 1);
                        parents.insert(o, vec![(e, l)]);
                        next.push(o);
                    }
                    Some(&lo) if lo == d + 1 => parents.entry(o).or_default().push((e, l)),
                    _ => {}
                }
            });
        }
        frontier = next;
        d += 1;
    }
    if !level.contains_key(&to) {
        return Vec::new();
    }
    // Walk back from `to`, in a stable order.
    let mut out = Vec::new();
    let mut stack: Vec<(Entity, Vec<Entity>, Vec<Link>)> = vec![(to, vec![to], Vec::new())];
    while let Some((e, path, edges)) = stack.pop() {
        if out.len() >= max_paths {
            break;
        }
        if e == from {
            let mut p = path;
            p.reverse();
            let mut l = edges;
            l.reverse();
            out.push((p, l));
            continue;
        }
        let mut ps = parents.get(&e).cloned().unwrap_or_default();
        ps.sort_unstable();
        ps.dedup_by_key(|x| x.0);
        for (p, l) in ps.into_iter().rev() {
            let mut path = path.clone();
            path.push(p);
            let mut edges = edges.clone();
            edges.push(l);
            stack.push((p, path, edges));
        }
    }
    out
}

/// Diseases sharing annotations with `disease`, by the summed weight of
/// what they share: the IC of shared phenotypes (`ic`), or for genes
/// `-ln(share of annotated diseases with the gene)`. Best first, with the
/// shared items.
pub fn related_diseases(
    kg: &KnowledgeGraph,
    disease: NodeId,
    by_genes: bool,
    ic: impl Fn(NodeId) -> f64,
    first: usize,
) -> Vec<(NodeId, f64, Vec<NodeId>)> {
    let (out_rel, back_rel) = if by_genes {
        (Rel::DiseaseGenes, Rel::GeneDiseases)
    } else {
        (Rel::DiseasePhenotypes, Rel::PhenotypeDiseases)
    };
    let annotated = kg
        .diseases()
        .filter(|&d| !kg.edges(d, out_rel).is_empty())
        .count()
        .max(1) as f64;
    let mut score: HashMap<NodeId, (f64, Vec<NodeId>)> = HashMap::new();
    for &e in kg.edges(disease, out_rel) {
        let item = kg.other(e, disease);
        let others = kg.edges(item, back_rel);
        let w = if by_genes {
            -(others.len().max(1) as f64 / annotated).ln()
        } else {
            ic(item)
        };
        for &b in others {
            let o = kg.other(b, item);
            if o != disease {
                let s = score.entry(o).or_default();
                s.0 += w;
                if s.1.last() != Some(&item) {
                    s.1.push(item);
                }
            }
        }
    }
    let mut v: Vec<(NodeId, f64, Vec<NodeId>)> = score
        .into_iter()
        .map(|(d, (s, items))| (d, s, items))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(first);
    v
}
