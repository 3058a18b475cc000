//! What a request would cost, measured on its parsed document before it
//! runs: depth, aliases, the largest page asked for, and a complexity that
//! counts page sizes.
//!
//! Written here rather than taken from async-graphql's `limit_depth` /
//! `limit_complexity` because those refuse with uncoded messages, have no
//! alias count, and count a page of 500 the same as a page of 1 unless
//! every connection field carries a hand-written cost expression. One walk
//! over the document gives all four numbers, with fragments measured once
//! each (a fragment spread many times cannot make the walk exponential).

use super::connection::{DEFAULT_PAGE, MAX_PAGE};
use super::error::ApiError;
use crate::config::Limits;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::HashMap;

/// The measured cost of one request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Deepest field nesting (a root field is depth 1).
    pub depth: usize,
    /// Aliased fields, fragments counted at each use.
    pub aliases: u64,
    /// One per field, times the page size for the fields inside a page.
    pub complexity: u64,
    /// The largest `first:` asked for.
    pub largest_page: u64,
}

impl Cost {
    /// Measures the operation `operation` names (every operation when the
    /// document has several and none is named; the executor refuses that).
    pub fn measure(doc: &ExecutableDocument, operation: Option<&str>, vars: &Variables) -> Cost {
        let mut walk = Walk {
            doc,
            vars,
            fragments: HashMap::new(),
        };
        let ops: Vec<&Positioned<OperationDefinition>> = match (&doc.operations, operation) {
            (DocumentOperations::Single(op), _) => vec![op],
            (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).into_iter().collect(),
            (DocumentOperations::Multiple(ops), None) => ops.values().collect(),
        };
        ops.into_iter().fold(Cost::default(), |total, op| {
            total.max(walk.selection_set(&op.node.selection_set.node))
        })
    }

    /// The deepest nesting of braces in a query text, outside strings and
    /// comments: its depth, for a text too deep for the parser to finish.
    pub fn nesting(query: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0usize);
        let mut chars = query.chars();
        while let Some(c) = chars.next() {
            match c {
                '{' => {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
                '}' => depth = depth.saturating_sub(1),
                '#' => {
                    chars.by_ref().find(|&c| c == '\n');
                }
                '"' => {
                    let mut escaped = false;
                    for c in chars.by_ref() {
                        match c {
                            '\\' if !escaped => escaped = true,
                            '"' if !escaped => break,
                            _ => escaped = false,
                        }
                    }
                }
                _ => {}
            }
        }
        deepest
    }

    /// The first limit this cost is over, as the error a client sees.
    pub fn check(&self, limits: &Limits) -> Result<(), ApiError> {
        if self.depth > limits.max_depth {
            return Err(ApiError::DepthLimit {
                depth: self.depth,
                max: limits.max_depth,
            });
        }
        if self.aliases > limits.max_aliases as u64 {
            return Err(ApiError::AliasLimit {
                aliases: self.aliases,
                max: limits.max_aliases,
            });
        }
        if self.largest_page > limits.max_page_size as u64 {
            return Err(ApiError::PageSize {
                first: self.largest_page,
                max: limits.max_page_size,
            });
        }
        if self.complexity > limits.max_complexity {
            return Err(ApiError::ComplexityLimit {
                complexity: self.complexity,
                max: limits.max_complexity,
            });
        }
        Ok(())
    }

    /// The larger of two costs, measure by measure.
    fn max(self, other: Cost) -> Cost {
        Cost {
            depth: self.depth.max(other.depth),
            aliases: self.aliases.max(other.aliases),
            complexity: self.complexity.max(other.complexity),
            largest_page: self.largest_page.max(other.largest_page),
        }
    }

    /// This cost and `other` side by side in one selection set.
    fn beside(self, other: Cost) -> Cost {
        Cost {
            depth: self.depth.max(other.depth),
            aliases: self.aliases.saturating_add(other.aliases),
            complexity: self.complexity.saturating_add(other.complexity),
            largest_page: self.largest_page.max(other.largest_page),
        }
    }
}

struct Walk<'a> {
    doc: &'a ExecutableDocument,
    vars: &'a Variables,
    /// Fragments measured so far; `None` while one is being measured, so a
    /// cycle (which validation refuses later) counts as nothing.
    fragments: HashMap<&'a Name, Option<Cost>>,
}

impl<'a> Walk<'a> {
    fn selection_set(&mut self, set: &'a SelectionSet) -> Cost {
        let mut cost = Cost::default();
        for sel in &set.items {
            let c = match &sel.node {
                Selection::Field(f) => self.field(&f.node),
                Selection::InlineFragment(f) => self.selection_set(&f.node.selection_set.node),
                Selection::FragmentSpread(s) => self.fragment(&s.node.fragment_name.node),
            };
            cost = cost.beside(c);
        }
        cost
    }

