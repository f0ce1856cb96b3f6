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

/// A JSON string, or `-` for an absent or non-string value.
pub fn text(value: &serde_json::Value) -> String {
    value.as_str().map_or("-".to_owned(), str::to_owned)
}

/// Each finding of a JSON `check` run as `account severity code principal`, in report order.
pub fn findings(run: &Run) -> Vec<String> {
    run.json()["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array:\n{}\n{}", run.stdout, run.stderr))
        .iter()
        .map(|f| {
            [
                &f["account_name"],
                &f["severity"],
                &f["code"],
                &f["principal"],
            ]
            .map(text)
            .join(" ")
        })
        .collect()
}

/// Asserts a run's exit code and its findings as `listed` renders them, showing the run's output
/// when either differs; each test file passes the rendering it compares by.
#[track_caller]
pub fn assert_run(run: &Run, code: i32, listed: Vec<String>, expected: &[&str]) {
    assert_eq!(
        listed, expected,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert_eq!(
        run.code, code,
        "stdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
}

/// The codes of a JSON report's findings, in report order.
pub fn finding_codes(report: &serde_json::Value) -> Vec<&str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

/// Each account of a JSON `check` run as `name status`.
pub fn statuses(run: &Run) -> Vec<String> {
    run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{} {}", text(&a["name"]), text(&a["status"])))
        .collect()
}

/// The single finding with `code` (of any account) in a JSON `check` run.
pub fn only(run: &Run, code: &str) -> serde_json::Value {
    let json = run.json();
    let hits: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect();
    assert_eq!(hits.len(), 1, "expected one {code}:\n{}", run.stdout);
    hits[0].clone()
}

/// The `name: N AWS requests` lines `-v` prints, as `(name, N)`, sorted by name.
pub fn request_counts(run: &Run) -> Vec<(String, u32)> {
    let mut counts: Vec<(String, u32)> = run
        .stderr
        .lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(": ")?;
            let n = rest.strip_suffix(" AWS requests")?.parse().ok()?;
            Some((name.to_owned(), n))
        })
        .collect();
    counts.sort();
    counts
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A program of the tests' Python environment (`.venv-test/bin`, which scripts/test fills from
/// scripts/requirements-dev.txt), else the first one on PATH, else `None`.
pub fn tool(name: &str) -> Option<PathBuf> {
    let venv = root().join(".venv-test/bin").join(name);
    if venv.is_file() {
        return Some(venv);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The Python the consumer scripts and moto's seeding run with: the tests' environment's, which
/// has their packages, else `python3` from PATH.
pub fn python() -> PathBuf {
    tool("python3").unwrap_or_else(|| PathBuf::from("python3"))
}

/// [`tool`], or `None` after saying the test is skipped, unless scripts/test runs the tests
/// (`SMCE_GUARD_TEST_TOOLS=required`), where a missing tool fails the test.
#[allow(clippy::print_stderr)] // The skip is said where cargo test shows it.
pub fn required_tool(name: &str) -> Option<PathBuf> {
    let found = tool(name);
    if found.is_none() {
        let why =
            format!("`{name}` is not installed (scripts/python-env installs it into .venv-test/)");
        assert!(
            std::env::var("SMCE_GUARD_TEST_TOOLS").as_deref() != Ok("required"),
            "{why}"
        );
        eprintln!("SKIPPED: {why}");
    }
    found
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
    execute(command(dir, args))
}

/// When the repository's example was recorded (every `snapshot.json` of `fixtures/`).
pub const RECORDED_AT: &str = "2026-11-20T09:00:00Z";

/// The `smce-guard` command in `dir`, its environment scrubbed of AWS settings and proxies (tests
/// talk to 127.0.0.1 only), colour off and a fixed width.
pub fn command<I, S>(dir: &Path, args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_smce-guard"));
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100")
        // The repository's example and the rule cases were recorded at this instant; judged at
        // it, their verdicts do not change with the day the tests run. Tests of the default
        // clock (now) remove it.
        .env("SMCE_GUARD_NOW", RECORDED_AT);
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy().to_ascii_lowercase();
        if name.starts_with("aws_") || name.ends_with("_proxy") {
            command.env_remove(key);
        }
    }
    command
}

/// Runs `command` with `input` on its standard input and waits for its output.
pub fn with_stdin(mut command: Command, input: &str) -> std::process::Output {
    use std::io::Write;
    use std::process::Stdio;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", command.get_program()));
    // Dropped at the end of the statement: the child sees the end of its input.
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs a prepared `smce-guard` command and checks it neither crashed nor panicked.
pub fn execute(mut command: Command) -> Run {
    let output = command.output().expect("the smce-guard binary runs");
    run_of(output)
}

/// A finished `smce-guard` run, checked not to have crashed or panicked.
pub fn run_of(output: std::process::Output) -> Run {
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

/// Runs `command` and returns its run, failing the test (and killing the child) if it has not
/// finished within `limit`: a hang fails the test rather than blocking the suite.
pub fn promptly(mut command: std::process::Command, limit: std::time::Duration, what: &str) -> Run {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the smce-guard binary runs");
    // Drained while it runs: a report larger than a pipe's buffer would otherwise block the
    // child on its write, and look like a blocked read.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let status = child.wait().unwrap();
    let run = Run {
        code: status.code().expect("not killed by a signal"),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Runs `f` on another thread and fails if it has not ended after `limit`: a guard for inputs
/// whose wrong handling never ends (an alias bomb expanded, a read that blocks), so that a hang
/// fails the test rather than blocking the suite. Never a measure of speed: the limits are
/// minutes away from what the right handling takes, and the benchmarks measure.
pub fn within<T: Send + 'static>(
    limit: std::time::Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (send, receive) = std::sync::mpsc::channel();
    let started = std::time::Instant::now();
    std::thread::spawn(move || {
        let _ = send.send(f());
    });
    match receive.recv_timeout(limit) {
        Ok(value) => value,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not finish within {limit:?}")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{what} failed after {:?}", started.elapsed())
        }
    }
}

/// Copies the folder `from` (files and folders of files) to `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch folder holding the repository's policies and fixtures, to vary them or write in.
pub fn scratch_example() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for folder in ["policies", "fixtures"] {
        copy_tree(&root().join(folder), &dir.path().join(folder));
    }
    dir
}
