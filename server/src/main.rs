//! The `vmeste` command-line tool.

/// The process's allocator: jemalloc instead of the C library's. Under steady write traffic
/// glibc's per-thread arenas kept freed memory fragmented and the server's resident size
/// kept growing; jemalloc returns freed pages (RELIABILITY.md, "Soak", has the figures of
/// glibc, glibc with two arenas, mimalloc and jemalloc).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    server::cli::main()
}
