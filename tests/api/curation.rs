//! Curators add, correct and retire curated facts; every change is logged
//! with who, when, why and its source, and survives restarts and reloads.

use crate::common::unbuilt;
use crate::diff::{modified_hpo, write_obo};
use async_graphql::{Request, Variables};
use rarekg::api::{DocumentCache, Role};
use rarekg::curation::Curation;
use rarekg::release::{Release, ReleaseError, Releases, ReloadSource};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::Arc;

fn releases_with_log(log: &Path) -> Arc<Releases> {
    Arc::new(
        Releases::new(Release::initial(unbuilt(false)), 2)
            .with_curation(Curation::open(log).expect("the log opens")),
    )
}

/// The whole response (data and errors) to `q` as `role`.
async fn as_role(releases: &Arc<Releases>, role: Role, q: &str, vars: Value) -> Value {
    let schema = rarekg::api::schema(releases.clone(), Default::default());
    let req = Request::new(q)
        .variables(Variables::from_json(vars))
        .data(role);
    let resp = DocumentCache::default()
        .execute(&schema, releases, req)
        .await;
    serde_json::to_value(&resp).unwrap()
}

const CURATE: &str =
    "mutation($i: CurationInput!) { curate(input: $i) { seq by why source action factId fact } }";
const PAGE: &str = r#"{ disease(id: "ORPHA:732") { patientOrganizations { factId name url scope }
    curationHistory { seq by why source action factId } } }"#;

fn carol() -> Role {
    Role::Curator("carol".into())
}

