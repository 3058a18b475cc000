//! The real clients a frontend or a script uses, against the app served on a
//! loopback port: graphql-js, Apollo Client and graphql-ws under Node
//! (`tests/clients/js`), and Python (`tests/clients/python`).
//!
//! `scripts/client-deps.sh` installs their pinned packages first (and does
//! nothing when they are up to date), so the test never skips: a machine
//! without node, npm or python3 fails it, naming what is missing.
//!
//! `cargo test --test api clients -- --nocapture` shows the clients' output
//! as they report it.

use crate::common::{built, config, MAINTAINER_TOKEN};
use rarekg::release::{Release, Releases};
use rarekg::store::QueryLimits;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long one client run may take before it is stopped.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(180);

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The app on `127.0.0.1:<free port>`, on its own runtime in a background
/// thread, until dropped.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(app: axum::Router) -> Server {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (bound, addr) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("clients-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("a runtime");
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("a loopback port");
                    bound.send(listener.local_addr().unwrap()).unwrap();
                    rarekg::server::serve_until(listener, app, async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("the server runs");
                });
            })
            .unwrap();
        let addr = addr
            .recv_timeout(Duration::from_secs(30))
            .expect("the server binds");
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Waits until `/ready` answers 200, as a load balancer would.
    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(mut s) = std::net::TcpStream::connect(self.addr) {
                let _ = s.write_all(b"GET /ready HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
                last.clear();
                let _ = s.read_to_string(&mut last);
                if last.starts_with("HTTP/1.1 200") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server is not ready after 120 s: {last}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        // Connections a client left open would hold a graceful shutdown:
        // wait a little, then leave the thread to end with the process.
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + Duration::from_secs(5);
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// What a client run printed and how it ended.
struct Run {
    what: String,
    ok: bool,
    status: String,
    seconds: f64,
    output: String,
}

/// Runs `cmd` in the repository (in its own process group, so a timeout
/// stops its children too), capturing its output.
fn run(what: &str, mut cmd: Command) -> Run {
    use std::os::unix::process::CommandExt;
    let started = Instant::now();
    cmd.current_dir(repo())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Run {
                what: what.into(),
                ok: false,
                status: format!("could not start: {e}"),
                seconds: 0.0,
                output: String::new(),
            }
        }
    };
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = read(Box::new(child.stdout.take().unwrap()));
    let err = read(Box::new(child.stderr.take().unwrap()));
    let deadline = started + CLIENT_TIMEOUT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            _ => break None,
        }
    };
    let (ok, status) = match status {
        Some(s) => (s.success(), s.to_string()),
        None => {
            // The whole group: the runner and the processes it started.
            let _ = Command::new("kill")
                .args(["-KILL", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
            (
                false,
                format!("stopped after {} s", CLIENT_TIMEOUT.as_secs()),
            )
        }
    };
    let mut output = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !stderr.is_empty() {
        output.push_str(&stderr);
    }
    let run = Run {
        what: what.into(),
        ok,
        status,
        seconds: started.elapsed().as_secs_f64(),
        output,
    };
    println!(
        "---- {} ({}, {:.1} s) ----\n{}",
        run.what, run.status, run.seconds, run.output
    );
    run
}

/// The test files of `dir` (`*.test.mjs`), in order.
fn js_tests(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".test.mjs"))
        })
        .collect();
    files.sort();
    files
}

/// Releases of their own over the shared graph and its indexes, all
/// built: the clients' rollback announces a release change to their
/// subscribers only, never to another test's.
fn own_releases() -> Arc<Releases> {
    Arc::new(Releases::new(Release::initial(built()), 2))
}

/// The curator token of the test apps.
fn curator_token() -> String {
    let entry = config().tokens.curators[0].clone();
    match entry.rsplit_once(':') {
        Some((_, secret)) => secret.to_string(),
        None => entry,
    }
}

#[test]
fn real_clients_graphql_js_apollo_graphql_ws_and_python() {
    // The data and the search index load while the packages install.
    let warm = std::thread::spawn(own_releases);
    let deps = run("scripts/client-deps.sh", {
        let mut c = Command::new("bash");
        c.arg("scripts/client-deps.sh");
        c
    });
    assert!(
        deps.ok,
        "installing the clients' packages failed ({}):\n{}",
        deps.status, deps.output
    );

    let releases = warm.join().expect("loading the data");
    let schema = rarekg::api::schema(releases.clone(), QueryLimits::default());
    // The debug build shares two cores with the rest of the suite: a first
    // search (which builds the index) can take longer than the production
    // deadline, which is not what these tests check.
    let mut c = config();
    c.limits.request_timeout_ms = 300_000;
    let server = Server::start(rarekg::server::app(schema, releases, &c));
    server.wait_ready();
    let env = [
        ("RAREKG_URL", server.url()),
        ("RAREKG_MAINTAINER_TOKEN", MAINTAINER_TOKEN.to_string()),
        ("RAREKG_CURATOR_TOKEN", curator_token()),
        ("NO_COLOR", "1".to_string()),
        ("PYTHONDONTWRITEBYTECODE", "1".to_string()),
    ];

    let js_dir = repo().join("tests/clients/js");
    let files = js_tests(&js_dir);
    assert!(!files.is_empty(), "no *.test.mjs in {}", js_dir.display());
    let mut node = Command::new("node");
    node.args(["--test", "--test-reporter=spec", "--test-timeout=60000"])
        .args(&files)
        .envs(env.clone());
    let js = run("node --test tests/clients/js", node);

    let mut pytest = Command::new(repo().join("tests/clients/.venv/bin/python"));
    pytest
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/clients/python",
        ])
        .envs(env);
    let py = run("pytest tests/clients/python", pytest);

    drop(server);
    let failed: Vec<String> = [&js, &py]
        .iter()
        .filter(|r| !r.ok)
        .map(|r| format!("{} ({})", r.what, r.status))
        .collect();
    assert!(
        failed.is_empty(),
        "client tests failed: {} (their output is above)",
        failed.join(", ")
    );
}
