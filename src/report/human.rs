//! The human format: each diagnostic as a miette report with the policy excerpt underlined, then a
//! summary. The source text is attached here, at render time, never carried by the diagnostic.

use super::escape::terminal;
use super::{HumanStyle, Report, severity_word};
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::source::SourceFile;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteSpanContents, SourceSpan};
use std::fmt::{self, Write};

/// A source file as miette reads it, but with the header's column counted in characters (miette
/// counts bytes), so it agrees with the JSON column after non-ASCII text.
///
/// miette finds an excerpt by scanning the text from its start, which would make a report of many
/// diagnostics in one large file quadratic. miette is handed only the few lines around the span
/// instead (found by bisecting `lines`), and its answer is shifted back: the same excerpt, at a
/// cost that does not grow with the file.
struct CharColumns<'a> {
    file: &'a SourceFile,
    /// Where each line starts, as miette counts lines (after `\n`, `\r\n` or a lone `\r`).
    lines: &'a [usize],
}

/// Line starts as miette counts them.
fn miette_lines(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

impl miette::SourceCode for CharColumns<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let text: &str = &self.file.text;
        let line_of = |offset: usize| self.lines.partition_point(|&s| s <= offset) - 1;
        let first = line_of(span.offset()).saturating_sub(before + 1);
        let last = line_of(span.offset() + span.len().saturating_sub(1)) + after + 2;
        let from = self.lines[first];
        let to = self.lines.get(last).copied().unwrap_or(text.len());
        let window = &text.as_bytes()[from..to];
        let shifted = SourceSpan::new(span.offset().saturating_sub(from).into(), span.len());
        let inner = window.read_span(&shifted, before, after)?;
        // Only the header reads without context; excerpts keep miette's own offsets.
        let column = if before == 0 && after == 0 {
            self.file.line_col(span.offset()).1 - 1
        } else {
            inner.column()
        };
        let at = SourceSpan::new((inner.span().offset() + from).into(), inner.span().len());
        let data = &text.as_bytes()[at.offset()..at.offset() + at.len()];
        Ok(Box::new(MietteSpanContents::new_named(
            super::escape::terminal(&self.file.name).into_owned(),
            data,
            at,
            inner.line() + first,
            column,
            inner.line_count() + first,
        )))
    }
}

/// A [`Diagnostic`] with its source attached, in the shape miette renders.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    title: String,
    source: Option<CharColumns<'a>>,
    span: Option<SourceSpan>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.title)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        if self.diagnostic.waiver.is_some() {
            return Some(miette::Severity::Advice);
        }
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            // Help may span lines (a corrected snippet of YAML): its line breaks are ours.
            .map(|h| Box::new(super::escape::terminal_lines(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = self
            .diagnostic
            .label
            .as_deref()
            .map_or_else(|| "here".to_owned(), |l| terminal(l).into_owned());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            span,
        ))))
    }
}

/// Whether the file `diagnostic` points into can be shown raw to a terminal (see
/// [`super::escape::terminal_safe`]); remembered per file.
fn excerpt_safe(
    safe: &mut std::collections::HashMap<crate::base::source::FileId, bool>,
    report: &Report<'_>,
    diagnostic: &Diagnostic,
) -> bool {
    let Some(id) = diagnostic.file else {
        return true;
    };
    *safe
        .entry(id)
        .or_insert_with(|| super::escape::terminal_safe(&report.files.get(id).text))
}

/// Lines longer than this (in bytes) are not excerpted.
const MAX_EXCERPT_LINE: usize = 2000;

