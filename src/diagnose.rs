//! The `diagnose` command: one phenopacket ranked with its explanation, or
//! many (a folder, a JSONL file, a tar.gz) with each case's top entries and
//! the evaluation table of every method, with and without excluded terms.

use crate::analytics::evaluation::{known_cases, summarise, Condition, Known, Summary};
use crate::analytics::{
    Analytics, Combine, LikelihoodTables, Method, Params, Patient, RankingRequest, Scoring, Sex,
    Target, TermMatch,
};
use crate::graph::KnowledgeGraph;
use crate::ingest::phenopacket::Case;
use std::fmt::Write;

/// Options of the `diagnose` command.
#[derive(Debug, Clone)]
pub struct Options {
    pub scoring: Scoring,
    pub weight_by_frequency: bool,
    pub target: Target,
    /// Entries shown per case.
    pub top: usize,
    /// At most this many cases per diagnosis (batch mode; 0: all).
    pub per_disease: usize,
    /// Other likelihood-ratio constants (for studying the model).
    pub params: Option<Params>,
}

/// Why a `diagnose` option was refused.
#[derive(Debug, thiserror::Error)]
pub enum OptionError {
    /// The method is not one of those listed.
    #[error("unknown method `{0}` (lr, resnik, lin, jc, graphic)")]
    Method(String),
    /// A model constant is malformed.
    #[error("`{0}`: expected unknown=, gamma=, floor=, cap=, excluded_unknown=, excluded_min=, similarity_exclusion= or ascertainment= with a number")]
    Param(String),
}

/// Parses `lr`, `resnik`, `lin`, `jc` or `graphic` (similarity with
/// funSimAvg).
pub fn scoring(name: &str) -> Result<Scoring, OptionError> {
    let method = match name.to_lowercase().as_str() {
        "lr" | "likelihood" => return Ok(Scoring::LikelihoodRatio),
        "resnik" => Method::Resnik,
        "lin" => Method::Lin,
        "jc" => Method::JiangConrath,
        "graphic" => Method::GraphIc,
        _ => return Err(OptionError::Method(name.into())),
    };
    Ok(Scoring::Similarity {
        method,
        combine: Combine::FunSimAvg,
    })
}

/// Parses `unknown=0.5,gamma=0.5,...` over the default constants.
pub fn params(text: &str) -> Result<Params, OptionError> {
    let mut p = Params::default();
    for part in text.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| OptionError::Param(part.into()))?;
        let v: f64 = v.parse().map_err(|_| OptionError::Param(part.into()))?;
        match k {
            "unknown" => p.unknown = v as f32,
            "gamma" => p.gamma = v,
            "floor" => p.floor = v,
            "cap" => p.cap = v,
            "excluded_unknown" => p.excluded_unknown = v as f32,
            "excluded_min" => p.excluded_min = v as f32,
            "similarity_exclusion" => p.similarity_exclusion = v,
            "ascertainment" => p.ascertainment = v,
            "unstated" => p.unstated = v,
            "sex_mismatch" => p.sex_mismatch = v,
            _ => return Err(OptionError::Param(part.into())),
        }
    }
    Ok(p)
}

fn name_of(s: Scoring) -> String {
    match s {
        Scoring::LikelihoodRatio => "likelihood ratio".into(),
        Scoring::Similarity { method, .. } => format!("{method:?} funSimAvg"),
    }
}

