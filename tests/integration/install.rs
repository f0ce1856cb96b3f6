//! Installing without trust in a name (issue 22): `scripts/requirements-from-sums`, the script the
//! release workflow and `scripts/wheel-check` run, turns a `SHA256SUMS` into a requirements file
//! that pip, the real consumer, accepts with `--require-hashes` for the wheel it lists and refuses
//! for a wheel one byte different; malformed sums, mixed versions and no wheel are refused. The
//! wheel here is a minimal one (`tests/consumers/wheel.py`, a script standing in for the binary):
//! `scripts/wheel-check` does the same with the release wheel maturin builds.

use crate::common::{python, required_tool, root};
use std::path::Path;
use std::process::{Command, Output};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `scripts/requirements-from-sums SUMS extra...`, run by the tests' Python.
fn from_sums(sums: &Path, extra: &[&str]) -> Output {
    run(Command::new(python())
        .arg(root().join("scripts/requirements-from-sums"))
        .arg(sums)
        .args(extra))
}

/// `sha256sum` over `names` in `dir`, as the release workflow writes SHA256SUMS.
fn sha256sum(dir: &Path, names: &[&str]) {
    let out = run(Command::new("sha256sum")
        .arg("--")
        .args(names)
        .current_dir(dir));
    assert!(out.status.success(), "{}", text(&out));
    std::fs::write(dir.join("SHA256SUMS"), &out.stdout).unwrap();
}

/// A fresh virtual environment's pip installing from `requirements` with only `dist` as index.
fn pip_install(venv: &Path, dist: &Path, requirements: &Path) -> Output {
    run(Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(["--no-index", "--find-links"])
        .arg(dist)
        .args(["--require-hashes", "--only-binary", ":all:", "-r"])
        .arg(requirements))
}

fn fresh_venv(dir: &Path) -> std::path::PathBuf {
    let venv = dir.join("venv");
    let out = run(Command::new(python()).args(["-m", "venv"]).arg(&venv));
    assert!(out.status.success(), "{}", text(&out));
    venv
}

#[test]
fn requirements_from_sums_pins_each_wheel_and_pip_installs_only_that_wheel() {
    if required_tool("python3").is_none() {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let dist = work.path().join("dist");
    std::fs::create_dir(&dist).unwrap();
    let out = run(Command::new(python())
        .arg(root().join("tests/consumers/wheel.py"))
        .arg(&dist)
        .arg(VERSION));
    assert!(out.status.success(), "{}", text(&out));
    let wheel = format!("smce_guard-{VERSION}-py3-none-any.whl");
    // A plain binary beside it, as in a release: summed, but no requirement.
    std::fs::write(dist.join("smce-guard-x86_64-unknown-linux-gnu"), b"binary").unwrap();
    sha256sum(&dist, &[&wheel, "smce-guard-x86_64-unknown-linux-gnu"]);

    let requirements = work.path().join("smce-guard-requirements.txt");
    let out = from_sums(
        &dist.join("SHA256SUMS"),
        &[
            "--version",
            &format!("v{VERSION}"),
            "--output",
            requirements.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let written = std::fs::read_to_string(&requirements).unwrap();
    let sums = std::fs::read_to_string(dist.join("SHA256SUMS")).unwrap();
    let wheel_hash = sums
        .lines()
        .find(|l| l.ends_with(&wheel))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    let requirement: Vec<&str> = written.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        requirement,
        [
            format!("smce-guard=={VERSION} \\"),
            format!("    --hash=sha256:{wheel_hash}")
        ],
        "{written}"
    );

    // pip accepts the wheel the file lists, and the installed command runs.
    let venv = fresh_venv(work.path());
    let out = pip_install(&venv, &dist, &requirements);
    assert!(out.status.success(), "{}", text(&out));
    let installed = run(&mut Command::new(venv.join("bin/smce-guard")));
    assert_eq!(
        String::from_utf8_lossy(&installed.stdout).trim(),
        format!("smce-guard {VERSION}")
    );

    // The same name and version, one byte different: pip refuses it.
    let other = tempfile::tempdir().unwrap();
    let out = run(Command::new(python())
        .arg(root().join("tests/consumers/wheel.py"))
        .arg(other.path())
        .arg(VERSION));
    assert!(out.status.success(), "{}", text(&out));
    let path = other.path().join(&wheel);
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let venv = fresh_venv(other.path());
    let out = pip_install(&venv, other.path(), &requirements);
    assert!(
        !out.status.success(),
        "pip installed a wheel whose hash is not listed"
    );
    assert!(
        text(&out).contains("THESE PACKAGES DO NOT MATCH THE HASHES"),
        "{}",
        text(&out)
    );
}

#[test]
fn requirements_from_sums_refuses_what_cannot_be_a_release() {
    if required_tool("python3").is_none() {
        return;
    }
    let hash = "a".repeat(64);
    let other = "b".repeat(64);
    let cases: [(&str, String, &[&str]); 5] = [
        (
            "no wheel",
            format!("{hash}  smce-guard-x86_64-unknown-linux-gnu\n"),
            &[],
        ),
        (
            "a malformed line",
            format!("{hash} smce_guard-{VERSION}-py3-none-any.whl extra\nnot a sum\n"),
            &[],
        ),
        (
            "two versions",
            format!(
                "{hash}  smce_guard-{VERSION}-py3-none-any.whl\n{other}  smce_guard-9.9.9-py3-none-any.whl\n"
            ),
            &[],
        ),
        (
            "one file, two hashes",
            format!(
                "{hash}  smce_guard-{VERSION}-py3-none-any.whl\n{other}  smce_guard-{VERSION}-py3-none-any.whl\n"
            ),
            &[],
        ),
        (
            "another version than asked",
            format!("{hash}  smce_guard-{VERSION}-py3-none-any.whl\n"),
            &["--version", "v9.9.9"],
        ),
    ];
    for (what, sums, extra) in cases {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("SHA256SUMS");
        std::fs::write(&path, sums).unwrap();
        let out = from_sums(&path, extra);
        assert_eq!(out.status.code(), Some(1), "{what}: {}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("requirements-from-sums: "),
            "{what}: {}",
            text(&out)
        );
        assert!(out.stdout.is_empty(), "{what}: wrote a requirements file");
    }
    // Several wheels of one version: one requirement with every hash, in a stable order.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("SHA256SUMS");
    std::fs::write(
        &path,
        format!(
            "{other}  smce_guard-{VERSION}-py3-none-macosx_11_0_arm64.whl\n{hash} *smce_guard-{VERSION}-py3-none-manylinux_2_28_x86_64.whl\n"
        ),
    )
    .unwrap();
    let out = from_sums(&path, &[]);
    assert!(out.status.success(), "{}", text(&out));
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        lines,
        [
            format!("smce-guard=={VERSION} \\"),
            format!("    --hash=sha256:{hash} \\"),
            format!("    --hash=sha256:{other}"),
        ]
    );
}
