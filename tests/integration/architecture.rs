//! The layers hold: each top-level module of `src/` imports only the layers below it (read from
//! the source, comments aside), every file opens with a `//!` comment saying what it owns, and no
//! file grows past about 400 lines. The import graph this enforces is the one the contributor
//! docs draw: command line → pipelines → policy / observe / infrastructure → engine → outcome →
//! report → base helpers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What each layer may import (besides itself). A change here is a change of the architecture.
const ALLOWED: &[(&str, &[&str])] = &[
    ("base", &[]),
    ("outcome", &["base"]),
    ("report", &["base", "outcome"]),
    ("policy", &["base"]),
    ("observe", &["base"]),
    ("engine", &["base", "observe", "outcome", "policy"]),
    ("infrastructure", &["base", "engine", "policy"]),
    (
        "pipelines",
        &[
            "base",
            "engine",
            "infrastructure",
            "observe",
            "outcome",
            "policy",
        ],
    ),
    (
        "cli",
        &[
            "base",
            "observe",
            "outcome",
            "pipelines",
            "policy",
            "report",
        ],
    ),
];

/// Files allowed past the limit: none today.
const LONG_FILES: &[&str] = &[];
const MAX_LINES: usize = 400;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layers a file's code (not its comments) names as `crate::<layer>`.
fn imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
#[allow(clippy::print_stdout)] // The graph is printed for the record, where cargo test shows it.
fn every_layer_imports_only_the_layers_below_it() {
    let src = crate::common::root().join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let mut parts = relative.components();
        let first = parts.next().unwrap().as_os_str().to_string_lossy();
        let layer = first.trim_end_matches(".rs").to_owned();
        if layer == "lib" || layer == "main" {
            continue;
        }
        assert!(
            allowed.contains_key(layer.as_str()),
            "{}: `{layer}` is not a layer of the architecture (tests/integration/architecture.rs)",
            relative.display()
        );
        let text = std::fs::read_to_string(file).unwrap();
        for import in imports(&text) {
            if import == layer {
                continue;
            }
            assert!(
                allowed[layer.as_str()].contains(&import.as_str()),
                "{}: the `{layer}` layer imports `crate::{import}`, which is not below it",
                relative.display()
            );
        }
    }
    // And the allowed graph itself has no cycle: each layer only names layers listed before it.
    for (i, (layer, below)) in ALLOWED.iter().enumerate() {
        for name in *below {
            let position = ALLOWED.iter().position(|(l, _)| l == name).unwrap();
            assert!(
                position < i,
                "`{layer}` may import `{name}`, listed after it"
            );
        }
    }
}

#[test]
fn every_file_says_what_it_owns_and_stays_small() {
    let root = crate::common::root();
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "{files:?}");
    let mut long = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap().display().to_string();
        let text = std::fs::read_to_string(file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{relative} does not open with a `//!` comment saying what it owns"
        );
        let lines = text.lines().count();
        if lines > MAX_LINES && !LONG_FILES.contains(&relative.as_str()) {
            long.push(format!("{relative}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines (split them by job): {long:?}"
    );
}

/// One escaper per target (issue 18): shell words are quoted only by `base/shell.rs`, YAML only
/// by `base/yaml_text.rs`, JSON pointers (RFC 6901) only by `base/route.rs`, and every output
/// format's escaping is in `report/escape/`; no other
/// file defines a quoting or escaping function, or escapes markdown's `|`, the runner's `##[` or
/// a shell's `'` by hand.
#[test]
fn one_escaper_per_target() {
    let src = crate::common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let escaping = |relative: &str| {
        relative == "base/shell.rs"
            || relative == "base/yaml_text.rs"
            || relative == "base/route.rs"
            || relative.starts_with("report/escape/")
    };
    let mut found = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap().display().to_string();
        if escaping(&relative) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            // A function named for quoting or escaping: a word of its name is one of these.
            let name = code
                .split("fn ")
                .nth(1)
                .map(|rest| rest.split(['(', '<']).next().unwrap_or(""));
            let defines = name.is_some_and(|name| {
                name.split('_')
                    .any(|word| ["quote", "quoted", "escape", "unescape"].contains(&word))
            });
            let by_hand = ["replace('|'", "replace(\"|\"", "\"##[\"", "replace('\\''"]
                .iter()
                .any(|pattern| code.contains(pattern));
            if defines || by_hand {
                found.push(format!("{relative}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "quoting or escaping outside its one module per target:\n{}",
        found.join("\n")
    );
}
