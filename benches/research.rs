//! Research tools in process, on the real release:
//!
//! - `rank_diseases_5_terms`: rank every annotated disease (12,687 HPOA
//!   annotation sets) for a 5-term profile, graph IC + funSimAvg (what
//!   `bench/rank_compare.sh` runs beside hpo3). Target: p50 <= 5 ms.
//! - `rank_10_observed_10_excluded_{lr,resnik}_explained_p_values`: a
//!   published case's first 10 observed and 10 excluded terms ranked over
//!   every disease, with the first page's explanations and p-values.
//!   Target (likelihood ratio): p50 <= 5 ms, p99 <= 20 ms; the p50 and p99
//!   over every published case with that many terms are printed before the
//!   search index builds.
//! - `autocomplete`: a search-box prefix (`polymyo`), all entity types,
//!   first 10 hits. Target: p99 <= 2 ms; the p50 and p99 over 40 prefixes
//!   of real disease, phenotype and gene names are printed before criterion
//!   runs (`autocomplete p50/p99`).
//! - `neighborhood_depth_2`: the depth-2 neighbourhood of polymyositis
//!   (limit 2000 nodes). Target: <= 1 ms.
//!
//! Run: `cargo bench --bench research`.

use criterion::{criterion_group, criterion_main, Criterion};
use rarekg::analytics::{Combine, Method, Patient, RankingRequest, Scoring, Target};
use rarekg::curie::Curie;
use rarekg::graph::explore::{self, Filter};
use rarekg::graph::{DataPaths, KnowledgeGraph, Lookup};
use rarekg::release::{build, BuildOptions};
use rarekg::search::{Request, SearchIndex};
use std::hint::black_box;
use std::time::Instant;

/// The server's allocator, as `src/main.rs` chooses it, so that these
/// figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PREFIXES: [&str; 40] = [
    "polymyo",
    "polymiositis",
    "fanconi an",
    "ehlers hyper",
    "marfan",
    "cystic fib",
    "duchenne",
    "spinal musc",
    "huntington",
    "gaucher",
    "fabry",
    "pompe",
    "wilson dis",
    "phenylket",
    "prader",
    "angelman",
    "rett",
    "tuberous scl",
    "neurofibro",
    "myasthenia",
    "seizure",
    "muscle weak",
    "hypotonia",
    "arachnodac",
    "short stat",
    "intellectual dis",
    "cataract",
    "hearing los",
    "scoliosis",
    "myalgia",
    "FBN1",
    "DMD",
    "CFTR",
    "SMN1",
    "BRCA",
    "bosentan",
    "tracleer",
    "NCT0",
    "myositis assoc",
    "propionic",
];

fn term(kg: &KnowledgeGraph, id: &str) -> rarekg::graph::model::NodeId {
    match kg.find_phenotype(&Curie::parse(id).unwrap()) {
        Lookup::Found(n) => n,
        other => panic!("{id}: {other:?}"),
    }
}

/// `p50 .. ms  p99 .. ms  max .. ms over N` of some timings in ms.
fn percentiles(times: &mut [f64]) -> String {
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((p * times.len() as f64) as usize).min(times.len() - 1)];
    format!(
        "p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms over {}",
        pct(0.5),
        pct(0.99),
        times[times.len() - 1],
        times.len()
    )
}

