//! Field errors as the GraphQL spec answers them (§6.4.4, "Handling Field
//! Errors"): a field that fails is present in `data` as `null`, and when
//! its type is non-null the null propagates to the nearest nullable
//! ancestor, up to `data` itself.
//!
//! async-graphql 7 instead drops a failed field's key from its parent
//! object (and answers `data: null` when every root field failed), which
//! Apollo Client reports as "Missing field" and normalised caches store as
//! a partial object. No option of the library changes that, so this
//! extension wraps every field: a failure becomes `null` with its error
//! kept, and a non-null failure is marked for the enclosing field to
//! propagate. The marks are looked at only after a failure, so a request
//! without errors pays one relaxed atomic load per field.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
};
use async_graphql::{PathSegment, QueryPathSegment, Response, ServerError, ServerResult, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The extension factory: one [`SpecNulls`] per request.
pub struct SpecNullsFactory;

impl ExtensionFactory for SpecNullsFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SpecNulls::default())
    }
}

/// Per request: the errors taken from failed fields, and the positions of
/// non-null fields that failed (so that their parent must become null).
#[derive(Default)]
struct SpecNulls {
    errors: Mutex<Vec<ServerError>>,
    any_mark: AtomicBool,
    /// Paths of non-null values that are null: the enclosing field nulls
    /// the nearest nullable position above each.
    marks: Mutex<Vec<Vec<PathSegment>>>,
}

fn path_of(node: &async_graphql::QueryPathNode<'_>) -> Vec<PathSegment> {
    let mut out = Vec::new();
    let mut at = Some(node);
    while let Some(n) = at {
        out.push(match n.segment {
            QueryPathSegment::Index(i) => PathSegment::Index(i),
            QueryPathSegment::Name(name) => PathSegment::Field(name.to_string()),
        });
        at = n.parent;
    }
    out.reverse();
    out
}

/// Whether a qualified type (`[Disease!]!`) admits null.
fn nullable(ty: &str) -> bool {
    !ty.ends_with('!')
}

/// The element type of a list type (`[Disease!]!` -> `Disease!`).
fn element(ty: &str) -> &str {
    let t = ty.strip_suffix('!').unwrap_or(ty);
    t.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(t)
}

impl SpecNulls {
    fn mark(&self, path: Vec<PathSegment>) {
        self.marks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path);
        self.any_mark.store(true, Ordering::Relaxed);
    }

    /// Applies the marks left under the field at `path` (of type `ty`,
    /// resolved to `value`): each names a failed non-null field of an
    /// object inside this field's value. Returns whether the field itself
    /// must be null though it is non-null (the caller marks it).
    fn propagate(&self, path: &[PathSegment], ty: &str, value: &mut Value) -> bool {
        let mut marks = self.marks.lock().unwrap_or_else(|e| e.into_inner());
        let mut under = Vec::new();
        marks.retain(|m| {
            let inside = m.len() > path.len() && m.starts_with(path);
            if inside {
                under.push(m[path.len()..].to_vec());
            }
            !inside
        });
        drop(marks);
        let mut null_self = false;
        for rest in under {
            // `rest` is [index...] then the failed child field: the object
            // at [index...] must be null; null the nearest nullable
            // position at or above it within this field.
            let indices: Vec<usize> = rest
                .iter()
                .map_while(|s| match s {
                    PathSegment::Index(i) => Some(*i),
                    PathSegment::Field(_) => None,
                })
                .collect();
            let mut types = vec![ty];
            for _ in &indices {
                types.push(element(types.last().unwrap()));
            }
            match (0..types.len()).rev().find(|&d| nullable(types[d])) {
                Some(0) => *value = Value::Null,
                Some(d) => {
                    if let Some(slot) = at_mut(value, &indices[..d]) {
                        *slot = Value::Null;
                    }
                }
                None => null_self = true,
            }
        }
        if null_self {
            *value = Value::Null;
        }
        null_self
    }
}

fn at_mut<'v>(value: &'v mut Value, indices: &[usize]) -> Option<&'v mut Value> {
    let mut v = value;
    for &i in indices {
        match v {
            Value::List(items) => v = items.get_mut(i)?,
            _ => return None,
        }
    }
    Some(v)
}

#[async_graphql::async_trait::async_trait]
impl Extension for SpecNulls {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut resp = next.run(ctx, operation_name).await;
        let taken = std::mem::take(&mut *self.errors.lock().unwrap_or_else(|e| e.into_inner()));
        if taken.is_empty() {
            return resp;
        }
        // A failed non-null root field nulls `data` itself.
        let root_failed = self
            .marks
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|m| m.len() == 1);
        if root_failed {
            resp.data = Value::Null;
        }
        resp.errors.extend(taken);
        resp.errors.sort_by(|a, b| {
            let key = |e: &ServerError| e.locations.first().map(|p| (p.line, p.column));
            key(a).cmp(&key(b))
        });
        resp
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        // Kept before `info` moves on; the path is built only after a
        // failure, so an answer without errors allocates nothing here.
        let (ty, node, introspection) =
            (info.return_type, info.path_node, info.is_for_introspection);
        let result = next.run(ctx, info).await;
        if introspection {
            return result;
        }
        match result {
            Ok(mut value) => {
                if self.any_mark.load(Ordering::Relaxed) {
                    let path = path_of(node);
                    let mut v = value.take().unwrap_or_default();
                    if self.propagate(&path, ty, &mut v) {
                        self.mark(path);
                    }
                    value = Some(v);
                }
                Ok(value)
            }
            Err(mut e) => {
                let path = path_of(node);
                if e.path.is_empty() {
                    e.path = path.clone();
                }
                self.errors
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(e);
                if !nullable(ty) {
                    self.mark(path);
                }
                Ok(Some(Value::Null))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_types_unwrap_to_their_elements() {
        assert_eq!(element("[Disease!]!"), "Disease!");
        assert_eq!(element("[Disease]"), "Disease");
        assert_eq!(element("[[Int!]]!"), "[Int!]");
        assert!(nullable("[Disease!]"));
        assert!(!nullable("Disease!"));
    }

    #[test]
    fn a_failed_non_null_child_nulls_the_nearest_nullable_position() {
        let s = SpecNulls::default();
        let f = |n: &str| PathSegment::Field(n.into());
        // items: [Item]! ; items.1.name failed (non-null): item 1 is null.
        s.mark(vec![f("items"), PathSegment::Index(1), f("name")]);
        let mut v = Value::List(vec![Value::from(1), Value::from(2)]);
        assert!(!s.propagate(&[f("items")], "[Item]!", &mut v));
        assert_eq!(v, Value::List(vec![Value::from(1), Value::Null]));
        // items: [Item!]! : the list itself cannot hold the null.
        s.mark(vec![f("items"), PathSegment::Index(0), f("name")]);
        let mut v = Value::List(vec![Value::from(1)]);
        assert!(s.propagate(&[f("items")], "[Item!]!", &mut v));
        assert_eq!(v, Value::Null);
    }
}
