#![no_main]
//! `rarekg::ingest::hpoa::parse_bytes` on arbitrary file contents: an `Err` is a
//! correct answer; a panic, abort, hang or OOM is a bug.

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = rarekg::ingest::hpoa::parse_bytes(Path::new("phenotype.hpoa"), data);
});
