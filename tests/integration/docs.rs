//! The documentation site (issue 22): the codes page is what `scripts/docs-codes` generates from
//! the binary; the one exit-code table has a row per subcommand and agrees with each command's
//! `--help` and with what the binary does; `mkdocs build --strict` builds the site, and its front
//! page reaches the five questions a newcomer asks in one click; nothing installs smce-guard by
//! a bare name.

use crate::common::{Run, command, execute, required_tool, root, scratch_example, smce_guard};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The codes page
// ---------------------------------------------------------------------------------------------

const REGENERATE: &str = "scripts/docs-codes > docs/codes.md";

#[test]
fn codes_page_is_what_scripts_docs_codes_generates() {
    let out = Command::new(root().join("scripts/docs-codes"))
        .env("SMCE_GUARD", env!("CARGO_BIN_EXE_smce-guard"))
        .current_dir(root())
        .output()
        .expect("scripts/docs-codes runs");
    assert!(
        out.status.success(),
        "scripts/docs-codes failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).unwrap();
    let page = read("docs/codes.md");
    if page != generated {
        let line = page
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or(page.lines().count().min(generated.lines().count()), |i| i)
            + 1;
        panic!(
            "docs/codes.md is stale (first difference at line {line}): regenerate it with\n\n    {REGENERATE}\n"
        );
    }
    // The table is exactly `explain --markdown`, and every code has its own section.
    let table = smce_guard(["explain", "--markdown"]).stdout;
    assert!(page.contains(&table));
    for code in listed_codes() {
        assert!(
            page.contains(&format!("\n### `{code}` {{ #{code} }}\n")),
            "docs/codes.md has no section for {code}: {REGENERATE}"
        );
    }
}

/// The codes `smce-guard explain` lists, in its order.
fn listed_codes() -> Vec<String> {
    let list = smce_guard(["explain"]);
    assert_eq!(list.code, 0);
    list.stdout
        .lines()
        .take_while(|l| !l.is_empty())
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn explain_knows_every_code_of_the_codes_page() {
    let codes = listed_codes();
    let page = read("docs/codes.md");
    let table: Vec<&str> = page
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`').map(|(code, _)| code))
        .collect();
    assert_eq!(codes, table, "the codes page is stale: {REGENERATE}");
    for code in &codes {
        let one = smce_guard(["explain", code]);
        assert_eq!(one.code, 0, "{code}");
        assert!(
            one.stdout.starts_with(code.as_str())
                && one.stdout.contains("Why: ")
                && one.stdout.contains("Fix: "),
            "{}",
            one.stdout
        );
    }
    for line in smce_guard(["explain", "--markdown"]).stdout.lines().skip(2) {
        assert!(line.starts_with("| `"), "{line}");
    }
    assert_eq!(smce_guard(["explain", "no.such-code"]).code, 2);
}

// ---------------------------------------------------------------------------------------------
// The exit-code table
// ---------------------------------------------------------------------------------------------

/// The subcommands `smce-guard --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let help = smce_guard(["--help"]).stdout;
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

/// docs/commands.md's exit-code table: command → the codes whose cell is not a dash.
fn exit_table() -> BTreeMap<String, BTreeSet<i32>> {
    let page = read("docs/commands.md");
    let section = page
        .split("\n## Exit codes\n")
        .nth(1)
        .expect("docs/commands.md has an `## Exit codes` section");
    let mut lines = section
        .lines()
        .skip_while(|l| !l.starts_with("| command |"));
    let header = lines.next().expect("the table's header");
    assert_eq!(header, "| command | 0 | 1 | 2 | 3 | 4 |");
    let mut table = BTreeMap::new();
    for row in lines.skip(1).take_while(|l| l.starts_with('|')) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 6, "{row}");
        let command = cells[0].trim_matches('`').to_owned();
        let codes = (0..5)
            .filter(|&code| {
                let cell = cells[code as usize + 1];
                assert!(!cell.is_empty(), "{command}: an empty cell for {code}");
                cell != "—"
            })
            .collect();
        assert!(
            table.insert(command.clone(), codes).is_none(),
            "{command} has two rows"
        );
    }
    table
}

/// The exit codes a command's `--help` names after "Exit codes:" (none when it names none).
fn help_exit_codes(sub: &str) -> Option<BTreeSet<i32>> {
    let help = smce_guard([sub, "--help"]).stdout;
    let text = help.split("Exit codes:").nth(1)?;
    Some(
        text.split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .filter(|n| *n <= 4)
            .collect(),
    )
}

