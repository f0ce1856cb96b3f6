//! Globs: IAM's `*` and `?` over actions, resources and condition values, and ARN patterns whose
//! first five segments hold no `:` (`ArnLike`), matched by walking the positions a glob can be at
//! (one bit each).

use crate::engine::variables::{LITERAL_QUESTION, LITERAL_STAR};

/// One symbol of a glob.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok {
    Lit(char),
    /// `*`: any run of characters.
    Star,
    /// `*` inside an ARN's first five segments: any run without `:`.
    StarNoColon,
    /// `?`: one character.
    One,
    /// `?` inside an ARN's first five segments.
    OneNoColon,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Glob(pub Vec<Tok>);

impl Glob {
    /// Text matched exactly.
    pub fn literal(text: &str) -> Glob {
        Glob(text.chars().map(Tok::Lit).collect())
    }

    /// An IAM pattern: `*` any run, `?` one character. The stand-ins a resolved `${*}` and
    /// `${?}` leave in a pattern ([`LITERAL_STAR`], [`LITERAL_QUESTION`]) are the characters
    /// themselves.
    pub fn iam(pattern: &str) -> Glob {
        Glob(
            pattern
                .chars()
                .map(|c| match c {
                    '*' => Tok::Star,
                    '?' => Tok::One,
                    LITERAL_STAR => Tok::Lit('*'),
                    LITERAL_QUESTION => Tok::Lit('?'),
                    c => Tok::Lit(c),
                })
                .collect(),
        )
    }

    /// An `ArnLike` pattern: six `:`-separated parts, each matched on its own; wildcards in the
    /// first five never cross a `:`, the last part (the resource) may hold `:` itself. `None`
    /// when the pattern has fewer than six parts (IAM compares nothing then).
    pub fn arn(pattern: &str) -> Option<Glob> {
        let parts: Vec<&str> = pattern.splitn(6, ':').collect();
        if parts.len() < 6 {
            return None;
        }
        let mut toks = Vec::with_capacity(pattern.len());
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                toks.push(Tok::Lit(':'));
            }
            let last = i == 5;
            toks.extend(part.chars().map(|c| match c {
                '*' if last => Tok::Star,
                '*' => Tok::StarNoColon,
                '?' if last => Tok::One,
                '?' => Tok::OneNoColon,
                c => Tok::Lit(c),
            }));
        }
        Some(Glob(toks))
    }

    /// The same glob with its literal characters in ASCII lower case (actions compare so).
    pub fn lowered(mut self) -> Glob {
        for tok in &mut self.0 {
            if let Tok::Lit(c) = tok {
                *c = c.to_ascii_lowercase();
            }
        }
        self
    }

    /// A glob that matches `self` followed by `other`'s strings.
    pub fn then(mut self, other: &Glob) -> Glob {
        self.0.extend_from_slice(&other.0);
        self
    }

    pub fn matches(&self, text: &str) -> bool {
        if self.0.len() <= 127 {
            return self.matches_short(text);
        }
        let mut state = self.start();
        for c in text.chars() {
            state = self.step(&state, c);
            if state.is_empty() {
                return false;
            }
        }
        self.accepts(&state)
    }

    /// [`Glob::matches`] with the positions in one word.
    fn matches_short(&self, text: &str) -> bool {
        let stars: u128 = (self.0.iter().enumerate())
            .filter(|(_, t)| matches!(t, Tok::Star | Tok::StarNoColon))
            .fold(0, |acc, (i, _)| acc | 1 << i);
        let close = |mut state: u128| loop {
            let next = state | ((state & stars) << 1);
            if next == state {
                return state;
            }
            state = next;
        };
        let mut state = close(1);
        for c in text.chars() {
            let mut next = 0u128;
            let mut bits = state;
            while bits != 0 {
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let Some(tok) = self.0.get(i) else { continue };
                match *tok {
                    Tok::Lit(l) if l == c => next |= 1 << (i + 1),
                    Tok::One => next |= 1 << (i + 1),
                    Tok::OneNoColon if c != ':' => next |= 1 << (i + 1),
                    Tok::Star => next |= 1 << i,
                    Tok::StarNoColon if c != ':' => next |= 1 << i,
                    _ => {}
                }
            }
            state = close(next);
            if state == 0 {
                return false;
            }
        }
        state & (1 << self.0.len()) != 0
    }

    fn start(&self) -> Positions {
        let mut state = Positions::new(self.0.len() + 1);
        state.insert(0);
        self.close(&mut state);
        state
    }

    /// Adds the positions a star lets the walk skip to.
    fn close(&self, state: &mut Positions) {
        for i in 0..self.0.len() {
            if state.contains(i) && matches!(self.0[i], Tok::Star | Tok::StarNoColon) {
                state.insert(i + 1);
            }
        }
    }

    fn step(&self, state: &Positions, c: char) -> Positions {
        let mut next = Positions::new(self.0.len() + 1);
        for i in state.iter().filter(|&i| i < self.0.len()) {
            match self.0[i] {
                Tok::Lit(l) if l == c => next.insert(i + 1),
                Tok::One => next.insert(i + 1),
                Tok::OneNoColon if c != ':' => next.insert(i + 1),
                Tok::Star => next.insert(i),
                Tok::StarNoColon if c != ':' => next.insert(i),
                _ => {}
            }
        }
        self.close(&mut next);
        next
    }

    fn accepts(&self, state: &Positions) -> bool {
        state.contains(self.0.len())
    }

    pub(super) fn literals(&self) -> impl Iterator<Item = char> + '_ {
        self.0.iter().filter_map(|t| match t {
            Tok::Lit(c) => Some(*c),
            _ => None,
        })
    }
}

/// A set of glob positions.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Positions(Vec<u64>);

impl Positions {
    fn new(len: usize) -> Self {
        Positions(vec![0; len.div_ceil(64)])
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let i = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(w * 64 + i)
            })
        })
    }
}
