//! How smce-guard reaches its users (issues 15 and 22): the completions and the man page name every
//! subcommand, `--version` names the version and the commit, the action installs the wheels of
//! its release by hash, the pre-commit hook lints, and the release workflow builds wheels only
//! for targets maturin accepts, sums them, writes the hash-pinned requirements file, attests
//! every file and publishes by trust. zizmor and the recipes are tested in `recipes`.

use crate::common::{root, smce_guard};
use crate::recipes::{Node, assert_no_expression_in_scripts, assert_pinned, parse_yaml};

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Cargo.toml's version: what the wheel, the action and the recipes install.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The subcommands `smce-guard --help` lists.
fn subcommands() -> Vec<String> {
    let help = smce_guard(["--help"]).stdout;
    let list = help
        .split("Commands:\n")
        .nth(1)
        .expect("--help lists the commands");
    let names: Vec<String> = list
        .lines()
        .take_while(|l| l.starts_with("  "))
        // A name at two spaces; a wrapped description continues further in.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["lint", "check", "expiries", "completions", "man"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    names
}

#[test]
fn completions_name_every_subcommand_in_every_shell() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = smce_guard(["completions", shell]);
        assert_eq!(run.code, 0, "completions {shell}: {}", run.stderr);
        for name in &names {
            assert!(
                run.stdout.contains(name.as_str()),
                "the {shell} completions do not mention {name}"
            );
        }
        // Flags of a subcommand too, not only the names.
        assert!(run.stdout.contains("fail-on"), "{shell}: --fail-on");
    }
    assert_eq!(smce_guard(["completions", "tcsh"]).code, 2);
}

#[test]
fn man_page_has_name_synopsis_and_every_subcommand() {
    let run = smce_guard(["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = run.stdout;
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "roff");
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH SUBCOMMANDS",
    ] {
        assert!(page.contains(section), "the man page lacks {section}");
    }
    for name in subcommands() {
        assert!(
            page.contains(&format!(".SS \"smce-guard {name}\""))
                || page.contains(&format!(".SS smce-guard {name}")),
            "the man page has no section for {name}"
        );
    }
    // Options and examples of a subcommand, with roff's escaped hyphens.
    assert!(page.contains("\\-\\-fail\\-on"));
    assert!(page.contains("smce\\-guard check \\-\\-account nasa\\-veda"));
}

#[test]
fn version_names_the_cargo_version_and_the_commit_when_known() {
    let run = smce_guard(["--version"]);
    assert_eq!(run.code, 0);
    let line = run.stdout.trim_end();
    assert!(
        line == format!("smce-guard {VERSION}")
            || line.starts_with(&format!("smce-guard {VERSION} (")),
        "{line}"
    );
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root())
        .output();
    if let Ok(out) = head
        && out.status.success()
    {
        let commit = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            line,
            format!("smce-guard {VERSION} ({})", commit.trim()),
            "built in a git checkout, --version names its commit"
        );
    }
}

#[test]
fn action_parses_installs_its_release_by_hash_and_takes_the_documented_inputs() {
    let text = read("action.yml");
    let action = parse_yaml("action.yml", &text);
    let inputs = action.at(&["inputs"]).keys();
    // The CI page names the inputs in one sentence: `uses: OWNER/smce-guard@...` with inputs ...
    let page = read("docs/ci.md");
    let listed = page
        .split("`uses: OWNER/smce-guard@")
        .nth(1)
        .and_then(|rest| rest.split_once(" with inputs "))
        .and_then(|(_, list)| list.split('.').next())
        .expect("docs/ci.md names the action's inputs after `uses: OWNER/smce-guard@...`");
    let named: Vec<&str> = listed.split('`').skip(1).step_by(2).collect();
    assert_eq!(
        named, inputs,
        "docs/ci.md's inputs are action.yml's, in order"
    );
    for input in &inputs {
        let description = action.at(&["inputs", input, "description"]).text();
        assert!(!description.is_empty());
    }
    assert_eq!(action.at(&["runs", "using"]).text(), "composite");
    let runs = action.scalars("run");
    crate::recipes::assert_installs_by_hash("action.yml", &text, &runs);
    assert!(!text.contains("cargo install"), "no build from source");
    assert_pinned("action.yml", &text, &action);
    assert_no_expression_in_scripts("action.yml", &action);
    // SARIF is uploaded only when the check wrote it (a failed lint stops before the check).
    let steps = action.at(&["runs", "steps"]).items();
    let upload = steps
        .iter()
        .find(|s| {
            s.get("uses")
                .is_some_and(|u| u.text().contains("upload-sarif"))
        })
        .expect("a SARIF upload step");
    assert!(
        upload
            .at(&["if"])
            .text()
            .contains("hashFiles('smce-guard.sarif') != ''"),
        "the upload step runs only when the SARIF file exists"
    );
}

#[test]
fn pre_commit_hook_installs_the_package_and_lints_the_whole_directory() {
    let hooks = parse_yaml(".pre-commit-hooks.yaml", &read(".pre-commit-hooks.yaml"));
    let hook = &hooks.items()[0];
    assert_eq!(hook.at(&["id"]).text(), "smce-guard-lint");
    assert_eq!(hook.at(&["language"]).text(), "python");
    assert_eq!(hook.at(&["pass_filenames"]).text(), "false");
    assert_eq!(hook.at(&["entry"]).text(), "smce-guard lint policies/");
    // The repository is the package the hook installs.
    let pyproject = read("pyproject.toml");
    assert!(pyproject.contains("name = \"smce-guard\""));
    assert!(pyproject.contains("bindings = \"bin\""));
    assert!(pyproject.contains("dynamic = [\"version\"]"));
    // The documented hook pins the release's tag, and no hook installs the wheel by name
    // (pre-commit cannot check a hash).
    let page = read("docs/ci.md");
    assert!(page.contains(&format!("rev: v{VERSION}\n")));
    assert!(!page.contains("additional_dependencies: [smce-guard"));
}

