//! The command line: every subcommand's flags, and `serve`'s flags over
//! the configuration file. Part of the binary, not of the library.

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use rarekg::config::Config;
use rarekg::release::ReloadSource;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(version, about = "The open rare-disease knowledge graph server")]
pub struct Cli {
    /// Folder holding `ontologies/` and `data/` (default: the current folder if
    /// it has them, else the folder the binary was built from).
    #[arg(long, global = true, env = "RAREKG_ROOT")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `serve` reads `--config` (TOML; see `rarekg.example.toml` for every key
/// and its default), then these flags and their environment variables over it.
#[derive(Parser)]
pub struct ServeArgs {
    /// The configuration file.
    #[arg(long, env = "RAREKG_CONFIG")]
    config: Option<PathBuf>,
    /// Address to listen on [server.bind; default 127.0.0.1:8080].
    #[arg(long, env = "RAREKG_BIND")]
    bind: Option<SocketAddr>,
    /// Do not load the RDF store: no `/sparql`, no ontology fields, and
    /// ~340 MiB less resident memory [server.rdf_store = false].
    #[arg(long, env = "RAREKG_NO_RDF_STORE")]
    no_rdf_store: bool,
    /// Maintainer tokens, comma-separated `name:secret` (or bare `secret`):
    /// they may reload and roll back releases [tokens.maintainers].
    #[arg(
        long,
        env = "RAREKG_MAINTAINER_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    maintainer_tokens: Vec<String>,
    /// Reader tokens, comma-separated `name:secret`: they read, never change
    /// [tokens.readers].
    #[arg(
        long,
        env = "RAREKG_READER_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    reader_tokens: Vec<String>,
    /// Curator tokens, comma-separated `name:secret`: they may add, correct
    /// and retire curated facts (patient organizations, screening, xrefs)
    /// [tokens.curators].
    #[arg(
        long,
        env = "RAREKG_CURATOR_TOKENS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    curator_tokens: Vec<String>,
    /// API keys, comma-separated `name:key` or `name:key:per_minute`
    /// [api_keys].
    #[arg(
        long,
        env = "RAREKG_API_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    api_keys: Vec<String>,
    /// Requests per minute per address without an API key, 0 for no limit
    /// [rate_limits.anonymous_per_minute; default 600].
    #[arg(long, env = "RAREKG_ANONYMOUS_PER_MINUTE")]
    anonymous_per_minute: Option<u32>,
    /// How many releases to keep in memory for rollback, at least 2
    /// [server.keep_releases; default 2].
    #[arg(long, env = "RAREKG_KEEP_RELEASES")]
    keep_releases: Option<usize>,
    /// Where accepted releases are kept across restarts [server.data_dir;
    /// default `var/` under the data root].
    #[arg(long, env = "RAREKG_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Log lines as text or JSON [server.log_format; default text].
    #[arg(long, env = "RAREKG_LOG_FORMAT")]
    log_format: Option<rarekg::config::LogFormat>,
    /// Deepest field nesting [limits.max_depth; default 15].
    #[arg(long, env = "RAREKG_MAX_DEPTH")]
    max_depth: Option<usize>,
    /// Largest query cost [limits.max_complexity; default 50000].
    #[arg(long, env = "RAREKG_MAX_COMPLEXITY")]
    max_complexity: Option<u64>,
    /// Most aliased fields per request [limits.max_aliases; default 50].
    #[arg(long, env = "RAREKG_MAX_ALIASES")]
    max_aliases: Option<usize>,
    /// Largest `first:` [limits.max_page_size; default 500].
    #[arg(long, env = "RAREKG_MAX_PAGE_SIZE")]
    max_page_size: Option<usize>,
    /// Largest request body in bytes [limits.max_body_bytes; default 1 MiB].
    #[arg(long, env = "RAREKG_MAX_BODY_BYTES")]
    max_body_bytes: Option<usize>,
    /// Per-request deadline in ms [limits.request_timeout_ms; default 15000].
    #[arg(long, env = "RAREKG_REQUEST_TIMEOUT_MS")]
    request_timeout_ms: Option<u64>,
    /// Requests executed at once, 0 for two per core
    /// [limits.max_concurrent_requests; default 0].
    #[arg(long, env = "RAREKG_MAX_CONCURRENT_REQUESTS")]
    max_concurrent_requests: Option<usize>,
}

impl ServeArgs {
    /// The configuration file (if any) with these flags over it.
    pub fn config(&self) -> anyhow::Result<Config> {
        let mut c = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        let s = &mut c.server;
        set(&mut s.bind, self.bind);
        set(&mut s.keep_releases, self.keep_releases);
        set(&mut s.log_format, self.log_format);
        if self.data_dir.is_some() {
            s.data_dir = self.data_dir.clone();
        }
        if self.no_rdf_store {
            s.rdf_store = false;
        }
        let l = &mut c.limits;
        set(&mut l.max_depth, self.max_depth);
        set(&mut l.max_complexity, self.max_complexity);
        set(&mut l.max_aliases, self.max_aliases);
        set(&mut l.max_page_size, self.max_page_size);
        set(&mut l.max_body_bytes, self.max_body_bytes);
        set(&mut l.request_timeout_ms, self.request_timeout_ms);
        set(&mut l.max_concurrent_requests, self.max_concurrent_requests);
        set(
            &mut c.rate_limits.anonymous_per_minute,
            self.anonymous_per_minute,
        );
        for (flag, list) in [
            (&self.maintainer_tokens, &mut c.tokens.maintainers),
            (&self.curator_tokens, &mut c.tokens.curators),
            (&self.reader_tokens, &mut c.tokens.readers),
        ] {
            if !flag.is_empty() {
                list.clone_from(flag);
            }
        }
        if !self.api_keys.is_empty() {
            c.api_keys = self
                .api_keys
                .iter()
                .map(|k| parse_api_key(k))
                .collect::<anyhow::Result<_>>()?;
        }
        c.validate()?;
        Ok(c)
    }
}

fn set<T>(slot: &mut T, flag: Option<T>) {
    if let Some(v) = flag {
        *slot = v;
    }
}

/// `name:key` or `name:key:per_minute`.
fn parse_api_key(s: &str) -> anyhow::Result<rarekg::config::ApiKey> {
    let mut parts = s.splitn(3, ':');
    let (Some(name), Some(key)) = (parts.next(), parts.next()) else {
        anyhow::bail!("an API key is `name:key` or `name:key:per_minute`");
    };
    let per_minute = parts
        .next()
        .map(|n| n.parse::<u32>())
        .transpose()
        .context("an API key's per_minute is a number")?;
    Ok(rarekg::config::ApiKey {
        name: name.to_string(),
        key: key.to_string(),
        per_minute,
    })
}

#[derive(Subcommand)]
pub enum Command {
    /// Load the data and serve GraphQL over HTTP (the default).
    Serve(Box<ServeArgs>),