#[test]
fn exit_code_table_has_every_command_and_agrees_with_each_help() {
    let table = exit_table();
    let commands: BTreeSet<String> = subcommands().into_iter().collect();
    let rows: BTreeSet<String> = table.keys().cloned().collect();
    assert_eq!(
        rows, commands,
        "docs/commands.md's exit-code table must have exactly one row per subcommand of `smce-guard --help` (add a row for a new one)"
    );
    for (sub, codes) in &table {
        assert!(
            codes.contains(&0) && codes.contains(&2),
            "{sub}: every command succeeds (0) and refuses bad usage (2)"
        );
        match help_exit_codes(sub) {
            Some(documented) => assert_eq!(
                codes, &documented,
                "{sub}: docs/commands.md and `smce-guard {sub} --help` name different exit codes"
            ),
            None => assert_eq!(
                codes,
                &BTreeSet::from([0, 2]),
                "{sub}: its --help names no exit codes, so it has only 0 and 2"
            ),
        }
    }
}

/// The newest active access key id of the deployer in a recorded account.
fn deployer_key(account: &str) -> String {
    let keys: serde_json::Value =
        serde_json::from_str(&read(&format!("fixtures/{account}/access-keys.json"))).unwrap();
    let mut keys: Vec<&serde_json::Value> = keys["AccessKeyMetadata"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["UserName"] == "hub-continuous-deployer" && k["Status"] == "Active")
        .collect();
    keys.sort_by_key(|k| k["CreateDate"].as_str().unwrap().to_owned());
    keys.last().unwrap()["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// What each command does, run for real, against the table: its success and usage-error paths
/// for every command, and every other documented path the example or a local `moto_server`
/// reaches (drift, invalid input, an account that cannot be read).
#[test]
fn exit_code_table_agrees_with_what_each_command_does() {
    let table = exit_table();
    let dir = scratch_example();
    let ws = dir.path();
    let broken = crate::common::data("lint");
    let unknown_key = "AKIAEXAMPLEGZQBEFHQR";
    let ghg_key = deployer_key("nasa-ghg-hub");
    let mut runs: Vec<(Vec<String>, i32)> = Vec::new();
    let mut add = |args: &[&str], code: i32| {
        runs.push((args.iter().map(|s| s.to_string()).collect(), code));
    };
    // Success.
    add(&["lint"], 0);
    add(&["check", "--account", "nasa-ghg-hub"], 0);
    add(&["expiries"], 0);
    add(
        &[
            "verify-key",
            "--account",
            "nasa-ghg-hub",
            "--key-id",
            &ghg_key,
        ],
        0,
    );
    add(&["init", "--account-name", "nasa-ghg-hub"], 0);
    let ghg_cluster = "arn:aws:eks:us-west-2:597746869805:cluster/nasa-ghg-hub";
    add(
        &[
            "access",
            "--account",
            "nasa-ghg-hub",
            "eks:DescribeCluster",
            ghg_cluster,
        ],
        0,
    );
    let estate = crate::common::data("infrastructure");
    let estate = estate.to_str().unwrap();
    // The estate: a policy for every AWS cluster, into a new folder (0), and again (0).
    for _ in 0..2 {
        add(
            &["init", "--infrastructure", estate, "--out-dir", "estate"],
            0,
        );
    }
    add(&["explain"], 0);
    add(&["explain", "key.expiring"], 0);
    add(&["schema"], 0);
    add(&["completions", "bash"], 0);
    add(&["man"], 0);
    // Drift, or a key CI should not hold.
    add(&["check"], 1);
    add(
        &[
            "verify-key",
            "--account",
            "nasa-ghg-hub",
            "--key-id",
            unknown_key,
        ],
        1,
    );
    add(
        &[
            "access",
            "--account",
            "nasa-ghg-hub",
            "eks:DeleteCluster",
            ghg_cluster,
        ],
        1,
    );
    // Invalid input.
    let broken_policy = broken.join("unknown-key-top.yaml");
    let broken_policy = broken_policy.to_str().unwrap();
    add(&["lint", broken_policy], 2);
    add(&["check", "--account", "no-such-account"], 2);
    add(&["expiries", "--account", "no-such-account"], 2);
    add(&["snapshot", "--account", "no-such-account"], 2);
    add(
        &[
            "verify-key",
            "--account",
            "nasa-veda",
            "--key-id",
            "not-a-key",
        ],
        2,
    );
    add(
        &[
            "init",
            "--account-name",
            "nasa-veda",
            "--out",
            "policies/nasa-veda.yaml",
        ],
        2,
    );
    add(&["explain", "no.such-code"], 2);
    add(
        &[
            "access",
            "--account",
            "no-such-account",
            "eks:DescribeCluster",
        ],
        2,
    );
    add(&["access", "--account", "nasa-ghg-hub", "eks:Describe*"], 2);
    // The real estate with the four SMCE policies: credentials past their limit (exit 1); with
    // every policy of the example, the legacy one is a policy error (its invented account has no
    // cluster file: exit 2); no checkout at all (exit 2).
    let smce =
        ["disasters", "maap", "nasa-ghg-hub", "nasa-veda"].map(|n| format!("policies/{n}.yaml"));
    add(
        &[
            &["inventory", "--infrastructure", estate][..],
            &smce.each_ref().map(String::as_str),
        ]
        .concat(),
        1,
    );
    add(&["inventory", "--infrastructure", estate], 2);
    add(&["inventory", "--infrastructure", "nowhere"], 2);
    add(&["init", "--infrastructure", "nowhere"], 2);
    add(&["completions", "tcsh"], 2);
    // Usage errors, for every command.
    for sub in table.keys() {
        add(&[sub.as_str(), "--no-such-flag"], 2);
    }
    for (args, code) in &runs {
        let run = crate::common::smce_guard_in(ws, args);
        check_against_table(&table, args, code, &run);
    }

    // Live paths: an endpoint nothing listens on (exit 3), and moto for what needs an account.
    let policy_dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(policy_dir.path().join("policies")).unwrap();
    let id = "123456789012"; // moto's account for its `testing` credentials
    std::fs::write(
        policy_dir.path().join("policies/home.yaml"),
        format!("account:\n  id: \"{id}\"\n  name: home\ndeployer:\n  cluster: home\n"),
    )
    .unwrap();
    let nowhere = format!("http://127.0.0.1:{}", crate::moto::free_port());
    let aws_scratch = tempfile::tempdir().unwrap();
    let unreachable: [&[&str]; 7] = [
        &[
            "access",
            "--live",
            "--timeout",
            "1",
            "--account",
            "home",
            "eks:DescribeCluster",
        ],
        &["check", "--live", "--timeout", "1"],
        &["expiries", "--live", "--timeout", "1"],
        &["snapshot", "--timeout", "1", "--out", "snap"],
        &["accounts", "--timeout", "1"],
        &[
            "verify-key",
            "--live",
            "--timeout",
            "1",
            "--account",
            "home",
            "--key-id",
            unknown_key,
        ],
        &[
            "init",
            "--live",
            "--timeout",
            "1",
            "--account-name",
            "home",
            "--account-id",
            id,
        ],
    ];
    for args in unreachable {
        let run =
            crate::moto::smce_guard_aws(policy_dir.path(), &nowhere, aws_scratch.path(), args);
        check_against_table(&table, &to_strings(args), &3, &run);
    }
    let moto = crate::moto::Moto::start();
    moto.seed(&serde_json::json!({"organization": {"accounts": []}}));
    let covered = moto.smce_guard(policy_dir.path(), ["accounts"]);
    check_against_table(&table, &to_strings(&["accounts"]), &0, &covered);
    let snapshot = moto.smce_guard(policy_dir.path(), ["snapshot", "--out", "snap"]);
    check_against_table(&table, &to_strings(&["snapshot"]), &0, &snapshot);
    std::fs::write(
        policy_dir.path().join("policies/foreign.yaml"),
        "account:\n  id: \"999988887777\"\n  name: foreign\n",
    )
    .unwrap();
    let foreign = moto.smce_guard(policy_dir.path(), ["accounts"]);
    check_against_table(&table, &to_strings(&["accounts"]), &1, &foreign);
}

fn to_strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[track_caller]
fn check_against_table(
    table: &BTreeMap<String, BTreeSet<i32>>,
    args: &[String],
    expected: &i32,
    run: &Run,
) {
    assert_eq!(
        run.code, *expected,
        "smce-guard {args:?}\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    let documented = &table[&args[0]];
    assert!(
        documented.contains(expected),
        "smce-guard {args:?} exits {expected}, which docs/commands.md's table gives no meaning for {}",
        args[0]
    );
}

#[test]
fn help_and_version_exit_zero() {
    for args in [["--help"], ["--version"]] {
        let run = execute(command(&root(), args));
        assert_eq!(run.code, 0, "{args:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The site
// ---------------------------------------------------------------------------------------------

/// The five answers the front page must reach in one click (issue 22), as page and anchor.
const FRONT_PAGE_TARGETS: [(&str, &str, Option<&str>); 5] = [
    (
        "running on every account of an organization",
        "howto/every-account.md",
        None,
    ),
    (
        "every command's exit codes",
        "commands.md",
        Some("exit-codes"),
    ),
    (
        "is the MFA exemption in place?",
        "howto/mfa-exemption.md",
        None,
    ),
    (
        "rotating the deployer key",
        "howto/rotate-deployer-key.md",
        None,
    ),
    (
        "why can't CI describe the cluster?",
        "howto/ci-cannot-describe-cluster.md",
        None,
    ),
];

/// The targets of the markdown links `[text](target)` of a page, outside code.
fn links(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fence = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
        }
        if fence {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    found
}

#[test]
fn site_builds_strictly_and_the_front_page_reaches_the_five_questions() {
    let index = read("docs/index.md");
    let targets = links(&index);
    for (question, page, anchor) in FRONT_PAGE_TARGETS {
        let wanted = match anchor {
            Some(anchor) => format!("{page}#{anchor}"),
            None => page.to_owned(),
        };
        assert!(
            targets.contains(&wanted),
            "docs/index.md does not link to {wanted} ({question}) in one click: {targets:?}"
        );
        assert!(
            root().join("docs").join(page).is_file(),
            "docs/{page} ({question}) does not exist"
        );
    }
    let Some(mkdocs) = required_tool("mkdocs") else {
        return;
    };
    let site = tempfile::tempdir().unwrap();
    let out = Command::new(mkdocs)
        .args(["build", "--strict", "--site-dir"])
        .arg(site.path())
        .env("NO_MKDOCS_2_WARNING", "1")
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "mkdocs build --strict failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // In the built site each link is a page (and the anchor is on it).
    let front = std::fs::read_to_string(site.path().join("index.html")).unwrap();
    for (question, page, anchor) in FRONT_PAGE_TARGETS {
        let built = page.trim_end_matches(".md");
        let href = match anchor {
            Some(anchor) => format!("href=\"{built}/#{anchor}\""),
            None => format!("href=\"{built}/\""),
        };
        assert!(
            front.contains(&href),
            "the built front page has no {href} ({question})"
        );
        let html = std::fs::read_to_string(site.path().join(built).join("index.html"))
            .unwrap_or_else(|e| panic!("{built}/index.html ({question}): {e}"));
        if let Some(anchor) = anchor {
            assert!(
                html.contains(&format!("id=\"{anchor}\"")),
                "{built}#{anchor}"
            );
        }
    }
    // The recipes are in the pages, as the files are (the live recipe's issue step, verbatim).
    let ci = std::fs::read_to_string(site.path().join("ci/index.html")).unwrap();
    assert!(
        ci.contains("smce-guard: $ACCOUNT"),
        "the live recipe is on the CI page"
    );
}

/// No page, recipe, README or action installs smce-guard by a bare name: every `pip install`
/// that names it goes through a hash-pinned requirements file.
#[test]
fn nothing_installs_smce_guard_by_a_bare_name() {
    let mut files = vec![root().join("README.md"), root().join("action.yml")];
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    walk(&root().join("docs"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let text = text.replace("\\\n", " ");
        for line in text.lines() {
            let named = line.contains("pip install") && line.contains("smce-guard");
            assert!(
                !named || line.contains("--require-hashes") || !line.contains("smce-guard=="),
                "{}: {line}",
                file.display()
            );
            for refused in [
                "pip install smce-guard",
                "uv tool install smce-guard",
                "uvx smce-guard",
                "additional_dependencies: [smce-guard",
            ] {
                assert!(!line.contains(refused), "{}: {line}", file.display());
            }
        }
    }
}

/// The Pages workflow builds the site strictly with the pinned tools and publishes only main,
/// with the Pages permissions on the publishing job alone.
#[test]
fn pages_workflow_builds_strictly_and_publishes_only_main() {
    use crate::recipes::parse_yaml;
    let path = ".github/workflows/docs.yml";
    let text = read(path);
    let workflow = parse_yaml(path, &text);
    let build = workflow.at(&["jobs", "build"]);
    let runs = build.scalars("run").join("\n");
    assert!(
        runs.contains("mkdocs\" build --strict"),
        "{path} builds strictly: {runs}"
    );
    // The tools it installs are the pinned lines of scripts/requirements-dev.txt.
    let pinned = read("scripts/requirements-dev.txt");
    for tool in ["mkdocs", "mkdocs-material", "pymdown-extensions"] {
        assert!(
            pinned.lines().any(|l| l.starts_with(&format!("{tool}=="))),
            "scripts/requirements-dev.txt pins {tool}"
        );
    }
    assert!(runs.contains("grep -E '^(mkdocs|mkdocs-material|pymdown-extensions)=='"));
    assert_eq!(
        build.at(&["permissions"]).keys(),
        ["contents"],
        "the build only reads"
    );
    let deploy = workflow.at(&["jobs", "deploy"]);
    assert_eq!(
        deploy.at(&["if"]).text(),
        "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
    );
    let mut permissions: Vec<&str> = deploy.at(&["permissions"]).keys();
    permissions.sort_unstable();
    assert_eq!(permissions, ["id-token", "pages"]);
    assert!(
        deploy
            .scalars("uses")
            .iter()
            .any(|u| u.starts_with("actions/deploy-pages@"))
    );
    assert_eq!(workflow.at(&["permissions"]).keys().len(), 0);
    assert!(
        workflow.at(&["on"]).get("pull_request").is_some(),
        "pull requests build the site too"
    );
}
