//! Concrete requests that stand for a region of requests: one action per cell that the action
//! patterns in play cut the actions into, and one resource per cell of the resource patterns
//! ([`cells`](super::cells)). Every request in a cell meets every statement the same way, so
//! deciding the witnesses decides the region: how the evaluator finds what a grant reaches
//! beyond `deployer.allow` after Deny statements and the boundary, and whether a declared entry
//! with wildcards is granted whole.

use super::cells::{self, Budget, Exhausted, Glob, Tok};
use crate::observe::document::Patterns;

/// Real actions tried first as witnesses, so that a finding names an action a reader knows.
const COMMON_ACTIONS: &[&str] = &[
    "eks:DescribeCluster",
    "eks:ListClusters",
    "eks:DescribeNodegroup",
    "eks:DeleteCluster",
    "eks:DeregisterCluster",
    "eks:UpdateClusterConfig",
    "eks:DescribeUpdate",
    "eks:AccessKubernetesApi",
    "iam:CreateUser",
    "iam:GetUser",
    "iam:ChangePassword",
    "iam:EnableMFADevice",
    "iam:CreateAccessKey",
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "sts:GetSessionToken",
    "sts:AssumeRole",
    "ec2:DescribeInstances",
    "dynamodb:GetItem",
];

/// The witnesses of a region: actions (in lower case) and resources; every pair is a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnesses {
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

/// The most witnesses of each kind: beyond, the question is answered coarsely by the caller.
pub const MAX_WITNESSES: usize = 64;

/// The most distinct patterns cut into cells at once: a statement naming hundreds of actions is
/// answered coarsely rather than slowly.
pub const MAX_PATTERNS: usize = 24;

/// One witness per cell inside `region` of the patterns in `play` (the region's own patterns
/// count too). `actions` says whether these are actions (compared in lower case, shaped
/// `service:name`) or resources (ARN-shaped).
fn witnesses_of(
    region: &Patterns,
    play: &[&str],
    prefer: &[String],
    actions: bool,
) -> Result<Vec<String>, Exhausted> {
    let glob = |p: &str| {
        let g = Glob::iam(p);
        if actions { g.lowered() } else { g }
    };
    let (inside, except) = match region {
        Patterns::Only(list) => (list, false),
        Patterns::AllBut(list) => (list, true),
    };
    let mut patterns: Vec<String> = inside.iter().map(|p| p.to_owned()).collect();
    patterns.extend(play.iter().map(|p| (*p).to_owned()));
    if actions {
        patterns.iter_mut().for_each(|p| p.make_ascii_lowercase());
    }
    patterns.sort();
    patterns.dedup();
    if patterns.len() > MAX_PATTERNS {
        return Err(Exhausted);
    }
    let globs: Vec<Glob> = patterns.iter().map(|p| glob(p)).collect();
    let region_globs: Vec<Glob> = inside.iter().map(|p| glob(p)).collect();
    let universe = if actions {
        Glob(vec![
            Tok::OneNoColon,
            Tok::StarNoColon,
            Tok::Lit(':'),
            Tok::OneNoColon,
            Tok::StarNoColon,
        ])
    } else {
        Glob::arn("arn:?*:?*:*:*:?*").expect("six parts")
    };
    // Real names first, then strings the patterns name themselves (their wildcards filled in two
    // ways): most cells hold one of them, and no walk is needed.
    let mut preferred: Vec<String> = prefer.to_vec();
    if actions {
        preferred.extend(COMMON_ACTIONS.iter().map(|a| a.to_ascii_lowercase()));
    }
    for p in &patterns {
        if p.contains(['*', '?']) {
            preferred.push(p.replace(['*', '?'], "x"));
            preferred.push(p.replace('*', "").replace('?', "x"));
        } else {
            preferred.push(p.clone());
        }
    }
    if actions {
        preferred.iter_mut().for_each(|p| p.make_ascii_lowercase());
    }
    let cells = cells::cells(&globs, &[&universe], &preferred, &mut Budget(2_000))?;
    let out: Vec<String> = cells
        .into_iter()
        .filter(|c| region_globs.iter().any(|g| g.matches(&c.witness)) != except)
        .map(|c| c.witness)
        .collect();
    if out.len() > MAX_WITNESSES {
        return Err(Exhausted);
    }
    Ok(out)
}

/// The witnesses of the requests `actions` × `resources` (a statement's, or a declared entry's)
/// against the patterns in play.
pub fn witnesses(
    actions: &Patterns,
    resources: &Patterns,
    action_play: &[&str],
    resource_play: &[&str],
    prefer_resources: &[String],
) -> Result<Witnesses, Exhausted> {
    Ok(Witnesses {
        actions: witnesses_of(actions, action_play, &[], true)?,
        resources: witnesses_of(resources, resource_play, prefer_resources, false)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(items: &[&str]) -> Patterns {
        Patterns::Only(items.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn a_wide_grant_is_cut_where_the_other_patterns_cut_it() {
        let cluster = "arn:aws:eks:us-west-2:111122223333:cluster/acme";
        let w = witnesses(
            &only(&["eks:*"]),
            &only(&["*"]),
            &["eks:DescribeCluster", "eks:Describe*"],
            &[cluster],
            &[],
        )
        .unwrap();
        // DescribeCluster, another Describe action, and an eks action that is neither.
        assert_eq!(w.actions.len(), 3, "{w:?}");
        assert!(w.actions.contains(&"eks:describecluster".to_owned()));
        assert!(w.actions.contains(&"eks:describenodegroup".to_owned()));
        // The cluster, and an ARN that is not it.
        assert_eq!(w.resources.len(), 2, "{w:?}");
        assert!(w.resources.contains(&cluster.to_owned()));
    }

    #[test]
    fn not_action_reaches_what_it_does_not_name() {
        let w = witnesses(
            &Patterns::AllBut(vec!["eks:*".into()]),
            &only(&["*"]),
            &[],
            &[],
            &[],
        )
        .unwrap();
        assert!(w.actions.iter().all(|a| !a.starts_with("eks:")), "{w:?}");
        assert!(!w.actions.is_empty());
    }
}