pub fn render(report: &Report<'_>, style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    if report.check {
        let _ = writeln!(out, "smce-guard check, {}\n", report.judged_at());
    }
    // Whether each file may be excerpted, judged once per file.
    let mut safe_files = std::collections::HashMap::new();
    // Each excerpted file's line starts, as miette counts them, found once per file.
    let mut lines: std::collections::HashMap<crate::base::source::FileId, Vec<usize>> =
        std::collections::HashMap::new();
    for diagnostic in report.diagnostics {
        let file = diagnostic.file.map(|id| report.files.get(id));
        let mut span = diagnostic.span(report.files);
        let mut title = diagnostic.message.clone();
        if let (Some(file), Some(at)) = (file, span) {
            if file.line_len(at.start) > MAX_EXCERPT_LINE
                || at.len() > MAX_EXCERPT_LINE
                || !excerpt_safe(&mut safe_files, report, diagnostic)
            {
                // An excerpt of a minified document is no help, miette cannot lay out columns
                // past 65,535, and a file holding terminal controls must not be shown raw: name
                // the place in the title instead.
                let (line, column) = file.line_col(at.start);
                title = format!("{}:{line}:{column}: {title}", file.name);
                span = None;
            }
        } else if let Some(file) = file {
            // No excerpt to show: name the file in the title instead.
            title = format!("{}: {title}", file.name);
        }
        title = super::title(diagnostic, &title, true);
        if let Some(waiver) = &diagnostic.waiver {
            title = format!("{title} [{}]", super::waived(waiver));
        }
        let title = terminal(&title).into_owned();
        let source = match (diagnostic.file, file, span) {
            (Some(id), Some(file), Some(_)) => Some(CharColumns {
                file,
                lines: lines.entry(id).or_insert_with(|| miette_lines(&file.text)),
            }),
            _ => None,
        };
        let rendered = Rendered {
            diagnostic,
            title,
            source,
            span: span.map(Into::into),
        };
        let _ = handler.render_report(&mut out, &rendered);
        out.push('\n');
    }
    let tally = report.tally();
    if report.check {
        if !report.accounts.is_empty() {
            out.push_str("accounts:\n");
        }
        // As wide as the longest account name (real cluster names reach 20 characters).
        let name = (report.accounts.iter())
            .map(|a| terminal(&a.name).chars().count())
            .fold(16, usize::max);
        for account in report.accounts {
            // Each account's own instant, when they were not all judged at one.
            let at = match (report.now, account.now) {
                (None, Some(at)) => format!(", judged at {at}"),
                _ => String::new(),
            };
            let _ = writeln!(
                out,
                "  {:<name$} {:<12} {:<10} {}, {}{}{at}",
                terminal(&account.name),
                terminal(&account.id),
                account.status.as_str(),
                severity_word(Severity::Error, account.tally.errors),
                severity_word(Severity::Warning, account.tally.warnings),
                waived(account.tally.waived),
            );
        }
        if report.show_passed {
            out.push_str("passed:\n");
            for account in report.accounts {
                for check in report.passed(account) {
                    let _ = writeln!(
                        out,
                        "  {}: {} ✓{}{}",
                        terminal(&account.name),
                        check.code,
                        (check.principal.as_deref())
                            .map_or_else(String::new, |p| format!(" {}", terminal(p))),
                        (check.arn.as_deref())
                            .map_or_else(String::new, |arn| format!(": {}", terminal(arn)))
                    );
                }
            }
        }
    }
    let (count, noun) = if report.check {
        (report.accounts.len(), "account")
    } else {
        (report.files.len(), "file")
    };
    let when = if report.check {
        format!(", {}", report.judged_at())
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "{}, {}{} in {count} {noun}{}{when}",
        severity_word(Severity::Error, tally.errors),
        severity_word(Severity::Warning, tally.warnings),
        waived(tally.waived),
        if count == 1 { "" } else { "s" },
    );
    out
}

fn waived(count: usize) -> String {
    if count == 0 {
        String::new()
    } else {
        format!(", {count} waived")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SourceCode;

    #[test]
    fn a_windowed_excerpt_is_the_excerpt_of_the_whole_text() {
        let text = "a: 1\r\nbé: 2\rc: [3,\n  4]\n\nd: x\ne: long line here\n";
        let file = SourceFile::new("x.yaml", text);
        let lines = miette_lines(text);
        let windowed = CharColumns {
            file: &file,
            lines: &lines,
        };
        for start in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for len in [0, 1, 3, 9, 20] {
                let len = len.min(text.len() - start);
                let span = SourceSpan::new(start.into(), len);
                for context in [0, 1, 2, 3] {
                    let whole = text.as_bytes().read_span(&span, context, context);
                    let part = windowed.read_span(&span, context, context);
                    let (Ok(whole), Ok(part)) = (whole, part) else {
                        panic!("{start}+{len}");
                    };
                    let what = format!("{start}+{len} context {context}");
                    assert_eq!(whole.data(), part.data(), "{what}");
                    assert_eq!(whole.span(), part.span(), "{what}");
                    assert_eq!(whole.line(), part.line(), "{what}");
                    assert_eq!(whole.line_count(), part.line_count(), "{what}");
                    if context > 0 {
                        assert_eq!(whole.column(), part.column(), "{what}");
                    }
                }
            }
        }
    }
}
