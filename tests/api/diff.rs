//! A new HPO release validated against the served one: the diff names exactly
//! what changed, and broken files are refused with their line.

use crate::common::{kg, read_gz};
use rarekg::graph::diff::phenotype_diff;
use rarekg::graph::{DataPaths, KnowledgeGraph};
use std::path::{Path, PathBuf};

pub fn write_obo(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rarekg-diff-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hp.obo");
    std::fs::write(&path, text).unwrap();
    path
}

fn load_with_hpo(hpo: PathBuf) -> Result<KnowledgeGraph, rarekg::ingest::IngestError> {
    let paths = DataPaths {
        hpo,
        ..DataPaths::under(Path::new(env!("CARGO_MANIFEST_DIR")))
    };
    KnowledgeGraph::load(&paths)
}

/// `obo` with term `id` made obsolete: flagged, its is_a links removed, and
/// `replaced_by` set when given.
pub fn obsolete_term(obo: &str, id: &str, replaced_by: Option<&str>) -> String {
    let start = obo.find(&format!("[Term]\nid: {id}\n")).unwrap();
    let end = start + obo[start + 1..].find("\n[").unwrap() + 1;
    let stanza: String = obo[start..end]
        .lines()
        .filter(|l| !l.starts_with("is_a:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let replacement = replaced_by
        .map(|r| format!("replaced_by: {r}\n"))
        .unwrap_or_default();
    format!(
        "{}{stanza}is_obsolete: true\n{replacement}{}",
        &obo[..start],
        &obo[end..]
    )
}

/// hp.obo with one term added, one relabeled and one obsoleted.
pub fn modified_hpo() -> String {
    let obo = read_gz("ontologies/hpo/hp.obo.gz");
    let relabeled = obo.replacen(
        "id: HP:0003701\nname: Proximal muscle weakness\n",
        "id: HP:0003701\nname: Proximal muscle weakness (relabeled)\n",
        1,
    );
    assert_ne!(relabeled, obo);
    // Myalgia becomes obsolete, without a replacement.
    let obsoleted = obsolete_term(&relabeled, "HP:0003326", None);
    format!("{obsoleted}\n[Term]\nid: HP:9999901\nname: Test-only new term\nis_a: HP:0003701 ! Proximal muscle weakness\n")
}

#[test]
fn the_diff_shows_exactly_the_three_changes() {
    let new = load_with_hpo(write_obo("ok", &modified_hpo())).expect("the modified release loads");
    let diff = phenotype_diff(&kg(), &new);
    let ids = |v: Vec<String>| v;
    assert_eq!(
        ids(diff.added.iter().map(|t| t.id.clone()).collect()),
        ["HP:9999901"]
    );
    assert_eq!(
        ids(diff.relabeled.iter().map(|t| t.id.clone()).collect()),
        ["HP:0003701"]
    );
    assert_eq!(
        diff.relabeled[0].new_name,
        "Proximal muscle weakness (relabeled)"
    );
    assert_eq!(
        ids(diff.obsoleted.iter().map(|t| t.id.clone()).collect()),
        ["HP:0003326"]
    );
    assert!(diff.removed.is_empty(), "{:?}", diff.removed);
    assert!(diff.reparented.is_empty(), "{:?}", diff.reparented);
    // Myalgia is obsolete without a replacement, yet still used: the impact says so.
    let myalgia = &diff.obsoleted[0];
    assert_eq!(myalgia.replaced_by, None);
    assert!(myalgia.diseases_annotated > 10, "{myalgia:?}");
    assert_eq!(
        diff.annotations.diseases_changed, 0,
        "no annotation moved: {:?}",
        diff.annotations
    );
    // The new term is served by the candidate graph.
    let c = rarekg::curie::Curie::parse("HP:9999901").unwrap();
    assert!(matches!(
        new.find_phenotype(&c),
        rarekg::graph::Lookup::Found(_)
    ));
}

#[test]
fn truncated_and_broken_releases_are_refused_with_their_line() {
    let obo = read_gz("ontologies/hpo/hp.obo.gz");
    // Truncated in the middle of a stanza: the last [Term] has an id but no name.
    let cut = obo.find("[Term]\nid: HP:0003701\n").unwrap() + "[Term]\nid: HP:0003701\n".len();
    let line = obo[..cut].lines().count() - 1;
    let err = load_with_hpo(write_obo("truncated", &obo[..cut]))
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains(&format!("hp.obo:{line}: [Term] stanza has no name")),
        "{err}"
    );
    // A broken stanza: a definition without its closing quote.
    let def = "def: \"A lack of strength of the proximal muscles.\"";
    let at = obo.find(def).expect("HP:0003701's definition");
    let broken = obo.replacen(def, "def: \"A lack of strength of the proximal muscles.", 1);
    let line = obo[..at].lines().count() + 1;
    let err = load_with_hpo(write_obo("broken", &broken))
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains(&format!("hp.obo:{line}: `def` must be a quoted string")),
        "{err}"
    );
}
