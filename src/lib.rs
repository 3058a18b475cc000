//! The open rare-disease knowledge graph server.
//!
//! Data flows one way: [`ingest`] parses each published release, [`graph`]
//! joins them into one typed [`graph::KnowledgeGraph`], [`api`] serves it as
//! GraphQL, and [`server`] puts that on HTTP, as [`config`] sets it up.
//!
//! ```no_run
//! use rarekg::graph::{DataPaths, KnowledgeGraph};
//! let kg = KnowledgeGraph::load(&DataPaths::under(std::path::Path::new("."))).unwrap();
//! println!("{} nodes", kg.node_count());
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