    /// Load everything, print counts per source, entity and edge type; exit
    /// non-zero on any load error.
    Check,

    /// Print the GraphQL schema (SDL).
    Schema,

    /// Reload one source in a running server (maintainer token required):
    /// the file is sent to the server's `reload` mutation, which validates
    /// it, returns the diff, and swaps it in unless `--dry-run`.
    Reload(ReloadArgs),

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
    Rank(RankArgs),

    /// Rank the diseases (or genes) for a patient given as a GA4GH
    /// Phenopacket v2 JSON file, with each term's contribution; or, for a
    /// folder, a JSONL file or a tar.gz of phenopackets, print each case's
    /// rank of its diagnosis and the evaluation table.
    Diagnose(DiagnoseArgs),

    /// Validate ClinicalTrials.gov API v2 JSON files (full studies, search
    /// pages, or the reduced field set) and copy them into the data
    /// directory's `trials/`, served from the next start.
    ImportTrials(ImportTrialsArgs),
}

/// The arguments of `reload`.
#[derive(Args)]
pub struct ReloadArgs {
    /// The new file (plain or gzipped, as published), sent as an upload.
    pub file: PathBuf,
    /// Which source it is: hpo, hpoa, genes_to_phenotype, orphanet, ordo,
    /// mondo_terms, mondo_edges, a MONDO mapping set (mondo_omim,
    /// mondo_orphanet, ...), hgnc, fda, patient_organizations or
    /// screening.
    #[arg(long, default_value = "hpo", value_parser = parse_source)]
    pub source: ReloadSource,
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080", env = "RAREKG_SERVER")]
    pub server: String,
    /// A maintainer token of that server.
    #[arg(long, env = "RAREKG_TOKEN", hide_env_values = true)]
    pub token: String,
    /// Validate and show the diff without swapping.
    #[arg(long)]
    pub dry_run: bool,
}

/// The arguments of `rank`.
#[derive(Args)]
pub struct RankArgs {
    /// Comma-separated HP ids.
    #[arg(long, value_delimiter = ',', required = true)]
    pub terms: Vec<String>,
    /// resnik, lin, jc or graphic.
    #[arg(long, default_value = "graphic")]
    pub method: String,
    /// funSimAvg, funSimMax or BMA.
    #[arg(long, default_value = "funSimAvg")]
    pub combine: String,
    /// Only list these annotation sources (comma-separated: omim,
    /// orpha, decipher); every disease is ranked either way.
    #[arg(long, value_delimiter = ',', default_value = "omim,orpha,decipher")]
    pub sources: Vec<String>,
    /// Timed repetitions, after 3 untimed ones.
    #[arg(long, default_value_t = 30)]
    pub reps: usize,
    /// How many to print.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

/// The arguments of `diagnose`.
#[derive(Args)]
pub struct DiagnoseArgs {
    /// A phenopacket (`.json`), a folder of them, a `.jsonl(.gz)` or a
    /// `.tar.gz`.
    pub path: PathBuf,
    /// lr (likelihood ratio, the default), resnik, lin, jc or graphic.
    #[arg(long, default_value = "lr")]
    pub method: String,
    /// Weigh annotations by frequency (similarity methods).
    #[arg(long)]
    pub weight_by_frequency: bool,
    /// Rank genes instead of diseases (one case).
    #[arg(long)]
    pub genes: bool,
    /// Entries shown for one case.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// At most this many cases per diagnosis (0: all).
    #[arg(long, default_value_t = 0)]
    pub per_disease: usize,
    /// Print the table of every method, with and without excluded
    /// terms, instead of each case's rank.
    #[arg(long)]
    pub table: bool,
    /// Also print the simulated-patient table with this many patients
    /// per condition.
    #[arg(long, default_value_t = 0)]
    pub simulate: usize,
    /// The seed of the simulated patients.
    #[arg(long, default_value_t = 2009)]
    pub seed: u64,
    /// Other likelihood-ratio constants, `unknown=0.5,gamma=0.5,floor=0.005,cap=0.9`
    /// (for studying the model).
    #[arg(long)]
    pub lr_params: Option<String>,
}

/// The arguments of `import-trials`.
#[derive(Args)]
pub struct ImportTrialsArgs {
    /// The JSON files (plain or gzipped).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The server's data directory (default: `var/` under the data root).
    #[arg(long, env = "RAREKG_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// A `--source` name, or the names there are.
fn parse_source(s: &str) -> Result<ReloadSource, String> {
    ReloadSource::from_key(s).ok_or_else(|| {
        let all: Vec<&str> = ReloadSource::ALL.iter().map(|s| s.key()).collect();
        format!("unknown source `{s}` (one of {})", all.join(", "))
    })
}

/// The data root when neither `--root` nor the configuration names one:
/// the current folder if it has `ontologies/` and `data/`, else the folder
/// the binary was built from.
pub fn default_root() -> PathBuf {
    let cwd = PathBuf::from(".");
    if cwd.join("ontologies").is_dir() && cwd.join("data").is_dir() {
        cwd
    } else {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }
}