fn names(v: &Value) -> Vec<String> {
    v["data"]["disease"]["patientOrganizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_string())
        .collect()
}

fn code(v: &Value) -> &str {
    v["errors"][0]["extensions"]["code"].as_str().unwrap_or("")
}

#[tokio::test]
async fn curators_change_facts_with_an_audit_trail_that_survives_restart_and_reload() {
    let dir = std::env::temp_dir().join(format!("rarekg-curation-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("curation.jsonl");
    let releases = releases_with_log(&log);
    let add = json!({ "i": {
        "action": "ADD", "diseaseId": "MONDO:0019127",
        "organization": { "name": "Myositis Support and Understanding", "url": "https://understandingmyositis.org",
                          "country": "US", "scope": "national", "sourceUrl": "https://understandingmyositis.org", "asOf": "2026-11-26" },
        "why": "US patient organization for all myositis forms", "source": "https://understandingmyositis.org" } });

    // Only curators (and maintainers) may change facts.
    let v = as_role(&releases, Role::Anonymous, CURATE, add.clone()).await;
    assert_eq!(code(&v), "UNAUTHENTICATED", "{v}");
    let v = as_role(&releases, Role::Reader, CURATE, add.clone()).await;
    assert_eq!(code(&v), "FORBIDDEN", "{v}");

    let before = as_role(&releases, Role::Anonymous, PAGE, json!({})).await;
    assert!(names(&before).contains(&"Myositis UK".to_string()));

    let v = as_role(&releases, carol(), CURATE, add.clone()).await;
    let c = &v["data"]["curate"];
    assert_eq!(
        (c["seq"].as_u64(), c["by"].as_str()),
        (Some(1), Some("carol")),
        "{v}"
    );
    let new_id = c["factId"].as_str().unwrap().to_string();
    assert!(
        new_id.starts_with("organization:MONDO:0019127:"),
        "{new_id}"
    );
    // The same fact twice is refused.
    let v = as_role(&releases, carol(), CURATE, add).await;
    assert_eq!(code(&v), "BAD_USER_INPUT", "{v}");

    // Correct it (scope), and retire a seed fact.
    let correct = json!({ "i": {
        "action": "CORRECT", "diseaseId": "ORPHA:732", "factId": new_id,
        "organization": { "name": "Myositis Support and Understanding", "url": "https://understandingmyositis.org",
                          "country": "US", "scope": "international", "sourceUrl": "https://understandingmyositis.org", "asOf": "2026-11-26" },
        "why": "serves members outside the US", "source": "https://understandingmyositis.org" } });
    let v = as_role(&releases, carol(), CURATE, correct).await;
    assert_eq!(v["data"]["curate"]["action"], "CORRECT", "{v}");
    let uk = before["data"]["disease"]["patientOrganizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Myositis UK")
        .unwrap()["factId"]
        .clone();
    let retire = json!({ "i": { "action": "RETIRE", "diseaseId": "ORPHA:732", "factId": uk,
        "why": "test: retirement", "source": "https://www.myositis.org.uk" } });
    let v = as_role(&releases, Role::Maintainer("alice".into()), CURATE, retire).await;
    assert_eq!(v["data"]["curate"]["by"], "alice", "{v}");

    // Bad changes: unknown fact, no reason, a malformed URL.
    for bad in [
        json!({ "i": { "action": "RETIRE", "diseaseId": "ORPHA:732", "factId": "organization:ORPHA:732:nobody", "why": "x", "source": "y" } }),
        json!({ "i": { "action": "RETIRE", "diseaseId": "ORPHA:732", "factId": new_id, "why": " ", "source": "y" } }),
        json!({ "i": { "action": "ADD", "diseaseId": "ORPHA:732", "why": "x", "source": "y",
            "organization": { "name": "X", "url": "www.x.org", "scope": "national", "sourceUrl": "https://x.org", "asOf": "2026-11-26" } } }),
    ] {
        let v = as_role(&releases, carol(), CURATE, bad).await;
        assert_eq!(code(&v), "BAD_USER_INPUT", "{v}");
    }
    let v = as_role(&releases, carol(), CURATE, json!({ "i": { "action": "RETIRE", "diseaseId": "ORPHA:99999999", "factId": "x", "why": "x", "source": "y" } })).await;
    assert_eq!(code(&v), "NOT_FOUND", "{v}");

    let check = |v: &Value| {
        let n = names(v);
        assert!(
            n.contains(&"Myositis Support and Understanding".to_string()),
            "{n:?}"
        );
        assert!(!n.contains(&"Myositis UK".to_string()), "{n:?}");
        let orgs = v["data"]["disease"]["patientOrganizations"]
            .as_array()
            .unwrap();
        let msu = orgs
            .iter()
            .find(|o| o["name"] == "Myositis Support and Understanding")
            .unwrap();
        assert_eq!(msu["scope"], "international");
        let h = v["data"]["disease"]["curationHistory"].as_array().unwrap();
        assert_eq!(h.len(), 3, "{h:?}");
        assert_eq!(
            h[0]["why"],
            "US patient organization for all myositis forms"
        );
        assert_eq!(h[0]["source"], "https://understandingmyositis.org");
        assert_eq!(h[2]["action"], "RETIRE");
    };
    check(&as_role(&releases, Role::Anonymous, PAGE, json!({})).await);

    // A restart reads the log back.
    let restarted = releases_with_log(&log);
    check(&as_role(&restarted, Role::Anonymous, PAGE, json!({})).await);

    // A reload of the underlying release keeps the changes.
    let releases2 = restarted.clone();
    tokio::task::spawn_blocking(move || {
        releases2
            .reload_hpo(&write_obo("curation", &modified_hpo()), "alice", false)
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(restarted.current().id, 2);
    check(&as_role(&restarted, Role::Anonymous, PAGE, json!({})).await);

    // A malformed curated file is refused on reload; the release is kept.
    let bad = dir.join("orgs.tsv");
    std::fs::write(
        &bad,
        "disease_id\torganization\torganization_url\tcountry\tscope\tsource_url\tas_of\nORPHA:732\tX\tnot-a-url\tUS\tnational\thttps://x.org\t2026-11-26\n",
    )
    .unwrap();
    let r2 = restarted.clone();
    let err = tokio::task::spawn_blocking(move || {
        r2.reload(ReloadSource::PatientOrganizations, &bad, "alice", false)
            .err()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(matches!(err, ReleaseError::Invalid(_)));
    let msg = err.to_string();
    assert!(
        msg.contains("orgs.tsv:2:") && msg.contains("organization_url"),
        "{msg}"
    );
    assert_eq!(restarted.current().id, 2);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_list_of_diseases_reads_curated_facts_in_batches_with_the_same_answers() {
    // Myositis diseases (organizations) and RUSP conditions (screening).
    let ids = [
        "ORPHA:732",
        "ORPHA:221",
        "ORPHA:611",
        "ORPHA:206572",
        "ORPHA:716",
        "ORPHA:5",
        "ORPHA:586",
        "ORPHA:25",
        "ORPHA:79312",
        "ORPHA:42",
        "ORPHA:558",
        "ORPHA:355",
    ];
    let fields = "id patientOrganizations { name } screening { panel condition } xrefs { id relation } curationHistory { seq }";
    let list = crate::common::query(
        &format!("query($ids: [ID!]!) {{ diseasesByIds(ids: $ids) {{ {fields} }} }}"),
        serde_json::json!({ "ids": ids }),
    );
    let list = list["diseasesByIds"].as_array().unwrap();
    assert_eq!(list.len(), ids.len());
    let mut organizations = 0;
    let mut screened = 0;
    for (id, batched) in ids.iter().zip(list) {
        let one = crate::common::query(
            &format!("query($id: ID!) {{ disease(id: $id) {{ {fields} }} }}"),
            serde_json::json!({ "id": id }),
        );
        assert_eq!(&one["disease"], batched, "{id}");
        organizations += batched["patientOrganizations"].as_array().unwrap().len();
        screened += batched["screening"].as_array().unwrap().len();
    }
    assert!(organizations >= 3, "the myositis organizations are there");
    assert!(screened >= 3, "the RUSP entries are there");
}
