//! The one diagnostic type that lint problems and drift findings share, and its resolution to a
//! place in a file.
//!
//! Checks and rules build [`Diagnostic`]s that carry a [`Location`] (usually a route into the
//! policy); no source text travels with them. Reporters resolve the location to a byte span, a
//! line and a column through [`Files`] at render time.

use crate::base::codes::{Code, Severity};
use crate::base::source::{FileId, Files, Route, Span};
use serde_json::Value;
use std::borrow::Cow;

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// Nowhere in particular (the file as a whole, or no file at all).
    None,
    /// A node of a policy document, resolved through the file's route index.
    Route(Route),
    /// A byte span known directly (a parse error's position).
    Span(Span),
}

/// The account a diagnostic is about, for machine reports and ordering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// What to do about it; rendered as miette help and carried into machine formats. Mostly a
    /// fixed text, which a fleet's findings then share rather than each copying it.
    pub help: Option<Cow<'static, str>>,
    /// Text on the underline, when the message alone does not say what is underlined.
    pub label: Option<Cow<'static, str>>,
    pub file: Option<FileId>,
    pub location: Location,
    /// Shared by every finding of the account.
    pub account: Option<std::sync::Arc<AccountRef>>,
    /// The IAM user concerned, or `None` for account-level findings.
    pub principal: Option<String>,
    /// Structured facts (key id, expiry instant, policy name ...) for machine formats.
    pub details: Details,
    /// Set when a policy waiver accepts this finding: shown, but not counted for the exit code.
    /// Boxed: few findings are waived, and every finding would otherwise carry its room.
    pub waiver: Option<Box<WaiverNote>>,
    /// A second place the finding concerns, in a file that is not a policy (the cluster file an
    /// `infrastructure.mismatch` compares with). Boxed: almost no finding has one.
    pub related: Option<Box<Related>>,
}

/// A place outside the policies, resolved when the finding is built: its file is not one the
/// report holds, so it travels as a path, a span and the line and column they fall on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The file's path from the directory the command ran in (the repository a report is read
    /// in) when it is inside it; else from the directory [`Related::root`] names.
    pub file: String,
    /// The absolute `file:` URI (ending in `/`) of the directory `file` is relative to, when that
    /// is not the one the command ran in (SARIF's `uriBaseId`); `None` otherwise.
    pub root: Option<String>,
    pub span: Span,
    /// 1-based, in characters, as [`crate::base::source::SourceFile::line_col`] counts them.
    pub line: usize,
    pub column: usize,
    /// What is there, e.g. `aws.region: us-east-1`.
    pub message: String,
}

/// Structured facts of a finding, in the order the rule added them; serialised as a JSON object.
/// Keys are static, so a fleet's tens of thousands of findings do not each allocate them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Details(pub Vec<(&'static str, Value)>);

impl Details {
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }
}

impl serde::Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// The waiver that accepted a finding, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaiverNote {
    pub reason: String,
    pub until: String,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            help: None,
            label: None,
            file: None,
            location: Location::None,
            account: None,
            principal: None,
            details: Details::default(),
            waiver: None,
            related: None,
        }
    }

    pub fn with_related(mut self, related: Related) -> Self {
        self.related = Some(Box::new(related));
        self
    }

    pub fn in_file(mut self, file: FileId) -> Self {
        self.file = Some(file);
        self
    }

    pub fn at(mut self, file: FileId, route: Route) -> Self {
        self.file = Some(file);
        self.location = Location::Route(route);
        self
    }

    pub fn at_span(mut self, file: FileId, span: Span) -> Self {
        self.file = Some(file);
        self.location = Location::Span(span);
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, label: impl Into<Cow<'static, str>>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn for_principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }

    pub fn for_account(mut self, account: impl Into<std::sync::Arc<AccountRef>>) -> Self {
        self.account = Some(account.into());
        self
    }

    pub fn with_detail(mut self, key: &'static str, value: impl Into<Value>) -> Self {
        self.details.0.push((key, value.into()));
        self
    }

    /// The byte span this diagnostic underlines, if it has a file and a resolvable location.
    pub fn span(&self, files: &Files) -> Option<Span> {
        let file = self.file?;
        let source = files.get(file);
        let span = match &self.location {
            Location::None => return None,
            Location::Span(span) => *span,
            Location::Route(route) => files.index(file)?.resolve(route)?,
        };
        Some(source.widen(span))
    }

    /// 1-based line and column of the start of [`Diagnostic::span`].
    pub fn line_col(&self, files: &Files) -> Option<(usize, usize)> {
        let span = self.span(files)?;
        Some(files.get(self.file?).line_col(span.start))
    }
}