    fn fragment(&mut self, name: &'a Name) -> Cost {
        match self.fragments.get(name) {
            Some(Some(c)) => return *c,
            Some(None) => return Cost::default(),
            None => {}
        }
        let Some(def) = self.doc.fragments.get(name) else {
            return Cost::default();
        };
        self.fragments.insert(name, None);
        let c = self.selection_set(&def.node.selection_set.node);
        self.fragments.insert(name, Some(c));
        c
    }

    fn field(&mut self, field: &'a Field) -> Cost {
        let children = &field.selection_set.node;
        let first = self.int_argument(field, "first");
        let inner = if children.items.is_empty() {
            Cost::default()
        } else {
            self.selection_set(children)
        };
        // The fields inside a page run once per item: `first` items, or the
        // default page when a connection is asked for without it.
        // A `limit` beyond the largest page is refused by its resolver.
        let limit = self
            .int_argument(field, "limit")
            .map(|n| n.min(MAX_PAGE as u64));
        let per_page = first.or(limit).unwrap_or_else(|| {
            if is_connection(children) {
                DEFAULT_PAGE as u64
            } else {
                1
            }
        });
        Cost {
            depth: if children.items.is_empty() {
                1
            } else {
                inner.depth + 1
            },
            aliases: inner.aliases + u64::from(field.alias.is_some()),
            complexity: inner
                .complexity
                .saturating_mul(per_page.max(1))
                .saturating_add(1),
            largest_page: inner.largest_page.max(first.unwrap_or(0)),
        }
    }

    /// A non-negative integer argument, literal or from a variable.
    fn int_argument(&self, field: &Field, name: &str) -> Option<u64> {
        let value = &field.get_argument(name)?.node;
        let n = match value {
            Value::Number(n) => n.as_u64(),
            Value::Variable(v) => match self.vars.get(v) {
                Some(ConstValue::Number(n)) => n.as_u64(),
                _ => None,
            },
            _ => None,
        }?;
        Some(n)
    }
}

/// Whether a selection reads a page (`edges`, `nodes` or `pageInfo`).
fn is_connection(set: &SelectionSet) -> bool {
    set.items.iter().any(|s| match &s.node {
        Selection::Field(f) => matches!(f.node.name.node.as_str(), "edges" | "nodes"),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(q: &str) -> Cost {
        let doc = async_graphql::parser::parse_query(q).unwrap();
        Cost::measure(&doc, None, &Variables::default())
    }

    #[test]
    fn pages_multiply_what_they_hold() {
        // disease 1 + phenotypes 1 + 50 x edges (1 + node (1 + id 1 + name 1)).
        let c =
            cost("{ disease(id: \"x\") { phenotypes(first: 50) { edges { node { id name } } } } }");
        assert_eq!(c.depth, 5);
        assert_eq!(c.complexity, 1 + 1 + 50 * 4);
        assert_eq!(c.largest_page, 50);
        // Without `first`, a connection counts the default page.
        let c = cost("{ disease(id: \"x\") { phenotypes { edges { node { id } } } } }");
        assert_eq!(c.complexity, 1 + 1 + DEFAULT_PAGE as u64 * 3);
    }

    #[test]
    fn fragments_count_at_each_use_but_are_measured_once() {
        let c = cost(
            "{ a: disease(id: \"x\") { ...F } b: disease(id: \"y\") { ...F } }
             fragment F on Disease { n: name id }",
        );
        assert_eq!(c.aliases, 4);
        assert_eq!(c.complexity, 2 * 3);
        assert_eq!(c.depth, 2);
        // A cycle does not hang the walk (validation refuses it later).
        let c = cost("{ disease(id: \"x\") { ...A } } fragment A on Disease { ...B } fragment B on Disease { ...A id }");
        assert_eq!(c.depth, 2);
    }

    #[test]
    fn nesting_skips_strings_and_comments() {
        assert_eq!(Cost::nesting("{ a { b(x: \"{{{\") { c } } } # {{{{\n"), 3);
    }

    #[test]
    fn variables_give_the_page_size() {
        let doc = async_graphql::parser::parse_query(
            "query($n: Int) { diseases(first: $n) { edges { node { id } } } }",
        )
        .unwrap();
        let vars = Variables::from_json(serde_json::json!({ "n": 100000 }));
        let c = Cost::measure(&doc, None, &vars);
        assert_eq!(c.largest_page, 100_000);
        assert_eq!(
            c.check(&Limits::default()).unwrap_err().code(),
            "PAGE_SIZE_EXCEEDED"
        );
    }
}
