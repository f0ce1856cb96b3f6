//! The one escaping layer of the reports: every value that came from outside (policy text,
//! recordings, AWS answers, file names) passes through the function for the place it is written to
//! before it reaches any output. One function per kind of output:
//!
//! - [`terminal`]: anything a terminal or a CI log shows (human reports, tables, stderr).
//!   Control characters (C0 including CR and LF, DEL, C1), bidirectional controls and line
//!   separators are made visible as `\u{1b}`; `##[`, which the Actions runner's legacy parser
//!   acts on anywhere in a line, is broken up.
//! - [`workflow_data`] and [`workflow_property`]: GitHub workflow command messages and properties.
//! - [`markdown`], [`markdown_code`] and [`markdown_cell`] ([`markup`]): text, code spans and our
//!   own markdown in a table cell; [`mermaid`]: a name inside a mermaid diagram.
//! - [`ics_text`], [`ics_token`] and [`ics_line`] ([`calendar`]): iCalendar TEXT values,
//!   identifiers, and content lines folded (RFC 5545).
//! - [`json`] and [`json_text`], [`xml`] ([`documents`]): JSON (the JSON and SARIF reports, the
//!   expiry list, `verify-key`) and XML (JUnit) as their serializers write them, made safe to print
//!   in a CI log: no line of them starts with `::` and none holds `##[`, whatever the data, which
//!   reads back unchanged.
//!
//! Every format on stdout is safe for the Actions runner, which executes a line that starts with
//! `::` and, by its legacy parser, any line that holds `##[`; `--format github` writes the command
//! lines it exists to write, with the data inside them escaped. Shell words and YAML scalars in
//! the fix commands and corrected lines that rules and lint compose are quoted below every layer
//! that composes them: [`crate::base::shell`] and [`crate::base::yaml_text`].

mod calendar;
mod documents;
mod markup;

pub use calendar::{ics_line, ics_text, ics_token};
pub use documents::{json, json_text, xml};
pub use markup::{markdown, markdown_cell, markdown_code, mermaid};

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a terminal or log could act on `c` rather than show it.
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

/// Makes every unsafe character visible as `\u{..}`.
pub(crate) fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for a terminal or a CI log: one line, controls visible, no `##[`.
pub fn terminal(text: &str) -> Cow<'_, str> {
    let shown = visible(text);
    if shown.contains("##[") {
        Cow::Owned(shown.replace("##[", "#\\u{23}["))
    } else {
        shown
    }
}

/// Lines we composed for a terminal (which may quote values from outside): each line escaped
/// as by [`terminal`], our own line breaks kept, and a line that would start with `::` (a
/// workflow command once the runner reads it) begun with a visible escape instead.
pub fn terminal_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let shown = terminal(body);
        let indent = shown.len() - shown.trim_start().len();
        if shown[indent..].starts_with("::") {
            out.push_str(&shown[..indent]);
            out.push_str("\\u{3a}");
            out.push_str(&shown[indent + 1..]);
        } else {
            out.push_str(&shown);
        }
        out.push_str(end);
    }
    out
}

/// Whether `text` can be shown to a terminal as it is (an excerpt of a policy): no character a
/// terminal would act on, but for the line ends of the file itself (LF, and CR before LF).
pub fn terminal_safe(text: &str) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if (is_unsafe(c) && c != '\t' && !line_end) || (c == '#' && text_at_marker(&mut chars)) {
            return false;
        }
    }
    true
}

/// Whether `##[` continues at a `#` just read.
fn text_at_marker(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> bool {
    let mut ahead = chars.clone();
    ahead.next() == Some('#') && ahead.next() == Some('[')
}

/// A workflow command's message (GitHub's `escapeData`), with controls other than CR and LF
/// made visible and `##[` broken up.
pub fn workflow_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.replace("##[", "#\\u{23}[")
}

/// A workflow command's property value (GitHub's `escapeProperty`).
pub fn workflow_property(text: &str) -> String {
    workflow_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_shows_controls_and_breaks_runner_markers() {
        assert_eq!(terminal("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\\u{a}c");
        assert_eq!(terminal("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(terminal("##[error]x"), "#\\u{23}[error]x");
        assert_eq!(terminal("plain ünïcode"), "plain ünïcode");
        assert_eq!(
            terminal_lines("fix:\n  id: \"1\"\n ::warning::x\n"),
            "fix:\n  id: \"1\"\n \\u{3a}:warning::x\n"
        );
        assert!(terminal_safe("a: b\r\n  c\tx\n"));
        assert!(!terminal_safe("a\rb"));
        assert!(!terminal_safe("a ##[x"));
        assert!(!terminal_safe("\u{9b}31m"));
    }

    #[test]
    fn workflow_commands_follow_the_runner() {
        assert_eq!(workflow_data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(workflow_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(workflow_data("x\r::warning::y"), "x%0D::warning::y");
    }
}
