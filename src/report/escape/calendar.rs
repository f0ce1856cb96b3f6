//! iCalendar (RFC 5545): TEXT values, identifiers, and content lines folded at 75 octets so that
//! no physical line is one the Actions runner acts on (a calendar printed in a CI log).

use super::is_unsafe;
use std::fmt::Write;

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

/// Appends one content line (already escaped, no line break in it) to `out`, folded (RFC 5545
/// §3.1): at 75 octets, never inside a UTF-8 character, and also wherever a physical line would
/// otherwise hold `##[` (folded before its `[`) or, once the runner trims it, start with `::` (that
/// fold is put off by the few characters up to the first `:`, a line then a little longer than 75
/// octets, which RFC 5545 advises against but allows). Unfolding gives the line back exactly.
pub fn ics_line(line: &str, out: &mut String) {
    let mut width = 0;
    // The last two characters of the physical line being written.
    let mut tail = ['\0', '\0'];
    for (at, ch) in line.char_indices() {
        let marker = ch == '[' && tail == ['#', '#'];
        if (width + ch.len_utf8() > 75 || marker) && continues_safely(&line[at..]) {
            out.push_str("\r\n ");
            width = 1;
            tail = ['\0', ' '];
        }
        out.push(ch);
        width += ch.len_utf8();
        tail = [tail[1], ch];
    }
    out.push_str("\r\n");
}

/// Whether a continuation line may begin with `rest`: not with `::` once leading blanks are
/// trimmed, as the runner reads commands, unless it is `:::` (a command with no name, which the
/// runner does not run).
fn continues_safely(rest: &str) -> bool {
    let trimmed = rest.trim_start();
    !trimmed.starts_with("::") || trimmed.starts_with(":::")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        ics_line(line, &mut out);
        out
    }

    #[test]
    fn text_values_and_tokens_are_escaped() {
        assert_eq!(ics_text("a,b;c\nd\\"), "a\\,b\\;c\\nd\\\\");
        assert_eq!(ics_text("a,b;c\\d\r\ne\rf"), "a\\,b\\;c\\\\d\\ne\\nf");
        assert_eq!(
            ics_token("AKIA\r\nEND:VCALENDAR"),
            "AKIA%0D%0AEND%3AVCALENDAR"
        );
    }

    #[test]
    fn folding_keeps_lines_within_75_octets_and_characters_whole() {
        let out = folded(&format!("SUMMARY:{}", "é".repeat(60)));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), format!("SUMMARY:{}", "é".repeat(60)));
    }

    #[test]
    fn no_physical_line_is_a_runner_command() {
        for line in [
            format!("SUMMARY:{}::warning::pwned", "x".repeat(67)),
            format!("SUMMARY:{}   ::warning::pwned", "x".repeat(66)),
            format!("DESCRIPTION:a ##[error]b {}##[x", "y".repeat(70)),
            format!("SUMMARY:{}", ":".repeat(300)),
        ] {
            let out = folded(&line);
            assert_eq!(out.replace("\r\n ", "").trim_end(), line);
            for physical in out.split("\r\n") {
                let read = physical.trim_start();
                assert!(
                    !read.starts_with("::") || read.starts_with(":::"),
                    "{physical:?}"
                );
                assert!(!physical.contains("##["), "{physical:?}");
                assert!(physical.len() <= 78, "{physical:?}");
            }
        }
    }
}
