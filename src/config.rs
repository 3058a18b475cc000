//! Server configuration: a TOML file, then environment variables and
//! command-line flags over it (see `rarekg serve --help`).
//!
//! Every setting has a default, so an empty file (or none) is a valid
//! configuration. Unknown keys are refused, naming the file, line and key,
//! so a misspelt limit is never silently ignored. `rarekg.example.toml`
//! lists every key with its default.
//!
//! ```
//! let config = rarekg::config::Config::from_toml(
//!     "[limits]\nmax_depth = 12\n",
//!     std::path::Path::new("rarekg.toml"),
//! )
//! .unwrap();
//! assert_eq!(config.limits.max_depth, 12);
//! assert_eq!(config.limits.max_page_size, 500);
//! ```

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the server reads at start-up.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where to listen and what to serve.
    pub server: ServerConfig,
    /// Query cost, size, time and concurrency limits.
    pub limits: Limits,
    /// Per-minute request budgets.
    pub rate_limits: RateLimits,
    /// API keys, each with its own budget (`X-API-Key: <key>`).
    pub api_keys: Vec<ApiKey>,
    /// Tokens and roles (`Authorization: Bearer <secret>`).
    pub tokens: Tokens,
}

/// Where to listen and what to serve.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on.
    pub bind: SocketAddr,
    /// Folder holding `ontologies/` and `data/` (default: the current folder
    /// if it has them, else the folder the binary was built from).
    pub root: Option<PathBuf>,
    /// Where accepted releases, the curation log and imported trials are
    /// kept (default: `var/` under `root`).
    pub data_dir: Option<PathBuf>,
    /// How many releases to keep in memory for rollback (at least 2).
    pub keep_releases: usize,
    /// Load the RDF store (`/sparql`, ontology fields); ~340 MiB.
    pub rdf_store: bool,
    /// Compute the p-value backgrounds of every similarity method after
    /// start-up and each reload, on a background thread (off: each
    /// method's first p-value request computes its own).
    pub warm_up_p_values: bool,
    /// `text` or `json` (one JSON object per line).
    pub log_format: LogFormat,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            root: None,
            data_dir: None,
            keep_releases: 2,
            rdf_store: true,
            warm_up_p_values: true,
            log_format: LogFormat::Text,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, with the request id as a field.
    Json,
}

/// Limits on what one request may cost. A request over a limit is refused
/// before it runs, with a stable `extensions.code` and HTTP status.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Deepest field nesting (`DEPTH_LIMIT_EXCEEDED`, 400).
    pub max_depth: usize,
    /// Largest query cost: one per field, times the page size for the
    /// fields inside a page (`COMPLEXITY_LIMIT_EXCEEDED`, 400).
    pub max_complexity: u64,
    /// Most aliased fields in one request (`ALIAS_LIMIT_EXCEEDED`, 400).
    pub max_aliases: usize,
    /// Largest `first:` of any list (`PAGE_SIZE_EXCEEDED`, 400); at most 500.
    pub max_page_size: usize,
    /// Largest request body, bytes (`PAYLOAD_TOO_LARGE`, 413).
    pub max_body_bytes: usize,
    /// Largest file upload (a maintainer's reload), bytes.
    pub max_upload_bytes: usize,
    /// Longest a request may run, ms (`TIMEOUT`, 504).
    pub request_timeout_ms: u64,
    /// Requests executed at once; more wait in line (0: two per core).
    pub max_concurrent_requests: usize,
    /// Longest a request waits in line, ms (`OVERLOADED`, 503).
    pub queue_timeout_ms: u64,
    /// Longest a SPARQL query may run, ms.
    pub sparql_timeout_ms: u64,
    /// Most rows a SPARQL query may return.
    pub sparql_max_results: usize,
    /// Most operations in one HTTP batch (a JSON array); each is measured
    /// against the limits above and charged to the rate limit.
    pub max_batch_size: usize,
    /// graphql-ws: how long a new socket may take to send
    /// `connection_init`, ms (closed with 4408).
    pub ws_init_timeout_ms: u64,
    /// graphql-ws: operations running at once on one socket (more get an
    /// `error` message with `LIMIT_EXCEEDED`).
    pub ws_max_operations: usize,
    /// graphql-ws: largest message a client may send, bytes (a larger one
    /// closes the socket).
    pub ws_max_message_bytes: usize,
    /// graphql-ws: the server pings an idle socket this often, ms (0: never),
    /// and closes it when no message came for three intervals.
    pub ws_keepalive_ms: u64,
}

/// The largest page a client may ask for: `limits.max_page_size` may lower
/// it, never raise it.
pub const MAX_PAGE: usize = 500;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 15,
            max_complexity: 50_000,
            max_aliases: 50,
            max_page_size: MAX_PAGE,
            max_body_bytes: 1 << 20,
            max_upload_bytes: 256 << 20,
            request_timeout_ms: 15_000,
            max_concurrent_requests: 0,
            queue_timeout_ms: 5_000,
            sparql_timeout_ms: 10_000,
            sparql_max_results: 10_000,
            max_batch_size: 20,
            ws_init_timeout_ms: 10_000,
            ws_max_operations: 100,
            ws_max_message_bytes: 1 << 20,
            ws_keepalive_ms: 15_000,
        }
    }
}

