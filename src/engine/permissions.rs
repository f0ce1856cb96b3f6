//! Deciding whether IAM statements stay within the deployer's declared `allow`, and whether each
//! declared entry is granted.
//!
//! The matcher is sound rather than complete: "covered" is only ever answered yes when every
//! concrete (action, resource) the statement could grant is matched by one `allow` entry. Where it
//! cannot be sure (a wildcard the entry may not contain, a `NotAction`), it answers no, and the
//! caller reports: a false alarm is safer than silence.

use crate::observe::document::{Patterns, Statement};
use crate::policy::model::Grant;

/// True when every string `pattern` can match is also matched by `cover` (both IAM globs with `*`
/// and `?`). A `*` in `pattern` is only covered by a `*` in `cover`; a `?` by `?` or `*`.
pub fn glob_covers(cover: &str, pattern: &str) -> bool {
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
    actions.iter().all(|action| {
        resources.iter().all(|resource| {
            allow
                .iter()
                .any(|g| action_covers(&g.action, action) && glob_covers(&g.resource, resource))
        })
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(actions: Patterns, resources: Patterns) -> Statement {
        Statement {
            sid: None,
            allow: true,
            actions,
            resources,
            has_condition: false,
        }
    }

    fn only(items: &[&str]) -> Patterns {
        Patterns::Only(items.iter().map(|s| s.to_string()).collect())
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
