//! Process memory: the resident set, and returning freed pages to the OS.

/// Resident set size of this process, in bytes (0 where unknown).
pub fn resident_bytes() -> usize {
    memory_stats::memory_stats().map_or(0, |m| m.physical_mem)
}

/// The process's allocator: mimalloc rather than glibc malloc.
///
/// A server keeps several releases (each ~550 MiB of graph and RDF store) in
/// memory while it builds the next one. Under glibc's arenas, eight reloads in
/// a row slowed from 3.1 s to 5.5 s; under mimalloc they stay at ~2.7 s
/// (`cargo bench --bench reload`), and a plain load is faster as well
/// (`cargo bench --bench load`). It is set here, in the library, so that the
/// server, the tests and the benchmarks all run on the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands the pages freed after a load back to the OS.
///
/// A load allocates several hundred MiB of short-lived parse records next to
/// the graph's long-lived ones, and the allocator keeps freed pages resident
/// for a while: `benches/load.rs` measured the steady RSS at ~510 MiB without
/// this call and ~230 MiB with it. mimalloc has no safe wrapper for
/// `mi_collect`, so this is the crate's one `unsafe` block.
#[allow(unsafe_code)]
pub fn release_freed_memory() {
    // SAFETY: mi_collect takes no pointers; it only returns free pages.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}
