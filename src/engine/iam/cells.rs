//! The cells a set of globs ([`super::globs`]) cuts the strings into: two strings are in the same cell when every glob
//! matches both or neither. One witness per cell stands for all its strings, which is how the
//! evaluator stays exact over infinitely many actions, resources and key values while judging
//! only a few concrete ones.
//!
//! A witness is found by a breadth-first walk of the product of the globs' automata (each glob is
//! a line of positions; a state is the set of positions reachable so far). The walk is bounded by
//! a [`Budget`]: past it the caller falls back to a sound, coarser answer.

pub use super::globs::{Glob, Tok};
use std::collections::{HashMap, VecDeque};

/// How many automaton states the walks of one question may visit in all.
#[derive(Clone, Copy, Debug)]
pub struct Budget(pub usize);

/// The walk went past its [`Budget`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted;

/// A glob compiled for the walk, over an alphabet of symbols: the positions (bits) each symbol
/// advances from, the positions it loops on (stars), and the star positions a walk may skip.
struct Compiled {
    advance: Vec<u128>,
    looping: Vec<u128>,
    stars: u128,
    end: u32,
}

impl Compiled {
    /// `None` for a glob longer than a walk handles (127 symbols).
    fn new(glob: &Glob, alphabet: &[char]) -> Option<Compiled> {
        if glob.0.len() > 127 {
            return None;
        }
        let mut advance = vec![0u128; alphabet.len()];
        let mut looping = vec![0u128; alphabet.len()];
        let mut stars = 0u128;
        for (i, tok) in glob.0.iter().enumerate() {
            let bit = 1u128 << i;
            if matches!(tok, Tok::Star | Tok::StarNoColon) {
                stars |= bit;
            }
            for (a, &c) in alphabet.iter().enumerate() {
                match *tok {
                    Tok::Lit(l) if l == c => advance[a] |= bit,
                    Tok::One => advance[a] |= bit,
                    Tok::OneNoColon if c != ':' => advance[a] |= bit,
                    Tok::Star => looping[a] |= bit,
                    Tok::StarNoColon if c != ':' => looping[a] |= bit,
                    _ => {}
                }
            }
        }
        Some(Compiled {
            advance,
            looping,
            stars,
            end: glob.0.len() as u32,
        })
    }

    fn close(&self, mut state: u128) -> u128 {
        loop {
            let next = state | ((state & self.stars) << 1);
            if next == state {
                return state;
            }
            state = next;
        }
    }

    fn step(&self, state: u128, symbol: usize) -> u128 {
        self.close(((state & self.advance[symbol]) << 1) | (state & self.looping[symbol]))
    }

    fn accepts(&self, state: u128) -> bool {
        state & (1u128 << self.end) != 0
    }
}

/// The shortest string matched by every glob of `pos` and by none of `neg` (first trying the
/// `prefer`red strings, in order), or `None` when there is none.
pub fn witness(
    pos: &[&Glob],
    neg: &[&Glob],
    prefer: &[String],
    budget: &mut Budget,
) -> Result<Option<String>, Exhausted> {
    let fits = |s: &str| pos.iter().all(|g| g.matches(s)) && !neg.iter().any(|g| g.matches(s));
    if let Some(found) = prefer.iter().find(|s| fits(s)) {
        return Ok(Some(found.clone()));
    }
    let all: Vec<&Glob> = pos.iter().chain(neg).copied().collect();
    // Every character no glob names behaves alike: one stands for them all.
    let mut alphabet: Vec<char> = all.iter().flat_map(|g| g.literals()).collect();
    alphabet.push(':');
    alphabet.sort_unstable();
    alphabet.dedup();
    let fresh = "xyz0123456789abcdefghijklmnopqrstuvw-_."
        .chars()
        .find(|c| !alphabet.contains(c))
        .unwrap_or('\u{2022}');
    alphabet.insert(0, fresh);
    let compiled: Vec<Compiled> = all
        .iter()
        .map(|g| Compiled::new(g, &alphabet))
        .collect::<Option<_>>()
        .ok_or(Exhausted)?;
    let start: Vec<u128> = compiled.iter().map(|c| c.close(1)).collect();
    let done = |state: &[u128]| {
        (0..pos.len()).all(|i| compiled[i].accepts(state[i]))
            && (pos.len()..all.len()).all(|i| !compiled[i].accepts(state[i]))
    };
    if done(&start) {
        return Ok(Some(String::new()));
    }
    let mut seen: HashMap<Vec<u128>, (usize, usize)> = HashMap::new();
    let mut states: Vec<Vec<u128>> = vec![start.clone()];
    seen.insert(start, (usize::MAX, 0));
    let mut queue = VecDeque::from([0usize]);
    while let Some(at) = queue.pop_front() {
        for symbol in 0..alphabet.len() {
            let next: Vec<u128> = (compiled.iter().zip(&states[at]))
                .map(|(c, s)| c.step(*s, symbol))
                .collect();
            // A positive glob that can no longer match ends this branch.
            if next[..pos.len()].contains(&0) || seen.contains_key(&next) {
                continue;
            }
            if budget.0 == 0 {
                return Err(Exhausted);
            }
            budget.0 -= 1;
            let finished = done(&next);
            seen.insert(next.clone(), (at, symbol));
            states.push(next);
            let id = states.len() - 1;
            if finished {
                // Walk back to the start for the string.
                let mut text = Vec::new();
                let mut cursor = id;
                while let Some(&(from, symbol)) = seen.get(&states[cursor]) {
                    if from == usize::MAX {
                        break;
                    }
                    text.push(alphabet[symbol]);
                    cursor = from;
                }
                return Ok(Some(text.into_iter().rev().collect()));
            }
            queue.push_back(id);
        }
    }
    Ok(None)
}

