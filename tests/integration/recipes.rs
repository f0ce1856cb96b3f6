//! The recipes under `docs/recipes/` (issue 22), each checked by its real consumer: every workflow
//! parses as YAML, names only real subcommands and flags, pins its actions, installs smce-guard
//! only from a release's hash-pinned requirements file and is included into a page; zizmor finds
//! nothing in them, the action or `.github/workflows/`; the pull-request gate runs for real on a
//! copy of 2i2c's cluster files; the live check's steps run for real against `moto_server` with a
//! stand-in `gh`, and write no user name or key id where the public can read it; the estate
//! check's steps run day after day on a copy of 2i2c's 30 cluster folders ([`inventory`]); the
//! terraform parses with python-hcl2 and trusts one branch of one repository.

mod inventory;

use crate::common::{copy_tree, python, required_tool, root, smce_guard};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

// ---------------------------------------------------------------------------------------------
// YAML as a tree
// ---------------------------------------------------------------------------------------------

/// A YAML document as a tree (keys are scalars in the files read here), read with the crate's
/// YAML parser, which refuses a file that is not well-formed YAML.
#[derive(Debug)]
pub enum Node {
    Scalar(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn at(&self, path: &[&str]) -> &Node {
        path.iter().fold(self, |node, key| {
            node.get(key)
                .unwrap_or_else(|| panic!("no {key} in {node:?}"))
        })
    }

    pub fn text(&self) -> &str {
        match self {
            Node::Scalar(text) => text,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            other => panic!("not a sequence: {other:?}"),
        }
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Map(entries) => entries,
            other => panic!("not a mapping: {other:?}"),
        }
    }

    pub fn keys(&self) -> Vec<&str> {
        self.entries().iter().map(|(k, _)| k.as_str()).collect()
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

    pub fn scalars(&self, key: &str) -> Vec<String> {
        let mut found = Vec::new();
        self.all(key, &mut found);
        found.iter().map(|n| n.text().to_owned()).collect()
    }
}

/// Parses one YAML document; panics (naming `name`) on malformed YAML, an alias, a collection as
/// a key, or a second document.
pub fn parse_yaml(name: &str, yaml: &str) -> Node {
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
            None => {
                assert!(done.is_none(), "{name} holds more than one YAML document");
                done = Some(node);
            }
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

/// The files of a folder of the repository with `extension`, as paths relative to the root.
fn files(dir: &str, extension: &str) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(extension))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    found.sort();
    assert!(!found.is_empty(), "no *{extension} in {dir}");
    found
}

// ---------------------------------------------------------------------------------------------
// What every workflow recipe must be
// ---------------------------------------------------------------------------------------------

/// Cargo.toml's version: the release every recipe installs.
const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Every `uses:` is pinned by a full commit SHA with a `# vX` comment on its line.
pub fn assert_pinned(name: &str, text: &str, tree: &Node) {
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

pub fn assert_no_expression_in_scripts(name: &str, tree: &Node) {
    for run in tree.scalars("run") {
        assert!(
            !run.contains("${{"),
            "{name} expands an expression inside a script (pass it by env:): {run}"
        );
    }
}

/// smce-guard is installed only by `pip install --require-hashes -r` of the requirements file
/// of the pinned release (`v` + Cargo's version), downloaded from the project's home; never by
/// a bare name, and never built from source.
pub fn assert_installs_by_hash(name: &str, text: &str, runs: &[String]) {
    let release = format!("OWNER/smce-guard/releases/download/v{VERSION}");
    assert!(
        text.contains(&release),
        "{name} does not download from the pinned release {release}"
    );
    let installs: Vec<&String> = runs.iter().filter(|r| r.contains("pip")).collect();
    assert!(!installs.is_empty(), "{name} installs nothing with pip");
    for script in installs {
        let joined = script.replace("\\\n", " ");
        for line in joined.lines().filter(|l| l.contains(" install ")) {
            assert!(
                line.contains("--require-hashes")
                    && line.contains("-r \"$RUNNER_TEMP/smce-guard-requirements.txt\""),
                "{name} installs without the hash-pinned requirements file: {line}"
            );
        }
        assert!(
            joined.contains("/smce-guard-requirements.txt\""),
            "{name}: {joined}"
        );
    }
    assert!(
        !text.contains("pip install smce-guard") && !text.contains("cargo install"),
        "{name} installs smce-guard by name or from source"
    );
}

/// The `smce-guard` command lines of a shell script, each as its words after `smce-guard`: a
/// command starts where a command may start and ends at a redirection, pipe or list operator.
fn smce_guard_commands(script: &str) -> Vec<Vec<String>> {
    const ENDS: [&str; 9] = ["|", "||", "&&", ";", ">", ">>", "<", "2>", "2>>"];
    const STARTS: [&str; 7] = ["|", "||", "&&", ";", "then", "do", "else"];
    let script = script.replace("\\\n", " ");
    let mut commands = Vec::new();
    for line in script.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for (i, word) in words.iter().enumerate() {
            let at_start = i == 0 || STARTS.contains(&words[i - 1]);
            if *word != "smce-guard" || !at_start {
                continue;
            }
            let command: Vec<String> = words[i + 1..]
                .iter()
                .take_while(|w| !ENDS.contains(w))
                .map(|w| w.to_string())
                .collect();
            commands.push(command);
        }
    }
    commands
}

