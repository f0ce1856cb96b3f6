//! Source files as the reports see them: their text, byte spans into it, and line/column lookup.
//!
//! Every location that crosses into a report is a byte [`Span`] (miette counts bytes), and is turned
//! into a 1-based line and a 1-based character column only here, so that a non-ASCII character
//! earlier in a file never shifts an underline or a reported column.

pub use super::route::{Route, RouteIndex, escape_segment, unescape_segment};
use std::sync::Arc;

/// A half-open byte range `start..end` into one source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// An empty span at `at`, for a problem that sits between characters (end of file, say).
    pub fn point(at: usize) -> Self {
        Span { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        miette::SourceSpan::new(span.start.into(), span.len())
    }
}

/// One file's text with its line starts precomputed, so that resolving many diagnostics in one
/// file costs a binary search each rather than a scan from the top.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user gave it (relative paths stay relative), used in every report.
    pub name: String,
    pub text: Arc<str>,
    line_starts: Vec<u32>,
    /// For a text that is not all ASCII: the characters before each [`CHAR_BLOCK`]-byte block, so
    /// that a column far along a long line is counted from the nearest block, not the line start.
    char_blocks: Vec<u32>,
}

/// The stride of [`SourceFile`]'s character checkpoints, in bytes.
const CHAR_BLOCK: usize = 1024;

/// Characters that start in `bytes` (every byte but UTF-8 continuation bytes).
fn chars_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| (i + 1) as u32))
            .collect();
        let mut char_blocks = Vec::new();
        if !text.is_ascii() {
            let mut total = 0;
            for block in text.as_bytes().chunks(CHAR_BLOCK) {
                char_blocks.push(total as u32);
                total += chars_in(block);
            }
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
            char_blocks,
        }
    }

    /// Characters before byte `offset` (a character boundary), from the nearest checkpoint.
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_blocks.is_empty() {
            return offset;
        }
        let block = offset / CHAR_BLOCK;
        let bytes = self.text.as_bytes();
        self.char_blocks.get(block).map_or(0, |&n| n as usize)
            + chars_in(&bytes[(block * CHAR_BLOCK).min(offset)..offset])
    }

    /// The 0-based line that holds `offset` (clamped to the text), and that line's start.
    fn line_at(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self
            .line_starts
            .partition_point(|&start| start as usize <= offset)
            - 1;
        (line, self.line_starts[line] as usize)
    }

    /// 1-based line and 1-based column (counted in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let (line, start) = self.line_at(offset);
        let column = if self.text.is_char_boundary(offset) {
            self.chars_before(offset) - self.chars_before(start)
        } else {
            offset - start
        };
        (line + 1, column + 1)
    }

    /// The byte length of the line that holds `offset`, without its line end.
    pub fn line_len(&self, offset: usize) -> usize {
        let (line, start) = self.line_at(offset);
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next as usize - 1);
        end.saturating_sub(start)
    }

    /// Byte offset of a 1-based line and 1-based character column, clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(start) = self
            .line_starts
            .get(line.saturating_sub(1))
            .map(|&s| s as usize)
        else {
            return self.text.len();
        };
        let end = self
            .line_starts
            .get(line.max(1))
            .map_or(self.text.len(), |&next| next as usize - 1);
        let line_text = &self.text[start..end];
        start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// Widen an empty span to the token under it, so that an underline is never invisible.
    pub fn widen(&self, span: Span) -> Span {
        if !span.is_empty() || span.start >= self.text.len() {
            return span;
        }
        let rest = &self.text[span.start..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| c.is_whitespace() || c == ':' || c == ',')
            .map_or(rest.len(), |(i, _)| i)
            .max(rest.chars().next().map_or(0, char::len_utf8));
        Span::new(span.start, span.start + len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_after_non_ascii() {
        let file = SourceFile::new("x.yaml", "name: café\nkey: value\n  é: x\n");
        assert_eq!(file.line_col(0), (1, 1));
        let value = file.text.find("value").unwrap();
        assert_eq!(file.line_col(value), (2, 6));
        let x = file.text.rfind('x').unwrap();
        assert_eq!(file.line_col(x), (3, 6));
        assert_eq!(file.offset_of(3, 6), x);
    }

    #[test]
    fn columns_far_along_a_long_non_ascii_line_count_characters() {
        let text = format!("a\n{}x{}\n", "é".repeat(3000), "ü".repeat(2000));
        let file = SourceFile::new("x.yaml", text.as_str());
        let x = text.find('x').unwrap();
        assert_eq!(file.line_col(x), (2, 3001));
        assert_eq!(file.line_col(x + 1), (2, 3002));
        assert_eq!(file.line_col(text.len()), (3, 1));
        // Inside a character: bytes from the line start, as before.
        assert_eq!(file.line_col(3), (2, 2));
        assert_eq!(file.offset_of(2, 3001), x);
    }

    #[test]
    fn widen_covers_the_token() {
        let file = SourceFile::new("x.yaml", "key: value\n");
        assert_eq!(file.widen(Span::point(5)), Span::new(5, 10));
        assert_eq!(file.widen(Span::point(0)), Span::new(0, 3));
    }
}

/// Identifies a file in [`Files`].
pub type FileId = usize;

/// Every file a run has read and may cite: policies and recordings. A policy keeps its text and
/// route index only while a diagnostic may point into it (lint problems, findings, cross-file
/// duplicates); a clean policy is held as an empty entry and read again when something does.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<(SourceFile, Option<Arc<RouteIndex>>)>,
}

impl From<Vec<(SourceFile, Option<Arc<RouteIndex>>)>> for Files {
    /// Files numbered in the order given.
    fn from(files: Vec<(SourceFile, Option<Arc<RouteIndex>>)>) -> Self {
        Files { files }
    }
}

impl Files {
    pub fn add(&mut self, file: SourceFile, index: Option<Arc<RouteIndex>>) -> FileId {
        self.files.push((file, index));
        self.files.len() - 1
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id].0
    }

    /// Gives a file, registered without its text, its text (and index) back.
    pub fn attach(&mut self, id: FileId, text: Arc<str>, index: Option<Arc<RouteIndex>>) {
        let (file, kept) = &mut self.files[id];
        *file = SourceFile::new(std::mem::take(&mut file.name), text);
        if index.is_some() {
            *kept = index;
        }
    }

    pub fn index(&self, id: FileId) -> Option<&RouteIndex> {
        self.files[id].1.as_deref()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}
