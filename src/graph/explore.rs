//! Graph exploration: neighbourhoods, shortest paths and related diseases.
//!
//! The traversal covers the petgraph graph (diseases, phenotypes, genes and
//! their associations and hierarchies) and the record layer joined to it
//! (drugs, their orphan designations, and trials), so that a path can run
//! drug -> designation -> disease -> gene.

use super::model::NodeId;
use super::{KnowledgeGraph, Rel};
use crate::curie::Curie;
use petgraph::visit::{Bfs, GraphBase, GraphRef, IntoNeighbors, VisitMap, Visitable};
use rustc_hash::{FxHashMap, FxHashSet};
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

/// Whether `id` has the form of a record id: `DRUG:...`,
/// `DESIGNATION:...` or an NCT number (`NCT` and digits).
pub fn is_record_id(id: &str) -> bool {
    let up = id.trim().to_uppercase();
    up.starts_with("DRUG:")
        || up.starts_with("DESIGNATION:")
        || up
            .strip_prefix("NCT")
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

/// Finds a drug (`DRUG:...`), a designation (`DESIGNATION:FDA-L123`) or a
/// trial (an NCT number) by id; `None` for any other id.
pub fn find_record(kg: &KnowledgeGraph, id: &str) -> Option<Entity> {
    let r = kg.records();
    let id = id.trim();
    if !is_record_id(id) {
        return None;
    }
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
    r.trial(&id.to_uppercase()).map(Entity::Trial)
}

/// Finds an entity by id, for tools and benchmarks: a record id (see
/// [`find_record`]), else a disease or HPO id, else a gene id or symbol;
/// `None` when the id names nothing or several. The API resolves client
/// ids through `api::ids` instead, which reports ambiguity.
pub fn find(kg: &KnowledgeGraph, id: &str) -> Option<Entity> {
    if is_record_id(id) {
        return find_record(kg, id);
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

/// The explorable graph as petgraph sees it: its nodes are entities (graph
/// nodes and records alike) and a node's neighbours are the entities at the
/// other end of the links (`links`) the filter lets through, in that order.
/// Traversal is undirected, as [`EdgeKind`] says. `end` is let through
/// whatever its type: a path's end.
#[derive(Clone, Copy)]
pub struct ExploreView<'a> {
    pub kg: &'a KnowledgeGraph,
    pub filter: &'a Filter,
    pub end: Option<Entity>,
}

impl<'a> ExploreView<'a> {
    pub fn new(kg: &'a KnowledgeGraph, filter: &'a Filter) -> Self {
        ExploreView {
            kg,
            filter,
            end: None,
        }
    }

    /// The links at `e` the view crosses, with the entity at their other end.
    pub fn links(self, e: Entity, mut visit: impl FnMut(Link, Entity)) {
        links(self.kg, e, |l, o| {
            if self.filter.edge(l.kind) && (Some(o) == self.end || self.filter.entity(o.kind())) {
                visit(l, o);
            }
        });
    }
}

impl GraphBase for ExploreView<'_> {
    type NodeId = Entity;
    type EdgeId = Link;
}

impl GraphRef for ExploreView<'_> {}

impl IntoNeighbors for ExploreView<'_> {
    type Neighbors = std::vec::IntoIter<Entity>;
    fn neighbors(self, e: Entity) -> Self::Neighbors {
        let mut v = Vec::new();
        self.links(e, |_, o| v.push(o));
        v.into_iter()
    }
}

impl Visitable for ExploreView<'_> {
    // Entities are small integers: FxHash, not SipHash, which took most of
    // the time of a depth-2 neighbourhood (tens of thousands of lookups).
    type Map = FxHashSet<Entity>;
    fn visit_map(&self) -> Self::Map {
        FxHashSet::default()
    }
    fn reset_map(&self, map: &mut Self::Map) {
        map.clear();
    }
}

/// The visit map of a breadth-first walk that keeps each entity's depth and
/// the order of discovery, and discovers at most `limit` entities: once full
/// it refuses a new entity (`visit` is false, so `Bfs` does not queue it) and
/// notes that the walk was cut short.
struct Reach {
    depth: FxHashMap<Entity, u32>,
    /// In order of discovery, which is `Bfs`'s queue order.
    order: Vec<(Entity, u32)>,
    /// The depth of what is discovered now: one more than the entity `Bfs`
    /// is expanding.
    level: u32,
    limit: usize,
    truncated: bool,
}