/// Every `smce-guard` command in `runs` names a real subcommand, and every `--flag` is one that
/// subcommand's `--help` lists. Returns the commands checked.
fn assert_real_commands(name: &str, runs: &[String]) -> Vec<Vec<String>> {
    let mut helps: HashMap<String, String> = HashMap::new();
    let mut checked = Vec::new();
    for command in runs.iter().flat_map(|run| smce_guard_commands(run)) {
        let sub = command
            .first()
            .filter(|w| !w.starts_with('-'))
            .unwrap_or_else(|| panic!("{name} runs smce-guard without a subcommand"));
        let help = helps.entry(sub.clone()).or_insert_with(|| {
            let help = smce_guard([sub.as_str(), "--help"]);
            assert_eq!(
                help.code, 0,
                "{name} names a subcommand that does not exist: {sub}"
            );
            help.stdout
        });
        for flag in command.iter().filter(|w| w.starts_with("--")) {
            let flag = flag.split('=').next().unwrap();
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "{name}: `smce-guard {sub}` has no flag {flag}"
            );
        }
        checked.push(command);
    }
    checked
}

/// Whether one of `commands` is `sub` with all of `words` (flags and values, in any place).
fn runs_command(commands: &[Vec<String>], sub: &str, words: &[&str]) -> bool {
    commands
        .iter()
        .any(|c| c[0] == sub && words.iter().all(|w| c.iter().any(|x| x == w)))
}

/// The markdown pages under `docs/`, as (path, text).
fn pages() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, found: &mut Vec<(PathBuf, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                found.push((path, text));
            }
        }
    }
    let mut found = Vec::new();
    walk(&root().join("docs"), &mut found);
    found
}

#[test]
fn every_workflow_recipe_is_real_pinned_installs_by_hash_and_is_on_a_page() {
    let pages = pages();
    for path in files("docs/recipes/workflows", ".yml") {
        let text = read(&path);
        assert!(text.starts_with("# "), "{path} starts with a comment");
        let tree = parse_yaml(&path, &text);
        let runs = tree.scalars("run");
        let commands = assert_real_commands(&path, &runs);
        assert!(!commands.is_empty(), "{path} runs no smce-guard command");
        assert_pinned(&path, &text, &tree);
        assert_no_expression_in_scripts(&path, &tree);
        assert_installs_by_hash(&path, &text, &runs);
        assert_eq!(
            tree.at(&["permissions"]).keys().len(),
            0,
            "{path}: nothing by default"
        );
        for (job, node) in tree.at(&["jobs"]).entries() {
            assert!(
                node.get("permissions").is_some(),
                "{path}: job {job} says what it needs"
            );
        }
        for checkout in tree.at(&["jobs"]).scalars("persist-credentials") {
            assert_eq!(
                checkout, "false",
                "{path}: no credentials left in the checkout"
            );
        }
        let include = format!("--8<-- \"{path}\"");
        assert!(
            pages.iter().any(|(_, t)| t.contains(&include)),
            "{path} is included into no page (`{include}`)"
        );
    }
}

