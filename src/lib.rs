//! The open rare-disease knowledge graph server.
//!
//! Data flows one way: [`ingest`] parses each published release, [`graph`]
//! joins them into one typed [`graph::KnowledgeGraph`], [`analytics`],
//! [`store`] and [`search`] derive their indexes from it, [`release`]
//! builds all of them in one pipeline and swaps releases, [`api`] serves
//! them as GraphQL, and [`server`] puts that on HTTP, as [`config`] sets it
//! up.
//!
//! ```no_run
//! use rarekg::graph::DataPaths;
//! use rarekg::release::{build, BuildOptions};
//! let release = build(DataPaths::under(std::path::Path::new(".")), BuildOptions::complete(true))
//!     .unwrap();
//! println!("{} nodes", release.kg.node_count());
//! assert!(release.derived.readiness().is_ready());
//! ```
// `deny`, not `forbid`: `memory::release_freed_memory` holds the one
// measured exception.
#![deny(unsafe_code)]

pub mod analytics;
pub mod api;
pub mod config;
pub mod curation;
pub mod curie;
pub mod diagnose;
pub mod export;
pub mod graph;
pub mod ingest;
pub mod memory;
pub mod release;
pub mod report;
pub mod search;
pub mod server;
pub mod store;
