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
    "eks:DeleteNodegroup",
    "eks:DeregisterCluster",
    "eks:UpdateClusterConfig",
    "eks:UpdateNodegroupConfig",
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

/// A witness action as a reader spells it: the real name it is (`eks:DescribeCluster`, not the
/// lower case the probe compares in), or the spelling of the pattern that names it.
pub fn spelled(action: &str, named: &[String]) -> String {
    (COMMON_ACTIONS.iter().copied())
        .chain(named.iter().map(String::as_str))
        .find(|real| real.eq_ignore_ascii_case(action))
        .map_or_else(|| action.to_owned(), str::to_owned)
}

/// The witness requests of a region: (action in lower case, resource) pairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witnesses {
    pub pairs: Vec<(String, String)>,
}

/// The most witnesses of each kind: beyond, the question is answered coarsely by the caller.
pub const MAX_WITNESSES: usize = 64;

/// The most distinct patterns cut into cells at once: a statement naming hundreds of actions is
/// answered coarsely rather than slowly.
pub const MAX_PATTERNS: usize = 24;

/// The cells of a region: each one's witness and which globs it is inside, with the globs.
struct Region {
    globs: Vec<Glob>,
    universe: Glob,
    cells: Vec<cells::Cell>,
    /// Whether each cell is one string (a region of literals): no other witness is in it.
    points: bool,
}

