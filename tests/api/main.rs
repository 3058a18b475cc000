//! Integration tests over the real releases vendored in `ontologies/` and
//! `data/`. One test binary, so the graph is loaded once (see `common`).

mod analytics;
mod cli;
mod clients;
mod common;
mod conformance;
mod curation;
mod diagnosis;
mod diff;
mod disease_page;
mod errors;
mod explore;
mod export;
mod http;
mod limits;
mod lookups;
mod operations;
mod pagination;
mod records;
mod reload;
mod schema_sdl;
mod search;
mod sparql;

/// The server's allocator, as `src/main.rs` chooses it, so that the tests
/// run as the server does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
