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

#[test]
fn import_trials_validates_and_copies_v2_records() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("rarekg-import-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let study = repo.join("data/clinicaltrials/studies/NCT06171568.json.gz");
    let data_dir = dir.join("var");
    let out = rarekg(&[
        "import-trials",
        study.to_str().unwrap(),
        "--data-dir",
        data_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("NCT06171568.json.gz: 1 trials"));
    assert!(data_dir.join("trials/NCT06171568.json.gz").is_file());

    // A record with a bad member is refused with file, line and member.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"studies\": [\n  {\"protocolSection\": {\"designModule\": {\"phases\": \"PHASE2\"}}}\n]}\n").unwrap();
    let out = rarekg(&[
        "import-trials",
        bad.to_str().unwrap(),
        "--data-dir",
        data_dir.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.json:2:") && err.contains("designModule.phases"),
        "{err}"
    );
    assert!(!data_dir.join("trials/bad.json").exists());
    std::fs::remove_dir_all(&dir).ok();
}
