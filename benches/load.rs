//! Full load of the real releases, in fresh processes: wall time and the
//! steady resident memory once the load is done.
//!
//! Runs `rarekg check` (the same load path as `serve`) in fresh processes,
//! 9 times (or `RAREKG_LOAD_RUNS`), and reads the figures it logs. Targets:
//! load <= 3 s, steady RSS <= 300 MB.

use std::process::Command;

/// The server's allocator, as `src/main.rs` chooses it, so that these
/// figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let bin = env!("CARGO_BIN_EXE_rarekg");
    let root = env!("CARGO_MANIFEST_DIR");
    let mut times = Vec::new();
    let mut rss = Vec::new();
    let runs: usize = std::env::var("RAREKG_LOAD_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(9);
    for i in 0..runs {
        let out = Command::new(bin)
            .args(["--root", root, "check"])
            .env("RUST_LOG", "info")
            .output()
            .expect("run rarekg check");
        assert!(
            out.status.success(),
            "check failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = String::from_utf8_lossy(&out.stderr);
        let line = log
            .lines()
            .find(|l| l.contains("loaded in"))
            .expect("a load line");
        let secs: f64 = field(line, "loaded in ", " s");
        let mib: f64 = field(line, "resident memory ", " MiB");
        println!("load {i}: {secs:.2} s, steady RSS {mib:.0} MiB");
        times.push(secs);
        rss.push(mib);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    rss.sort_by(|a, b| a.total_cmp(b));
    let (mid, last) = (runs / 2, runs - 1);
    println!(
        "load time over {runs} runs: min {:.2} s, median {:.2} s, max {:.2} s",
        times[0], times[mid], times[last]
    );
    println!(
        "steady RSS: min {:.0} MiB, median {:.0} MiB, max {:.0} MiB",
        rss[0], rss[mid], rss[last]
    );
}

fn field(line: &str, before: &str, after: &str) -> f64 {
    let start = line.find(before).expect(before) + before.len();
    let rest = &line[start..];
    rest[..rest.find(after).expect(after)]
        .trim()
        .parse()
        .expect("a number")
}
