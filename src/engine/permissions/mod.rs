//! Deciding whether IAM statements stay within the deployer's declared `allow`, and whether each
//! declared entry is granted.
//!
//! The matcher is sound rather than complete: "covered" is only ever answered yes when every
//! concrete (action, resource) the statement could grant is matched by one `allow` entry. Where it
//! cannot be sure (a wildcard the entry may not contain, a `NotAction`), it answers no, and the
//! caller reports: a false alarm is safer than silence. The same holds for Deny ([`may_deny`]):
//! it answers yes whenever the statement could deny part of an entry.

use crate::observe::document::{Patterns, Statement};
use crate::policy::model::Grant;

/// The longest action or resource judged, in bytes: IAM's own limit on a whole managed policy
/// document (10,240 characters; 6,144 for a user's inline policy, and 2,048 for an ARN), so no
/// real statement or entry is longer. A longer one is never covered, and as an exclusion
/// (`NotAction`, `NotResource`) it excludes everything: the answer errs towards a report.
pub const MAX_PATTERN_LEN: usize = 10_240;

fn too_long(s: &str) -> bool {
    s.len() > MAX_PATTERN_LEN
}

/// True when every string `pattern` can match is also matched by `cover` (both IAM globs with `*`
/// and `?`). A `*` in `pattern` is only covered by a `*` in `cover`; a `?` by `?` or `*`.
///
/// That is glob matching of `cover` against `pattern` read as a string of symbols, where `?`
/// matches any symbol but `*` and a literal only itself, so the classic greedy walk answers it:
/// linear in practice, O(n·m) at worst, and both are at most [`MAX_PATTERN_LEN`].
pub fn glob_covers(cover: &str, pattern: &str) -> bool {
    if too_long(cover) || too_long(pattern) {
        return false;
    }
    // The shapes real entries have, answered without the general walk below.
    let wild = |c: char| c == '*' || c == '?';
    if cover == "*" {
        return true;
    }
    if !cover.contains(wild) {
        return cover == pattern;
    }
    if let Some(prefix) = cover.strip_suffix('*').filter(|p| !p.contains(wild)) {
        return pattern.starts_with(prefix);
    }
    if cover.is_ascii() && pattern.is_ascii() {
        return covers_symbols(cover.as_bytes(), pattern.as_bytes(), b'*', b'?');
    }
    let q: Vec<char> = cover.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    covers_symbols(&q, &p, '*', '?')
}

/// The greedy walk: match `q` against `p` symbol by symbol; at a mismatch, let the last `*` of
/// `q` seen absorb one more symbol of `p` and resume after it. Earlier stars never need to be
/// revisited: whatever the last one can absorb, it absorbs.
fn covers_symbols<T: Copy + Eq>(q: &[T], p: &[T], star: T, one: T) -> bool {
    let (mut i, mut j) = (0, 0);
    // The last star of `q` seen, and how much of `p` it has absorbed up to.
    let mut last_star: Option<(usize, usize)> = None;
    while j < p.len() {
        if i < q.len() && q[i] == star {
            last_star = Some((i, j));
            i += 1;
        } else if i < q.len()
            && (if q[i] == one {
                p[j] != star
            } else {
                q[i] == p[j]
            })
        {
            i += 1;
            j += 1;
        } else if let Some((at, absorbed)) = last_star {
            last_star = Some((at, absorbed + 1));
            i = at + 1;
            j = absorbed + 1;
        } else {
            return false;
        }
    }
    q[i..].iter().all(|&c| c == star)
}

/// True when some string is matched by both globs `a` and `b`.
pub fn glob_overlaps(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // meet[i][j]: the suffixes a[i..] and b[j..] match a common string; filled from the ends.
    let mut meet = vec![vec![false; b.len() + 1]; a.len() + 1];
    for i in (0..=a.len()).rev() {
        for j in (0..=b.len()).rev() {
            meet[i][j] = match (a.get(i), b.get(j)) {
                (None, None) => true,
                // A `*` may match nothing, or take the other's next symbol (a `*` there included:
                // what that one matches, this one matches too).
                (Some('*'), _) => meet[i + 1][j] || (j < b.len() && meet[i][j + 1]),
                (_, Some('*')) => meet[i][j + 1] || (i < a.len() && meet[i + 1][j]),
                (Some(x), Some(y)) => (*x == '?' || *y == '?' || x == y) && meet[i + 1][j + 1],
                _ => false,
            };
        }
    }
    meet[0][0]
}