#[test]
fn pull_request_gate_lints_against_the_checkout_and_nothing_that_ages() {
    let path = "docs/recipes/workflows/smce-guard-pull-request.yml";
    let text = read(path);
    let tree = parse_yaml(path, &text);
    let on = tree.at(&["on"]);
    assert!(on.get("pull_request").is_some(), "runs on pull requests");
    assert!(on.get("schedule").is_none(), "nothing on a timer");
    let commands = assert_real_commands(path, &tree.scalars("run"));
    assert!(runs_command(&commands, "lint", &["--infrastructure", "."]));
    // Nothing reads AWS or a recording: no credentials, no check, no expiries, no OIDC token.
    for sub in ["check", "expiries", "snapshot", "verify-key", "init"] {
        assert!(!runs_command(&commands, sub, &[]), "{path} runs {sub}");
    }
    for refused in [
        "id-token",
        "secrets.",
        "configure-aws-credentials",
        "fixtures",
    ] {
        assert!(!text.contains(refused), "{path} uses {refused}");
    }
}

#[test]
fn live_recipe_assumes_one_role_per_account_of_the_policies() {
    let path = "docs/recipes/workflows/smce-guard-live.yml";
    let text = read(path);
    let tree = parse_yaml(path, &text);
    let job = tree.at(&["jobs", "live"]);
    let permissions = job.at(&["permissions"]);
    assert_eq!(permissions.at(&["id-token"]).text(), "write");
    assert_eq!(permissions.at(&["issues"]).text(), "write");
    assert_eq!(permissions.at(&["contents"]).text(), "read");
    assert_eq!(permissions.keys().len(), 3, "nothing else: {permissions:?}");
    assert!(tree.at(&["on"]).get("schedule").is_some());
    let credentials = job
        .at(&["steps"])
        .items()
        .iter()
        .find(|s| {
            s.get("uses").is_some_and(|u| {
                u.text()
                    .starts_with("aws-actions/configure-aws-credentials@")
            })
        })
        .expect("a configure-aws-credentials step");
    assert_eq!(
        credentials.at(&["with", "role-to-assume"]).text(),
        "${{ matrix.role }}"
    );
    let commands = assert_real_commands(path, &job.scalars("run"));
    assert!(runs_command(
        &commands,
        "check",
        &["--live", "--account", "\"$ACCOUNT\"", "--format", "json"]
    ));
    // Ambient credentials: no role assumed by smce-guard itself, no profile.
    for command in &commands {
        assert!(
            !command
                .iter()
                .any(|w| w == "--role-name" || w == "--profile"),
            "{command:?}"
        );
    }
    // Each matrix entry is an account of the repository's policies, with a role in that
    // account named as the terraform names it.
    let role_name = terraform_default(&terraform_recipe(), "role_name");
    let include = job.at(&["strategy", "matrix", "include"]).items();
    assert!(include.len() >= 2, "one job per account");
    let ids = policy_ids();
    for entry in include {
        let account = entry.at(&["account"]).text();
        let id = ids
            .get(account)
            .unwrap_or_else(|| panic!("{path}: no policy declares account {account}"));
        assert_eq!(
            entry.at(&["role"]).text(),
            format!("arn:aws:iam::{id}:role/{role_name}"),
            "{path}: the role of {account}"
        );
    }
}

