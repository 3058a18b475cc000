//! Live reload of HPO: authorisation, dry run, swap, refusal of broken files,
//! rollback, and queries answered throughout from one release each.

use crate::common::{read_gz, MAINTAINER_TOKEN};
use crate::diff::{modified_hpo, obsolete_term, write_obo};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use rarekg::graph::DataPaths;
use rarekg::release::{Release, Releases};
use rarekg::store::QueryLimits;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tower::ServiceExt;

/// Releases of their own over the shared graph, so reloads here do not
/// touch other tests; with the shared RDF store when `store`.
fn fresh_releases(keep: usize, store: bool) -> Releases {
    Releases::new(Release::initial(crate::common::unbuilt(store)), keep).with_warm_up(false)
}

/// The release a server restarted on the data directory `data` serves,
/// as `rarekg serve` starts it (without an RDF store).
fn restart_on(data: &Path) -> Arc<Release> {
    let server = rarekg::config::ServerConfig {
        data_dir: Some(data.to_path_buf()),
        rdf_store: false,
        warm_up_p_values: false,
        ..Default::default()
    };
    rarekg::release::open(Path::new(env!("CARGO_MANIFEST_DIR")), &server)
        .expect("the server starts")
        .current()
}

/// An app over its own releases (no RDF store, so reloads are quick).
fn own_app() -> (axum::Router, Arc<Releases>) {
    let releases = Arc::new(fresh_releases(3, false));
    (app_for(releases.clone()), releases)
}

/// The HTTP app over `releases`, with the test maintainer and reader tokens.
fn app_for(releases: Arc<Releases>) -> axum::Router {
    let schema = rarekg::api::schema(releases.clone(), QueryLimits::default());
    rarekg::server::app(schema, releases.clone(), &crate::common::config())
}

async fn gql(app: &axum::Router, token: Option<&str>, query: &str, vars: Value) -> Value {
    let mut req = Request::post("/graphql").header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let body = json!({ "query": query, "variables": vars }).to_string();
    let resp = app
        .clone()
        .oneshot(req.body(Body::from(body)).unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap()
}

/// Reloads `file` as the test maintainer and checks it was applied.
/// A temporary copy of the vendored file `rel` with `row` appended.
fn with_extra_row(rel: &str, name: &str, row: &str) -> std::path::PathBuf {
    let file = std::env::temp_dir().join(format!("rarekg-{}-{name}", std::process::id()));
    std::fs::write(&file, format!("{}{row}", read_gz(rel))).unwrap();
    file
}

/// The answer to a maintainer's `reload(source:, path:)` selecting `fields`.
async fn reload_from(app: &axum::Router, source: &str, file: &Path, fields: &str) -> Value {
    let q =
        format!("mutation($p: String!) {{ reload(source: {source}, path: $p) {{ {fields} }} }}");
    gql(
        app,
        Some(MAINTAINER_TOKEN),
        &q,
        json!({ "p": file.to_str().unwrap() }),
    )
    .await
}

async fn reload_ok(app: &axum::Router, file: &Path) -> Value {
    let v = gql(
        app,
        Some(MAINTAINER_TOKEN),
        RELOAD,
        json!({ "p": file.to_str().unwrap() }),
    )
    .await;
    assert_eq!(v["data"]["reloadHpo"]["applied"], true, "{v}");
    v
}

const RELOAD: &str = "mutation($p: String!, $dry: Boolean) { reloadHpo(path: $p, dryRun: $dry) {
    applied release { id current hpoRelease diff } } }";