/// Counts by severity; the basis of summaries and exit codes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    /// Waived findings, counted apart from the errors and warnings they would otherwise be.
    pub waived: usize,
}

impl Tally {
    pub fn of<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut tally = Tally::default();
        for diagnostic in diagnostics {
            if diagnostic.waiver.is_some() {
                tally.waived += 1;
                continue;
            }
            match diagnostic.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
            }
        }
        tally
    }
}

/// How many diagnostics of one code one file reports; the rest are summed up in one more.
pub const PER_FILE_CODE_LIMIT: usize = 100;

/// Collects one file's diagnostics, keeping the first [`PER_FILE_CODE_LIMIT`] of each code and
/// counting the rest, so that a file of 100,000 unknown keys yields a readable report in linear
/// time. Producers ask [`Capped::wants`] before building a costly diagnostic.
#[derive(Debug)]
pub struct Capped {
    file: FileId,
    kept: Vec<Diagnostic>,
    /// Per code: how many were seen, and the severity of the first.
    seen: std::collections::HashMap<Code, (usize, Severity)>,
}

impl Capped {
    pub fn new(file: FileId) -> Self {
        Capped {
            file,
            kept: Vec::new(),
            seen: std::collections::HashMap::new(),
        }
    }

    /// Whether a diagnostic of `code` would still be kept.
    pub fn wants(&self, code: Code) -> bool {
        self.room(code) > 0
    }

    /// How many more diagnostics of `code` would be kept.
    pub fn room(&self, code: Code) -> usize {
        PER_FILE_CODE_LIMIT.saturating_sub(self.seen.get(&code).map_or(0, |&(n, _)| n))
    }

    /// Counts a diagnostic of `code` that was not built because it would not be kept.
    pub fn skip(&mut self, code: Code) {
        self.seen
            .entry(code)
            .or_insert((0, code.default_severity()))
            .0 += 1;
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        let wanted = self.wants(diagnostic.code);
        let seen = self
            .seen
            .entry(diagnostic.code)
            .or_insert((0, diagnostic.severity));
        seen.0 += 1;
        if wanted {
            self.kept.push(diagnostic);
        }
    }

    /// Caps a finished list of one file's diagnostics.
    pub fn cap(file: FileId, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut capped = Capped::new(file);
        for diagnostic in diagnostics {
            capped.push(diagnostic);
        }
        capped.finish()
    }

    /// The kept diagnostics, then one per code that had more: "and N more ...", at the file.
    pub fn finish(mut self) -> Vec<Diagnostic> {
        let mut over: Vec<(Code, usize, Severity)> = self
            .seen
            .iter()
            .filter(|(_, (n, _))| *n > PER_FILE_CODE_LIMIT)
            .map(|(&code, &(n, severity))| (code, n - PER_FILE_CODE_LIMIT, severity))
            .collect();
        over.sort_by_key(|&(code, ..)| code.as_str());
        for (code, more, severity) in over {
            let what = match code {
                Code::PolicyUnknownKey => "unknown keys".to_owned(),
                Code::PolicyDuplicateKey => "duplicate keys".to_owned(),
                other => format!("`{other}` problems"),
            };
            self.kept.push(
                Diagnostic::new(code, format!("and {more} more {what} in this file"))
                    .with_severity(severity)
                    .in_file(self.file)
                    .with_help(format!(
                        "only the first {PER_FILE_CODE_LIMIT} of each kind are reported per \
                         file; fix them and lint again"
                    ))
                    .with_detail("more", more),
            );
        }
        self.kept
    }
}