/// `account.name` → `account.id` of the repository's policies.
fn policy_ids() -> HashMap<String, String> {
    let run = smce_guard(["check", "--format", "json"]);
    run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                a["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// zizmor
// ---------------------------------------------------------------------------------------------

/// zizmor (GitHub Actions' static analyser, from `.venv-test/`) finds nothing, at its most
/// pedantic, in the action, the repository's workflows or the workflow recipes.
#[test]
fn zizmor_finds_nothing_in_the_action_the_workflows_or_the_recipes() {
    let Some(zizmor) = required_tool("zizmor") else {
        return;
    };
    let mut paths = vec!["action.yml".to_owned()];
    paths.extend(files(".github/workflows", ".yml"));
    paths.extend(files("docs/recipes/workflows", ".yml"));
    let out = Command::new(zizmor)
        .args(["--offline", "--persona", "pedantic", "--format", "json"])
        .args(&paths)
        .current_dir(root())
        .output()
        .unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "zizmor printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(
        findings,
        json!([]),
        "zizmor found something in {paths:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // It reads every file it was given as a workflow or an action (it skips none).
    let log = String::from_utf8_lossy(&out.stderr);
    for path in &paths {
        assert!(log.contains(&format!("completed {path}")), "{path}:\n{log}");
    }
}

// ---------------------------------------------------------------------------------------------
// Terraform and IAM JSON
// ---------------------------------------------------------------------------------------------

/// The terraform files `paths` (relative to the root) as python-hcl2 reads them, as plain JSON.
fn hcl(paths: &[&str]) -> Option<Value> {
    required_tool("python3")?;
    let out = Command::new(python())
        .arg(root().join("tests/consumers/terraform.py"))
        .args(paths)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python-hcl2 refused {paths:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

const TERRAFORM: &str = "docs/recipes/terraform/smce-guard-reader-role.tf";

fn terraform_recipe() -> Value {
    hcl(&[TERRAFORM]).map_or(Value::Null, |mut v| v[TERRAFORM].take())
}

/// A variable's default in a parsed terraform file (or, when python-hcl2 is missing and the test
/// was skipped, the role name the recipes use).
fn terraform_default(tf: &Value, name: &str) -> String {
    if tf.is_null() {
        return "smce-guard-reader".to_owned();
    }
    tf["variable"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|v| v.get(name))
        .and_then(|v| v["default"].as_str())
        .unwrap_or_else(|| panic!("no default for variable {name}"))
        .to_owned()
}

/// The one block of kind `kind` (resource or data) of `type_` named `name`.
fn block<'a>(tf: &'a Value, kind: &str, type_: &str, name: &str) -> &'a Value {
    let hits: Vec<&Value> = tf[kind]
        .as_array()
        .unwrap_or_else(|| panic!("no {kind} blocks"))
        .iter()
        .filter_map(|b| b.get(type_).and_then(|t| t.get(name)))
        .collect();
    assert_eq!(hits.len(), 1, "one {kind} {type_}.{name}");
    hits[0]
}

#[test]
fn reader_role_terraform_trusts_only_the_default_branch_and_grants_only_the_reader_policy() {
    let tf = terraform_recipe();
    if tf.is_null() {
        return;
    }
    assert_eq!(
        terraform_default(&tf, "github_repository"),
        "2i2c-org/infrastructure"
    );
    assert_eq!(terraform_default(&tf, "github_branch"), "main");
    let provider = block(&tf, "resource", "aws_iam_openid_connect_provider", "github");
    assert_eq!(
        provider["url"],
        "https://token.actions.githubusercontent.com"
    );
    assert_eq!(provider["client_id_list"], json!(["sts.amazonaws.com"]));
    let trust = block(&tf, "data", "aws_iam_policy_document", "trust");
    let statements = trust["statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let statement = &statements[0];
    assert_eq!(statement["effect"], "Allow");
    assert_eq!(
        statement["actions"],
        json!(["sts:AssumeRoleWithWebIdentity"])
    );
    assert_eq!(statement["principals"][0]["type"], "Federated");
    let conditions: Vec<(String, String, Value)> = statement["condition"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["test"].as_str().unwrap().to_owned(),
                c["variable"].as_str().unwrap().to_owned(),
                c["values"].clone(),
            )
        })
        .collect();
    assert_eq!(
        conditions,
        [
            (
                "StringEquals".to_owned(),
                "token.actions.githubusercontent.com:aud".to_owned(),
                json!(["sts.amazonaws.com"])
            ),
            (
                "StringEquals".to_owned(),
                "token.actions.githubusercontent.com:sub".to_owned(),
                json!(["repo:${var.github_repository}:ref:refs/heads/${var.github_branch}"])
            ),
        ],
        "exactly one repository's one branch, by StringEquals"
    );
    // One role, one inline policy (the reader policy file the recipe names), nothing attached.
    let role = block(&tf, "resource", "aws_iam_role", "reader");
    assert_eq!(
        role["assume_role_policy"],
        "${data.aws_iam_policy_document.trust.json}"
    );
    assert!(role.get("managed_policy_arns").is_none());
    let resources: Vec<String> = tf["resource"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b.as_object().unwrap().keys().cloned())
        .collect();
    assert_eq!(
        resources,
        [
            "aws_iam_openid_connect_provider",
            "aws_iam_role",
            "aws_iam_role_policy"
        ]
    );
    let grant = block(&tf, "resource", "aws_iam_role_policy", "reader");
    assert_eq!(
        grant["policy"],
        "${jsonencode(jsondecode(file(\"${path.module}/${var.reader_policy_file}\")))}"
    );
    // The file it names is the repository's reader policy (whatever it is called): JSON, only
    // Allow statements, only read operations.
    let file = terraform_default(&tf, "reader_policy_file");
    let policy: Value = serde_json::from_str(&read(&format!("iam/{file}")))
        .unwrap_or_else(|e| panic!("iam/{file}, the recipe's reader policy, is not JSON: {e}"));
    let statements = policy["Statement"].as_array().unwrap();
    assert!(!statements.is_empty());
    for statement in statements {
        assert_eq!(statement["Effect"], "Allow", "iam/{file}");
        let actions: Vec<&str> = match &statement["Action"] {
            Value::String(a) => vec![a.as_str()],
            Value::Array(a) => a.iter().map(|a| a.as_str().unwrap()).collect(),
            other => panic!("{other}"),
        };
        for action in actions {
            let verb = action.split(':').nth(1).unwrap();
            assert!(
                ["Get", "List", "Generate", "AssumeRole"]
                    .iter()
                    .any(|v| verb.starts_with(v)),
                "iam/{file} grants {action}"
            );
        }
    }
    // The role ARN the live recipe's matrix names is the role this creates.
    assert_eq!(role["name"], "${var.role_name}");
}

#[test]
fn trust_policy_for_smde_is_the_terraforms_trust() {
    let trust: Value = serde_json::from_str(&read("docs/recipes/iam/smce-guard-reader-trust.json"))
        .expect("the trust policy is JSON");
    let statements = trust["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let statement = &statements[0];
    assert_eq!(statement["Effect"], "Allow");
    assert_eq!(statement["Action"], "sts:AssumeRoleWithWebIdentity");
    assert_eq!(
        statement["Principal"]["Federated"],
        "arn:aws:iam::ACCOUNT_ID:oidc-provider/token.actions.githubusercontent.com"
    );
    let tf = terraform_recipe();
    let (repository, branch) = if tf.is_null() {
        ("2i2c-org/infrastructure".to_owned(), "main".to_owned())
    } else {
        (
            terraform_default(&tf, "github_repository"),
            terraform_default(&tf, "github_branch"),
        )
    };
    assert_eq!(
        statement["Condition"],
        json!({"StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": format!("repo:{repository}:ref:refs/heads/{branch}"),
        }})
    );
    let page = read("docs/live.md");
    assert!(page.contains("--8<-- \"docs/recipes/iam/smce-guard-reader-trust.json\""));
    assert!(page.contains("--8<-- \"docs/recipes/terraform/smce-guard-reader-role.tf\""));
}

#[test]
fn every_terraform_file_parses() {
    let mut paths = files("docs/recipes/terraform", ".tf");
    paths.extend(files("iam", ".tf"));
    let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
    let Some(parsed) = hcl(&paths) else {
        return;
    };
    for path in paths {
        assert!(parsed[path]["resource"].is_array(), "{path} has resources");
        assert!(read(path).starts_with("# "), "{path} starts with a comment");
    }
}

// ---------------------------------------------------------------------------------------------
// Running the recipes' steps
// ---------------------------------------------------------------------------------------------

/// One step of a job, as the runner sees it.
struct Step {
    id: Option<String>,
    run: Option<String>,
    env: Vec<(String, String)>,
    always: bool,
}

fn steps(job: &Node) -> Vec<Step> {
    job.at(&["steps"])
        .items()
        .iter()
        .map(|step| {
            let always = match step.get("if").map(Node::text) {
                None => false,
                Some("always()") => true,
                Some(other) => panic!("the runner here knows no `if: {other}`"),
            };
            Step {
                id: step.get("id").map(|n| n.text().to_owned()),
                run: step.get("run").map(|n| n.text().to_owned()),
                env: step
                    .get("env")
                    .map(|e| {
                        e.entries()
                            .iter()
                            .map(|(k, v)| (k.clone(), v.text().to_owned()))
                            .collect()
                    })
                    .unwrap_or_default(),
                always,
            }
        })
        .collect()
}

/// `text` with each `${{ expression }}` replaced by its value in `context` (an expression the
/// test does not know fails it, so a recipe cannot slip one past).
fn expand(text: &str, context: &HashMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("${{") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find("}}").expect("an expression ends") + at;
        let expression = rest[at + 3..end].trim();
        let value = context
            .get(expression)
            .unwrap_or_else(|| panic!("no value for the expression `{expression}`"));
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// What one run of a job did.
struct JobRun {
    /// Each step that ran: (its script, exit code, stdout and stderr).
    steps: Vec<(String, i32, String)>,
    summary: String,
    succeeded: bool,
}

impl JobRun {
    /// Everything a public repository would show of the run: its log and its summary.
    fn public_text(&self) -> String {
        let mut text = self.summary.clone();
        for (_, _, log) in &self.steps {
            text.push_str(log);
        }
        text
    }
}

/// Runs a job's `run:` steps the way GitHub's runner does (bash `-eo pipefail`, step outputs
/// through `$GITHUB_OUTPUT`, a failed step skipping all but `if: always()` steps), in `workspace`,
/// with `env` (the runner's and the job's) and the `${{ }}` values of `context`. Steps that use an
/// action are skipped (the test stands in for them), and so is the install step (smce-guard is
/// the binary under test, first on PATH).
fn run_job(
    job: &Node,
    workspace: &Path,
    env: &[(String, String)],
    context: &HashMap<String, String>,
) -> JobRun {
    let scratch = tempfile::tempdir().unwrap();
    let summary = scratch.path().join("summary.md");
    std::fs::write(&summary, "").unwrap();
    let runner_temp = scratch.path().join("runner-temp");
    std::fs::create_dir(&runner_temp).unwrap();
    let mut context = context.clone();
    let job_env: Vec<(String, String)> = job
        .get("env")
        .map(|e| {
            e.entries()
                .iter()
                .map(|(k, v)| (k.clone(), expand(v.text(), &context)))
                .collect()
        })
        .unwrap_or_default();
    let mut run = JobRun {
        steps: Vec::new(),
        summary: String::new(),
        succeeded: true,
    };
    for (index, step) in steps(job).into_iter().enumerate() {
        let Some(script) = &step.run else { continue };
        if script.contains("--require-hashes") || (!run.succeeded && !step.always) {
            continue;
        }
        let output = scratch.path().join(format!("output-{index}"));
        std::fs::write(&output, "").unwrap();
        let file = scratch.path().join(format!("step-{index}.sh"));
        std::fs::write(&file, script).unwrap();
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&file)
            .current_dir(workspace)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k, v)))
            .envs(job_env.iter().map(|(k, v)| (k, v)))
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_PATH", scratch.path().join("path"))
            .env("RUNNER_TEMP", &runner_temp);
        for (key, value) in &step.env {
            command.env(key, expand(value, &context));
        }
        let out = command.output().unwrap();
        let code = out.status.code().expect("the step was not killed");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(id) = &step.id {
            for line in std::fs::read_to_string(&output).unwrap().lines() {
                if let Some((key, value)) = line.split_once('=') {
                    context.insert(format!("steps.{id}.outputs.{key}"), value.to_owned());
                }
            }
        }
        run.succeeded &= code == 0;
        run.steps.push((script.clone(), code, log));
    }
    run.summary = std::fs::read_to_string(&summary).unwrap();
    run
}

