//! SARIF 2.1.0 for GitHub code scanning: one rule per code with its explanation as help, and each
//! result located at the policy line it concerns. Waived findings carry an accepted suppression.
//!
//! Streamed like the JSON report: each result is serialised as it is produced, straight into the
//! writer, so a fleet's report is never held whole. Every object's fields are declared in
//! alphabetical order, the order the document has always had (it was once built as a
//! `serde_json::Value`, whose objects sort their keys), and `details` are written sorted too.

use super::Report;
use crate::base::codes::{Code, Severity};
use crate::base::diag::Diagnostic;
use serde::Serialize;
use serde_json::Value;

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    /// Where `INFRASTRUCTURE` is, when a related location lies outside the directory the command
    /// ran in (the repository the report is read in) and is named relative to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BaseIds<'a>>,
    /// When a `check` judged (absent for `lint`).
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RunProperties<'a>>,
    results: Results<'a>,
    tool: Tool,
}

/// The instant the run judged at, and each account's (they differ under `--as-recorded`).
#[derive(Serialize)]
struct RunProperties<'a> {
    accounts: Vec<AccountJudged<'a>>,
    judged_at: Option<String>,
}

#[derive(Serialize)]
struct AccountJudged<'a> {
    id: &'a str,
    judged_at: Option<String>,
    name: &'a str,
}

#[derive(Serialize)]
struct BaseIds<'a> {
    #[serde(rename = "INFRASTRUCTURE")]
    infrastructure: BaseUri<'a>,
}

#[derive(Serialize)]
struct BaseUri<'a> {
    uri: &'a str,
}

/// The `uriBaseId` of a file named relative to the infrastructure directory.
const INFRASTRUCTURE: &str = "INFRASTRUCTURE";

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    information_uri: &'static str,
    name: &'static str,
    rules: Vec<Rule>,
    version: &'static str,
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct Help {
    markdown: String,
    text: String,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    default_configuration: Level,
    full_description: Text<String>,
    help: Help,
    id: &'static str,
    name: String,
    short_description: Text<&'static str>,
}

fn rule(code: Code) -> Rule {
    let e = code.explanation();
    Rule {
        default_configuration: Level {
            level: level(code.default_severity()),
        },
        full_description: Text {
            text: format!("{} {}", e.checks, e.why),
        },
        help: Help {
            markdown: format!("{}\n\n**Why:** {}\n\n**Fix:** {}", e.checks, e.why, e.fix),
            text: format!("{}\n\nWhy: {}\n\nFix: {}", e.checks, e.why, e.fix),
        },
        id: code.as_str(),
        name: code.as_str().replace(['.', '-'], "_"),
        short_description: Text { text: e.checks },
    }
}

/// The results, serialised one by one from the diagnostics.
struct Results<'a>(&'a Report<'a>);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        // With `--show-passed`, every check performed and passed follows as a `pass` result.
        let passed = report
            .accounts
            .iter()
            .filter(|_| report.show_passed)
            .flat_map(|a| report.passed(a).into_iter().map(move |check| (a, check)))
            .map(|(account, check)| pass(account, check));
        serializer.collect_seq(
            report
                .diagnostics
                .iter()
                .map(|d| result(report, d))
                .chain(passed),
        )
    }
}

/// A check performed and passed, as a SARIF result of kind `pass`.
fn pass<'a>(
    account: &'a crate::outcome::AccountSummary,
    check: &'a crate::outcome::Check,
) -> SarifResult<'a> {
    let (code, principal) = (check.code, check.principal.as_deref());
    let whom = principal.map_or_else(String::new, |p| format!(" [{p}]"));
    let whom = match &check.arn {
        Some(arn) => format!("{whom} ({arn})"),
        None => whom,
    };
    SarifResult {
        kind: Some("pass"),
        level: "none",
        locations: None,
        message: Text {
            text: format!("{}: passed{whom}: {}", account.name, code.title()),
        },
        properties: Properties {
            account_id: Some(&account.id),
            account_name: Some(&account.name),
            details: SortedDetails(&NO_DETAILS),
            principal,
            arn: check.arn.as_deref(),
        },
        related_locations: None,
        rule_id: code.as_str(),
        rule_index: Code::ALL.iter().position(|&c| c == code).unwrap_or(0),
        suppressions: None,
    }
}

static NO_DETAILS: crate::base::diag::Details = crate::base::diag::Details(Vec::new());

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    /// `pass` for a check passed (`--show-passed`); absent (SARIF's default, `fail`) otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[Location<'a>; 1]>,
    message: Text<String>,
    properties: Properties<'a>,
    /// A second place the finding concerns (the cluster file an `infrastructure.mismatch` names).
    #[serde(skip_serializing_if = "Option::is_none")]
    related_locations: Option<[RelatedLocation<'a>; 1]>,
    rule_id: &'static str,
    rule_index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation<'a> {
    id: usize,
    message: Text<&'a str>,
    physical_location: Physical<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical<'a> {
    artifact_location: Artifact<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact<'a> {
    uri: std::borrow::Cow<'a, str>,
    /// Set when `uri` is relative to another directory than the repository's.
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    end_column: usize,
    end_line: usize,
    start_column: usize,
    start_line: usize,
}

