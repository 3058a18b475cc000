//! `rarekg`: serve the rare-disease knowledge graph, or check the data.
#![forbid(unsafe_code)]

use anyhow::Context as _;

use clap::{Parser, Subcommand};
use rarekg::graph::{DataPaths, KnowledgeGraph};
use rarekg::release::{Release, ReleaseDir, Releases, ReloadSource, StoreSlot};
use rarekg::store::{OntologyStore, QueryLimits};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Parser)]
#[command(version, about = "The open rare-disease knowledge graph server")]
struct Cli {
    /// Folder holding `ontologies/` and `data/` (default: the current folder if
    /// it has them, else the folder the binary was built from).
    #[arg(long, global = true, env = "RAREKG_ROOT")]
    root: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Parser)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "RAREKG_BIND")]
    bind: SocketAddr,
    /// Do not load the RDF store: no `/sparql`, no ontology fields, and
    /// ~340 MiB less resident memory.
    #[arg(long, env = "RAREKG_NO_RDF_STORE")]
    no_rdf_store: bool,
    /// Maintainer tokens, comma-separated `name:secret` (or bare `secret`):
    /// they may reload and roll back releases.
    #[arg(
        long,
        env = "RAREKG_MAINTAINER_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    maintainer_tokens: Vec<String>,
    /// Reader tokens, comma-separated `name:secret`: they read, never change.
    #[arg(
        long,
        env = "RAREKG_READER_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    reader_tokens: Vec<String>,
    /// Curator tokens, comma-separated `name:secret`: they may add, correct
    /// and retire curated facts (patient organizations, screening, xrefs).
    #[arg(
        long,
        env = "RAREKG_CURATOR_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    curator_tokens: Vec<String>,
    /// How many releases to keep in memory for rollback (at least 2).
    #[arg(long, default_value_t = 2, env = "RAREKG_KEEP_RELEASES")]
    keep_releases: usize,
    /// Where accepted releases are kept across restarts (default: `var/`
    /// under the data root).
    #[arg(long, env = "RAREKG_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Load the data and serve GraphQL over HTTP (the default).
    Serve(ServeArgs),
    /// Load everything, print counts per source, entity and edge type; exit
    /// non-zero on any load error.
    Check,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Reload one source in a running server (maintainer token required):
    /// the file is sent to the server's `reload` mutation, which validates
    /// it, returns the diff, and swaps it in unless `--dry-run`.
    Reload {
        /// The new file (plain or gzipped, as published), sent as an upload.
        file: PathBuf,
        /// Which source it is: hpo, hpoa, genes_to_phenotype, orphanet, ordo,
        /// mondo_terms, mondo_edges, a MONDO mapping set (mondo_omim,
        /// mondo_orphanet, ...), hgnc, fda, patient_organizations or
        /// screening.
        #[arg(long, default_value = "hpo", value_parser = parse_source)]
        source: ReloadSource,
        /// The server's base URL.
        #[arg(long, default_value = "http://127.0.0.1:8080", env = "RAREKG_SERVER")]
        server: String,
        /// A maintainer token of that server.
        #[arg(long, env = "RAREKG_TOKEN", hide_env_values = true)]
        token: String,
        /// Validate and show the diff without swapping.
        #[arg(long)]
        dry_run: bool,
    },
    /// Validate a new HPO release against the data served and print, as JSON,
    /// what it changes (terms added, removed, obsoleted, relabeled,
    /// re-parented; disease annotations changed). Nothing is swapped.
    DiffHpo {
        /// The new `hp.obo` (plain or gzipped).
        hp_obo: PathBuf,
    },
    /// Print, as TSV, what the entity linker made of every designation text
    /// and trial condition: the disease, the name matched, the confidence
    /// and the method (for checking the linker's precision by hand).
    Links,
    /// Rank every annotated disease for a set of HPO terms, timing the
    /// ranking over repetitions; print the timings (lines starting with `#`)
    /// and the top entries as TSV (for comparing with other tools).
    Rank {
        /// Comma-separated HP ids.
        #[arg(long, value_delimiter = ',', required = true)]
        terms: Vec<String>,
        /// resnik, lin, jc or graphic.
        #[arg(long, default_value = "graphic")]
        method: String,
        /// funSimAvg, funSimMax or BMA.
        #[arg(long, default_value = "funSimAvg")]
        combine: String,
        /// Only list these annotation sources (comma-separated: omim,
        /// orpha, decipher); every disease is ranked either way.
        #[arg(long, value_delimiter = ',', default_value = "omim,orpha,decipher")]
        sources: Vec<String>,
        /// Timed repetitions, after 3 untimed ones.
        #[arg(long, default_value_t = 30)]
        reps: usize,
        /// How many to print.
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// Validate ClinicalTrials.gov API v2 JSON files (full studies, search
    /// pages, or the reduced field set) and copy them into the data
    /// directory's `trials/`, served from the next start.
    ImportTrials {
        /// The JSON files (plain or gzipped).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The server's data directory (default: `var/` under the data root).
        #[arg(long, env = "RAREKG_DATA_DIR")]
        data_dir: Option<PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let cli = Cli::parse();
    let root = cli.root.unwrap_or_else(default_root);
    // No subcommand: serve, with the defaults and environment of `serve`.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(ServeArgs::parse_from(["serve"])));
    match command {
        Command::Schema => print!("{}", rarekg::api::sdl()),
        Command::Reload {
            file,
            source,
            server,
            token,
            dry_run,
        } => reload(&server, &token, source, &file, dry_run)?,
        Command::DiffHpo { hp_obo } => {
            let current = load(&DataPaths::under(&root))?;
            let paths = DataPaths {
                hpo: hp_obo.clone(),
                ..DataPaths::under(&root)
            };
            let candidate = KnowledgeGraph::load(&paths)
                .with_context(|| format!("validating {}", hp_obo.display()))?;
            let diff = rarekg::graph::diff::phenotype_diff(&current, &candidate);
            println!("{}", serde_json::to_string_pretty(&diff)?);
        }
        Command::ImportTrials { files, data_dir } => {
            let dir = data_dir.unwrap_or_else(|| root.join("var")).join("trials");
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            for file in &files {
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
        }
        Command::Links => {
            let kg = load(&DataPaths::under(&root))?;
            print!("{}", rarekg::report::links(&kg));
        }
        Command::Rank {
            terms,
            method,
            combine,
            sources,
            reps,
            top,
        } => {
            let kg = load(&DataPaths::under(&root))?;
            let run = rarekg::report::RankRun {
                terms: &terms,
                method: &method,
                combine: &combine,
                sources: &sources,
                reps,
                top,
            };
            print!("{}", rarekg::report::rank(&kg, &run)?);
        }
        Command::Check => {
            let paths = DataPaths::under(&root);
            let kg = load(&paths)?;
            print!("{}", rarekg::report::counts(&kg));
            let store = load_store(&paths, &kg)?;
            print!("{}", rarekg::report::ontologies(&store));
        }
        Command::Serve(ServeArgs {
            bind,
            no_rdf_store,
            maintainer_tokens,
            reader_tokens,
            curator_tokens,
            keep_releases,
            data_dir,
        }) => {
            // The last accepted release, if a reload was accepted before.
            let data_dir = data_dir.unwrap_or_else(|| root.join("var"));
            let dir = ReleaseDir::open(&data_dir)
                .with_context(|| format!("opening the data directory {}", data_dir.display()))?;
            let record = dir.current().context("reading the current release")?;
            let mut paths = DataPaths::under(&root);
            paths.add_trials_from(&data_dir.join("trials"));
            let curation_log = data_dir.join("curation.jsonl");
            let curation = rarekg::curation::Curation::open(&curation_log)
                .with_context(|| format!("reading {}", curation_log.display()))?;
            if let Some(r) = &record {
                dir.apply(&r.files, &mut paths);
                tracing::info!("serving release {} accepted earlier ({:?})", r.id, r.files);
            }
            let kg = Arc::new(load(&paths)?);
            let store = StoreSlot::default();
            let limits = QueryLimits::default();
            if !no_rdf_store {
                // The RDF store loads in the background: GraphQL over the
                // graph answers at once, `/sparql` says STORE_LOADING until then.
                let (paths, kg, store) = (paths.clone(), kg.clone(), store.clone());
                std::thread::spawn(move || match load_store(&paths, &kg) {
                    Ok(s) => store.store(Some(Arc::new(s))),
                    Err(e) => tracing::error!("the ontology store did not load: {e:#}"),
                });
            }
            let first = match &record {
                Some(r) => Release::restored(kg, store, paths, r),
                None => Release::initial(kg, store, paths),
            };
            let releases = Arc::new(
                Releases::new(first, keep_releases, !no_rdf_store)
                    .with_dir(dir)
                    .with_curation(curation),
            );
            // The search index builds in the background too: the first
            // search waits for it only if it comes within the first seconds.
            let first = releases.current();
            std::thread::spawn(move || {
                let t = std::time::Instant::now();
                match first.search() {
                    Ok(_) => {
                        tracing::info!("search index built in {:.2} s", t.elapsed().as_secs_f64())
                    }
                    Err(e) => tracing::error!("the search index did not build: {e}"),
                }
                // The p-value backgrounds of the default disease ranking.
                let t = std::time::Instant::now();
                use rarekg::analytics::{Combine, Method, Target};
                first.kg.analytics().precompute_backgrounds(
                    &first.kg,
                    Target::Diseases,
                    Method::Resnik,
                    Combine::FunSimAvg,
                );
                tracing::info!(
                    "ranking backgrounds computed in {:.2} s",
                    t.elapsed().as_secs_f64()
                );
            });
            let schema = rarekg::api::schema(releases.clone(), limits);
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let listener = rarekg::server::bind(bind).await?;
                tracing::info!(
                    "serving GraphQL on http://{}/graphql",
                    listener.local_addr()?
                );
                rarekg::server::serve(
                    listener,
                    rarekg::server::app(
                        schema,
                        releases,
                        limits,
                        rarekg::server::Tokens {
                            maintainers: maintainer_tokens,
                            curators: curator_tokens,
                            readers: reader_tokens,
                        },
                    ),
                )
                .await
            })?;
        }
    }
    Ok(())
}

