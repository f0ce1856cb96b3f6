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

/// True when every string `pattern` can match is also matched by `cover` (both IAM globs with `*`
/// and `?`). A `*` in `pattern` is only covered by a `*` in `cover`; a `?` by `?` or `*`.
pub fn glob_covers(cover: &str, pattern: &str) -> bool {
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
    let q: Vec<char> = cover.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // reach[j]: cover's prefix so far can consume pattern's first j symbols.
    let mut reach = vec![false; p.len() + 1];
    reach[0] = true;
    for &c in &q {
        let mut next = vec![false; p.len() + 1];
        match c {
            '*' => {
                let mut any = false;
                for j in 0..=p.len() {
                    any |= reach[j];
                    next[j] = any;
                }
            }
            '?' => {
                for j in 0..p.len() {
                    next[j + 1] = reach[j] && p[j] != '*';
                }
            }
            literal => {
                for j in 0..p.len() {
                    next[j + 1] = reach[j] && p[j] == literal;
                }
            }
        }
        reach = next;
    }
    reach[p.len()]
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
            concrete(&grant.action) && !list.iter().any(|a| action_covers(a, &grant.action))
        }
    };
    let resources = match &statement.resources {
        Patterns::Only(list) => list.iter().any(|r| glob_covers(r, &grant.resource)),
        Patterns::AllBut(list) => {
            concrete(&grant.resource) && !list.iter().any(|r| glob_covers(r, &grant.resource))
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
