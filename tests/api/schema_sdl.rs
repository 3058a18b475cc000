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
