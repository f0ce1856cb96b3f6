//! `--infrastructure DIR`: the policies held to a checkout of a 2i2c-style infrastructure
//! repository, whose `config/clusters/<name>/cluster.yaml` says which account, region and EKS
//! cluster a hub deploys to, and whose sops-encrypted `aws.key` file holds the credentials CI uses.
//!
//! Two files that describe one account must agree; where they do not, the finding points at the
//! policy line and names the cluster file's line. The credentials file is never decrypted: only
//! its `sops.lastmodified` instant is read, and handed to the engine (which stays pure) to compare
//! with the deployer's keys. Files are read as policies are: regular files inside DIR, bounded.
//! [`estate`] reads every cluster of a checkout with the same readers (`inventory`).

pub mod estate;

use crate::base::codes::Code;
use crate::base::diag::{Diagnostic, Related};
use crate::base::source::{FileId, Route, SourceFile, Span};
use crate::engine::SopsStamp;
use crate::policy::{Policy, PolicySet};
use jiff::Timestamp;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// Cluster and sops files are a few kilobytes; the policy limit bounds them too.
const MAX_BYTES: u64 = crate::policy::MAX_POLICY_BYTES;

/// One value of the cluster file, with where it sits.
#[derive(Debug, Clone)]
pub struct Field {
    pub value: String,
    /// How the file spells its place, e.g. `aws.region`.
    pub key: &'static str,
    span: Span,
}

/// What a cluster file says about its account.
#[derive(Debug, Clone)]
pub struct ClusterFile {
    /// The path relative to DIR, as the user looks it up.
    pub path: String,
    source: SourceFile,
    pub provider: Option<String>,
    /// The account id: `aws.account` (a YAML integer) or a 12-digit top-level `account`. A
    /// top-level `account` that is not an id is the console sign-in alias and is not kept.
    pub account_id: Option<Field>,
    pub region: Option<Field>,
    pub cluster_name: Option<Field>,
    /// The sops-encrypted deployer credentials, relative to the cluster file's folder.
    pub key: Option<Field>,
}

impl ClusterFile {
    /// The cluster file's place of `field`, for a finding that names it.
    /// The file's path (relative to the infrastructure directory) is placed for the report by
    /// [`Place::name`].
    pub fn related(&self, field: &Field) -> Related {
        let (line, column) = self.source.line_col(field.span.start);
        Related {
            file: self.path.clone(),
            root: None,
            span: field.span,
            line,
            column,
            message: format!("{}: {}", field.key, field.value),
        }
    }

    /// `path:line` of `field`.
    pub fn at(&self, field: &Field) -> String {
        format!("{}:{}", self.path, self.source.line_col(field.span.start).0)
    }
}

/// The cluster file of `policy`: `account.cluster_config`, or the 2i2c convention.
pub fn cluster_path(account: &crate::policy::model::Account) -> String {
    account
        .cluster_config
        .clone()
        .unwrap_or_else(|| format!("config/clusters/{}/cluster.yaml", account.name))
}

/// Reads a file inside `dir` (confined as a policy is), to at most [`MAX_BYTES`].
fn read_text(dir: &Path, relative: &str) -> Result<String, String> {
    let path = dir.join(relative);
    if std::fs::symlink_metadata(&path).is_err() {
        return Err(format!("{relative} does not exist in {}", dir.display()));
    }
    let (file, _) = crate::base::confined::open(&path, dir)?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_BYTES + 1), &mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{} is larger than {MAX_BYTES} bytes",
            path.display()
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", path.display()))
}

/// Parses YAML (or JSON, which is YAML) with the policies' own parser: no anchors, no
/// duplicate keys, bounded depth; its messages name the file as what it is (`what`), never a
/// policy. Returns the value and where each node sits.
fn parse(
    name: &str,
    text: &str,
    what: crate::policy::yaml::Document,
) -> Result<(Value, crate::base::source::RouteIndex), String> {
    let parsed = crate::policy::yaml::parse_as(0, text, what);
    let mut index = parsed.index;
    index.finish();
    match (parsed.value, parsed.diagnostics.first()) {
        (Some(value), None) => Ok((value, index)),
        (_, Some(problem)) => {
            // Where it went wrong, as a policy's syntax error says it: line and column.
            let at = match &problem.location {
                crate::base::diag::Location::Span(span) => {
                    let (line, column) = SourceFile::new(name, text).line_col(span.start);
                    format!(" (line {line}, column {column})")
                }
                _ => String::new(),
            };
            Err(format!(
                "{name} is not readable YAML{at}: {}",
                problem.message
            ))
        }
        (None, None) => Err(format!("{name} is empty")),
    }
}

