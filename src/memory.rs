//! Process memory: the resident set, and returning freed pages to the OS.

/// Resident set size of this process, in bytes (0 where unknown).
pub fn resident_bytes() -> usize {
    memory_stats::memory_stats().map_or(0, |m| m.physical_mem)
}

/// Hands the pages freed after a load back to the OS.
///
/// A load allocates several hundred MiB of short-lived parse records next to
/// the graph's long-lived ones, and the allocator keeps freed pages resident
/// for a while: `benches/load.rs` measured the steady RSS at ~510 MiB without
/// this call and ~230 MiB with it. It acts on mimalloc, the allocator the
/// binary, the tests and the benchmarks choose (`src/main.rs`); under
/// another it does nothing. mimalloc has no safe wrapper for `mi_collect`,
/// so this is the crate's one `unsafe` block.
#[allow(unsafe_code)]
pub fn release_freed_memory() {
    // SAFETY: mi_collect takes no pointers; it only returns free pages.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}
