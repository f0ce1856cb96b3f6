//! Byte offsets of the YAML parser's character positions: saphyr counts characters, every span
//! of this crate counts bytes.

use crate::base::source::Span;

/// Converts saphyr's character offsets into byte offsets.
pub(super) struct ByteOffsets {
    /// Byte offset of every character, plus one past the end; empty when the text is ASCII.
    table: Vec<usize>,
    len: usize,
}

impl ByteOffsets {
    pub(super) fn new(text: &str) -> Self {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect()
        };
        ByteOffsets {
            table,
            len: text.len(),
        }
    }

    pub(super) fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }

    pub(super) fn span(&self, span: saphyr_parser::Span) -> Span {
        Span::new(self.byte(span.start.index()), self.byte(span.end.index()))
    }
}
