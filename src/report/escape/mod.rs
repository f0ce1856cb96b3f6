//! The one escaping layer: every value that came from outside (policy text, recordings, AWS
//! answers, file names) passes through the function for the place it is written to before it
//! reaches any output. One function per kind of output:
//!
//! - [`terminal`]: anything a terminal or a CI log shows (human reports, tables, stderr).
//!   Control characters (C0 including CR and LF, DEL, C1), bidirectional controls and line
//!   separators are made visible as `\u{1b}`; `##[`, which the Actions runner's legacy parser
//!   acts on anywhere in a line, is broken up.
//! - [`workflow_data`] and [`workflow_property`]: GitHub workflow command messages and properties.
//! - [`markdown`] and [`markdown_code`]: text and code spans in GitHub-flavoured markdown.
//! - [`mermaid`]: a name inside a mermaid diagram.
//! - [`ics_text`] and [`ics_token`]: iCalendar TEXT values and identifiers (RFC 5545).
//!
//! JSON, SARIF and JUnit are written by serializers that escape for their own syntax.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether a terminal or log could act on `c` rather than show it.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}'
                | '\u{2066}'..='\u{2069}' | '\u{feff}'
        )
}

/// Makes every unsafe character visible as `\u{..}`.
fn visible(text: &str) -> Cow<'_, str> {
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

/// Characters with a meaning inside a markdown line on GitHub: emphasis, code, links and images,
/// HTML and entities, table cells, strikethrough, math, mentions and issue references. Others
/// (`-`, `.`, `:`, `/`) matter only at the start of a line, where an escaped value never stands.
const MARKDOWN_SPECIAL: &str = "\\`*_[]<>&|!#~$@";

/// Inline markdown text: line breaks become spaces (a new line could start an HTML block or a
/// table row), controls are made visible, and every character with an inline meaning is
/// backslash-escaped, so no markup, HTML, entity or table separator survives.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in one_line(text).chars() {
        if MARKDOWN_SPECIAL.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A markdown code span holding `text` literally: fenced with one more backtick than the longest
/// run inside it, padded so a leading or trailing backtick is not taken for the fence. In a table
/// cell `|` still ends the cell (GFM splits rows first), so it is escaped there too.
pub fn markdown_code(text: &str) -> String {
    let text = one_line(text).replace('|', "\\|");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.is_empty() {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// One line of visible characters: CR, LF and the other line breaks become spaces, the rest of
/// the controls `\u{..}`.
fn one_line(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| match c {
            '\r' | '\n' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{b}' | '\u{c}' => ' ',
            c => c,
        })
        .collect();
    visible(&flat).into_owned()
}

/// A name inside a mermaid diagram (a gantt task or section): letters, digits, spaces and
/// `-_.@/+()` are kept, anything else (`:` `;` `#` `%` quotes, brackets, line breaks) becomes a
/// space, so the name can neither end the statement nor start a directive or comment.
pub fn mermaid(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.@/+()".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    if words.is_empty() {
        "-".to_owned()
    } else {
        words.join(" ")
    }
}

/// An RFC 5545 TEXT value: backslash, `;`, `,` escaped; CRLF, CR and LF each become `\n`; other
/// controls are made visible.
pub fn ics_text(text: &str) -> String {
    let lines = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(lines.len() + 8);
    for c in lines.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// An identifier inside an iCalendar property that is not TEXT (a `UID`): letters, digits and
/// `-._` are kept, every other byte is written `%XX`, so distinct values stay distinct and none
/// can end the line or the property.
pub fn ics_token(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
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

    #[test]
    fn markdown_keeps_text_text() {
        assert_eq!(markdown("a|b\n<!--"), "a\\|b \\<\\!--");
        assert_eq!(markdown("nasa-veda/x.csv: 5"), "nasa-veda/x.csv: 5");
        assert_eq!(markdown_code("a`b"), "`` a`b ``");
        assert_eq!(markdown_code("ab"), "`ab`");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
    }

    #[test]
    fn mermaid_and_ics() {
        assert_eq!(mermaid("a: b;#c\nsection"), "a b c section");
        assert_eq!(mermaid(":;"), "-");
        assert_eq!(ics_text("a,b;c\\d\r\ne\rf"), "a\\,b\\;c\\\\d\\ne\\nf");
        assert_eq!(
            ics_token("AKIA\r\nEND:VCALENDAR"),
            "AKIA%0D%0AEND%3AVCALENDAR"
        );
    }
}
