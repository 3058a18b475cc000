//! Graph exploration: `neighborhood`, `paths` and `relatedDiseases` (see
//! [`crate::graph::explore`]).

use super::disease::Disease;
use super::error::{ApiError, Coded};
use super::gene::Gene;
use super::ids::{self, DiseaseId, EntityId};
use super::phenotype::Phenotype;
use super::{analytics, kg};
use crate::graph::explore::{self, Entity, Filter, Link};
use crate::graph::KnowledgeGraph;
use async_graphql::{Context, Enum, Object, Result, SimpleObject};

/// The deepest neighbourhood served.
pub const MAX_DEPTH: i32 = 3;
/// The most nodes a neighbourhood may have.
pub const MAX_NODES: i32 = 2000;
/// The longest path searched.
pub const MAX_PATH_LENGTH: i32 = 6;
/// The most paths returned.
pub const MAX_PATHS: i32 = 20;

/// A node type of the explorable graph.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::graph::explore::EntityKind")]
pub enum NodeType {
    /// A disease (id: its canonical CURIE, e.g. `MONDO:0007947`).
    Disease,
    /// An HPO term (`HP:0003701`).
    Phenotype,
    /// A gene (`HGNC:3603`).
    Gene,
    /// A drug (`DRUG:bosentan`).
    Drug,
    /// An orphan designation.
    Designation,
    /// A clinical trial.
    Trial,
}

/// An edge type of the explorable graph.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::graph::explore::EdgeKind")]
pub enum EdgeType {
    /// Disease has phenotype.
    DiseasePhenotype,
    /// Gene associated with disease.
    GeneDisease,
    /// Gene associated with phenotype.
    GenePhenotype,
    /// Subclass of (diseases, phenotypes).
    SubclassOf,
    /// Drug holds an orphan designation.
    DrugDesignation,
    /// Designation is for a disease.
    DesignationDisease,
    /// Trial studies a disease.
    TrialDisease,
    /// Trial tests a drug.
    TrialDrug,
}

/// A node, ready to draw.
#[derive(SimpleObject)]
pub struct GraphNode {
    /// The entity's id. A node carries its depth in this neighbourhood or
    /// path, so it has no `id` of its own: normalised caches keep it with
    /// the query that drew it.
    entity_id: String,
    /// Its type.
    #[graphql(name = "type")]
    node_type: NodeType,
    /// Its display name: a gene's symbol, a designation's text, a trial's
    /// brief title (or NCT number).
    label: String,
    /// Its Biolink category.
    category: &'static str,
    /// Edges from the start (0 for the start; a path's position).
    depth: u32,
}

/// An edge, in the direction the data states.
#[derive(SimpleObject)]
pub struct GraphEdge {
    /// The id of the node it starts from: the disease of `DISEASE_PHENOTYPE`,
    /// the gene of `GENE_*`, the narrower term of `SUBCLASS_OF`, the drug of
    /// `DRUG_DESIGNATION`, the designation or trial of the others.
    source: String,
    /// The id of the node it points to.
    target: String,
    /// Its type.
    #[graphql(name = "type")]
    edge_type: EdgeType,
    /// Its Biolink predicate.
    predicate: &'static str,
}

fn node(kg: &KnowledgeGraph, e: Entity, depth: u32) -> GraphNode {
    GraphNode {
        entity_id: e.id(kg),
        node_type: e.kind().into(),
        label: e.label(kg).to_string(),
        category: e.kind().biolink(),
        depth,
    }
}

fn edge(kg: &KnowledgeGraph, l: &Link) -> GraphEdge {
    GraphEdge {
        source: l.source.id(kg),
        target: l.target.id(kg),
        edge_type: l.kind.into(),
        predicate: l.kind.biolink(),
    }
}

/// A neighbourhood.
#[derive(SimpleObject)]
pub struct Subgraph {
    /// The start first, then the others breadth first (`depth` says how far).
    nodes: Vec<GraphNode>,
    /// The edges the walk crossed, each once; both ends are in `nodes`.
    edges: Vec<GraphEdge>,
    /// Whether `limit` cut it short.
    truncated: bool,
}

/// A path.
#[derive(SimpleObject)]
pub struct GraphPath {
    /// Its number of edges.
    length: usize,
    /// Its nodes from `from` to `to` (`depth` is the position, from 0).
    nodes: Vec<GraphNode>,
    /// Its edges in path order, each in the data's direction (so `source`
    /// may be the later node).
    edges: Vec<GraphEdge>,
}

/// What two diseases share.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum RelatedBy {
    /// Shared phenotype annotations, each weighted by its information content.
    Phenotypes,
    /// Shared genes, each weighted by `-ln(share of diseases with the gene)`.
    Genes,
}

/// A disease related to another, with what they share.
pub struct RelatedDisease {
    disease: crate::graph::model::NodeId,
    score: f64,
    shared: Vec<crate::graph::model::NodeId>,
    by: RelatedBy,
}