impl Limits {
    /// The per-request deadline.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// Requests executed at once: the configured number, or two per core.
    /// Queries compute rather than wait, so more than that only makes each
    /// slower (and starves a reload of its share of the cores).
    pub fn concurrency(&self) -> usize {
        match self.max_concurrent_requests {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
            n => n,
        }
    }

    /// The SPARQL endpoint's limits.
    pub fn sparql(&self) -> crate::store::QueryLimits {
        crate::store::QueryLimits {
            timeout: Duration::from_millis(self.sparql_timeout_ms),
            max_results: self.sparql_max_results,
        }
    }
}

/// Per-minute request budgets. A budget refills continuously; a client
/// over it gets 429 with `Retry-After`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Requests per minute per client address without an API key
    /// (0: unlimited).
    pub anonymous_per_minute: u32,
    /// Requests per minute for an API key that names no budget of its own.
    pub key_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            anonymous_per_minute: 600,
            key_per_minute: 6_000,
        }
    }
}

/// One API key.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    /// Who holds it (logged and used as the metrics label; never the key).
    pub name: String,
    /// The secret sent in `X-API-Key`.
    pub key: String,
    /// Requests per minute (default: `rate_limits.key_per_minute`).
    pub per_minute: Option<u32>,
}

/// Tokens and roles, each `name:secret` (or a bare `secret`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Tokens {
    /// May reload and roll back releases.
    pub maintainers: Vec<String>,
    /// May add, correct and retire curated facts (not releases).
    pub curators: Vec<String>,
    /// May read (as anyone may), never change.
    pub readers: Vec<String>,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key or value is wrong.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value is out of its range.
    #[error("configuration `{key}`: {message}")]
    Invalid { key: &'static str, message: String },
}

impl Config {
    /// Reads and validates the TOML file at `path`.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_toml(&text, path)
    }

    /// Parses and validates TOML `text` (errors name `path`).
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => line_column(text, span.start),
                None => (0, 0),
            };
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every value is within its range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let l = &self.limits;
        let bad = |key, message: String| Err(ConfigError::Invalid { key, message });
        if l.max_depth < 2 {
            return bad("limits.max_depth", "must be at least 2".into());
        }
        if l.max_complexity < 10 {
            return bad("limits.max_complexity", "must be at least 10".into());
        }
        if l.max_page_size == 0 || l.max_page_size > MAX_PAGE {
            return bad(
                "limits.max_page_size",
                format!("must be between 1 and {MAX_PAGE}"),
            );
        }
        if l.max_body_bytes < 1024 {
            return bad("limits.max_body_bytes", "must be at least 1024".into());
        }
        if l.max_upload_bytes < l.max_body_bytes {
            return bad(
                "limits.max_upload_bytes",
                "must be at least limits.max_body_bytes".into(),
            );
        }
        if l.request_timeout_ms < 10 {
            return bad("limits.request_timeout_ms", "must be at least 10".into());
        }
        if l.max_batch_size == 0 {
            return bad("limits.max_batch_size", "must be at least 1".into());
        }
        if l.ws_init_timeout_ms < 10 {
            return bad("limits.ws_init_timeout_ms", "must be at least 10".into());
        }
        if l.ws_max_operations == 0 {
            return bad("limits.ws_max_operations", "must be at least 1".into());
        }
        if l.ws_max_message_bytes < 1024 {
            return bad(
                "limits.ws_max_message_bytes",
                "must be at least 1024".into(),
            );
        }
        if self.server.keep_releases < 2 {
            return bad("server.keep_releases", "must be at least 2".into());
        }
        let mut keys = std::collections::HashSet::new();
        for k in &self.api_keys {
            if k.name.trim().is_empty() || k.key.trim().len() < 8 {
                return bad(
                    "api_keys",
                    format!(
                        "key `{}` needs a name and a key of at least 8 characters",
                        k.name
                    ),
                );
            }
            if !keys.insert(k.key.as_str()) {
                return bad("api_keys", format!("key `{}` is listed twice", k.name));
            }
            if k.per_minute == Some(0) {
                return bad(
                    "api_keys.per_minute",
                    format!("key `{}`: must be at least 1", k.name),
                );
            }
        }
        Ok(())
    }
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_defaults() {
        let c = Config::from_toml("", Path::new("x.toml")).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn an_unknown_key_names_file_line_and_key() {
        let e = Config::from_toml(
            "[limits]\nmax_depth = 9\nmax_dept = 3\n",
            Path::new("r.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("r.toml:3:1:"), "{e}");
        assert!(e.contains("max_dept"), "{e}");
    }

    #[test]
    fn a_wrong_type_and_an_out_of_range_value_are_refused() {
        let e = Config::from_toml("[limits]\nmax_depth = \"deep\"\n", Path::new("r.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.toml:2:"), "{e}");
        let e = Config::from_toml("[limits]\nmax_page_size = 100000\n", Path::new("r.toml"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("limits.max_page_size"), "{e}");
    }

    #[test]
    fn the_example_file_is_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("rarekg.example.toml");
        assert_eq!(Config::from_file(&path).unwrap(), Config::default());
    }
}