impl Reach {
    fn depth(&self, e: Entity) -> Option<u32> {
        self.depth.get(&e).copied()
    }
}

impl VisitMap<Entity> for Reach {
    fn visit(&mut self, e: Entity) -> bool {
        match self.depth.entry(e) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(_) if self.order.len() >= self.limit => {
                self.truncated = true;
                false
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(self.level);
                self.order.push((e, self.level));
                true
            }
        }
    }
    fn is_visited(&self, e: &Entity) -> bool {
        self.depth.contains_key(e)
    }
    fn unvisit(&mut self, e: Entity) -> bool {
        let was = self.depth.remove(&e).is_some();
        if was {
            self.order.retain(|x| x.0 != e);
        }
        was
    }
}

/// petgraph's `Bfs` over `view` from `start`, expanding only the entities
/// less than `depth` edges away and discovering at most `limit`; `done` can
/// end it before the next expansion. `Bfs` discovers the neighbours of the
/// entity it takes from its queue; the queue is the discovery order, so its
/// front is the next entity of `order` and depths never decrease along it:
/// at the first entity `depth` away, every nearer one has been expanded.
fn walk(
    view: ExploreView<'_>,
    start: Entity,
    depth: u32,
    limit: usize,
    mut done: impl FnMut(&Reach) -> bool,
) -> Reach {
    let mut depths = FxHashMap::default();
    depths.insert(start, 0);
    let mut bfs = Bfs {
        stack: VecDeque::from([start]),
        discovered: Reach {
            depth: depths,
            order: vec![(start, 0)],
            level: 1,
            limit,
            truncated: false,
        },
    };
    let mut expanded = 0;
    while let Some(&front) = bfs.stack.front() {
        let (e, d) = bfs.discovered.order[expanded];
        debug_assert_eq!(e, front);
        if d >= depth || done(&bfs.discovered) {
            break;
        }
        bfs.discovered.level = d + 1;
        bfs.next(view);
        expanded += 1;
    }
    bfs.discovered
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
    let view = ExploreView::new(kg, filter);
    let reach = walk(view, start, depth, limit, |_| false);
    // The walk crossed every link from an expanded entity (less than
    // `depth` away) to an entity it reached: to one found before, or found
    // then. `Bfs` sees entities, not links, so they are read again here; as
    // the walk refuses an entity only once it is full, an entity the walk
    // refused at that link is one it never reached.
    let mut crossed = Vec::new();
    for &(e, d) in &reach.order {
        if d >= depth {
            break;
        }
        view.links(e, |l, o| {
            if reach.is_visited(&o) {
                crossed.push(l);
            }
        });
    }
    crossed.sort_unstable();
    crossed.dedup();
    Neighborhood {
        nodes: reach.order,
        links: crossed,
        truncated: reach.truncated,
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
    // Distances from `from` by petgraph's `Bfs`, up to `max_length`, until
    // it finds `to`: by then every entity nearer than `to` has its distance.
    let view = ExploreView {
        kg,
        filter,
        end: Some(to),
    };
    let reach = walk(view, from, max_length, usize::MAX, |r| r.is_visited(&to));
    if !reach.is_visited(&to) {
        return Vec::new();
    }
    // An entity's parents: the entities one nearer `from` across a link the
    // filter lets through (the entity itself passed the filter when found;
    // a parent did too, or is `from`), one link each (the least), in order.
    let mut parents_of: FxHashMap<Entity, Vec<(Entity, Link)>> = FxHashMap::default();
    let mut parents = |e: Entity| {
        parents_of
            .entry(e)
            .or_insert_with(|| {
                let d = reach.depth(e).unwrap_or(0);
                let mut ps = Vec::new();
                links(kg, e, |l, p| {
                    if filter.edge(l.kind) && d > 0 && reach.depth(p) == Some(d - 1) {
                        ps.push((p, l));
                    }
                });
                ps.sort_unstable();
                ps.dedup_by_key(|x| x.0);
                ps
            })
            .clone()
    };
    // Walk back from `to`, in a stable order. This stays a plain stack:
    // petgraph's `all_simple_paths` would give the same walk over a view of
    // the parents, but yields entities only (the links would be looked up
    // again) and asks for a node's neighbours at every visit; the distances
    // already keep the walk to shortest paths, so every branch ends at `from`.
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
        for (p, l) in parents(e).into_iter().rev() {
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
