//! Field errors as the GraphQL spec answers them (§6.4.4, "Handling Field
//! Errors"): a field that fails is present in `data` as `null`, and when
//! its type is non-null the null propagates to the nearest nullable
//! ancestor, up to `data` itself.
//!
//! async-graphql 7 instead drops a failed field's key from its parent
//! object (and answers `data: null` when every root field failed), which
//! Apollo Client reports as "Missing field" and normalised caches store as
//! a partial object. No option of the library changes that. An executor
//! extension around every field could (one was tried), but any extension
//! sends every field of every request through async-graphql's slow path
//! (a boxed future and registry lookups per field): the disease page went
//! from 42 to 135 us. So the answer is repaired afterwards instead, and
//! only when it has errors: each error's path is walked through the
//! document (aliases, fragments) and the schema's field types to find the
//! nearest nullable position, which is set to null.

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, PathSegment, Positioned, Response, Value};
use std::collections::HashMap;

/// The declared type of every field, by parent type and field name, as
/// the SDL writes it (`[Disease!]!`).
pub struct FieldTypes(HashMap<(String, String), String>);

impl FieldTypes {
    /// The field types of a schema, from its SDL.
    pub fn from_sdl(sdl: &str) -> FieldTypes {
        use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
        let mut map = HashMap::new();
        if let Ok(doc) = async_graphql::parser::parse_schema(sdl) {
            for def in doc.definitions {
                let TypeSystemDefinition::Type(t) = def else {
                    continue;
                };
                let name = t.node.name.node.to_string();
                let fields = match t.node.kind {
                    TypeKind::Object(o) => o.fields,
                    TypeKind::Interface(i) => i.fields,
                    _ => continue,
                };
                for f in fields {
                    map.insert(
                        (name.clone(), f.node.name.node.to_string()),
                        f.node.ty.node.to_string(),
                    );
                }
            }
        }
        FieldTypes(map)
    }

    fn get(&self, parent: &str, field: &str) -> Option<&str> {
        if field == "__typename" {
            return Some("String!");
        }
        self.0
            .get(&(parent.to_string(), field.to_string()))
            .map(String::as_str)
    }
}

/// Whether a type (`[Disease!]!`) admits null.
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

/// The named type under the list and non-null wrappers.
fn named(ty: &str) -> &str {
    ty.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

/// Sets to null, in `resp.data`, the nearest nullable position at or above
/// each failed field, inserting the key where async-graphql dropped it.
/// Does nothing to an answer without field errors.
pub fn repair(
    resp: &mut Response,
    doc: &ExecutableDocument,
    operation: Option<&str>,
    types: &FieldTypes,
) {
    if resp.errors.iter().all(|e| e.path.is_empty()) {
        return;
    }
    let Some(op) = super::documents::selected_operation(doc, operation) else {
        return;
    };
    let root = match op.node.ty {
        OperationType::Query => "Query",
        OperationType::Mutation => "Mutation",
        OperationType::Subscription => "Subscription",
    };
    if resp.data == Value::Null {
        resp.data = Value::Object(Default::default());
    }
    let paths: Vec<Vec<PathSegment>> = resp
        .errors
        .iter()
        .filter(|e| !e.path.is_empty())
        .map(|e| e.path.clone())
        .collect();
    for path in paths {
        let positions = typed_positions(&path, root, &op.node.selection_set, doc, types);
        match positions.iter().rev().find(|(_, ty)| nullable(ty)) {
            Some((len, _)) => set_null(&mut resp.data, &path[..*len]),
            // Nothing nullable up to the root: `data` itself is null.
            None if !positions.is_empty() => {
                resp.data = Value::Null;
                return;
            }
            None => {}
        }
    }
}

/// The positions along `path` with their types: (length of the path
/// prefix, type at that position), outermost first.
fn typed_positions(
    path: &[PathSegment],
    root: &str,
    selection: &Positioned<SelectionSet>,
    doc: &ExecutableDocument,
    types: &FieldTypes,
) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut parent = root.to_string();
    let mut set = selection;
    let mut i = 0;
    while i < path.len() {
        let PathSegment::Field(key) = &path[i] else {
            break;
        };
        let Some((owner, field)) = find_field(set, key, &parent, doc) else {
            break;
        };
        let Some(ty) = types.get(&owner, field.node.name.node.as_str()) else {
            break;
        };
        let mut ty = ty.to_string();
        i += 1;
        out.push((i, ty.clone()));
        while let Some(PathSegment::Index(_)) = path.get(i) {
            ty = element(&ty).to_string();
            i += 1;
            out.push((i, ty.clone()));
        }
        parent = named(&ty).to_string();
        set = &field.node.selection_set;
    }
    out
}

