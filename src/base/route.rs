//! Routes into a policy (JSON pointers with a key/value flag) and the index that resolves them to
//! byte spans, built once per policy by its parse; RFC 6901 escaping of pointer segments is
//! written here once.

use super::source::Span;

/// Where each node of a document sits: JSON pointer → (key span, value span), in bytes.
///
/// Built once per policy by the position-aware parse; diagnostics carry routes (pointers) and are
/// resolved through this index only when a report is rendered. Kept compact, since every policy of
/// a fleet holds one until the report is written: all pointers share one string, and spans are
/// 32-bit (policies are at most 1 MiB).
#[derive(Debug, Default, Clone)]
pub struct RouteIndex {
    pointers: String,
    /// Sorted by pointer once [`RouteIndex::finish`] ran.
    entries: Vec<Entry>,
    sorted: bool,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    len: u32,
    /// `u32::MAX` start: no key (sequence items, the root).
    key: (u32, u32),
    value: (u32, u32),
}

fn pack(span: Span) -> (u32, u32) {
    (
        span.start.min(u32::MAX as usize - 1) as u32,
        span.end.min(u32::MAX as usize - 1) as u32,
    )
}

fn unpack((start, end): (u32, u32)) -> Span {
    Span::new(start as usize, end as usize)
}

impl RouteIndex {
    pub fn insert(&mut self, pointer: String, key: Option<Span>, value: Span) {
        let start = self.pointers.len() as u32;
        self.pointers.push_str(&pointer);
        let key = key.map_or((u32::MAX, u32::MAX), pack);
        self.entries.push(Entry {
            start,
            len: pointer.len() as u32,
            key,
            value: pack(value),
        });
        self.sorted = false;
    }

    /// Sorts the entries for lookups and releases spare capacity.
    pub fn finish(&mut self) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_by(|a, b| self.pointer(a).cmp(self.pointer(b)));
        entries.shrink_to_fit();
        self.entries = entries;
        self.pointers.shrink_to_fit();
        self.sorted = true;
    }

    fn pointer(&self, entry: &Entry) -> &str {
        &self.pointers[entry.start as usize..(entry.start + entry.len) as usize]
    }

    /// The (key span, value span) of exactly `pointer`, with no fallback to an ancestor.
    pub fn get(&self, pointer: &str) -> Option<(Option<Span>, Span)> {
        let entry = if self.sorted {
            self.entries
                .binary_search_by(|e| self.pointer(e).cmp(pointer))
                .ok()
                .map(|i| &self.entries[i])
        } else {
            self.entries
                .iter()
                .rev()
                .find(|e| self.pointer(e) == pointer)
        }?;
        let key = (entry.key.0 != u32::MAX).then(|| unpack(entry.key));
        Some((key, unpack(entry.value)))
    }

    /// The span of a route, or of its nearest ancestor that exists (a defaulted field that the file
    /// does not spell out resolves to the block that would hold it).
    pub fn resolve(&self, route: &Route) -> Option<Span> {
        let mut pointer = route.pointer.as_str();
        let mut exact = true;
        loop {
            if let Some((key, value)) = self.get(pointer) {
                return Some(match (route.key || !exact, key) {
                    (true, Some(key)) => key,
                    // Falling back to the whole document would underline every line: point at
                    // its first token instead.
                    _ if pointer.is_empty() && !exact => Span::point(value.start),
                    _ => value,
                });
            }
            if pointer.is_empty() {
                return None;
            }
            pointer = &pointer[..pointer.rfind('/').unwrap_or(0)];
            exact = false;
        }
    }
}

/// A place in a document, as a JSON pointer (`/deployer/allow/0/action`); `key` asks for the
/// mapping key rather than its value (unknown keys, duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Route {
    pub pointer: String,
    pub key: bool,
}

impl Route {
    pub fn root() -> Self {
        Route::default()
    }

    /// The route of `segments` below the root, escaped as RFC 6901 requires.
    pub fn of<I, S>(segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: fmt::Display,
    {
        let mut route = Route::root();
        for segment in segments {
            route = route.child(segment);
        }
        route
    }

    pub fn child(&self, segment: impl fmt::Display) -> Self {
        use fmt::Write as _;
        // Written in place: a policy's parse and a fleet's findings build many routes, and most
        // segments need no escaping.
        let mut pointer = String::with_capacity(self.pointer.len() + 24);
        pointer.push_str(&self.pointer);
        pointer.push('/');
        let start = pointer.len();
        let _ = write!(pointer, "{segment}");
        if let std::borrow::Cow::Owned(escaped) = escape_segment(&pointer[start..]) {
            pointer.truncate(start);
            pointer.push_str(&escaped);
        }
        Route {
            pointer,
            key: false,
        }
    }

    pub fn at_key(mut self) -> Self {
        self.key = true;
        self
    }
}

use std::fmt;

/// One JSON Pointer segment escaped (RFC 6901: `~` as `~0`, `/` as `~1`); borrowed when it
/// needs no escaping, as most segments do.
pub fn escape_segment(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains(['~', '/']) {
        segment.replace('~', "~0").replace('/', "~1").into()
    } else {
        segment.into()
    }
}

/// One JSON Pointer segment as the key it escapes (RFC 6901: `~1` first, then `~0`).
pub fn unescape_segment(segment: &str) -> std::borrow::Cow<'_, str> {
    if segment.contains('~') {
        segment.replace("~1", "/").replace("~0", "~").into()
    } else {
        segment.into()
    }
}