/// A disease related to another, with what they share.
#[Object]
impl RelatedDisease {
    /// The related disease.
    async fn disease(&self) -> Disease {
        Disease(self.disease)
    }
    /// The summed weight of what they share: IC for phenotypes,
    /// `-ln(share of diseases with the gene)` for genes.
    async fn score(&self) -> f64 {
        self.score
    }
    /// The phenotypes they share (empty when related by genes).
    async fn shared_phenotypes(&self) -> Vec<Phenotype> {
        match self.by {
            RelatedBy::Phenotypes => self.shared.iter().map(|&n| Phenotype::new(n)).collect(),
            RelatedBy::Genes => Vec::new(),
        }
    }
    /// The genes they share (empty when related by phenotypes).
    async fn shared_genes(&self) -> Vec<Gene> {
        match self.by {
            RelatedBy::Genes => self.shared.iter().map(|&n| Gene::new(n)).collect(),
            RelatedBy::Phenotypes => Vec::new(),
        }
    }
}

fn find(kg: &KnowledgeGraph, id: &EntityId) -> Result<Entity> {
    id.require(kg).coded()
}

fn bounded(name: &str, v: i32, min: i32, max: i32) -> Result<i32> {
    if v < min || v > max {
        return Err(ApiError::BadUserInput(format!(
            "`{name}` must be between {min} and {max} (got {v})"
        )))
        .coded();
    }
    Ok(v)
}

fn filter(edges: Option<Vec<EdgeType>>, nodes: Option<Vec<NodeType>>) -> Filter {
    Filter {
        edges: edges
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        entities: nodes
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
    }
}

#[derive(Default)]
pub struct ExploreQuery;

#[Object]
impl ExploreQuery {
    /// The nodes within `depth` edges of an entity (a disease, phenotype,
    /// gene, drug, designation or trial id) and the edges crossed, breadth
    /// first, at most `limit` nodes.
    async fn neighborhood(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The start: a disease, HPO term or gene id (or gene symbol), `DRUG:bosentan`, `DESIGNATION:FDA-L123` or an NCT number."
        )]
        id: EntityId,
        #[graphql(default = 1, desc = "1 to 3.")] depth: i32,
        #[graphql(desc = "Only these edge types (default: all).")] edge_types: Option<
            Vec<EdgeType>,
        >,
        #[graphql(desc = "Only these node types (default: all); the start is always kept.")]
        node_types: Option<Vec<NodeType>>,
        #[graphql(default = 200, desc = "At most 2000.")] limit: i32,
    ) -> Result<Subgraph> {
        let g = kg(ctx);
        let start = find(g, &id)?;
        let depth = bounded("depth", depth, 1, MAX_DEPTH)? as u32;
        let limit = bounded("limit", limit, 1, MAX_NODES)? as usize;
        let n = explore::neighborhood(g, start, depth, &filter(edge_types, node_types), limit);
        Ok(Subgraph {
            nodes: n.nodes.iter().map(|&(e, d)| node(g, e, d)).collect(),
            edges: n.links.iter().map(|l| edge(g, l)).collect(),
            truncated: n.truncated,
        })
    }

    /// The shortest paths between two entities, of at most `maxLength`
    /// edges, through intermediate nodes of the `via` types only (default:
    /// any), e.g. drug -> designation -> disease -> gene.
    #[allow(clippy::too_many_arguments)]
    async fn paths(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The start, by id as for `neighborhood`.")] from: EntityId,
        #[graphql(desc = "The end, by id as for `neighborhood`.")] to: EntityId,
        #[graphql(default = 4, desc = "1 to 6.")] max_length: i32,
        #[graphql(desc = "Only through intermediate nodes of these types (default: any).")]
        via: Option<Vec<NodeType>>,
        #[graphql(desc = "Only along edges of these types (default: every edge type).")]
        edge_types: Option<Vec<EdgeType>>,
        #[graphql(default = 5, desc = "At most 20.")] first: i32,
    ) -> Result<Vec<GraphPath>> {
        let g = kg(ctx);
        let (a, b) = (find(g, &from)?, find(g, &to)?);
        let max_length = bounded("maxLength", max_length, 1, MAX_PATH_LENGTH)? as u32;
        let first = bounded("first", first, 1, MAX_PATHS)? as usize;
        let f = filter(edge_types, via);
        Ok(explore::shortest_paths(g, a, b, max_length, &f, first)
            .into_iter()
            .map(|(nodes, links)| GraphPath {
                length: links.len(),
                nodes: nodes
                    .iter()
                    .enumerate()
                    .map(|(i, &e)| node(g, e, i as u32))
                    .collect(),
                edges: links.iter().map(|l| edge(g, l)).collect(),
            })
            .collect())
    }

    /// Diseases that share phenotypes (weighted by their information
    /// content) or genes with this one, best first, with what they share.
    async fn related_diseases(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The disease, by any of its ids (`ORPHA:732`).")] id: DiseaseId,
        #[graphql(
            default_with = "RelatedBy::Phenotypes",
            desc = "Relate by shared phenotypes (default) or by shared genes."
        )]
        by: RelatedBy,
        #[graphql(default = 10, desc = "At most 100.")] first: i32,
    ) -> Result<Vec<RelatedDisease>> {
        let g = kg(ctx);
        let d = ids::require(g, &id).coded()?;
        let first = bounded("first", first, 1, 100)? as usize;
        Ok(explore::related_diseases(
            g,
            d,
            by == RelatedBy::Genes,
            |t| analytics(ctx).ic(t),
            first,
        )
        .into_iter()
        .map(|(disease, score, shared)| RelatedDisease {
            disease,
            score,
            shared,
            by,
        })
        .collect())
    }
}