const NAME: &str =
    r#"{ a: meta { releaseId } phenotype(id: "HP:0003701") { name } b: meta { releaseId } }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_dry_run_swap_refusal_and_rollback() {
    let (app, releases) = own_app();
    let modified = write_obo("reload", &modified_hpo());
    let vars = json!({ "p": modified.to_str().unwrap(), "dry": true });

    // Only maintainers reload.
    let v = gql(&app, None, RELOAD, vars.clone()).await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{v}"
    );
    let v = gql(&app, Some("wrong"), RELOAD, vars.clone()).await;
    assert_eq!(v["errors"][0]["extensions"]["code"], "FORBIDDEN", "{v}");
    let v = gql(&app, Some("reader-token"), RELOAD, vars.clone()).await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "a reader may not reload: {v}"
    );

    // A dry run reports the diff and swaps nothing.
    let v = gql(&app, Some(MAINTAINER_TOKEN), RELOAD, vars).await;
    let r = &v["data"]["reloadHpo"];
    assert_eq!(r["applied"], false, "{v}");
    assert_eq!(r["release"]["diff"]["added"][0]["id"], "HP:9999901");
    assert_eq!(releases.current().id, 1);
    let v = gql(&app, None, NAME, json!({})).await;
    assert_eq!(v["data"]["phenotype"]["name"], "Proximal muscle weakness");

    // The reload swaps the new release in.
    let v = gql(
        &app,
        Some(MAINTAINER_TOKEN),
        RELOAD,
        json!({ "p": modified.to_str().unwrap() }),
    )
    .await;
    let r = &v["data"]["reloadHpo"];
    assert_eq!(r["applied"], true, "{v}");
    let new_id = r["release"]["id"].as_u64().unwrap();
    let v = gql(
        &app,
        None,
        r#"{ phenotype(id: "HP:9999901") { name parents { id } } meta { releaseId } }"#,
        json!({}),
    )
    .await;
    assert_eq!(v["data"]["phenotype"]["name"], "Test-only new term");
    assert_eq!(v["data"]["meta"]["releaseId"], new_id);
    // The search index was rebuilt with the release.
    let v = gql(
        &app,
        None,
        r#"{ search(text: "test-only new ter", types: [PHENOTYPE], first: 1) { edges { id: entityId } }
             relabeled: search(text: "proximal muscle weakness relabeled", first: 1) { edges { id: entityId name } } }"#,
        json!({}),
    )
    .await;
    assert_eq!(v["data"]["search"]["edges"][0]["id"], "HP:9999901", "{v}");
    assert_eq!(
        v["data"]["relabeled"]["edges"][0]["name"],
        "Proximal muscle weakness (relabeled)"
    );
    let v = gql(
        &app,
        None,
        &format!("{{ releases {{ id current }} releaseDiff(from: 1, to: {new_id}) }}"),
        json!({}),
    )
    .await;
    assert_eq!(v["data"]["releases"].as_array().unwrap().len(), 2);
    assert_eq!(v["data"]["releaseDiff"]["relabeled"][0]["id"], "HP:0003701");

    // A broken file is refused with its line; the running release stays.
    let obo = read_gz("ontologies/hpo/hp.obo.gz");
    let broken = write_obo(
        "reload-broken",
        &obo[..obo.find("[Term]\nid: HP:0000005\n").unwrap() + 20],
    );
    let v = gql(
        &app,
        Some(MAINTAINER_TOKEN),
        RELOAD,
        json!({ "p": broken.to_str().unwrap() }),
    )
    .await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "INVALID_RELEASE",
        "{v}"
    );
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("hp.obo:"),
        "{v}"
    );
    assert_eq!(releases.current().id, new_id);

    // Rollback restores the old answers.
    let v = gql(
        &app,
        Some(MAINTAINER_TOKEN),
        "mutation { rollback(releaseId: 1) { id current } }",
        json!({}),
    )
    .await;
    assert_eq!(v["data"]["rollback"]["id"], 1, "{v}");
    let v = gql(&app, None, NAME, json!({})).await;
    assert_eq!(v["data"]["phenotype"]["name"], "Proximal muscle weakness");
    let v = gql(
        &app,
        None,
        r#"{ phenotype(id: "HP:9999901") { name } }"#,
        json!({}),
    )
    .await;
    assert!(v["data"]["phenotype"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_never_fail_or_mix_releases_during_reloads() {
    let (app, releases) = own_app();
    let modified = write_obo("concurrent", &modified_hpo());
    let done = Arc::new(AtomicBool::new(false));
    let (answered, failed, mixed) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (app, done, answered, failed, mixed) = (
            app.clone(),
            done.clone(),
            answered.clone(),
            failed.clone(),
            mixed.clone(),
        );
        clients.push(tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let v = gql(&app, None, NAME, json!({})).await;
                if v.get("errors").is_some() || v["data"].is_null() {
                    failed.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
                let (a, b) = (
                    v["data"]["a"]["releaseId"].as_u64().unwrap(),
                    v["data"]["b"]["releaseId"].as_u64().unwrap(),
                );
                // Release 1 is the original HPO; later ones are the relabeled file.
                let want = if a == 1 {
                    "Proximal muscle weakness"
                } else {
                    "Proximal muscle weakness (relabeled)"
                };
                if a != b || v["data"]["phenotype"]["name"] != want {
                    mixed.fetch_add(1, Ordering::Relaxed);
                }
                answered.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Reload, roll back, reload again, while the clients query.
    let r = releases.clone();
    let m = modified.clone();
    tokio::task::spawn_blocking(move || {
        r.reload_hpo(&m, "test", false).unwrap();
        r.rollback(1, "test").unwrap();
        r.reload_hpo(&m, "test", false).unwrap();
    })
    .await
    .unwrap();
    done.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    assert!(
        answered.load(Ordering::Relaxed) > 10,
        "clients kept querying"
    );
    assert_eq!(failed.load(Ordering::Relaxed), 0, "failed responses");
    assert_eq!(mixed.load(Ordering::Relaxed), 0, "mixed-release responses");
    assert_eq!(releases.current().id, 3);
}

#[test]
fn an_accepted_release_survives_a_restart_and_a_crash_leaves_it_intact() {
    let data = std::env::temp_dir().join(format!("rarekg-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let dir = rarekg::release::ReleaseDir::open(&data).unwrap();
    let releases = fresh_releases(2, false).with_dir(dir.clone());
    let modified = write_obo("persist", &modified_hpo());
    let outcome = releases
        .reload_hpo(&modified, "maintainer-a", false)
        .unwrap();
    let id = outcome.release.id;

    // On disk: the source, its checksum, who loaded it, and the diff.
    let record = dir.current().unwrap().expect("a current release");
    assert_eq!(record.id, id);
    assert_eq!(record.loaded_by, "maintainer-a");
    assert_eq!(record.sha256.len(), 64);
    assert_eq!(record.diff.as_ref().unwrap().added[0].id, "HP:9999901");
    assert_eq!(record.source.as_deref(), Some("hpo"));
    let stored = data.join(&record.files["hpo"]);
    assert_eq!(
        std::fs::read(stored).unwrap(),
        std::fs::read(&modified).unwrap()
    );

    // A crash in the middle of a later reload leaves a temporary directory
    // behind; the accepted release is what a restart serves.
    let leftover = data.join("releases").join(".tmp-99-12345");
    std::fs::create_dir_all(&leftover).unwrap();
    std::fs::write(
        leftover.join("hp.obo"),
        "format-version: 1.2\n[Term]\nid: HP:00",
    )
    .unwrap();
    let restart = dir.current().unwrap().unwrap();
    assert_eq!(restart.id, id);
    assert_eq!(dir.max_id(), id);
    // What a restart does: the server's own start-up, on this data directory.
    let restarted = restart_on(&data);
    assert_eq!(restarted.id, id);
    let restarted = &restarted.kg;
    let c = rarekg::curie::Curie::parse("HP:0003701").unwrap();
    let rarekg::graph::Lookup::Found(n) = restarted.find_phenotype(&c) else {
        panic!()
    };
    assert_eq!(
        restarted.phenotype(n).name,
        "Proximal muscle weakness (relabeled)"
    );

    // Rolling back to the vendored release clears `current`.
    releases.rollback(1, "test").unwrap();
    assert!(dir.current().unwrap().is_none());
    std::fs::remove_dir_all(&data).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_hear_of_reloads_and_rollbacks() {
    use futures_util::StreamExt;
    let releases = Arc::new(fresh_releases(2, false));
    let schema = rarekg::api::schema(releases.clone(), QueryLimits::default());
    let mut stream =
        schema.execute_stream("subscription { releasesChanged { releaseId kind by } }");
    let listener = tokio::spawn(async move {
        let mut seen = Vec::new();
        for _ in 0..2 {
            seen.push(stream.next().await.unwrap().data.into_json().unwrap());
        }
        seen
    });
    // Reload only once the subscription listens.
    while releases.subscriber_count() == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let r = releases.clone();
    let modified = write_obo("subscribe", &modified_hpo());
    tokio::task::spawn_blocking(move || {
        r.reload_hpo(&modified, "dashboard-test", false).unwrap();
        r.rollback(1, "test").unwrap();
    })
    .await
    .unwrap();
    let seen = listener.await.unwrap();
    assert_eq!(
        seen[0]["releasesChanged"],
        json!({ "releaseId": 2, "kind": "reload", "by": "dashboard-test" })
    );
    assert_eq!(seen[1]["releasesChanged"]["kind"], "rollback");
    assert_eq!(seen[1]["releasesChanged"]["releaseId"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disease_record_shows_its_history_across_releases() {
    let (app, _releases) = own_app();
    // Myalgia becomes obsolete, replaced by Pain: polymyositis's annotation moves.
    let text = obsolete_term(
        &read_gz("ontologies/hpo/hp.obo.gz"),
        "HP:0003326",
        Some("HP:0012531"),
    );
    let file = write_obo("history", &text);
    reload_ok(&app, &file).await;
    let v = gql(&app, None, r#"{ disease(id: "ORPHA:732") { history { fromRelease toRelease phenotypesAdded phenotypesRemoved genesAdded } } }"#, json!({})).await;
    let h = &v["data"]["disease"]["history"];
    assert_eq!(h.as_array().unwrap().len(), 1, "{v}");
    assert_eq!(h[0]["fromRelease"], 1);
    assert_eq!(h[0]["phenotypesRemoved"], json!(["HP:0003326"]));
    assert_eq!(h[0]["phenotypesAdded"], json!(["HP:0012531"]));
    assert_eq!(h[0]["genesAdded"], json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_release_can_be_uploaded() {
    let (app, releases) = own_app();
    let operations = json!({
        "query": "mutation($f: Upload) { reloadHpo(file: $f, dryRun: true) { applied release { diff } } }",
        "variables": { "f": null }
    });
    let boundary = "rarekg-test-boundary";
    let mut body = Vec::new();
    for (name, extra, content) in [
        ("operations", "", operations.to_string().into_bytes()),
        ("map", "", br#"{ "0": ["variables.f"] }"#.to_vec()),
        (
            "0",
            "; filename=\"hp.obo\"\r\nContent-Type: text/plain",
            modified_hpo().into_bytes(),
        ),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let req = Request::post("/graphql")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::AUTHORIZATION, format!("Bearer {MAINTAINER_TOKEN}"))
        .body(Body::from(body))
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    let v: Value =
        serde_json::from_slice(&resp.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let r = &v["data"]["reloadHpo"];
    assert_eq!(r["applied"], false, "{v}");
    assert_eq!(r["release"]["diff"]["obsoleted"][0]["id"], "HP:0003326");
    assert_eq!(releases.current().id, 1, "a dry run swaps nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_reloads_a_running_server() {
    let (app, releases) = own_app();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let file = write_obo("cli", &modified_hpo());
    let run = |token: &'static str| {
        let file = file.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_rarekg"))
                .args([
                    "reload",
                    "--server",
                    &format!("http://{addr}"),
                    "--token",
                    token,
                ])
                .arg(&file)
                .env("RUST_BACKTRACE", "0")
                .output()
                .unwrap()
        })
    };
    let refused = run("wrong-token").await.unwrap();
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("refused"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert_eq!(releases.current().id, 1);
    let ok = run(MAINTAINER_TOKEN).await.unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let out: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(out["data"]["reload"]["applied"], true);
    assert_eq!(out["data"]["reload"]["release"]["changedSource"], "HPO");
    assert_eq!(releases.current().id, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_fields_answer_from_a_kept_release_on_request() {
    let (app, _releases) = own_app();
    let file = write_obo("release-arg", &modified_hpo());
    reload_ok(&app, &file).await;
    let q = r#"query($r: Int) { phenotype(id: "HP:0003701", release: $r) { name } meta(release: $r) { releaseId } }"#;
    let now = gql(&app, None, q, json!({})).await;
    assert_eq!(
        now["data"]["phenotype"]["name"],
        "Proximal muscle weakness (relabeled)"
    );
    let old = gql(&app, None, q, json!({ "r": 1 })).await;
    assert_eq!(
        old["data"]["phenotype"]["name"], "Proximal muscle weakness",
        "{old}"
    );
    assert_eq!(old["data"]["meta"]["releaseId"], 1);
    let gone = gql(&app, None, q, json!({ "r": 42 })).await;
    assert_eq!(
        gone["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{gone}"
    );
    let mixed = gql(
        &app,
        None,
        r#"{ a: meta(release: 1) { releaseId } b: meta(release: 2) { releaseId } }"#,
        json!({}),
    )
    .await;
    assert_eq!(
        mixed["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{mixed}"
    );
}

#[test]
fn a_reloaded_term_is_in_sparql_too_and_a_broken_file_changes_nothing() {
    // With the RDF store: the reload rebuilds it before the swap.
    let releases = fresh_releases(2, true);
    let label = |r: &Releases| {
        let store = r.current().store().load_full().expect("a store");
        let q = "SELECT ?l WHERE { <http://purl.obolibrary.org/obo/HP_9999901> <http://www.w3.org/2000/01/rdf-schema#label> ?l }";
        match store.query(q, &QueryLimits::default()).unwrap() {
            rarekg::store::Answer::Solutions { rows, .. } => rows
                .first()
                .and_then(|r| r[0].as_ref())
                .map(|t| t.to_string()),
            _ => None,
        }
    };
    assert_eq!(label(&releases), None);
    let obo = read_gz("ontologies/hpo/hp.obo.gz");
    let broken = write_obo(
        "sparql-broken",
        &obo.replacen("[Term]\nid: HP:0000118\n", "[Term\nid: HP:0000118\n", 1),
    );
    assert!(releases.reload_hpo(&broken, "test", false).is_err());
    assert_eq!(releases.current().id, 1, "the running release is kept");
    releases
        .reload_hpo(&write_obo("sparql", &modified_hpo()), "test", false)
        .unwrap();
    assert_eq!(label(&releases).as_deref(), Some("\"Test-only new term\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_annotation_source_reloads_and_persists_on_top_of_an_ontology_reload() {
    let data = std::env::temp_dir().join(format!("rarekg-data-hpoa-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let dir = rarekg::release::ReleaseDir::open(&data).unwrap();
    let releases = Arc::new(fresh_releases(3, false).with_dir(dir.clone()));
    let app = app_for(releases.clone());
    // First the modified HPO, then an HPOA file that gives polymyositis Seizure.
    releases
        .reload_hpo(&write_obo("hpoa-base", &modified_hpo()), "alice", false)
        .unwrap();
    let file = with_extra_row(
        "data/hpo/phenotype.hpoa.gz",
        "phenotype.hpoa",
        "ORPHA:732\tPolymyositis\t\tHP:0001250\tORPHA:732\tTAS\t\t\t\t\tP\tHPO:test[2026-11-26]\n",
    );
    let v = reload_from(
        &app,
        "HPOA",
        &file,
        "applied release { id changedSource diff }",
    )
    .await;
    let r = &v["data"]["reload"];
    assert_eq!(r["applied"], true, "{v}");
    assert_eq!(r["release"]["changedSource"], "HPOA");
    assert_eq!(
        r["release"]["diff"]["annotations"]["annotationsAdded"],
        json!(null),
        "diff keys are snake_case JSON"
    );
    assert_eq!(
        r["release"]["diff"]["annotations"]["annotations_added"], 1,
        "{v}"
    );
    let v = gql(&app, None, r#"{ disease(id: "ORPHA:732") { history { toRelease phenotypesAdded } } phenotype(id: "HP:0003701") { name } }"#, json!({})).await;
    let h = v["data"]["disease"]["history"].as_array().unwrap();
    assert_eq!(
        h.last().unwrap()["phenotypesAdded"],
        json!(["HP:0001250"]),
        "{v}"
    );
    assert_eq!(
        v["data"]["phenotype"]["name"], "Proximal muscle weakness (relabeled)",
        "the HPO reload is kept"
    );
    // A restart serves both: the record names every overridden file.
    let record = dir.current().unwrap().unwrap();
    assert_eq!(record.files.keys().collect::<Vec<_>>(), ["hpo", "hpoa"]);
    let restarted = restart_on(&data);
    assert_eq!(restarted.id, record.id);
    let restarted = &restarted.kg;
    let rarekg::graph::Lookup::Found(d) =
        restarted.find_disease(&rarekg::curie::Curie::parse("ORPHA:732").unwrap())
    else {
        panic!()
    };
    let has_seizure = restarted
        .edges(d, rarekg::graph::Rel::DiseasePhenotypes)
        .iter()
        .any(|&e| restarted.phenotype(restarted.other(e, d)).id.as_str() == "HP:0001250");
    assert!(has_seizure);
    std::fs::remove_dir_all(&data).ok();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mondo_mapping_set_reloads_on_its_own() {
    let data = std::env::temp_dir().join(format!("rarekg-data-sssom-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let dir = rarekg::release::ReleaseDir::open(&data).unwrap();
    let releases = Arc::new(fresh_releases(3, false).with_dir(dir.clone()));
    let app = app_for(releases.clone());
    let q = r#"{ disease(id: "OMIM:999901") { id name } }"#;
    let before = gql(&app, None, q, json!({})).await;
    assert_eq!(before["data"]["disease"], json!(null), "{before}");

    // The OMIM mapping set with one more row: polymyositis to a test-only id.
    let file = with_extra_row(
        "data/mondo/mondo_exactmatch_omim.sssom.tsv.gz",
        "omim.sssom.tsv",
        "MONDO:0019127\tpolymyositis\tskos:exactMatch\tOMIM:999901\ttest-only\tsemapv:ManualMappingCuration\n",
    );
    let v = reload_from(
        &app,
        "MONDO_OMIM",
        &file,
        "applied release { changedSource }",
    )
    .await;
    assert_eq!(v["data"]["reload"]["applied"], true, "{v}");
    assert_eq!(
        v["data"]["reload"]["release"]["changedSource"],
        "MONDO_OMIM"
    );

    let after = gql(&app, None, q, json!({})).await;
    assert_eq!(after["data"]["disease"]["id"], "MONDO:0019127", "{after}");
    assert_eq!(after["data"]["disease"]["name"], "Polymyositis");
    // Every other mapping set is still the vendored one, and the release
    // records only this one.
    let current = releases.current();
    let vendored = DataPaths::under(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_ne!(current.paths.mondo_mappings[1], vendored.mondo_mappings[1]);
    assert_eq!(current.paths.mondo_mappings[0], vendored.mondo_mappings[0]);
    let record = dir.current().unwrap().unwrap();
    assert_eq!(record.files.keys().collect::<Vec<_>>(), ["mondo_omim"]);
    std::fs::remove_dir_all(&data).ok();
}

/// Every index a start-up builds in the background a reload builds too,
/// the p-value warm-up included (a reload once left it out: the first
/// p-value of each method after it took seconds).
#[test]
fn a_reload_builds_every_index_a_start_up_builds() {
    use rarekg::analytics::Target;
    let data = std::env::temp_dir().join(format!("rarekg-data-indexes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let server = rarekg::config::ServerConfig {
        data_dir: Some(data.clone()),
        rdf_store: false,
        ..Default::default()
    };
    let releases = rarekg::release::open(Path::new(env!("CARGO_MANIFEST_DIR")), &server).unwrap();
    let started = releases.current();
    wait_complete(&started);
    let reloaded = releases
        .reload_hpo(&write_obo("indexes", &modified_hpo()), "test", false)
        .unwrap()
        .release;
    assert!(reloaded.readiness().is_ready(), "ready when swapped in");
    wait_complete(&reloaded);
    for release in [&started, &reloaded] {
        for target in [Target::Diseases, Target::Genes] {
            for method in rarekg::release::BACKGROUND_METHODS {
                assert!(
                    release.analytics.has_backgrounds(target, method),
                    "release {}: {target:?} {method:?}",
                    release.id
                );
            }
        }
    }
    assert_eq!(
        reloaded.analytics.omim_diseases,
        started.analytics.omim_diseases
    );
    std::fs::remove_dir_all(&data).ok();
}

/// A reload from the same files yields the same derived indexes as the
/// start-up: the analytics tables and every p-value background (one
/// digest), the search index (the same hits with the same scores) and the
/// RDF store (the same named graphs, of the same sizes).
#[test]
fn a_reload_of_the_same_files_yields_the_indexes_of_a_start_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = std::env::temp_dir().join(format!("rarekg-data-same-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let server = rarekg::config::ServerConfig {
        data_dir: Some(data.clone()),
        ..Default::default()
    };
    let releases = rarekg::release::open(root, &server).unwrap();
    let started = releases.current();
    wait_complete(&started);
    // The vendored screening table, sent again as it is.
    let same = root.join("data/curated/newborn_screening.tsv");
    let reloaded = releases
        .reload(
            rarekg::release::ReloadSource::Screening,
            &same,
            "test",
            false,
        )
        .unwrap()
        .release;
    assert_ne!(reloaded.id, started.id);
    wait_complete(&reloaded);

    assert_eq!(reloaded.analytics.digests(), started.analytics.digests());

    let hits = |release: &Release, text: &str| {
        let found = release
            .search()
            .unwrap()
            .search(&release.kg, &rarekg::search::Request::new(text).limit(20))
            .unwrap();
        let hits: Vec<(String, String)> = found
            .hits
            .iter()
            .map(|h| (h.id.clone(), format!("{:.6}", h.score)))
            .collect();
        (found.total, hits)
    };
    for text in ["marfan", "polymyo", "HP:0001166", "FBN1", "bosentan"] {
        let (before, after) = (hits(&started, text), hits(&reloaded, text));
        assert!(before.0 > 0, "{text}");
        assert_eq!(after, before, "{text}");
    }

    let (a, b) = (
        started.store().load_full().expect("a store"),
        reloaded.store().load_full().expect("a store"),
    );
    assert!(!a.is_empty());
    assert_eq!(b.len(), a.len());
    let sizes = |s: &rarekg::store::OntologyStore| {
        s.ontologies()
            .iter()
            .map(|o| {
                (
                    o.name.clone(),
                    o.version.clone(),
                    o.graph.clone(),
                    o.triple_count,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(sizes(&b), sizes(&a));
    std::fs::remove_dir_all(&data).ok();
}

/// Waits until every derived index of `release` is built (at most 10 min).
fn wait_complete(release: &Release) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(600);
    while !release.readiness().is_complete() {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            release.readiness()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
