//! Process memory: the resident set, and returning freed pages to the OS.

/// Resident set size of this process, in bytes (0 where unknown).
pub fn resident_bytes() -> usize {
    memory_stats::memory_stats().map_or(0, |m| m.physical_mem)
}

/// Hands the pages freed after a load back to the OS.
///
/// A load allocates several hundred MiB of short-lived parse records next to
/// the graph's long-lived ones, and glibc keeps the freed holes resident:
/// `benches/load.rs` measured the steady RSS at ~800 MiB without this call.
/// `malloc_trim` releases every whole free page. No safe wrapper exists, so
/// this is the crate's one `unsafe` block.
#[allow(unsafe_code)]
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointers; it only returns free pages.
    unsafe {
        libc::malloc_trim(0);
    }
}