/// One witness per cell inside `region` of the patterns in `play` (the region's own patterns
/// count too). `actions` says whether these are actions (compared in lower case, shaped
/// `service:name`) or resources (ARN-shaped).
fn witnesses_of(
    region: &Patterns,
    play: &[&str],
    prefer: &[String],
    actions: bool,
) -> Result<Region, Exhausted> {
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
    let universe = if actions {
        Glob(vec![
            Tok::OneNoColon,
            Tok::StarNoColon,
            Tok::Lit(':'),
            Tok::OneNoColon,
            Tok::StarNoColon,
        ])
    } else {
        resource_universe(&patterns)
    };
    // A region that names its requests exactly (no wildcard, no exclusion: most real statements)
    // is its requests: each literal is a cell by itself, whatever the patterns in play, and no
    // walk is needed. Only what the universe holds is a request (no action has a second `:`).
    // (A `${*}` or `${?}` read literally is left to the walk, which knows its marker.)
    use crate::engine::variables::{LITERAL_QUESTION, LITERAL_STAR};
    let wild = ['*', '?', LITERAL_STAR, LITERAL_QUESTION];
    if !except && !inside.iter().any(|p| p.contains(wild)) {
        let mut literals: Vec<String> = inside.clone();
        if actions {
            literals.iter_mut().for_each(|p| p.make_ascii_lowercase());
        }
        literals.sort();
        literals.dedup();
        literals.retain(|l| universe.matches(l));
        if literals.len() > MAX_WITNESSES {
            return Err(Exhausted);
        }
        let globs: Vec<Glob> = patterns.iter().map(|p| glob(p)).collect();
        let cells = (literals.into_iter())
            .map(|witness| cells::Cell {
                inside: globs.iter().map(|g| g.matches(&witness)).collect(),
                witness,
            })
            .collect();
        return Ok(Region {
            globs,
            universe,
            cells,
            points: true,
        });
    }
    if patterns.len() > MAX_PATTERNS {
        return Err(Exhausted);
    }
    let globs: Vec<Glob> = patterns.iter().map(|p| glob(p)).collect();
    let region_globs: Vec<Glob> = inside.iter().map(|p| glob(p)).collect();
    // Real names first, then strings the patterns name themselves (their wildcards filled in two
    // ways): most cells hold one of them, and no walk is needed.
    let mut preferred: Vec<String> = prefer.to_vec();
    if actions {
        preferred.extend(COMMON_ACTIONS.iter().map(|a| a.to_ascii_lowercase()));
    }
    for p in &patterns {
        if !actions && let Some(filled) = filled_arn(p) {
            preferred.push(filled);
        }
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
    let cells: Vec<cells::Cell> =
        cells::cells(&globs, &[&universe], &preferred, &mut Budget(2_000))?
            .into_iter()
            .filter(|c| region_globs.iter().any(|g| g.matches(&c.witness)) != except)
            .collect();
    if cells.len() > MAX_WITNESSES {
        return Err(Exhausted);
    }
    Ok(Region {
        globs,
        universe,
        cells,
        points: false,
    })
}

/// Every resource: an ARN of six parts. Its last part (the resource's own name) holds a `:` only
/// where a pattern in play spells one there: a service names its resources so (`function:f:1`),
/// and a `:` a witness invented would make a class only of names no service gives, which a `*`
/// ending an earlier part reaches by crossing into it (AWS's "IAM JSON policy elements:
/// Resource": such a `*` "can expand to match beyond the colon boundaries").
fn resource_universe(patterns: &[String]) -> Glob {
    let mut universe = Glob::arn("arn:?*:?*:*:*:?*").expect("six parts");
    let colon_named =
        (patterns.iter()).any(|p| p.splitn(6, ':').nth(5).is_some_and(|r| r.contains(':')));
    if !colon_named {
        let n = universe.0.len();
        universe.0[n - 2] = Tok::OneNoColon;
        universe.0[n - 1] = Tok::StarNoColon;
    }
    universe
}

/// An ARN pattern with a wildcard region or account filled as a reader would (`us-east-1`, AWS's
/// example account `123456789012`), the rest of its wildcards with `x`.
fn filled_arn(pattern: &str) -> Option<String> {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    if parts.len() < 6 || !(parts[3].contains(['*', '?']) || parts[4].contains(['*', '?'])) {
        return None;
    }
    let fill = |part: &str, whole: &str| {
        if part == "*" {
            whole.to_owned()
        } else {
            part.replace(['*', '?'], "x")
        }
    };
    let mut out: Vec<String> = parts.iter().map(|p| p.replace(['*', '?'], "x")).collect();
    out[3] = fill(parts[3], "us-east-1");
    out[4] = fill(parts[4], "123456789012");
    Some(out.join(":"))
}

/// The type a resource's ARN names (`cluster` of `...:cluster/acme`), lower case, if any.
fn resource_type(resource: &str) -> Option<String> {
    let own = resource.splitn(6, ':').nth(5)?;
    let kind = own
        .split(['/', ':'])
        .next()
        .filter(|k| k.len() > 1 && k.len() < own.len())?;
    Some(kind.replace(['-', '_'], "").to_ascii_lowercase())
}

/// Whether `resource` is in `cell` of `region`: inside the universe and the same globs.
fn in_cell(region: &Region, cell: &cells::Cell, resource: &str) -> bool {
    region.universe.matches(resource)
        && region
            .globs
            .iter()
            .zip(&cell.inside)
            .all(|(g, inside)| g.matches(resource) == *inside)
}

/// The service an action belongs to, or an ARN names.
fn service_of_action(action: &str) -> &str {
    action.split(':').next().unwrap_or("")
}

fn service_of_resource(resource: &str) -> Option<&str> {
    resource.split(':').nth(2)
}

/// The witness requests of `actions` × `resources` (a statement's, or a declared entry's) against
/// the patterns in play: each action witness with one resource of each resource cell, of the
/// action's own service where the cell holds one (most actions take only their own service's
/// resources, so that is the request that matters).
pub fn witnesses(
    actions: &Patterns,
    resources: &Patterns,
    action_play: &[&str],
    resource_play: &[&str],
    prefer_resources: &[String],
) -> Result<Witnesses, Exhausted> {
    let actions = witnesses_of(actions, action_play, &[], true)?;
    let resources = witnesses_of(resources, resource_play, prefer_resources, false)?;
    let mut budget = Budget(2_000);
    let mut own: std::collections::HashMap<(usize, String), String> = Default::default();
    let mut pairs = Vec::with_capacity(actions.cells.len() * resources.cells.len());
    for action in actions.cells.iter().map(|c| &c.witness) {
        let service = service_of_action(action).to_owned();
        let of_service =
            |r: &str| service_of_resource(r).is_some_and(|s| s.eq_ignore_ascii_case(&service));
        let name = action
            .split(':')
            .nth(1)
            .unwrap_or("")
            .replace(['-', '_'], "");
        let named = |r: &str| resource_type(r).is_some_and(|t| name.contains(&t));
        for (i, cell) in resources.cells.iter().enumerate() {
            // A cell of one resource has no other to offer.
            if resources.points {
                pairs.push((action.clone(), cell.witness.clone()));
                continue;
            }
            // A resource of the service and of the type the action names (`DeleteNodegroup`, a
            // nodegroup), so the example is a request AWS knows; else the cell's own witness.
            let typed = (prefer_resources.iter())
                .find(|r| of_service(r) && named(r) && in_cell(&resources, cell, r));
            if let Some(r) = typed.filter(|_| !(of_service(&cell.witness) && named(&cell.witness)))
            {
                pairs.push((action.clone(), r.clone()));
                continue;
            }
            if of_service(&cell.witness) {
                pairs.push((action.clone(), cell.witness.clone()));
                continue;
            }
            let found = own.entry((i, service.clone())).or_insert_with(|| {
                let Some(service_glob) = Glob::arn(&format!("arn:?*:{service}:*:*:?*")) else {
                    return cell.witness.clone();
                };
                let (mut pos, mut neg): (Vec<&Glob>, Vec<&Glob>) =
                    (vec![&resources.universe, &service_glob], Vec::new());
                for (glob, inside) in resources.globs.iter().zip(&cell.inside) {
                    if *inside {
                        pos.push(glob)
                    } else {
                        neg.push(glob)
                    }
                }
                let mut prefer: Vec<String> = (prefer_resources.iter())
                    .filter(|r| of_service(r))
                    .cloned()
                    .collect();
                prefer.push(format!("arn:aws:{service}:x:x:x"));
                match cells::witness(&pos, &neg, &prefer, &mut budget) {
                    Ok(Some(w)) => w,
                    _ => cell.witness.clone(),
                }
            });
            pairs.push((action.clone(), found.clone()));
        }
    }
    Ok(Witnesses { pairs })
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
        // DescribeCluster, another Describe action, and an eks action that is neither; each on
        // the cluster and on an EKS resource that is not it.
        let actions: std::collections::BTreeSet<&str> =
            w.pairs.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(actions.len(), 3, "{w:?}");
        assert!(
            actions.contains("eks:describecluster") && actions.contains("eks:describenodegroup")
        );
        assert_eq!(w.pairs.len(), 6, "{w:?}");
        assert!(w.pairs.iter().any(|(_, r)| r == cluster));
        assert!(
            w.pairs
                .iter()
                .all(|(_, r)| r.starts_with("arn:aws:eks:") || r.split(':').nth(2) == Some("eks")),
            "{w:?}"
        );
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
        assert!(w.pairs.iter().all(|(a, _)| !a.starts_with("eks:")), "{w:?}");
        assert!(!w.pairs.is_empty());
    }
}
