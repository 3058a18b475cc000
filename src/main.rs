//! `rarekg`: serve the rare-disease knowledge graph, or check the data.
#![forbid(unsafe_code)]

use anyhow::Context as _;

use clap::{Parser, Subcommand};
use rarekg::graph::{DataPaths, KnowledgeGraph};
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

#[derive(Subcommand)]
enum Command {
    /// Load the data and serve GraphQL over HTTP (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080", env = "RAREKG_BIND")]
        bind: SocketAddr,
    },
    /// Load everything, print counts per source, entity and edge type; exit
    /// non-zero on any load error.
    Check,
    /// Print the GraphQL schema (SDL).
    Schema,
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
    match cli.command.unwrap_or(Command::Serve {
        bind: "127.0.0.1:8080".parse()?,
    }) {
        Command::Schema => print!("{}", rarekg::api::sdl()),
        Command::Check => {
            let kg = load(&root)?;
            print!("{}", rarekg::report::counts(&kg));
        }
        Command::Serve { bind } => {
            let kg = Arc::new(load(&root)?);
            let runtime = tokio::runtime::Runtime::new()?;
            runtime.block_on(async {
                let listener = rarekg::server::bind(bind).await?;
                tracing::info!(
                    "serving GraphQL on http://{}/graphql",
                    listener.local_addr()?
                );
                rarekg::server::serve(listener, rarekg::server::app(rarekg::api::schema(kg))).await
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

fn load(root: &std::path::Path) -> anyhow::Result<KnowledgeGraph> {
    let started = Instant::now();
    let kg = KnowledgeGraph::load(&DataPaths::under(root))
        .with_context(|| format!("loading data under {}", root.display()))?;
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
