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

#[test]
fn serve_refuses_a_bad_configuration_naming_file_line_and_key() {
    let dir = std::env::temp_dir().join(format!("rarekg-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("rarekg.toml");
    std::fs::write(&file, "[limits]\nmax_depth = 12\nmax_dpeth = 3\n").unwrap();
    let out = rarekg(&["serve", "--config", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}:3:1", file.display())) && err.contains("max_dpeth"),
        "{err}"
    );
    // A flag over a valid file is validated too.
    std::fs::write(&file, "[limits]\nmax_depth = 12\n").unwrap();
    let out = rarekg(&[
        "serve",
        "--config",
        file.to_str().unwrap(),
        "--max-page-size",
        "100000",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("limits.max_page_size"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `serve` on port 0 answers, then on SIGTERM finishes and exits cleanly.
#[cfg(unix)]
#[test]
fn serve_shuts_down_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    let data_dir = std::env::temp_dir().join(format!("rarekg-term-{}", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_rarekg"))
        .args(["serve", "--bind", "127.0.0.1:0", "--no-rdf-store"])
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LOG", "info")
        .env("RAREKG_DATA_DIR", &data_dir)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("the server logs its address").unwrap();
        if let Some(rest) = line.split("serving GraphQL on http://").nth(1) {
            break rest.trim_end_matches("/graphql").to_string();
        }
    };
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status}; log: {rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.contains("finishing in-flight requests")),
        "{rest:?}"
    );
    assert!(std::net::TcpStream::connect(&addr).is_err());
    let _ = std::fs::remove_dir_all(&data_dir);
}

/// `diagnose` ranks one phenopacket with each term's ratio, and a JSONL of
/// cases with each case's rank of its diagnosis and the summary; a
/// malformed line is refused with its file and line.
#[test]
fn diagnose_ranks_one_phenopacket_and_a_batch() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!("rarekg-diagnose-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let one = dir.join("case.json");
    std::fs::write(
        &one,
        r#"{"id": "P1", "subject": {"id": "P1", "sex": "FEMALE"},
            "phenotypicFeatures": [
              {"type": {"id": "HP:0003701", "label": "Proximal muscle weakness"}},
              {"type": {"id": "HP:0003236"}}, {"type": {"id": "HP:0012544"}},
              {"type": {"id": "HP:9999999"}},
              {"type": {"id": "HP:0001250"}, "excluded": true}]}"#,
    )
    .unwrap();
    let out = rarekg(&[
        "--root",
        repo.to_str().unwrap(),
        "diagnose",
        one.to_str().unwrap(),
        "--top",
        "5",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("# P1: 3 observed, 1 excluded terms used; sex FEMALE"),
        "{text}"
    );
    assert!(
        text.contains("# ignored HP:9999999 (observed): UnknownTerm"),
        "{text}"
    );
    assert!(text.contains("-HP:0001250="), "{text}");
    assert_eq!(
        text.lines().filter(|l| !l.starts_with('#')).count(),
        6,
        "{text}"
    );
    let batch = dir.join("cases.jsonl");
    std::fs::write(
        &batch,
        "{\"id\": \"a\", \"disease\": \"ORPHA:732\", \"observed\": [\"HP:0003701\", \"HP:0003236\", \"HP:0012544\", \"HP:0003457\"], \"excluded\": []}\n\n{\"id\": \"b\", \"disease\": \"OMIM:154700\", \"observed\": [\"HP:0001166\", \"HP:0001519\", \"HP:0000545\"], \"excluded\": [\"HP:0001250\"]}\n",
    )
    .unwrap();
    let out = rarekg(&[
        "--root",
        repo.to_str().unwrap(),
        "diagnose",
        batch.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("| likelihood ratio | used | 2 |"), "{text}");
    let rank = |id: &str| -> usize {
        text.lines()
            .find(|l| l.starts_with(&format!("{id}\t")))
            .and_then(|l| l.split('\t').nth(1))
            .and_then(|r| r.parse().ok())
            .unwrap_or_else(|| panic!("{text}"))
    };
    assert!(rank("a") <= 10 && rank("b") <= 10, "{text}");
    std::fs::write(&batch, "{\"id\": \"a\", \"observed\": [1]}\n").unwrap();
    let out = rarekg(&[
        "--root",
        repo.to_str().unwrap(),
        "diagnose",
        batch.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cases.jsonl:1"), "{err}");
    // Regression: a case with no usable feature (here a compact case in a
    // `.json`, read as a phenopacket) listed records ranked on nothing.
    std::fs::write(&one, r#"{"id": "c", "observed": ["HP:0003701"]}"#).unwrap();
    let out = rarekg(&[
        "--root",
        repo.to_str().unwrap(),
        "diagnose",
        one.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("# nothing ranked: no usable phenotypic feature"),
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| !l.starts_with('#')).count(),
        0,
        "{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
