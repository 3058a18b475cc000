#![no_main]
//! `rarekg::ingest::orphapacket::parse_packet` on arbitrary file contents: an `Err` is a
//! correct answer; a panic, abort, hang or OOM is a bug.

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let _ = rarekg::ingest::orphapacket::parse_packet(Path::new("ORPHApacket_1.json"), data);
});
