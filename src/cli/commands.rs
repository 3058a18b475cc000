//! What each subcommand does, on the library's calls. Part of the binary,
//! not of the library.

use crate::flags::{DiagnoseArgs, ImportTrialsArgs, RankArgs, ReloadArgs};
use anyhow::Context as _;
use rarekg::config::Config;
use rarekg::graph::{DataPaths, KnowledgeGraph};
use rarekg::release::{self, Built, ReloadSource};
use rarekg::store::OntologyStore;
use std::path::Path;
use std::sync::Arc;

/// `serve`: opens the data directory and serves until a shutdown signal.
pub fn serve(root: &Path, config: &Config) -> anyhow::Result<()> {
    let releases =
        Arc::new(release::open(root, &config.server).context("loading the data to serve")?);
    let schema = rarekg::api::schema(releases.clone(), config.limits.sparql());
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = rarekg::server::bind(config.server.bind).await?;
        tracing::info!(
            "serving GraphQL on http://{}/graphql",
            listener.local_addr()?
        );
        rarekg::server::serve(listener, rarekg::server::app(schema, releases, config)).await
    })?;
    Ok(())
}

/// `check`: loads everything and prints what each source gave.
pub fn check(root: &Path) -> anyhow::Result<()> {
    let built = load(root)?;
    print!(
        "{}",
        rarekg::report::sources(&built.paths, built.kg.stats())
    );
    print!("{}", rarekg::report::counts(&built.kg));
    let store =
        OntologyStore::load(&built.paths, &built.kg).context("loading the ontology store")?;
    print!("{}", rarekg::report::ontologies(&store));
    Ok(())
}

/// `diff-hpo`: what a new `hp.obo` would change, as JSON.
pub fn diff_hpo(root: &Path, hp_obo: &Path) -> anyhow::Result<()> {
    let current = load(root)?.kg;
    let paths = DataPaths {
        hpo: hp_obo.to_path_buf(),
        ..DataPaths::under(root)
    };
    let candidate =
        KnowledgeGraph::load(&paths).with_context(|| format!("validating {}", hp_obo.display()))?;
    let diff = rarekg::graph::diff::phenotype_diff(&current, &candidate);
    println!("{}", serde_json::to_string_pretty(&diff)?);
    Ok(())
}

/// `import-trials`: validates trial files and copies them into the data
/// directory.
pub fn import_trials(root: &Path, args: &ImportTrialsArgs) -> anyhow::Result<()> {
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| root.join("var"))
        .join("trials");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for file in &args.files {
        let trials = rarekg::ingest::ctgov::parse(file)?;
        let name = file.file_name().context("a file name")?;
        std::fs::copy(file, dir.join(name))
            .with_context(|| format!("copying {}", file.display()))?;
        println!("{}: {} trials", file.display(), trials.len());
    }
    println!(
        "imported into {}; served from the next start",
        dir.display()
    );
    Ok(())
}

/// `diagnose`: ranks one phenopacket, or evaluates a collection of them.
pub fn diagnose(root: &Path, args: &DiagnoseArgs) -> anyhow::Result<()> {
    use rarekg::analytics::Target;
    use rarekg::diagnose;
    let cases = rarekg::ingest::phenopacket::read_cases(&args.path)?;
    let built = load(root)?;
    let (kg, a) = (&*built.kg, &*built.analytics);
    let options = diagnose::Options {
        scoring: diagnose::scoring(&args.method)?,
        weight_by_frequency: args.weight_by_frequency,
        target: if args.genes {
            Target::Genes
        } else {
            Target::Diseases
        },
        top: args.top,
        per_disease: args.per_disease,
        params: args
            .lr_params
            .as_deref()
            .map(diagnose::params)
            .transpose()?,
    };
    let cases = diagnose::per_disease(cases, args.per_disease);
    if args.path.is_file() && args.path.extension().is_some_and(|e| e == "json") {
        for case in &cases {
            print!("{}", diagnose::one(kg, a, case, &options));
        }
    } else if args.table {
        print!("{}", diagnose::table(kg, a, &cases, options.params));
    } else {
        print!("{}", diagnose::batch(kg, a, &cases, &options));
    }
    if args.simulate > 0 {
        print!("{}", diagnose::simulated(kg, a, args.simulate, args.seed));
    }
    Ok(())
}

/// `links`: the entity linker's matches, as TSV.
pub fn links(root: &Path) -> anyhow::Result<()> {
    print!("{}", rarekg::report::links(&load(root)?.kg));
    Ok(())
}

/// `rank`: one ranking, timed over repetitions.
pub fn rank(root: &Path, args: &RankArgs) -> anyhow::Result<()> {
    let built = load(root)?;
    let run = rarekg::report::RankRun {
        terms: &args.terms,
        method: &args.method,
        combine: &args.combine,
        sources: &args.sources,
        reps: args.reps,
        top: args.top,
    };
    print!(
        "{}",
        rarekg::report::rank(&built.kg, &built.analytics, &run)?
    );
    Ok(())
}

/// `reload`: sends a file to a running server's `reload` mutation.
pub fn reload(args: &ReloadArgs) -> anyhow::Result<()> {
    send_reload(
        &args.server,
        &args.token,
        args.source,
        &args.file,
        args.dry_run,
    )
}

/// Sends `file` to a running server's `reload` mutation (a GraphQL
/// multipart request) and prints the outcome.
fn send_reload(
    server: &str,
    token: &str,
    source: ReloadSource,
    file: &Path,
    dry_run: bool,
) -> anyhow::Result<()> {
    let content = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "hp.obo".into());
    let operations = serde_json::json!({
        "query": "mutation($s: ReloadSourceName!, $f: Upload, $dry: Boolean) { reload(source: $s, file: $f, dryRun: $dry) { applied release { id changedSource hpoRelease diff } } }",
        "variables": { "s": source.key().to_ascii_uppercase(), "f": null, "dry": dry_run }
    });
    let boundary = format!("rarekg-{}", std::process::id());
    let mut body = Vec::with_capacity(content.len() + 1024);
    for (field, extra, part) in [
        (
            "operations",
            String::new(),
            operations.to_string().into_bytes(),
        ),
        ("map", String::new(), br#"{"0": ["variables.f"]}"#.to_vec()),
        (
            "0",
            format!("; filename=\"{name}\"\r\nContent-Type: application/octet-stream"),
            content,
        ),
    ] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"{extra}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&part);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut resp = ureq::post(format!("{}/graphql", server.trim_end_matches('/')))
        .header(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
        .header("authorization", &format!("Bearer {token}"))
        .config()
        .timeout_global(Some(std::time::Duration::from_secs(600)))
        .build()
        .send(&body[..])
        .with_context(|| format!("sending the reload to {server}"))?;
    let answer: serde_json::Value = resp
        .body_mut()
        .read_json()
        .context("reading the server's answer")?;
    println!("{}", serde_json::to_string_pretty(&answer)?);
    if let Some(errors) = answer.get("errors") {
        anyhow::bail!("the server refused the reload: {}", errors[0]["message"]);
    }
    Ok(())
}

/// The release of the vendored data under `root`: its graph and analytics.
fn load(root: &Path) -> anyhow::Result<Built> {
    release::build(DataPaths::under(root), release::BuildOptions::graph_only())
        .with_context(|| format!("loading the data under {}", root.display()))
}
