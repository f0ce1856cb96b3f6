//! Markdown for GitHub (text, code spans, our own markdown in a table cell) and names inside a
//! mermaid diagram.

use super::visible;

/// Characters with a meaning inside a markdown line on GitHub: emphasis, code, links and images,
/// HTML and entities, table cells, strikethrough, math, mentions and issue references. Others
/// (`-`, `.`, `:`, `/`) matter only at the start of a line, where an escaped value never stands.
const MARKDOWN_SPECIAL: &str = "\\`*_[]<>&|!#~$@";

/// Inline markdown text: line breaks become spaces (a new line could start an HTML block or a
/// table row), controls are made visible, and every character with an inline meaning is
/// backslash-escaped, so no markup, HTML, entity or table separator survives (and `##[` is
/// written `\#\#\[`, which the Actions runner does not act on).
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
/// cell `|` still ends the cell (GFM splits rows first), so it is escaped there too. Inside a code
/// span nothing can be escaped, so text holding `##[` (the Actions runner's legacy marker) is
/// written as escaped text instead.
pub fn markdown_code(text: &str) -> String {
    if text.contains("##[") {
        return markdown(text);
    }
    let text = cell(&one_line(text));
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.is_empty() {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// Markdown we wrote ourselves (code spans and all), placed in a table cell: one line, and `|`
/// escaped, since GFM splits a row at every unescaped `|`, code spans included.
pub fn markdown_cell(ours: &str) -> String {
    cell(&one_line(ours))
}

fn cell(line: &str) -> String {
    line.replace('|', "\\|")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_text_text() {
        assert_eq!(markdown("a|b\n<!--"), "a\\|b \\<\\!--");
        assert_eq!(markdown("nasa-veda/x.csv: 5"), "nasa-veda/x.csv: 5");
        assert_eq!(markdown_code("a`b"), "`` a`b ``");
        assert_eq!(markdown_code("ab"), "`ab`");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
        assert_eq!(markdown_cell("`a|b` or c\nd"), "`a\\|b` or c d");
    }

    #[test]
    fn no_markdown_holds_the_runner_marker() {
        assert_eq!(markdown("x ##[error]y"), "x \\#\\#\\[error\\]y");
        assert_eq!(markdown_code("x ##[error]y"), "x \\#\\#\\[error\\]y");
        assert_eq!(markdown_code("x #[y"), "`x #[y`");
    }

    #[test]
    fn mermaid_names_stay_names() {
        assert_eq!(mermaid("a: b;#c\nsection"), "a b c section");
        assert_eq!(mermaid(":;"), "-");
    }
}
