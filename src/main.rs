//! The `smce-guard` binary: parses arguments and turns the library's outcome into an exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    smce_guard::cli::main()
}

// The check is allocation-heavy (many small strings from JSON and CSV); mimalloc measured faster
// than the system allocator on the fleet benchmark (README: Performance).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