fn research(c: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let built = build(DataPaths::under(root), BuildOptions::graph_only())
        .expect("the vendored releases load");
    let (kg, analytics) = (&*built.kg, &*built.analytics);
    let req = RankingRequest {
        target: Target::Diseases,
        terms: [
            "HP:0003326",
            "HP:0001324",
            "HP:0003236",
            "HP:0003701",
            "HP:0012378",
        ]
        .iter()
        .map(|t| term(kg, t))
        .collect(),
        excluded: Vec::new(),
        scoring: Scoring::Similarity {
            method: Method::GraphIc,
            combine: Combine::FunSimAvg,
        },
        weight_by_frequency: false,
        sex: None,
    };
    c.bench_function("rank_diseases_5_terms", |b| {
        b.iter(|| black_box(analytics.rank(kg, &req)))
    });

    // A published case with 10 observed and 10 excluded terms, ranked by the
    // default likelihood ratio, with the first page's explanations and
    // p-values (what `rankDiseases` computes for a page of 20).
    let cases =
        rarekg::ingest::phenopacket::read_cases(&root.join("data/phenopackets/dev.jsonl.gz"))
            .expect("the vendored cases read");
    let case = cases
        .iter()
        .find(|c| c.observed.len() >= 10 && c.excluded.len() >= 10)
        .expect("a case with 10 observed and 10 excluded terms");
    let ids = |f: &[rarekg::ingest::phenopacket::Feature]| -> Vec<String> {
        f.iter().take(10).map(|x| x.id.clone()).collect()
    };
    let patient = Patient::resolve(kg, &ids(&case.observed), &ids(&case.excluded));
    println!(
        "likelihood-ratio bench case {}: {} observed, {} excluded terms used",
        case.id,
        patient.observed.len(),
        patient.excluded.len()
    );
    for scoring in [
        Scoring::LikelihoodRatio,
        Scoring::Similarity {
            method: Method::Resnik,
            combine: Combine::FunSimAvg,
        },
    ] {
        let req = RankingRequest {
            target: Target::Diseases,
            terms: patient.observed.clone(),
            excluded: patient.excluded.clone(),
            scoring,
            weight_by_frequency: false,
            sex: None,
        };
        let a = analytics;
        // Similarity p-values: their one-off pass is made at start-up.
        a.p_values(kg, &req, &a.rank(kg, &req).ranked[..1]);
        let name = match scoring {
            Scoring::LikelihoodRatio => "rank_10_observed_10_excluded_lr_explained_p_values",
            _ => "rank_10_observed_10_excluded_resnik_explained_p_values",
        };
        c.bench_function(name, |b| {
            b.iter(|| {
                let r = a.rank(kg, &req);
                let page = &r.ranked[..20];
                let p = a.p_values(kg, &req, page);
                for e in page {
                    black_box(a.explain(kg, &r, &req, e.profile));
                }
                black_box((r.ranked.len(), p))
            })
        });
    }

    // p50 and p99 of the same work over every published case with at least
    // 10 observed and 10 excluded terms (the first 10 of each), with its sex.
    let mut times = Vec::new();
    let a = analytics;
    let many: Vec<_> = cases
        .iter()
        .filter(|c| c.observed.len() >= 10 && c.excluded.len() >= 10)
        .collect();
    for round in 0..3 {
        for case in &many {
            let patient = Patient::resolve(kg, &ids(&case.observed), &ids(&case.excluded));
            let req = RankingRequest {
                target: Target::Diseases,
                terms: patient.observed,
                excluded: patient.excluded,
                scoring: Scoring::LikelihoodRatio,
                weight_by_frequency: false,
                sex: case.sex.as_deref().and_then(rarekg::analytics::Sex::parse),
            };
            let t = Instant::now();
            let r = a.rank(kg, &req);
            let page = &r.ranked[..20];
            black_box(a.p_values(kg, &req, page));
            for e in page {
                black_box(a.explain(kg, &r, &req, e.profile));
            }
            if round > 0 {
                times.push(t.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    println!(
        "likelihood ratio, 10 observed + 10 excluded, page of 20 explained with p-values: {} rankings of {} cases",
        percentiles(&mut times),
        many.len()
    );

    let t = Instant::now();
    let index = SearchIndex::build(kg).expect("the search index builds");
    println!("search index built in {:.2} s", t.elapsed().as_secs_f64());
    // Percentiles over many real prefixes.
    let mut times = Vec::new();
    let mut slowest: Vec<(f64, &str)> = Vec::new();
    for _ in 0..25 {
        for p in PREFIXES {
            let t = Instant::now();
            black_box(index.search(kg, &Request::new(p).limit(10)).unwrap());
            let ms = t.elapsed().as_secs_f64() * 1e3;
            times.push(ms);
            slowest.push((ms, p));
        }
    }
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.dedup_by_key(|x| x.1);
    println!("slowest prefixes: {:?}", &slowest[..5.min(slowest.len())]);
    println!("autocomplete {} searches", percentiles(&mut times));
    c.bench_function("autocomplete", |b| {
        b.iter(|| {
            black_box(
                index
                    .search(kg, &Request::new("polymyo").limit(10))
                    .unwrap(),
            )
        })
    });

    let pm = explore::find(kg, "ORPHA:732").unwrap();
    let n = explore::neighborhood(kg, pm, 2, &Filter::default(), 2000);
    println!(
        "depth-2 neighbourhood of polymyositis: {} nodes, {} edges",
        n.nodes.len(),
        n.links.len()
    );
    c.bench_function("neighborhood_depth_2", |b| {
        b.iter(|| black_box(explore::neighborhood(kg, pm, 2, &Filter::default(), 2000)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = research
}
criterion_main!(benches);
