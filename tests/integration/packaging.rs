//! How smce-guard reaches its users (issue 15): the completions and the man page name every
//! subcommand, `--version` names the version and the commit, the action and the pre-commit hook
//! install the wheel, the release workflow builds wheels only for targets maturin accepts, and
//! zizmor finds nothing in the action, the release workflow or the README's recipes.

use crate::common::{root, smce_guard};
use crate::formats::readme_recipe;

/// A YAML document as a tree (keys are scalars in the files read here), read with the crate's
/// YAML parser, which refuses a file that is not well-formed YAML.
#[derive(Debug)]
enum Node {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn at(&self, path: &[&str]) -> &Node {
        path.iter().fold(self, |node, key| {
            node.get(key)
                .unwrap_or_else(|| panic!("no {key} in {node:?}"))
        })
    }

    fn text(&self) -> &str {
        match self {
            Node::Scalar(text) => text,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            other => panic!("not a sequence: {other:?}"),
        }
    }

    fn keys(&self) -> Vec<&str> {
        match self {
            Node::Map(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            other => panic!("not a mapping: {other:?}"),
        }
    }

    /// Every value under `key` anywhere in the tree, in document order.
    fn all<'a>(&'a self, key: &str, found: &mut Vec<&'a Node>) {
        match self {
            Node::Scalar(_) => {}
            Node::Seq(items) => items.iter().for_each(|n| n.all(key, found)),
            Node::Map(entries) => {
                for (k, v) in entries {
                    if k == key {
                        found.push(v);
                    }
                    v.all(key, found);
                }
            }
        }
    }

    fn scalars(&self, key: &str) -> Vec<String> {
        let mut found = Vec::new();
        self.all(key, &mut found);
        found.iter().map(|n| n.text().to_owned()).collect()
    }
}

fn parse_yaml(name: &str, yaml: &str) -> Node {
    use saphyr_parser::{Event, Parser};
    enum Open {
        Map(Vec<(String, Node)>, Option<String>),
        Seq(Vec<Node>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut done = None;
    for event in Parser::new_from_str(yaml) {
        let (event, _) = event.unwrap_or_else(|e| panic!("{name} is not YAML: {e}"));
        let node = match event {
            Event::Alias(_) => panic!("{name} uses an alias"),
            Event::MappingStart(..) => {
                stack.push(Open::Map(Vec::new(), None));
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push(Open::Seq(Vec::new()));
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(entries, None)) => Node::Map(entries),
                _ => panic!("{name}: unbalanced mapping"),
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(items)) => Node::Seq(items),
                _ => panic!("{name}: unbalanced sequence"),
            },
            Event::Scalar(text, ..) => Node::Scalar(text.to_string()),
            _ => continue,
        };
        match stack.last_mut() {
            None => done = Some(node),
            Some(Open::Seq(items)) => items.push(node),
            Some(Open::Map(entries, pending)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => match node {
                    Node::Scalar(key) => *pending = Some(key),
                    _ => panic!("{name} has a collection as a mapping key"),
                },
            },
        }
    }
    done.unwrap_or_else(|| panic!("{name} holds no document"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Cargo.toml's version: what the wheel, the action and the README install.
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

/// Every `uses:` is pinned by a full commit SHA with a `# vX` comment on its line.
fn assert_pinned(name: &str, text: &str, tree: &Node) {
    let uses = tree.scalars("uses");
    assert!(!uses.is_empty(), "{name} uses no action");
    for uses in uses {
        let (_, commit) = uses.split_once('@').expect("a versioned action");
        assert!(
            commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
            "{name}: {uses} is not pinned by a full commit SHA"
        );
        let line = text.lines().find(|l| l.contains(uses.as_str())).unwrap();
        assert!(
            line.contains(" # v"),
            "{name}: {uses} has no `# vX` comment"
        );
    }
}

fn assert_no_expression_in_scripts(name: &str, tree: &Node) {
    for run in tree.scalars("run") {
        assert!(
            !run.contains("${{"),
            "{name} expands an expression inside a script (pass it by env:): {run}"
        );
    }
}

#[test]
fn action_parses_installs_the_pinned_wheel_and_takes_the_readmes_inputs() {
    let text = read("action.yml");
    let action = parse_yaml("action.yml", &text);
    let inputs = action.at(&["inputs"]).keys();
    // README names the inputs in one sentence: `uses: OWNER/smce-guard@...` with inputs ...
    let readme = read("README.md");
    let listed = readme
        .split("`uses: OWNER/smce-guard@")
        .nth(1)
        .and_then(|rest| rest.split_once(" with inputs "))
        .and_then(|(_, list)| list.split('.').next())
        .expect("README names the action's inputs after `uses: OWNER/smce-guard@...`");
    let named: Vec<&str> = listed.split('`').skip(1).step_by(2).collect();
    assert_eq!(named, inputs, "README's inputs are action.yml's, in order");
    for input in &inputs {
        let description = action.at(&["inputs", input, "description"]).text();
        assert!(!description.is_empty());
    }
    assert_eq!(action.at(&["runs", "using"]).text(), "composite");
    let runs = action.scalars("run");
    assert!(
        runs.iter().any(|r| r.contains(&format!(
            "pip install --quiet --disable-pip-version-check smce-guard=={VERSION}\n"
        ))),
        "action.yml installs smce-guard=={VERSION} with pip"
    );
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
    // The README's wheel-only variant pins the same version.
    let readme = read("README.md");
    assert!(readme.contains(&format!("additional_dependencies: [smce-guard=={VERSION}]")));
}

#[test]
fn readme_recipes_install_the_pinned_wheel_and_name_no_missing_repository() {
    let readme = read("README.md");
    assert!(
        !readme.contains("github.com/2i2c-org/smce-guard")
            && !readme.contains("2i2c-org/smce-guard@"),
        "README names a repository that does not exist"
    );
    for name in ["ci", "live", "calendar"] {
        let yaml = readme_recipe(&readme, name);
        let tree = parse_yaml(name, &yaml);
        let runs = tree.scalars("run");
        assert!(
            runs.iter()
                .any(|r| r == &format!("pip install smce-guard=={VERSION}")),
            "the {name} recipe installs smce-guard=={VERSION} with pip"
        );
        assert!(
            !yaml.contains("cargo install"),
            "the {name} recipe builds from source"
        );
        assert_pinned(name, &yaml, &tree);
        assert_no_expression_in_scripts(name, &tree);
    }
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
    // Plain binaries and their sums go to the release.
    assert!(text.contains("SHA256SUMS") && text.contains("gh release upload"));
}

/// zizmor (GitHub Actions' static analyser; `pip install zizmor`, which `scripts/test` does when
/// it is missing) finds nothing in the action, the release workflow or the README's recipes.
#[test]
#[allow(clippy::print_stderr)] // The skip is said where cargo test shows it.
fn zizmor_finds_nothing_in_the_action_the_release_or_the_recipes() {
    let found = std::process::Command::new("zizmor")
        .arg("--version")
        .output();
    if !found.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED: zizmor is not installed (`pip install zizmor`; scripts/test installs it)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let workflows = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let readme = read("README.md");
    let mut files = vec![
        root().join("action.yml"),
        root().join(".github/workflows/release.yml"),
    ];
    for name in ["ci", "live", "calendar"] {
        let path = workflows.join(format!("{name}.yml"));
        std::fs::write(&path, readme_recipe(&readme, name)).unwrap();
        files.push(path);
    }
    let out = std::process::Command::new("zizmor")
        .args(["--offline", "--persona", "pedantic", "--format", "plain"])
        .args(&files)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("No findings"),
        "zizmor found something:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
