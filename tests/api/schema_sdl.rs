/// `schema/schema.graphql` is the committed contract; it must equal the code.
/// Regenerate with `cargo run -- schema > schema/schema.graphql`.
#[test]
fn committed_sdl_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql");
    let committed = std::fs::read_to_string(path).expect("schema/schema.graphql exists");
    let current = rarekg::api::sdl();
    assert!(
        committed == current,
        "schema/schema.graphql is stale; run `cargo run -- schema > schema/schema.graphql`"
    );
}

/// Every type, field, argument, input field and enum value of the schema
/// has a description: the SDL is what frontend developers read.
#[test]
fn every_schema_element_has_a_description() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];
    let doc = async_graphql::parser::parse_schema(rarekg::api::sdl()).expect("the SDL parses");
    let mut missing = Vec::new();
    let mut types = 0;
    for def in &doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let t = &t.node;
        let name = t.name.node.as_str();
        if name.starts_with("__") || BUILT_IN_SCALARS.contains(&name) {
            continue;
        }
        types += 1;
        if !described(&t.description) {
            missing.push(format!("type {name}"));
        }
        match &t.kind {
            TypeKind::Object(o) => fields_described(name, &o.fields, &mut missing),
            TypeKind::Interface(i) => fields_described(name, &i.fields, &mut missing),
            TypeKind::InputObject(i) => {
                for f in &i.fields {
                    if !described(&f.node.description) {
                        missing.push(format!("input field {name}.{}", f.node.name.node));
                    }
                }
            }
            TypeKind::Enum(e) => {
                for v in &e.values {
                    if !described(&v.node.description) {
                        missing.push(format!("enum value {name}.{}", v.node.value.node));
                    }
                }
            }
            TypeKind::Scalar | TypeKind::Union(_) => {}
        }
    }
    assert!(types > 50, "only {types} types found in the SDL");
    assert!(
        missing.is_empty(),
        "{} schema elements have no description (add a `///` doc comment, or \
         `desc = \"...\"` on an argument):\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

type Positioned<T> = async_graphql::parser::Positioned<T>;

fn described(d: &Option<Positioned<String>>) -> bool {
    d.as_ref().is_some_and(|d| !d.node.trim().is_empty())
}

/// Records the fields of `owner`, and their arguments, that have no description.
fn fields_described(
    owner: &str,
    fields: &[Positioned<async_graphql::parser::types::FieldDefinition>],
    missing: &mut Vec<String>,
) {
    for f in fields {
        let f = &f.node;
        let field = f.name.node.as_str();
        if !described(&f.description) {
            missing.push(format!("field {owner}.{field}"));
        }
        for a in &f.arguments {
            if !described(&a.node.description) {
                missing.push(format!("argument {owner}.{field}({})", a.node.name.node));
            }
        }
    }
}