fn default_root() -> PathBuf {
    let cwd = PathBuf::from(".");
    if cwd.join("ontologies").is_dir() && cwd.join("data").is_dir() {
        cwd
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }
}

/// Sends `file` to a running server's `reloadHpo` mutation (GraphQL
/// multipart request) and prints the outcome.
fn parse_source(s: &str) -> Result<ReloadSource, String> {
    ReloadSource::parse(s).ok_or_else(|| {
        let all: Vec<&str> = ReloadSource::ALL.iter().map(|s| s.key()).collect();
        format!("unknown source `{s}` (one of {})", all.join(", "))
    })
}

fn reload(
    server: &str,
    token: &str,
    source: ReloadSource,
    file: &std::path::Path,
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

fn load_store(paths: &DataPaths, kg: &KnowledgeGraph) -> anyhow::Result<OntologyStore> {
    let started = Instant::now();
    let store = OntologyStore::load(paths, kg).context("loading the ontology store")?;
    rarekg::memory::release_freed_memory();
    tracing::info!(
        "ontology store loaded in {:.2} s: {} triples in {} graphs, resident memory {} MiB",
        started.elapsed().as_secs_f64(),
        store.len(),
        store.ontologies().len(),
        rarekg::memory::resident_bytes() >> 20
    );
    Ok(store)
}

fn load(paths: &DataPaths) -> anyhow::Result<KnowledgeGraph> {
    let started = Instant::now();
    let kg = KnowledgeGraph::load(paths)
        .with_context(|| format!("loading data ({})", paths.hpo.display()))?;
    let rss = rarekg::memory::resident_bytes() >> 20;
    tracing::info!(
        "loaded in {:.2} s, resident memory {} MiB: {} nodes ({}), {} edges",
        started.elapsed().as_secs_f64(),
        rss,
        kg.node_count(),
        kg.entity_counts()
            .iter()
            .map(|(k, v)| format!("{v} {k}"))
            .collect::<Vec<_>>()
            .join(", "),
        kg.edge_count()
    );
    Ok(kg)
}