/// One case, ranked and explained.
pub fn one(kg: &KnowledgeGraph, a: &Analytics, case: &Case, o: &Options) -> String {
    let observed: Vec<&str> = case.observed.iter().map(|f| f.id.as_str()).collect();
    let excluded: Vec<&str> = case.excluded.iter().map(|f| f.id.as_str()).collect();
    let patient = Patient::resolve(kg, &observed, &excluded);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {}: {} observed, {} excluded terms used; sex {}; onset {}",
        case.id,
        patient.observed.len(),
        patient.excluded.len(),
        case.sex.as_deref().unwrap_or("not given"),
        case.onset.as_deref().unwrap_or("not given"),
    );
    for i in &patient.ignored {
        let _ = writeln!(
            s,
            "# ignored {} ({}): {:?}",
            i.id,
            if i.excluded { "excluded" } else { "observed" },
            i.reason
        );
    }
    if !patient.has_terms() {
        let _ = writeln!(
            s,
            "# nothing ranked: no usable phenotypic feature (phenotypicFeatures)"
        );
        return s;
    }
    let req = RankingRequest {
        target: o.target,
        terms: patient.observed.clone(),
        excluded: patient.excluded.clone(),
        scoring: o.scoring,
        weight_by_frequency: o.weight_by_frequency,
        sex: case.sex.as_deref().and_then(Sex::parse),
    };
    let ranking = a.rank(kg, &req);
    let top = &ranking.ranked[..o.top.min(ranking.ranked.len())];
    let p = a.p_values(kg, &req, top);
    let floor = a
        .p_value_floor(&req)
        .map_or("no floor (fitted normal)".to_string(), |f| {
            format!("p-values down to {f:.1e}")
        });
    let _ = writeln!(
        s,
        "# {}, {} ranked; {floor}\nrank\tid\tname\tscore\tp_value\tterms",
        name_of(o.scoring),
        ranking.ranked.len(),
    );
    let profiles = match o.target {
        Target::Diseases => a.diseases(),
        Target::Genes => a.genes(),
    };
    for (i, r) in top.iter().enumerate() {
        let pr = &profiles[r.profile];
        let name = match o.target {
            Target::Diseases => kg.disease(pr.node).name.value.to_string(),
            Target::Genes => pr.id.to_string(),
        };
        let terms: Vec<String> = a
            .explain(kg, &ranking, &req, r.profile)
            .iter()
            .map(|m| match m {
                TermMatch::Ratio(t) => format!(
                    "{}{}={:.3}",
                    if t.excluded { "-" } else { "" },
                    kg.phenotype(t.query).id,
                    t.ratio
                ),
                TermMatch::Similarity {
                    query, similarity, ..
                } => format!("{}={:.3}", kg.phenotype(*query).id, similarity),
            })
            .collect();
        let _ = writeln!(
            s,
            "{}\t{}\t{}\t{:.3}\t{:.2e}\t{}",
            i + 1,
            pr.id,
            name,
            r.score,
            p[i],
            terms.join(" ")
        );
    }
    s
}

/// Keeps at most `n` cases per first diagnosis, in order (0: all).
pub fn per_disease(cases: Vec<Case>, n: usize) -> Vec<Case> {
    if n == 0 {
        return cases;
    }
    let mut seen = std::collections::HashMap::<String, usize>::new();
    cases
        .into_iter()
        .filter(|c| {
            let d = c.diagnoses.first().cloned().unwrap_or_default();
            let k = seen.entry(d).or_default();
            *k += 1;
            *k <= n
        })
        .collect()
}

/// Many cases: each case's rank of its diagnosis and top entries (TSV),
/// then the summary under the options' method.
pub fn batch(kg: &KnowledgeGraph, a: &Analytics, cases: &[Case], o: &Options) -> String {
    let known = known_cases(kg, cases);
    let tables = o
        .params
        .map(|p| LikelihoodTables::build_with(kg, a, a.diseases(), p));
    let cond = Condition {
        scoring: o.scoring,
        weight_by_frequency: o.weight_by_frequency,
        use_excluded: true,
    };
    let outcomes = a.evaluate(kg, Target::Diseases, &known, cond, tables.as_ref());
    let mut s = String::from("case\tdiagnosis_rank\tignored_terms\n");
    for out in &outcomes {
        let _ = writeln!(
            s,
            "{}\t{}\t{}",
            out.id,
            out.rank.map_or("-".into(), |r| r.to_string()),
            out.ignored
        );
    }
    let sum = summarise(&outcomes, a.diseases().len() + 1);
    let _ = writeln!(s, "{}", table_header());
    let _ = writeln!(s, "{}", table_row(&name_of(o.scoring), true, &sum));
    s
}

fn table_header() -> String {
    "| ranking | excluded terms | cases | top-1 | top-3 | top-10 | median rank | mean rank |\n|---|---|---|---|---|---|---|---|".into()
}

