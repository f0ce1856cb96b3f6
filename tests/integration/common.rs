//! Running the binary the way a user does, from the repository root, with a scrubbed environment.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// The stdout parsed as JSON (for `--format json` runs).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn data(path: &str) -> PathBuf {
    root().join("tests/data").join(path)
}

/// Runs `smce-guard` with `args` in the repository root; never inherits colour or AWS settings.
pub fn smce_guard<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    smce_guard_in(&root(), args)
}

pub fn smce_guard_in<I, S>(dir: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_smce-guard"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            command.env_remove(key);
        }
    }
    execute(command)
}

/// Runs a prepared `smce-guard` command and checks it neither crashed nor panicked.
pub fn execute(mut command: Command) -> Run {
    let output = command.output().expect("the smce-guard binary runs");
    let code = output
        .status
        .code()
        .unwrap_or_else(|| panic!("smce-guard was killed by a signal (a panic?): {output:?}"));
    let run = Run {
        code,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked"),
        "smce-guard panicked:\n{}",
        run.stderr
    );
    run
}
