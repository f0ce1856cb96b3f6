//! The `smce-guard` binary: parses arguments and turns the library's outcome into an exit code.

#![forbid(unsafe_code)]

use std::process::ExitCode;

fn main() -> ExitCode {
    smce_guard::cli::main()
}