/// Target triples maturin builds wheels for (maturin 1.16's `Target`: the Linux, macOS and
/// Windows architectures it maps to a wheel platform tag), and the `manylinux` values
/// maturin-action accepts.
const MATURIN_TARGETS: &[&str] = &[
    "x86_64-unknown-linux-gnu",
    "i686-unknown-linux-gnu",
    "aarch64-unknown-linux-gnu",
    "armv7-unknown-linux-gnueabihf",
    "powerpc64le-unknown-linux-gnu",
    "s390x-unknown-linux-gnu",
    "x86_64-unknown-linux-musl",
    "i686-unknown-linux-musl",
    "aarch64-unknown-linux-musl",
    "armv7-unknown-linux-musleabihf",
    "x86_64-apple-darwin",
    "aarch64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "i686-pc-windows-msvc",
    "aarch64-pc-windows-msvc",
];
const MANYLINUX: &[&str] = &[
    "auto",
    "off",
    "2014",
    "2_17",
    "2_24",
    "2_28",
    "manylinux2014",
    "manylinux_2_28",
    "musllinux_1_1",
    "musllinux_1_2",
];

#[test]
fn release_workflow_builds_wheels_maturin_accepts_and_publishes_by_trust() {
    let text = read(".github/workflows/release.yml");
    let workflow = parse_yaml("release.yml", &text);
    let include = workflow
        .at(&["jobs", "wheels", "strategy", "matrix", "include"])
        .items();
    let mut targets = Vec::new();
    for entry in include {
        let target = entry.at(&["target"]).text();
        let manylinux = entry.at(&["manylinux"]).text();
        assert!(
            MATURIN_TARGETS.contains(&target),
            "maturin has no target {target}"
        );
        assert!(
            MANYLINUX.contains(&manylinux),
            "maturin-action has no manylinux {manylinux}"
        );
        let linux = target.contains("-linux-");
        assert_eq!(linux, manylinux != "off", "{target}: manylinux {manylinux}");
        if target.ends_with("-musl") {
            assert!(
                manylinux.starts_with("musllinux"),
                "{target} is a musllinux wheel"
            );
        }
        targets.push(target);
    }
    for needed in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(
            targets.contains(&needed),
            "the release builds no wheel for {needed}"
        );
    }
    // Nothing is released for a platform no test compiled for: the crate is Unix only
    // (`base/confined.rs`), and neither the release nor the package claims Windows.
    for target in &targets {
        assert!(!target.contains("windows"), "the release builds {target}");
    }
    assert!(
        !read("pyproject.toml").contains("Windows"),
        "pyproject claims Windows"
    );
    assert!(text.contains("uses: PyO3/maturin-action@"));
    assert!(text.contains("--release --locked"));
    assert_pinned("release.yml", &text, &workflow);
    assert_no_expression_in_scripts("release.yml", &workflow);
    // Trusted publishing: the publish job alone holds id-token: write, and no token is stored.
    let pypi = workflow.at(&["jobs", "pypi"]);
    assert_eq!(pypi.at(&["permissions", "id-token"]).text(), "write");
    assert!(
        pypi.scalars("uses")
            .iter()
            .any(|u| u.starts_with("pypa/gh-action-pypi-publish@"))
    );
    assert!(
        !text.contains("password:") && !text.contains("secrets."),
        "no stored token"
    );
    assert_eq!(
        workflow.at(&["permissions"]).keys().len(),
        0,
        "nothing by default"
    );
    // One job sums every wheel and binary, writes the requirements file from the sums with the
    // script the tests run, and attests every file; it alone holds the attestation permissions.
    let sums = workflow.at(&["jobs", "sums"]);
    let script = sums.scalars("run").join("\n");
    assert!(
        script.contains("sha256sum -- smce_guard-*.whl smce-guard-* > SHA256SUMS"),
        "{script}"
    );
    assert!(
        script.contains("scripts/requirements-from-sums SHA256SUMS")
            && script.contains("--output smce-guard-requirements.txt"),
        "{script}"
    );
    let attest = sums
        .at(&["steps"])
        .items()
        .iter()
        .find(|s| {
            s.get("uses")
                .is_some_and(|u| u.text().starts_with("actions/attest-build-provenance@"))
        })
        .expect("the sums job attests the build provenance");
    let subjects = attest.at(&["with", "subject-path"]).text();
    for subject in [
        "release/smce_guard-*.whl",
        "release/smce-guard-*",
        "release/SHA256SUMS",
    ] {
        assert!(subjects.lines().any(|l| l.trim() == subject), "{subjects}");
    }
    for (job, node) in workflow.at(&["jobs"]).entries() {
        let permissions = node.at(&["permissions"]);
        let attests = job == "sums";
        assert_eq!(
            permissions.get("attestations").map(Node::text),
            attests.then_some("write"),
            "{job}: attestations"
        );
        if job != "pypi" {
            assert_eq!(
                permissions.get("id-token").map(Node::text),
                attests.then_some("write"),
                "{job}: id-token"
            );
        }
    }
    // PyPI's own attestations, and nothing published that was not summed and attested.
    assert_eq!(pypi.at(&["needs"]).text(), "sums");
    assert!(pypi.scalars("attestations").iter().any(|a| a == "true"));
    // Every wheel, binary, the sums and the requirements file go to the release.
    let assets = workflow.at(&["jobs", "assets"]).scalars("run").join("\n");
    assert!(
        assets.contains("gh release upload \"$TAG\" smce_guard-*.whl smce-guard-* SHA256SUMS"),
        "{assets}"
    );
}