/// Reads and parses `relative` (a cluster file) under `dir`.
pub fn read_cluster(dir: &Path, relative: &str) -> Result<ClusterFile, String> {
    let text = read_text(dir, relative)?;
    let (value, index) = parse(relative, &text, crate::policy::yaml::Document::ClusterFile)?;
    let field = |pointer: &str, key: &'static str| -> Option<Field> {
        let value = match value.pointer(pointer)? {
            Value::String(s) => s.clone(),
            // An id YAML read as an integer lost its leading zeros; ids are 12 digits.
            Value::Number(n) if key == "aws.account" => format!("{n:0>12}"),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let span = index.get(pointer).map_or(Span::point(0), |(_, span)| span);
        Some(Field { value, key, span })
    };
    let is_id = |f: &Field| f.value.len() == 12 && f.value.bytes().all(|b| b.is_ascii_digit());
    let account_id =
        field("/aws/account", "aws.account").or_else(|| field("/account", "account").filter(is_id));
    Ok(ClusterFile {
        path: relative.to_owned(),
        provider: field("/provider", "provider").map(|f| f.value),
        account_id,
        region: field("/aws/region", "aws.region"),
        cluster_name: field("/aws/clusterName", "aws.clusterName"),
        key: field("/aws/key", "aws.key"),
        source: SourceFile::new(relative, text),
    })
}

/// The `sops.lastmodified` instant of the credentials file `relative` under `dir`, never
/// decrypting anything.
pub fn sops_modified(dir: &Path, relative: &str) -> Result<Timestamp, String> {
    let text = read_text(dir, relative)?;
    let (value, _) = parse(relative, &text, crate::policy::yaml::Document::SopsFile)?;
    let Some(sops) = value.get("sops") else {
        return Err(format!(
            "{relative} has no `sops` block: it is not a sops-encrypted file"
        ));
    };
    let modified = sops.get("lastmodified").and_then(Value::as_str);
    let Some(modified) = modified else {
        return Err(format!("{relative} has no `sops.lastmodified`"));
    };
    modified.parse().map_err(|_| {
        format!("{relative}: `sops.lastmodified` is `{modified}`, not an RFC 3339 instant")
    })
}

/// How a report names a file of the infrastructure directory for a reader elsewhere (SARIF, read
/// in the repository the report is uploaded from): by its path from the directory the command
/// runs in when the infrastructure directory is inside it (`--infrastructure .` in a checkout of
/// the infrastructure repository), else relative to the infrastructure directory, whose
/// absolute `file:` URI goes with it.
pub struct Place {
    /// The infrastructure directory's path from the current directory.
    inside: Option<std::path::PathBuf>,
    /// Its `file:` URI, when it is not inside.
    root: Option<String>,
}

impl Place {
    pub fn of(dir: &Path) -> Place {
        let real = std::fs::canonicalize(dir);
        let here = std::env::current_dir().and_then(std::fs::canonicalize);
        match (real, here) {
            (Ok(real), Ok(here)) => match real.strip_prefix(&here) {
                Ok(inside) => Place {
                    inside: Some(inside.to_owned()),
                    root: None,
                },
                Err(_) => Place {
                    inside: None,
                    root: Some(file_uri(&real)),
                },
            },
            // Unresolvable (it was read, so this is a race): as the user named it.
            _ => Place {
                inside: Some(dir.to_owned()),
                root: None,
            },
        }
    }

    /// `related`, its file named for a reader of the report.
    fn name(&self, mut related: Related) -> Related {
        if let Some(inside) = &self.inside {
            let path = inside.join(&related.file);
            related.file = path.to_string_lossy().replace('\\', "/");
        }
        related.root = self.root.clone();
        related
    }
}

/// `file:///…/` for an absolute directory, each byte outside a path's plain characters
/// percent-encoded.
fn file_uri(dir: &Path) -> String {
    const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'[')
        .add(b'\\')
        .add(b']')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let path = dir.to_string_lossy();
    let encoded = percent_encoding::utf8_percent_encode(&path, ENCODED);
    let mut uri = format!("file://{encoded}");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Holds one policy to its cluster file: the findings, and the deployer credentials' instant
