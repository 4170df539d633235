//! Allocator settings that make memory go back to the system after a burst.
//!
//! glibc's malloc raises its mmap threshold to the size of the largest block it has freed
//! (up to 32 MiB), so after the first argon2 verification every 19 MiB buffer comes from an
//! arena and stays there when freed: a burst of logins left the process at 5 GB. A fixed
//! threshold keeps such buffers on `mmap`, which `free` returns at once. Measured against
//! jemalloc and mimalloc (BENCHMARKS.md, 2026-12-07), it leaves the least memory after a
//! flood, with no dependency.

/// Fixes the mmap threshold; called once at start, before any thread is spawned.
pub fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        /// Blocks at least this large are mapped on their own (glibc's initial value).
        const MMAP_THRESHOLD_BYTES: i32 = 128 * 1024;
        // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called before
        // other threads exist, and a refusal (return 0) leaves the default behaviour.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
        }
    }
}