/// A folder holding `smce-guard` (the binary under test) and `gh` (the stand-in of
/// `tests/consumers/gh.py`, keeping its state in `state`), first on the runner's PATH.
fn tool_dir(state: &Path) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_smce-guard"),
        dir.path().join("smce-guard"),
    )
    .unwrap();
    let gh = dir.path().join("gh");
    std::fs::write(
        &gh,
        format!(
            "#!/bin/sh\nFAKE_GH_STATE='{}' exec '{}' '{}' \"$@\"\n",
            state.display(),
            python().display(),
            root().join("tests/consumers/gh.py").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// The runner's environment: PATH with `tools` first, then the system's (bash, jq, coreutils).
fn runner_env(tools: &Path) -> Vec<(String, String)> {
    let system = std::env::var("PATH").unwrap_or_default();
    vec![
        ("PATH".into(), format!("{}:{system}", tools.display())),
        ("HOME".into(), std::env::temp_dir().display().to_string()),
        ("NO_COLOR".into(), "1".into()),
    ]
}

/// The pull-request gate's steps, run for real on a checkout like 2i2c-org/infrastructure's: the
/// real cluster files of the four SMCE hubs and the repository's policies for them in
/// `smce-guard/policies/` (not the legacy example, an invented account with no cluster). It
/// passes, writes its summary, and fails on a policy that disagrees with its cluster file.
#[test]
fn pull_request_gate_runs_on_a_copy_of_the_infrastructure_checkout() {
    let path = "docs/recipes/workflows/smce-guard-pull-request.yml";
    let tree = parse_yaml(path, &read(path));
    let job = tree.at(&["jobs", "lint"]);
    let checkout = tempfile::tempdir().unwrap();
    copy_tree(&root().join("tests/data/infrastructure"), checkout.path());
    copy_tree(
        &root().join("policies"),
        &checkout.path().join("smce-guard/policies"),
    );
    std::fs::remove_file(
        checkout
            .path()
            .join("smce-guard/policies/legacy-members.yaml"),
    )
    .unwrap();
    let state = checkout.path().join("gh.json");
    let tools = tool_dir(&state);
    let env = runner_env(tools.path());
    let context = HashMap::new();

    let run = run_job(job, checkout.path(), &env, &context);
    assert!(run.succeeded, "{:?}", run.steps);
    assert_eq!(run.steps.len(), 2, "lint and its summary ran");
    assert!(run.summary.contains("0 errors"), "{}", run.summary);

    // A policy whose account id is not its cluster file's fails the gate at that line.
    let policy = checkout.path().join("smce-guard/policies/maap.yaml");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(&policy, text.replacen("916098889494", "916098889495", 1)).unwrap();
    let run = run_job(job, checkout.path(), &env, &context);
    assert!(!run.succeeded);
    let (_, code, log) = &run.steps[0];
    assert_eq!(*code, 2, "{log}");
    assert!(
        log.contains("::error file=smce-guard/policies/maap.yaml,line=")
            && log.contains("infrastructure.mismatch"),
        "{log}"
    );
}

/// The live recipe's steps for one account, run for real against `moto_server` (the test stands
/// in for configure-aws-credentials with moto's credentials, and for `gh` with a stand-in that
/// keeps issues in a file): drift opens one issue titled `smce-guard: NAME` and fails the job, the
/// same drift the next day rewrites it without a comment, a clean account closes it; and no user
/// name or key id of the account reaches the issue, the summary or the log.
#[test]
fn live_recipe_keeps_one_issue_per_account_and_publishes_nothing_sensitive() {
    let path = "docs/recipes/workflows/smce-guard-live.yml";
    let tree = parse_yaml(path, &read(path));
    let job = tree.at(&["jobs", "live"]);
    let account = job.at(&["strategy", "matrix", "include"]).items()[0]
        .at(&["account"])
        .text()
        .to_owned();

    let moto = crate::moto::Moto::start();
    let id = "123456789012"; // moto's account for its `testing` credentials
    // An SMCE account (the one builder's baseline) holding the deployer and a stranger.
    use crate::moto::scenario;
    let stranger = "secret-contractor-zq";
    let seeded = moto.seed(&json!({"accounts": [scenario::account(
        id,
        vec![
            scenario::deployer(id, &account),
            json!({"name": stranger, "keys": ["Active"]}),
        ],
    )]}));
    let key_ids: Vec<String> = seeded["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(key_ids.len(), 2);

    // A checkout: the account's policy (SSO era: no members) and its cluster file, whose
    // credentials were re-encrypted after the seeded key was made.
    let checkout = tempfile::tempdir().unwrap();
    let policies = checkout.path().join("smce-guard/policies");
    std::fs::create_dir_all(&policies).unwrap();
    let policy_text = format!(
        "account:\n  id: \"{id}\"\n  name: {account}\n  contacts: [{{email: ops@example.org}}]\n\
         deployer:\n  cluster: {account}\n  rotation_grace_days: 60\n"
    );
    let policy = policies.join(format!("{account}.yaml"));
    std::fs::write(&policy, &policy_text).unwrap();
    let cluster = checkout.path().join(format!("config/clusters/{account}"));
    std::fs::create_dir_all(&cluster).unwrap();
    std::fs::write(
        cluster.join("cluster.yaml"),
        format!(
            "name: {account}\nprovider: aws\naws:\n  account: {id}\n  key: enc-deployer-credentials.secret.json\n  clusterName: {account}\n  region: us-west-2\n"
        ),
    )
    .unwrap();
    let later = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(1))
        .unwrap();
    std::fs::write(
        cluster.join("enc-deployer-credentials.secret.json"),
        json!({"AccessKey": "ENC[...]", "sops": {"lastmodified": later.to_string()}}).to_string(),
    )
    .unwrap();

    let state = checkout.path().join("gh.json");
    let tools = tool_dir(&state);
    let scratch = tempfile::tempdir().unwrap();
    let mut env = runner_env(tools.path());
    env.extend(
        [
            ("AWS_ENDPOINT_URL", moto.proxy().url()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("AWS_REGION", "us-west-2".to_owned()),
            (
                "AWS_CONFIG_FILE",
                scratch.path().join("none").display().to_string(),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                scratch.path().join("none").display().to_string(),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
            ("NO_PROXY", "127.0.0.1".to_owned()),
        ]
        .map(|(k, v)| (k.to_owned(), v)),
    );
    let run_url = "https://github.com/2i2c-org/infrastructure/actions/runs/42";
    let context: HashMap<String, String> = [
        ("matrix.account", account.as_str()),
        (
            "matrix.role",
            "arn:aws:iam::123456789012:role/smce-guard-reader",
        ),
        ("github.token", "not-a-token"),
        ("github.server_url", "https://github.com"),
        ("github.repository", "2i2c-org/infrastructure"),
        ("github.run_id", "42"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let issues = || -> Value {
        serde_json::from_str::<Value>(&std::fs::read_to_string(&state).unwrap()).unwrap()["issues"]
            .clone()
    };
    let assert_nothing_sensitive = |what: &str, text: &str| {
        assert!(!text.contains(stranger), "{what} names {stranger}:\n{text}");
        for key in &key_ids {
            assert!(
                !text.contains(key.as_str()),
                "{what} shows key {key}:\n{text}"
            );
        }
    };
    let title = format!("smce-guard: {account}");

    // Day 1: an undeclared user with a key is drift: one issue, the job fails with exit 1.
    let day1 = run_job(job, checkout.path(), &env, &context);
    assert!(!day1.succeeded, "{:?}", day1.steps);
    let (last, code, _) = day1.steps.last().unwrap();
    assert_eq!((last.as_str(), *code), ("exit \"${STATUS:-2}\"", 1));
    let opened = issues();
    assert_eq!(opened.as_array().unwrap().len(), 1, "{opened}");
    let issue = &opened[0];
    assert_eq!(issue["title"], title.as_str());
    assert_eq!(issue["state"], "open");
    let body = issue["body"].as_str().unwrap();
    assert!(
        body.contains("<!-- state: drift user.unmanaged -->")
            && body.contains("| `user.unmanaged` | 1 |")
            && body.contains(run_url),
        "{body}"
    );
    assert_nothing_sensitive("the issue", body);
    assert_nothing_sensitive("the run's log and summary", &day1.public_text());
    assert!(
        day1.summary
            .contains(&format!("**{account}**: drift `user.unmanaged`")),
        "{}",
        day1.summary
    );
    // The body renders as GitHub renders issues: a table with the code.
    let rendered = crate::escaping::consume("markdown.py", body);
    assert!(
        rendered.to_string().contains("user.unmanaged"),
        "{rendered}"
    );

    // Day 2, the same drift: the body is rewritten, no comment, still one issue.
    let day2 = run_job(job, checkout.path(), &env, &context);
    assert!(!day2.succeeded);
    let same = issues();
    assert_eq!(same.as_array().unwrap().len(), 1);
    assert_eq!(
        same[0]["comments"],
        json!([]),
        "no comment when nothing changed"
    );
    assert_eq!(same[0]["state"], "open");

    // Day 3: the user is accepted (ignore_users): the account is clean and the issue closed.
    std::fs::write(
        &policy,
        format!("{policy_text}ignore_users: [{stranger}]\n"),
    )
    .unwrap();
    let day3 = run_job(job, checkout.path(), &env, &context);
    assert!(day3.succeeded, "{:?}", day3.steps);
    let closed = issues();
    assert_eq!(closed.as_array().unwrap().len(), 1);
    assert_eq!(closed[0]["state"], "closed");
    assert_eq!(
        closed[0]["comments"],
        json!([format!("Clean in {run_url}")])
    );
    assert!(
        day3.summary.contains(&format!("**{account}**: ok")),
        "{}",
        day3.summary
    );
    assert_nothing_sensitive("the run's log and summary", &day3.public_text());
}