/// when there is one to judge. Files the findings name are named as `naming` says.
pub fn compare(
    dir: &Path,
    naming: &Place,
    policy: &Policy,
    file: FileId,
) -> (Vec<Diagnostic>, Option<SopsStamp>) {
    let path = cluster_path(&policy.account);
    let missing = |message: String| {
        Diagnostic::new(Code::InfrastructureMissing, message)
            .at(file, Route::of(["account", "name"]))
            .with_help(Code::InfrastructureMissing.explanation().fix)
    };
    let cluster = match read_cluster(dir, &path) {
        Ok(cluster) => cluster,
        Err(message) => {
            let at = if policy.account.cluster_config.is_some() {
                "cluster_config"
            } else {
                "name"
            };
            let found = missing(format!("no cluster file for this account: {message}"));
            return (vec![found.at(file, Route::of(["account", at]))], None);
        }
    };
    if cluster.provider.as_deref() != Some("aws") {
        let provider = cluster.provider.as_deref().unwrap_or("(none)");
        let message = format!(
            "{path} says `provider: {provider}`: the hub does not deploy to an AWS account"
        );
        return (vec![missing(message)], None);
    }
    let mut out = Vec::new();
    let mut differ = |ours: &str, route: Route, theirs: &Option<Field>, what: &str| {
        let Some(theirs) = theirs else { return };
        if theirs.value == ours {
            return;
        }
        let place = cluster.at(theirs);
        out.push(
            Diagnostic::new(
                Code::InfrastructureMismatch,
                format!(
                    "{what} `{ours}` here, `{}` in the cluster file (cluster file: {place})",
                    theirs.value
                ),
            )
            .at(file, route)
            .with_label(format!("cluster file: {place}"))
            .with_related(naming.name(cluster.related(theirs)))
            .with_help(Code::InfrastructureMismatch.explanation().fix),
        );
    };
    let account = &policy.account;
    differ(
        &account.id,
        Route::of(["account", "id"]),
        &cluster.account_id,
        "account id",
    );
    differ(
        &account.region,
        Route::of(["account", "region"]),
        &cluster.region,
        "region",
    );
    if let Some(deployer) = &policy.deployer {
        let route = Route::of(["deployer", "cluster"]);
        differ(
            &deployer.cluster,
            route,
            &cluster.cluster_name,
            "EKS cluster",
        );
    }
    let stamp = match (&policy.deployer, &cluster.key) {
        (Some(_), Some(key)) => {
            let folder = Path::new(&path).parent().unwrap_or(Path::new(""));
            let relative = folder.join(&key.value).to_string_lossy().into_owned();
            match sops_modified(dir, &relative) {
                Ok(modified) => Some(SopsStamp {
                    file: relative,
                    modified,
                }),
                Err(message) => {
                    let place = cluster.at(key);
                    out.push(
                        missing(format!(
                            "the deployer credentials cannot be dated: {message} (cluster file: {place})"
                        ))
                        .at(file, Route::of(["deployer"]))
                        .with_related(naming.name(cluster.related(key))),
                    );
                    None
                }
            }
        }
        _ => None,
    };
    (out, stamp)
}

/// Holds every valid policy of `set` to its cluster file under `dir`, adding the findings to the
/// set; returns each account's deployer credentials instant, by account name.
pub fn apply(set: &mut PolicySet, dir: &Path) -> HashMap<String, SopsStamp> {
    let mut stamps = HashMap::new();
    let naming = Place::of(dir);
    let valid: std::collections::HashSet<FileId> = set.valid().map(|d| d.file).collect();
    let mut found = Vec::new();
    for declared in set.policies.iter().filter(|d| valid.contains(&d.file)) {
        let reread = match declared.read() {
            Ok(reread) => reread,
            Err(diagnostic) => {
                found.push(*diagnostic);
                continue;
            }
        };
        let (mut diagnostics, stamp) = compare(dir, &naming, &reread.policy, declared.file);
        crate::policy::locate(&reread.index, &mut diagnostics);
        if let Some(stamp) = stamp {
            stamps.insert(declared.account.name.clone(), stamp);
        }
        found.extend(diagnostics);
    }
    for file in found.iter().filter_map(|d| d.file) {
        if let Err(diagnostic) = set.keep_text(file) {
            set.diagnostics.push(*diagnostic);
        }
    }
    set.diagnostics.extend(found);
    set.sort_diagnostics();
    stamps
}
