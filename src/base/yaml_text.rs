//! YAML written into text we compose, the one place it is quoted: the values `init` writes into a
//! policy and the corrected lines `lint` suggests. A value from outside (a user name, a cluster
//! file's value, what the user typed) becomes a double-quoted scalar that no character can end,
//! and a comment stays one line, so a value can add neither a key nor a line to the policy; and
//! neither holds `##[`, which the Actions runner acts on when the text is printed in a CI log.

use std::fmt::Write as _;

/// `s` as a YAML double-quoted scalar: printable ASCII as it is (but `"` and `\`), everything
/// else escaped, so no value can end the scalar, the line or the document. The `[` of `##[` is
/// escaped too (`\x5B`, the same character to YAML): a policy printed to a CI log must not hold
/// the runner's legacy command marker.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '[' if out.ends_with("##") => out.push_str("\\x5B"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// `s` made safe for a `#` comment: one line of printable ASCII (the rest escaped as `\u{..}`),
/// without the runner's `##[` marker.
pub fn comment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '[' if out.ends_with("##") => out.push_str("\\u{5B}"),
            ' '..='~' => out.push(c),
            c => {
                let _ = write!(out, "\\u{{{:X}}}", c as u32);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_every_value_one_scalar() {
        assert_eq!(quoted("alice"), "\"alice\"");
        assert_eq!(quoted("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(quoted("x\ny: 1"), "\"x\\u000Ay: 1\"");
        assert_eq!(quoted("\u{2028}\u{7f}"), "\"\\u2028\\u007F\"");
        assert_eq!(quoted("\u{1F600}"), "\"\\U0001F600\"");
        assert_eq!(quoted("##[error]"), "\"##\\x5Berror]\"");
        assert_eq!(comment("a\nb"), "a\\u{A}b");
        assert_eq!(comment("x ##[group]"), "x ##\\u{5B}group]");
    }
}