fn action_covers(cover: &str, pattern: &str) -> bool {
    glob_covers(&cover.to_ascii_lowercase(), &pattern.to_ascii_lowercase())
}

/// Whether an Allow statement stays within `allow`: it names its actions and resources (no
/// `NotAction`/`NotResource`) and every pair it names is covered by a single entry.
pub fn within(statement: &Statement, allow: &[Grant]) -> bool {
    let (Patterns::Only(actions), Patterns::Only(resources)) =
        (&statement.actions, &statement.resources)
    else {
        return false;
    };
    // Each action and each resource becomes the set of entries that cover it, and a pair is
    // covered when its two sets meet. Comparing the few distinct sets instead of every pair keeps
    // a recorded statement of thousands of actions and resources from taking minutes.
    // Actions compare without regard to case; lowered once here rather than once per pair.
    let lower = |items: &mut dyn Iterator<Item = &String>| -> Vec<String> {
        items.map(|s| s.to_ascii_lowercase()).collect()
    };
    let allowed_actions = lower(&mut allow.iter().map(|g| &g.action));
    let action_sets = covering_sets(&lower(&mut actions.iter()), allow.len(), |i, a| {
        glob_covers(&allowed_actions[i], a)
    });
    let resource_sets = covering_sets(resources, allow.len(), |i, r| {
        glob_covers(&allow[i].resource, r)
    });
    action_sets.iter().all(|a| {
        resource_sets
            .iter()
            .all(|r| a.iter().zip(r).any(|(x, y)| x & y != 0))
    })
}

/// The distinct sets (as bit sets over `entries` allow entries) of entries that cover each item.
fn covering_sets(
    items: &[String],
    entries: usize,
    covers: impl Fn(usize, &str) -> bool,
) -> Vec<Vec<u64>> {
    let mut sets: Vec<Vec<u64>> = items
        .iter()
        .map(|item| {
            let mut set = vec![0u64; entries.div_ceil(64)];
            for i in 0..entries {
                if covers(i, item) {
                    set[i / 64] |= 1 << (i % 64);
                }
            }
            set
        })
        .collect();
    sets.sort_unstable();
    sets.dedup();
    sets
}

/// Whether an Allow statement grants everything one entry names.
pub fn grants(statement: &Statement, grant: &Grant) -> bool {
    let concrete = |s: &str| !s.contains(['*', '?']);
    let actions = match &statement.actions {
        Patterns::Only(list) => list.iter().any(|a| action_covers(a, &grant.action)),
        Patterns::AllBut(list) => {
            concrete(&grant.action)
                && !list
                    .iter()
                    .any(|a| too_long(a) || action_covers(a, &grant.action))
        }
    };
    let resources = match &statement.resources {
        Patterns::Only(list) => list.iter().any(|r| glob_covers(r, &grant.resource)),
        Patterns::AllBut(list) => {
            concrete(&grant.resource)
                && !list
                    .iter()
                    .any(|r| too_long(r) || glob_covers(r, &grant.resource))
        }
    };
    actions && resources
}

/// Whether a Deny statement may deny part of what one entry names: some action and some
/// resource of the entry are among the statement's. `NotAction`/`NotResource` deny everything
/// but what they name, so they spare the entry only when one of their entries covers it whole.
pub fn may_deny(statement: &Statement, grant: &Grant) -> bool {
    let lower = |s: &str| s.to_ascii_lowercase();
    let action = lower(&grant.action);
    let actions = match &statement.actions {
        Patterns::Only(list) => list.iter().any(|a| glob_overlaps(&lower(a), &action)),
        Patterns::AllBut(list) => !list.iter().any(|a| action_covers(a, &grant.action)),
    };
    let resources = match &statement.resources {
        Patterns::Only(list) => list.iter().any(|r| glob_overlaps(r, &grant.resource)),
        Patterns::AllBut(list) => !list.iter().any(|r| glob_covers(r, &grant.resource)),
    };
    actions && resources
}

#[cfg(test)]
mod tests;
