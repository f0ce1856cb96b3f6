//! The matcher's unit tests: wildcards, covering, overlap, NotAction and NotResource.

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
