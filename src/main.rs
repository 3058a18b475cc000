//! `rarekg`: serve the rare-disease knowledge graph, or check the data.
//!
//! This file parses the command line and calls the library: the flags are
//! in `cli/flags.rs`, each subcommand's calls in `cli/commands.rs`.
#![forbid(unsafe_code)]

#[path = "cli/commands.rs"]
mod commands;
#[path = "cli/flags.rs"]
mod flags;

use clap::Parser;
use flags::{Cli, Command, ServeArgs};
use rarekg::config::{Config, LogFormat};

/// The process's allocator: mimalloc rather than glibc malloc, chosen here
/// in the binary (the tests and benchmarks choose it too, so that their
/// figures are the server's).
///
/// A server keeps several releases (each ~550 MiB of graph and RDF store) in
/// memory while it builds the next one. Under glibc's arenas, eight reloads in
/// a row slowed from 3.1 s to 5.5 s; under mimalloc they stay at ~2.7 s
/// (`cargo bench --bench reload`), and a plain load is faster as well
/// (`cargo bench --bench load`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    // No subcommand: serve, with the defaults and environment of `serve`.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(Box::new(ServeArgs::parse_from(["serve"]))));
    let config = match &command {
        Command::Serve(args) => args.config()?,
        _ => Config::default(),
    };
    init_logging(config.server.log_format);
    let root = cli
        .root
        .or_else(|| config.server.root.clone())
        .unwrap_or_else(flags::default_root);
    match command {
        Command::Serve(_) => commands::serve(&root, &config),
        Command::Check => commands::check(&root),
        Command::Schema => {
            print!("{}", rarekg::api::sdl());
            Ok(())
        }
        Command::Reload(args) => commands::reload(&args),
        Command::DiffHpo { hp_obo } => commands::diff_hpo(&root, &hp_obo),
        Command::Links => commands::links(&root),
        Command::Rank(args) => commands::rank(&root, &args),
        Command::Diagnose(args) => commands::diagnose(&root, &args),
        Command::ImportTrials(args) => commands::import_trials(&root, &args),
    }
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`).
fn init_logging(format: LogFormat) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}
