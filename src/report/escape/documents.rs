//! JSON and XML as their serializers write them, made safe to print in a CI log: the Actions
//! runner executes a line that starts with `::` (once trimmed) and, by its legacy parser, any
//! line holding `##[`, and a JSON report or a JUnit file on stdout is such a log. Each format
//! has a spelling of the same characters that the runner does not read as a command, and the
//! consumer reads back exactly the data.

use super::is_unsafe;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::{self, Write};

/// serde_json's pretty printer, with strings (keys and values) written so that no line of the
/// document holds `##[` (its first `#` as `\u0023`) nor any character a terminal or log acts on
/// rather than shows (DEL, C1 controls, bidirectional controls, line separators: `\uXXXX`; serde
/// already escapes C0). A line of pretty JSON never starts with `::`: every line starts with
/// blanks and a bracket, a quote or a literal. Everything else is serde_json's, byte for byte.
struct RunnerSafe(PrettyFormatter<'static>);

impl Formatter for RunnerSafe {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }

    /// A run of characters serde_json does not escape: `##[` can only stand inside one (any
    /// character serde escapes would separate its parts).
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // Nearly every fragment is plain ASCII without `#` or DEL: written as serde writes it,
        // after three word-at-a-time scans (`memchr` for each character) instead of a look at
        // every character (on a fleet's report that look was most of what the escaping cost).
        if fragment.is_ascii() && !fragment.contains('#') && !fragment.contains('\u{7f}') {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            let marker = c == '#' && fragment[at + 1..].starts_with("#[");
            if marker || is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..at])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = at + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// Writes `value` as one pretty JSON document and a final newline, safe for a CI log, streamed
/// through a buffer: a report is serialised into `out` as it is produced, never held whole.
pub fn json(out: &mut dyn Write, value: &impl serde::Serialize) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut out, RunnerSafe(PrettyFormatter::new()));
    value.serialize(&mut serializer).map_err(io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// [`json`] into a string.
pub fn json_text(value: &impl serde::Serialize) -> String {
    let mut bytes = Vec::new();
    json(&mut bytes, value).expect("writing JSON to memory cannot fail");
    String::from_utf8(bytes).expect("serde_json writes UTF-8")
}

/// An XML document as quick-xml writes it (JUnit): elements, attributes and text, with `<`, `>`,
/// `&` and quotes escaped in the data and no CDATA, comment or processing instruction, so a
/// character reference is read back as the character anywhere data can stand. In the data:
/// - `##[` is written `&#35;#[`, and a line that would start with `::` starts `&#58;:`;
/// - CR is written `&#13;` (the runner splits lines at CR; an XML parser would turn it into LF);
/// - DEL, C1, bidirectional controls and line separators become character references;
/// - the C0 controls XML 1.0 cannot hold at all (not even as references) are made visible as
///   `\u{..}`.
pub fn xml(document: &str) -> String {
    let mut out = String::with_capacity(document.len() + 64);
    for (n, line) in document.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        // Where a runner command would start: the first character after the line's blanks.
        let blanks = line.len() - line.trim_start().len();
        let command = line[blanks..].starts_with("::").then_some(blanks);
        for (at, c) in line.char_indices() {
            match c {
                ':' if command == Some(at) => out.push_str("&#58;"),
                '#' if line[at + 1..].starts_with("#[") => out.push_str("&#35;"),
                '\r' => out.push_str("&#13;"),
                '\t' => out.push('\t'),
                c if u32::from(c) < 0x20 => {
                    let _ = std::fmt::Write::write_fmt(
                        &mut out,
                        format_args!("\\u{{{:x}}}", u32::from(c)),
                    );
                }
                c if is_unsafe(c) => {
                    let _ = std::fmt::Write::write_fmt(
                        &mut out,
                        format_args!("&#x{:x};", u32::from(c)),
                    );
                }
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reads_back_the_same_and_holds_no_marker() {
        let value = serde_json::json!({"message": "a ##[error]b\n::warning::c \u{202e}\u{9b}d ###[e", "#": 1});
        let text = json_text(&value);
        assert!(!text.contains("##["), "{text}");
        assert!(
            !text.chars().any(|c| c == '\u{202e}' || c == '\u{9b}'),
            "{text}"
        );
        assert!(
            text.lines().all(|l| !l.trim_start().starts_with("::")),
            "{text}"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            value
        );
        // Plain data is written as serde_json writes it.
        let plain = serde_json::json!({"a": [1, "b#[c"], "d": {"e": null}});
        assert_eq!(
            json_text(&plain),
            serde_json::to_string_pretty(&plain).unwrap() + "\n"
        );
    }

    #[test]
    fn xml_reads_back_the_same_and_holds_no_command() {
        let document = "<a b=\"x ##[y\">\n::warning::z\r  ::error::w \u{202e}\u{1b}</a>\n";
        let safe = xml(document);
        assert_eq!(
            safe,
            "<a b=\"x &#35;#[y\">\n&#58;:warning::z&#13;  ::error::w &#x202e;\\u{1b}</a>\n"
        );
        for line in safe.split(['\r', '\n']) {
            assert!(!line.trim_start().starts_with("::"), "{line}");
            assert!(!line.contains("##["), "{line}");
        }
    }
}