/// The field whose response key is `key` in a selection set (through
/// fragments), with the type it is selected on.
fn find_field<'d>(
    set: &'d Positioned<SelectionSet>,
    key: &str,
    parent: &str,
    doc: &'d ExecutableDocument,
) -> Option<(String, &'d Positioned<async_graphql::parser::types::Field>)> {
    for item in &set.node.items {
        match &item.node {
            Selection::Field(f) if f.node.response_key().node.as_str() == key => {
                return Some((parent.to_string(), f));
            }
            Selection::Field(_) => {}
            Selection::InlineFragment(frag) => {
                let on = frag
                    .node
                    .type_condition
                    .as_ref()
                    .map_or(parent.to_string(), |t| t.node.on.node.to_string());
                if let Some(found) = find_field(&frag.node.selection_set, key, &on, doc) {
                    return Some(found);
                }
            }
            Selection::FragmentSpread(spread) => {
                let Some(frag) = doc.fragments.get(&spread.node.fragment_name.node) else {
                    continue;
                };
                let on = frag.node.type_condition.node.on.node.to_string();
                if let Some(found) = find_field(&frag.node.selection_set, key, &on, doc) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// Sets the value at `path` to null, inserting the last key if it is
/// missing; stops where the answer already holds null above it.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, above)) = path.split_last() else {
        *data = Value::Null;
        return;
    };
    let mut v = data;
    for seg in above {
        v = match (v, seg) {
            (Value::Object(o), PathSegment::Field(k)) => {
                if !o.contains_key(k.as_str()) {
                    o.insert(Name::new(k), Value::Null);
                    return;
                }
                match o.get_mut(k.as_str()) {
                    Some(next) => next,
                    None => return,
                }
            }
            (Value::List(items), PathSegment::Index(i)) => match items.get_mut(*i) {
                Some(next) => next,
                None => return,
            },
            _ => return,
        };
    }
    match (v, last) {
        (Value::Object(o), PathSegment::Field(k)) => {
            o.insert(Name::new(k), Value::Null);
        }
        (Value::List(items), PathSegment::Index(i)) => {
            if let Some(slot) = items.get_mut(*i) {
                *slot = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SDL: &str = "type Query { a: A! b: Int items: [Item!] maybe: A }\n\
                       type A { x: Int! y: Int }\n\
                       type Item { name: String! }";

    fn answer(
        query: &str,
        data: serde_json::Value,
        paths: &[serde_json::Value],
    ) -> serde_json::Value {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let mut resp = Response::new(Value::from_json(data).unwrap());
        for p in paths {
            let mut e = async_graphql::ServerError::new("failed", None);
            e.path = serde_json::from_value(p.clone()).unwrap();
            resp.errors.push(e);
        }
        repair(&mut resp, &doc, None, &FieldTypes::from_sdl(SDL));
        resp.data.into_json().unwrap()
    }

    #[test]
    fn list_types_unwrap_to_their_elements() {
        assert_eq!(element("[Disease!]!"), "Disease!");
        assert_eq!(element("[[Int!]]!"), "[Int!]");
        assert_eq!(named("[Disease!]!"), "Disease");
        assert!(nullable("[Disease!]"));
        assert!(!nullable("Disease!"));
    }

    #[test]
    fn a_failed_nullable_field_is_null() {
        let v = answer(
            "{ b maybe { y } }",
            serde_json::json!({ "maybe": { "y": 1 } }),
            &[serde_json::json!(["b"])],
        );
        assert_eq!(v, serde_json::json!({ "b": null, "maybe": { "y": 1 } }));
    }

    #[test]
    fn a_failed_non_null_field_nulls_its_nearest_nullable_ancestor() {
        // maybe.x is non-null: `maybe` (nullable) becomes null.
        let v = answer(
            "{ b maybe { x } }",
            serde_json::json!({ "b": 2, "maybe": {} }),
            &[serde_json::json!(["maybe", "x"])],
        );
        assert_eq!(v, serde_json::json!({ "b": 2, "maybe": null }));
        // items.1.name: the item is non-null, the list nullable.
        let v = answer(
            "{ b list: items { name } }",
            serde_json::json!({ "b": 2, "list": [{ "name": "n" }, {}] }),
            &[serde_json::json!(["list", 1, "name"])],
        );
        assert_eq!(v, serde_json::json!({ "b": 2, "list": null }));
        // a.x: `a` is non-null too, so `data` is null.
        let v = answer(
            "{ b ...F } fragment F on Query { a { x } }",
            serde_json::json!({ "b": 2, "a": {} }),
            &[serde_json::json!(["a", "x"])],
        );
        assert_eq!(v, serde_json::Value::Null);
    }
}
