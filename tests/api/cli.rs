//! The `rarekg` binary: `check` fails loudly on bad data.

use std::path::Path;
use std::process::Command;

fn rarekg(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rarekg"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap()
}

#[test]
fn check_fails_on_a_missing_data_folder() {
    let out = rarekg(&["--root", "/nonexistent-rarekg-root", "check"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent-rarekg-root/ontologies/hpo/hp.obo.gz"),
        "{err}"
    );
}

#[test]
fn check_names_file_and_line_of_a_broken_ontology() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = std::env::temp_dir().join(format!("rarekg-cli-{}", std::process::id()));
    for dir in ["ontologies/hpo", "ontologies/mondo", "data"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    copy_dir(&repo.join("data"), &root.join("data"));
    copy_dir(
        &repo.join("ontologies/mondo"),
        &root.join("ontologies/mondo"),
    );
    // An hp.obo whose second stanza has an unterminated synonym on line 10.
    let obo = b"format-version: 1.2\n\n[Term]\nid: HP:0000001\nname: All\n\n[Term]\nid: HP:0000002\nname: X\nsynonym: \"broken EXACT []\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, obo).unwrap();
    std::fs::write(root.join("ontologies/hpo/hp.obo.gz"), gz.finish().unwrap()).unwrap();
    let out = rarekg(&["--root", root.to_str().unwrap(), "check"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("hp.obo.gz:10: `synonym` must start with a quoted string"),
        "{err}"
    );
    std::fs::remove_dir_all(&root).ok();
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}
