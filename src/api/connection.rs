//! Relay cursor connections over the graph's ordered adjacency lists.
//!
//! Lists are immutable for the life of a loaded release, so a cursor is the
//! item's position in its list. Cursors are opaque to clients: send back
//! `endCursor` as `after`.

use super::error::ApiError;
use async_graphql::{OutputType, SimpleObject};

/// The default page size when `first` is not given.
pub const DEFAULT_PAGE: usize = 20;
/// The largest page a client may ask for (the configuration owns it).
pub use crate::config::MAX_PAGE;

/// Relay page information.
#[derive(SimpleObject, Debug, Clone)]
pub struct PageInfo {
    /// Whether more items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first edge of this page.
    pub start_cursor: Option<String>,
    /// Cursor of the last edge of this page; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// A page of a list.
#[derive(SimpleObject)]
#[graphql(concrete(
    name = "DiseasePhenotypeConnection",
    params(super::disease::DiseasePhenotypeEdge)
))]
#[graphql(concrete(
    name = "DiseaseGeneConnection",
    params(super::disease::DiseaseGeneEdge)
))]
#[graphql(concrete(
    name = "DiseaseRelationConnection",
    params(super::disease::DiseaseRelationEdge)
))]
#[graphql(concrete(name = "DiseaseConnection", params(super::disease::DiseaseEdge)))]
#[graphql(concrete(
    name = "PhenotypeDiseaseConnection",
    params(super::phenotype::PhenotypeDiseaseEdge)
))]
#[graphql(concrete(
    name = "PhenotypeGeneConnection",
    params(super::phenotype::PhenotypeGeneEdge)
))]
#[graphql(concrete(name = "PhenotypeConnection", params(super::phenotype::PhenotypeEdge)))]
#[graphql(concrete(name = "GeneDiseaseConnection", params(super::gene::GeneDiseaseEdge)))]
#[graphql(concrete(
    name = "GenePhenotypeConnection",
    params(super::gene::GenePhenotypeEdge)
))]
#[graphql(concrete(name = "GeneConnection", params(super::gene::GeneEdge)))]
#[graphql(concrete(name = "DesignationConnection", params(super::drug::DesignationEdge)))]
#[graphql(concrete(
    name = "ClinicalTrialConnection",
    params(super::trial::ClinicalTrialEdge)
))]
pub struct Connection<E: OutputType> {
    /// Number of items in the whole list, across all pages.
    pub total_count: usize,
    /// Where this page lies in the list; pass `endCursor` as `after` for the next.
    pub page_info: PageInfo,
    /// The items of this page, in the list's order.
    pub edges: Vec<E>,
}

/// A validated page request.
#[derive(Debug, Clone, Copy)]
pub struct PageArgs {
    start: usize,
    len: usize,
}

impl PageArgs {
    /// Validates `first` (at most [`MAX_PAGE`]) and `after`.
    pub fn new(first: Option<i32>, after: Option<&str>) -> Result<PageArgs, ApiError> {
        PageArgs::capped(first, after, MAX_PAGE)
    }

    /// Validates `first` (at most `max`) and `after`.
    pub fn capped(
        first: Option<i32>,
        after: Option<&str>,
        max: usize,
    ) -> Result<PageArgs, ApiError> {
        let len = match first {
            None => DEFAULT_PAGE.min(max),
            Some(n) if n < 0 => {
                return Err(ApiError::BadUserInput(format!(
                    "`first` must not be negative (got {n})"
                )))
            }
            Some(n) if n as usize > max => {
                return Err(ApiError::PageSize {
                    first: n as u64,
                    max,
                })
            }
            Some(n) => n as usize,
        };
        let start = match after {
            None => 0,
            Some(c) => decode_cursor(c)? + 1,
        };
        Ok(PageArgs { start, len })
    }

    /// The positions this page covers in a list of `total` items.
    pub fn range(self, total: usize) -> std::ops::Range<usize> {
        let start = self.start.min(total);
        start..start.saturating_add(self.len).min(total)
    }

    /// Pages through `items`, mapping each `(position, item)` to an edge.
    pub fn apply<T, E: OutputType>(
        self,
        items: &[T],
        mut edge: impl FnMut(String, &T) -> E,
    ) -> Connection<E> {
        let total = items.len();
        let range = self.range(total);
        let edges: Vec<E> = items[range.clone()]
            .iter()
            .enumerate()
            .map(|(i, x)| edge(encode_cursor(range.start + i), x))
            .collect();
        Connection {
            total_count: total,
            page_info: page_info(range, total),
            edges,
        }
    }
}

/// The page information of the positions `range` of a list of `total`
/// items (or of the `total` reachable ones).
pub fn page_info(range: std::ops::Range<usize>, total: usize) -> PageInfo {
    let (start, end) = (range.start, range.end);
    PageInfo {
        has_next_page: end < total,
        has_previous_page: start > 0,
        start_cursor: (start < end).then(|| encode_cursor(start)),
        end_cursor: (start < end).then(|| encode_cursor(end - 1)),
    }
}

/// The cursor of position `i`.
pub fn cursor(i: usize) -> String {
    encode_cursor(i)
}

fn encode_cursor(i: usize) -> String {
    format!("c{i}")
}

fn decode_cursor(c: &str) -> Result<usize, ApiError> {
    c.strip_prefix('c')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ApiError::BadUserInput(format!("`after`: `{c}` is not a cursor from this API"))
        })
}
