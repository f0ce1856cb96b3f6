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
mod tests {
    use super::*;

    fn statement(actions: Patterns, resources: Patterns) -> Statement {
        Statement {
            sid: None,
            allow: true,
            actions,
            resources,
            conditions: Vec::new(),
        }
    }

    fn only(items: &[&str]) -> Patterns {
        Patterns::Only(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn glob_overlap() {
        assert!(glob_overlaps("eks:*", "eks:DescribeCluster"));
        assert!(glob_overlaps("eks:Describe*", "*Cluster"));
        assert!(glob_overlaps("a?c", "*c"));
        assert!(glob_overlaps("a*", "*b"));
        assert!(!glob_overlaps("eks:List*", "eks:DescribeCluster"));
        assert!(!glob_overlaps("a?", "a"));
        assert!(glob_overlaps("", "*"));
        assert!(!glob_overlaps("", "?"));
    }

    #[test]
    fn deny_may_deny_part_of_an_entry() {
        let grant = Grant {
            action: "eks:DescribeCluster".into(),
            resource: "arn:aws:eks:us-west-2:1:cluster/x".into(),
        };
        let deny = |actions, resources| Statement {
            allow: false,
            ..statement(actions, resources)
        };
        assert!(may_deny(&deny(only(&["EKS:*"]), only(&["*"])), &grant));
        assert!(!may_deny(&deny(only(&["eks:List*"]), only(&["*"])), &grant));
        assert!(!may_deny(
            &deny(only(&["eks:*"]), only(&["arn:aws:eks:*:*:cluster/y"])),
            &grant
        ));
        // NotAction denies everything it does not name.
        assert!(may_deny(
            &deny(Patterns::AllBut(vec!["iam:*".into()]), only(&["*"])),
            &grant
        ));
        assert!(!may_deny(
            &deny(Patterns::AllBut(vec!["eks:Describe*".into()]), only(&["*"])),
            &grant
        ));
        assert!(!may_deny(
            &deny(only(&["*"]), Patterns::AllBut(vec!["arn:aws:eks:*".into()])),
            &grant
        ));
    }

    #[test]
    fn glob_containment() {
        assert!(glob_covers("*", "anything*"));
        assert!(glob_covers("eks:*", "eks:Describe*"));
        assert!(glob_covers("eks:Describe*", "eks:DescribeCluster"));
        assert!(!glob_covers("eks:DescribeCluster", "eks:Describe*"));
        assert!(!glob_covers("eks:Describe?luster", "eks:Describe*"));
        assert!(glob_covers("eks:Describe?luster", "eks:Describe?luster"));
        assert!(glob_covers("eks:*Cluster", "eks:Describe*Cluster"));
        assert!(!glob_covers("eks:*Cluster", "eks:Describe*"));
        assert!(!glob_covers("a", ""));
        assert!(glob_covers("", ""));
    }

    /// The walk this module used before the greedy one: a set of reachable prefixes, O(n·m)
    /// always. The greedy walk must agree with it everywhere.
    fn covers_reference(cover: &str, pattern: &str) -> bool {
        let p: Vec<char> = pattern.chars().collect();
        let mut reach = vec![false; p.len() + 1];
        reach[0] = true;
        for c in cover.chars() {
            let mut next = vec![false; p.len() + 1];
            let mut any = false;
            for j in 0..=p.len() {
                any |= reach[j];
                next[j] = match c {
                    '*' => any,
                    _ if j == 0 => false,
                    '?' => reach[j - 1] && p[j - 1] != '*',
                    literal => reach[j - 1] && p[j - 1] == literal,
                };
            }
            reach = next;
        }
        reach[p.len()]
    }

    #[test]
    fn the_greedy_walk_agrees_with_the_reference_on_every_short_pair() {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|s| ["a", "b", "é", "*", "?"].map(|c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        for cover in &all {
            for pattern in all.iter().filter(|p| p.chars().count() <= 4) {
                assert_eq!(
                    glob_covers(cover, pattern),
                    covers_reference(cover, pattern),
                    "{cover:?} covers {pattern:?}"
                );
            }
        }
    }

    #[test]
    fn patterns_longer_than_iam_allows_are_never_covered_and_exclude_everything() {
        let long = format!("arn:aws:s3:::{}", "a".repeat(3 << 20));
        let cover = format!("*{}*b", "a?".repeat(15_000));
        let started = std::time::Instant::now();
        assert!(!glob_covers(&cover, &long));
        assert!(!glob_covers("*", &long));
        assert!(!glob_covers("arn:*:s3:::*", &long));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let allow = [Grant {
            action: "*".into(),
            resource: "*".into(),
        }];
        // Everything is allowed, but a resource no IAM policy can hold is not judged covered.
        assert!(!within(
            &statement(only(&["s3:GetObject"]), only(&[&long])),
            &allow
        ));
        let grant = Grant {
            action: "s3:GetObject".into(),
            resource: "arn:aws:s3:::b/k".into(),
        };
        // An exclusion too long to judge counts as excluding the entry: not granted.
        let excluding = statement(Patterns::AllBut(vec![long.clone()]), only(&["*"]));
        assert!(!grants(&excluding, &grant));
        let excluding = statement(only(&["*"]), Patterns::AllBut(vec![long]));
        assert!(!grants(&excluding, &grant));
    }

    #[test]
    fn thousands_of_actions_and_resources_are_judged_by_their_covering_entries() {
        let allow: Vec<Grant> = (0..70)
            .map(|i| Grant {
                action: format!("svc{i}:*"),
                resource: format!("arn:aws:s3:::bucket-{i}/*"),
            })
            .collect();
        let actions: Vec<String> = (0..3000).map(|i| format!("svc{}:Get{i}", i % 70)).collect();
        let resources: Vec<String> = (0..3000)
            .map(|i| format!("arn:aws:s3:::bucket-{}/{i}", i % 70))
            .collect();
        // Entry k covers only actions of svc{k} and resources of bucket-{k}: a pair across two
        // entries is not covered, even past the first 64 entries.
        assert!(!within(
            &statement(Patterns::Only(actions.clone()), Patterns::Only(resources)),
            &allow
        ));
        let resources: Vec<String> = (0..3000)
            .map(|i| format!("arn:aws:s3:::bucket-65/{i}"))
            .collect();
        let actions_65: Vec<String> = actions
            .iter()
            .filter(|a| a.starts_with("svc65:"))
            .cloned()
            .collect();
        assert!(within(
            &statement(
                Patterns::Only(actions_65),
                Patterns::Only(resources.clone())
            ),
            &allow
        ));
        let mut wider = allow.clone();
        wider.push(Grant {
            action: "*".into(),
            resource: "arn:aws:s3:::bucket-65/*".into(),
        });
        assert!(within(
            &statement(Patterns::Only(actions), Patterns::Only(resources)),
            &wider
        ));
    }

    #[test]
    fn statements_within_allow() {
        let allow = [Grant {
            action: "eks:DescribeCluster".into(),
            resource: "arn:aws:eks:us-west-2:1:cluster/x".into(),
        }];
        let exact = statement(
            only(&["EKS:describecluster"]),
            only(&["arn:aws:eks:us-west-2:1:cluster/x"]),
        );
        assert!(within(&exact, &allow));
        assert!(grants(&exact, &allow[0]));
        assert!(!within(
            &statement(
                only(&["eks:*"]),
                only(&["arn:aws:eks:us-west-2:1:cluster/x"])
            ),
            &allow
        ));
        assert!(!within(
            &statement(only(&["eks:DescribeCluster"]), only(&["*"])),
            &allow
        ));
        let not_action = statement(Patterns::AllBut(vec!["iam:*".into()]), only(&["*"]));
        assert!(!within(&not_action, &allow));
        assert!(grants(&not_action, &allow[0]));
        assert!(grants(
            &statement(only(&["eks:*"]), only(&["*"])),
            &allow[0]
        ));
        assert!(!grants(
            &statement(only(&["eks:List*"]), only(&["*"])),
            &allow[0]
        ));
    }
}