/// One cell: which globs its strings match, and one of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    pub inside: Vec<bool>,
    pub witness: String,
}

/// Every non-empty cell of `globs` within the strings every `universe` glob matches.
pub fn cells(
    globs: &[Glob],
    universe: &[&Glob],
    prefer: &[String],
    budget: &mut Budget,
) -> Result<Vec<Cell>, Exhausted> {
    let Some(first) = witness(universe, &[], prefer, budget)? else {
        return Ok(Vec::new());
    };
    let mut cells = vec![Cell {
        inside: Vec::new(),
        witness: first,
    }];
    for glob in globs {
        let mut split = Vec::with_capacity(cells.len() * 2);
        for cell in cells {
            let mut pos: Vec<&Glob> = universe.to_vec();
            let mut neg: Vec<&Glob> = Vec::new();
            for (j, inside) in cell.inside.iter().enumerate() {
                if *inside {
                    pos.push(&globs[j]);
                } else {
                    neg.push(&globs[j]);
                }
            }
            // The cell's own witness falls on one side; only the other needs a walk.
            let on = glob.matches(&cell.witness);
            let other = if on {
                neg.push(glob);
                witness(&pos, &neg, prefer, budget)?
            } else {
                pos.push(glob);
                witness(&pos, &neg, prefer, budget)?
            };
            let mut kept = cell.inside.clone();
            kept.push(on);
            split.push(Cell {
                inside: kept,
                witness: cell.witness,
            });
            if let Some(witness) = other {
                let mut inside = cell.inside;
                inside.push(!on);
                split.push(Cell { inside, witness });
            }
        }
        cells = split;
        if cells.len() > MAX_CELLS {
            return Err(Exhausted);
        }
    }
    Ok(cells)
}

/// More cells than this is a question too large to answer exactly.
pub const MAX_CELLS: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    fn budget() -> Budget {
        Budget(100_000)
    }

    #[test]
    fn globs_match_as_iam_does() {
        assert!(Glob::iam("eks:Describe*").matches("eks:DescribeCluster"));
        assert!(!Glob::iam("eks:Describe?").matches("eks:Describe"));
        assert!(Glob::iam("a*b*c").matches("aXbYbc"));
        let arn = Glob::arn("arn:aws:eks:*:*:cluster/*").unwrap();
        assert!(arn.matches("arn:aws:eks:us-west-2:111122223333:cluster/a:b"));
        // A segment's wildcard never crosses a colon.
        assert!(!arn.matches("arn:aws:eks:us:west:2:111122223333:cluster/a"));
        assert!(Glob::arn("arn:aws:eks").is_none());
    }

    #[test]
    fn witnesses_are_found_or_shown_not_to_exist() {
        let a = Glob::iam("eks:*");
        let b = Glob::iam("eks:Describe*");
        let w = witness(&[&a], &[&b], &[], &mut budget()).unwrap().unwrap();
        assert!(a.matches(&w) && !b.matches(&w), "{w}");
        assert_eq!(witness(&[&b], &[&a], &[], &mut budget()).unwrap(), None);
        let both = witness(
            &[&Glob::iam("a*"), &Glob::iam("*b")],
            &[],
            &[],
            &mut budget(),
        );
        assert_eq!(both.unwrap().as_deref(), Some("ab"));
        let preferred = witness(&[&a], &[], &["eks:ListClusters".into()], &mut budget());
        assert_eq!(preferred.unwrap().as_deref(), Some("eks:ListClusters"));
        assert_eq!(witness(&[&a], &[&b], &[], &mut Budget(0)), Err(Exhausted));
    }

    #[test]
    fn cells_cover_every_combination_that_exists() {
        let globs = [Glob::iam("a*"), Glob::iam("*b"), Glob::iam("ab")];
        let cells = cells(&globs, &[], &[], &mut budget()).unwrap();
        let mut kinds: Vec<Vec<bool>> = cells.iter().map(|c| c.inside.clone()).collect();
        kinds.sort();
        // "ab" matches all three; "axb" the first two; "a", "b", "x" one or none.
        assert_eq!(
            kinds,
            vec![
                vec![false, false, false],
                vec![false, true, false],
                vec![true, false, false],
                vec![true, true, false],
                vec![true, true, true],
            ]
        );
        for cell in &cells {
            for (glob, inside) in globs.iter().zip(&cell.inside) {
                assert_eq!(glob.matches(&cell.witness), *inside, "{cell:?}");
            }
        }
    }
}