#[derive(Serialize)]
struct Properties<'a> {
    account_id: Option<&'a str>,
    account_name: Option<&'a str>,
    details: SortedDetails<'a>,
    principal: Option<&'a str>,
    /// A passed permission set's role ARN.
    #[serde(skip_serializing_if = "Option::is_none")]
    arn: Option<&'a str>,
}

/// A finding's details as a JSON object with its keys sorted (the last of a repeated key wins).
struct SortedDetails<'a>(&'a crate::base::diag::Details);

impl Serialize for SortedDetails<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut entries: Vec<(&str, &Value)> = self.0.0.iter().map(|(k, v)| (*k, v)).collect();
        // Stable: among equal keys the last added stays last, and is the one kept.
        entries.sort_by_key(|&(k, _)| k);
        let kept = entries
            .iter()
            .enumerate()
            .filter(|&(i, (k, _))| entries.get(i + 1).is_none_or(|(next, _)| next != k))
            .map(|(_, entry)| *entry);
        serializer.collect_map(kept)
    }
}

#[derive(Serialize)]
struct Suppression {
    justification: String,
    kind: &'static str,
    status: &'static str,
}

fn result<'a>(report: &'a Report<'a>, d: &'a Diagnostic) -> SarifResult<'a> {
    let mut message = super::title(d, &d.message, true);
    if let Some(help) = &d.help {
        message = format!("{message}\nFix: {help}");
    }
    let locations = d.file.map(|file| {
        let source = report.files.get(file);
        let uri = if source.name.contains('\\') {
            source.name.replace('\\', "/").into()
        } else {
            source.name.as_str().into()
        };
        let region = d.span(report.files).map(|span| {
            let (start_line, start_column) = source.line_col(span.start);
            let (end_line, end_column) = source.line_col(span.end);
            Region {
                end_column: end_column.max(if end_line == start_line {
                    start_column + 1
                } else {
                    1
                }),
                end_line,
                start_column,
                start_line,
            }
        });
        [Location {
            physical_location: Physical {
                artifact_location: Artifact {
                    uri,
                    uri_base_id: None,
                },
                region,
            },
        }]
    });
    SarifResult {
        kind: None,
        level: level(d.severity),
        locations,
        message: Text { text: message },
        properties: Properties {
            account_id: d.account.as_ref().map(|a| a.id.as_str()),
            account_name: d.account.as_ref().map(|a| a.name.as_str()),
            details: SortedDetails(&d.details),
            principal: d.principal.as_deref(),
            arn: None,
        },
        related_locations: d.related.as_ref().map(|related| {
            [RelatedLocation {
                id: 0,
                message: Text {
                    text: &related.message,
                },
                physical_location: Physical {
                    artifact_location: Artifact {
                        uri: related.file.as_str().into(),
                        uri_base_id: related.root.is_some().then_some(INFRASTRUCTURE),
                    },
                    region: Some(Region {
                        end_column: related.column + 1,
                        end_line: related.line,
                        start_column: related.column,
                        start_line: related.line,
                    }),
                },
            }]
        }),
        rule_id: d.code.as_str(),
        rule_index: Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0),
        suppressions: d.waiver.as_ref().map(|waiver| {
            [Suppression {
                justification: super::waived(waiver),
                kind: "external",
                status: "accepted",
            }]
        }),
    }
}

/// Writes the SARIF document for `report` to `out`, result by result.
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let document = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: (report.diagnostics.iter())
                .find_map(|d| d.related.as_ref()?.root.as_deref())
                .map(|uri| BaseIds {
                    infrastructure: BaseUri { uri },
                }),
            properties: report.check.then(|| RunProperties {
                accounts: (report.accounts.iter())
                    .map(|a| AccountJudged {
                        id: &a.id,
                        judged_at: a.now.map(|t| t.to_string()),
                        name: &a.name,
                    })
                    .collect(),
                judged_at: report.now.map(|t| t.to_string()),
            }),
            results: Results(report),
            tool: Tool {
                driver: Driver {
                    // The project's home until it is published (README says so once).
                    information_uri: "https://github.com/OWNER/smce-guard",
                    name: "smce-guard",
                    rules: Code::ALL.iter().map(|&c| rule(c)).collect(),
                    version: env!("CARGO_PKG_VERSION"),
                },
            },
        }],
        version: "2.1.0",
    };
    super::write_document(out, &document)
}