fn table_row(name: &str, excluded: bool, s: &Summary) -> String {
    format!(
        "| {name} | {} | {} | {:.1}% | {:.1}% | {:.1}% | {} | {:.1} |",
        if excluded { "used" } else { "not given" },
        s.cases,
        s.top1,
        s.top3,
        s.top10,
        s.median_rank,
        s.mean_rank,
    )
}

/// The evaluation table: every method, with and without excluded terms
/// (and, for the similarity methods, with and without frequency
/// weighting).
pub fn table(kg: &KnowledgeGraph, a: &Analytics, cases: &[Case], params: Option<Params>) -> String {
    let known = known_cases(kg, cases);
    let tables = params.map(|p| LikelihoodTables::build_with(kg, a, a.diseases(), p));
    let ignored = known
        .iter()
        .filter(|k| !k.patient.ignored.is_empty())
        .count();
    let missing = known.iter().filter(|k| !k.rankable(a)).count();
    let mut s = format!(
        "{} cases; {} left out: their diagnosis has no annotations in the served release; {} with a term set aside (unknown to the served HPO)\n{}\n",
        known.len(),
        missing,
        ignored,
        table_header()
    );
    for (name, scoring, weighted) in conditions() {
        for use_excluded in [false, true] {
            let cond = Condition {
                scoring,
                weight_by_frequency: weighted,
                use_excluded,
            };
            let out = a.evaluate(kg, Target::Diseases, &known, cond, tables.as_ref());
            let sum = summarise(&out, a.diseases().len() + 1);
            let _ = writeln!(s, "{}", table_row(&name, use_excluded, &sum));
        }
    }
    s
}

fn conditions() -> Vec<(String, Scoring, bool)> {
    let mut v = vec![(
        "likelihood ratio".to_string(),
        Scoring::LikelihoodRatio,
        false,
    )];
    for m in [
        Method::Resnik,
        Method::Lin,
        Method::JiangConrath,
        Method::GraphIc,
    ] {
        for weighted in [false, true] {
            v.push((
                format!(
                    "{m:?} funSimAvg{}",
                    if weighted { ", weighted" } else { "" }
                ),
                Scoring::Similarity {
                    method: m,
                    combine: Combine::FunSimAvg,
                },
                weighted,
            ));
        }
    }
    v
}

/// The simulated-patient table: `count` patients of five terms per
/// condition (clean, noise, imprecision, both), each method with and
/// without frequency weighting.
pub fn simulated(kg: &KnowledgeGraph, a: &Analytics, count: usize, seed: u64) -> String {
    let mut s = String::from(
        "| ranking | patients | top-1 | top-10 | top-10 weighted | median rank | median rank weighted |\n|---|---|---|---|---|---|---|\n",
    );
    let sets: [(&str, usize, bool); 4] = [
        ("clean", 0, false),
        ("noise (2 of 5 random)", 2, false),
        ("imprecision (parents)", 0, true),
        ("noise and imprecision", 2, true),
    ];
    for (label, noise, imprecise) in sets {
        let patients: Vec<Known> = a.simulate(kg, count, 5, noise, imprecise, seed);
        for (name, scoring, weighted) in conditions() {
            if weighted {
                continue;
            }
            let run = |w: bool| {
                let cond = Condition {
                    scoring,
                    weight_by_frequency: w,
                    use_excluded: false,
                };
                summarise(
                    &a.evaluate(kg, Target::Diseases, &patients, cond, None),
                    a.diseases().len() + 1,
                )
            };
            let (plain, w) = (run(false), run(true));
            let lr = scoring == Scoring::LikelihoodRatio;
            let _ = writeln!(
                s,
                "| {label}: {name} | {} | {:.1}% | {:.1}% | {} | {} | {} |",
                plain.cases,
                plain.top1,
                plain.top10,
                if lr {
                    "(frequencies always used)".to_string()
                } else {
                    format!("{:.1}%", w.top10)
                },
                plain.median_rank,
                if lr {
                    "-".to_string()
                } else {
                    w.median_rank.to_string()
                },
            );
        }
    }
    s
}
