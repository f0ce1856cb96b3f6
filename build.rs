//! Records the commit the binary is built from, for `smce-guard --version`: `git rev-parse
//! --short HEAD` when the source is a git checkout and git is installed, nothing otherwise (a
//! crates.io or sdist build). Never fails the build and never touches the network.

// Cargo reads a build script's instructions from its standard output.
#![allow(clippy::print_stdout)]

fn main() {
    // SMCE_GUARD_COMMIT set by the builder (e.g. a release job) wins over asking git.
    println!("cargo:rerun-if-env-changed=SMCE_GUARD_COMMIT");
    let commit = std::env::var("SMCE_GUARD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(git_commit);
    let version = env!("CARGO_PKG_VERSION");
    let version = match &commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_owned(),
    };
    // What `--version` prints after the name: `0.1.0 (a7d6084)`, or `0.1.0` without a commit.
    println!("cargo:rustc-env=SMCE_GUARD_VERSION={version}");
}

fn git_commit() -> Option<String> {
    let dir = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&dir)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).ok())
            .flatten()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    // Rebuild when HEAD moves (a commit, a checkout): HEAD itself and the ref it points to.
    // Only files that exist: cargo reruns the script on every build for a missing one.
    let watch = |path: Option<String>| {
        if let Some(path) = path.map(|p| dir.join(p))
            && path.is_file()
        {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    };
    watch(git(&["rev-parse", "--git-path", "HEAD"]));
    watch(git(&["rev-parse", "--git-path", "packed-refs"]));
    if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch(git(&["rev-parse", "--git-path", &reference]));
    }
    let commit = git(&["rev-parse", "--short", "HEAD"])?;
    commit
        .bytes()
        .all(|b| b.is_ascii_hexdigit())
        .then_some(commit)
}
