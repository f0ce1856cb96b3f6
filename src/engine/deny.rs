//! `deployer.denied`: nothing takes away what `deployer.allow` declares. A Deny statement that
//! reaches the deployer (its own and its groups' policies, and its permissions boundary) and
//! denies an entry for a CI request, whatever the keys CI requests do not fix, is reported with
//! the condition words that make it apply (the classic SMCE pattern `BoolIfExists
//! aws:MultiFactorAuthPresent false` denies a key-signed call); so is a permissions boundary that
//! does not allow an entry: IAM grants only what both the policies and the boundary allow, and
//! a Deny always wins. A Deny that applies only for some values of unknown keys is
//! `deployer.access-uncertain`'s.
//!
//! Statements reached only through `groups.restricted` or `groups.disabled` are left out:
//! `deployer.restricted` and `deployer.disabled` already report membership of those groups.
//! An entry too large to decide class by class ([`effective::Entry::fallback`]) is judged by
//! the shape-based matcher, which reports any Deny that could deny part of it.

use super::deployer::Origin;
use super::effective::{self, Setup};
use super::iam::Tri;
use super::iam::decision::{At, Doc};
use super::rules::Subject;
use super::variables::{self, Principal, Reading};
use super::{Judging, deciding, permissions};
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::observe::document::Document;
use crate::policy::model::Grant;

/// `deployer.denied`: no Deny and no permissions boundary stands between the deployer and an entry
/// of `deployer.allow`.
pub fn denied(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    let allow = cx.policy.deployer_allow();
    let entries = effective::access(cx, user);
    let setup = Setup::deployer(cx, user);
    let who = Principal::of(user, &cx.policy.account.id);
    for (i, (grant, entry)) in allow.iter().zip(entries).enumerate() {
        // The Deny statements that deny the entry, each named once.
        let mut named: Vec<(At, Option<super::iam::decision::Traced>)> = Vec::new();
        if entry.fallback {
            for (at, document, statement) in setup.statements() {
                let resolved = variables::resolve(document, statement, &who, Reading::Widest);
                if !statement.allow && permissions::may_deny(&resolved, grant) {
                    named.push((at, None));
                }
            }
        }
        for probe in entry.probes.iter().filter(|p| p.decision.deny == Tri::Yes) {
            let deciding: Vec<_> = (probe.decision.statements.iter())
                .filter(|t| !t.allow && t.applies != Tri::No)
                .collect();
            // A statement that applies whatever the unknown keys, else each that may.
            let sure: Vec<_> = deciding.iter().filter(|t| t.applies == Tri::Yes).collect();
            let chosen: Vec<_> = if sure.is_empty() {
                deciding.iter().collect()
            } else {
                sure
            };
            for t in chosen {
                if !named.iter().any(|(at, _)| *at == t.at) {
                    named.push((t.at, Some((*t).clone())));
                }
            }
        }
        for (at, traced) in &named {
            out.push(by_statement(
                cx,
                name,
                &setup,
                *at,
                traced.as_ref(),
                i,
                grant,
            ));
        }
        boundary(cx, name, &setup, entry, i, grant, &who, out);
    }
}

/// The boundary's part: a document the recording lacks may allow nothing; one that does not allow
/// the entry (whatever the unknown keys) takes it away.
#[allow(clippy::too_many_arguments)]
fn boundary(
    cx: &Judging<'_>,
    name: &str,
    setup: &Setup<'_>,
    entry: &effective::Entry,
    i: usize,
    grant: &Grant,
    who: &Principal<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Some((arn, document)) = setup.boundary else {
        return;
    };
    let origin = Origin {
        group: None,
        kind: "boundary",
        name: arn,
    };
    let blocked = entry
        .probes
        .iter()
        .find(|p| p.decision.boundary == Some(Tri::No));
    let message = match document {
        // Unseen, the boundary may allow nothing.
        None => format!(
            "the deployer `{name}` has the permissions boundary `{arn}`, but the recording lacks its document: it may not allow `{}` on `{}`",
            grant.action, grant.resource
        ),
        Some(document) if entry.fallback && !boundary_allows(document, who, grant) => format!(
            "the deployer `{name}`'s permissions boundary `{arn}` does not allow `{}` on `{}`",
            grant.action, grant.resource
        ),
        Some(_) => {
            let Some(probe) = blocked else { return };
            let reasons: Vec<String> = (probe.decision.statements.iter())
                .filter(|t| t.allow && t.at.doc == Doc::Boundary && t.resource == Tri::Yes)
                .map(|t| {
                    format!(
                        "{} applies only if {}",
                        setup.statement(t.at).label(t.at.statement),
                        deciding::shortfall(setup, t, &probe.resource).join(", and ")
                    )
                })
                .collect();
            let mut text = format!(
                "the deployer `{name}`'s permissions boundary `{arn}` does not allow `{}` on `{}`",
                grant.action, grant.resource
            );
            if !reasons.is_empty() {
                text.push_str(&format!(": {}", reasons.join("; ")));
            }
            text
        }
    };
    out.push(
        cx.finding(Route::of(["deployer", "allow"]).child(i), message)
            .for_principal(name)
            .with_detail("policy", origin.describe())
            .with_detail("source", origin.details())
            .with_detail("recorded", document.is_some())
            .with_detail("action", grant.action.clone())
            .with_detail("resource", grant.resource.clone())
            .with_help("a boundary caps what the policies grant: add the entry to the boundary's Allow statements, or remove the boundary (`aws iam delete-user-permissions-boundary`)"),
    );
}

/// Whether an Allow statement of the boundary surely grants the entry (by shape).
fn boundary_allows(document: &Document, who: &Principal<'_>, grant: &Grant) -> bool {
    (document.statements.iter()).any(|s| {
        s.allow
            && permissions::grants(
                &variables::resolve(document, s, who, Reading::Narrowest),
                grant,
            )
    })
}

fn by_statement(
    cx: &Judging<'_>,
    name: &str,
    setup: &Setup<'_>,
    at: At,
    traced: Option<&super::iam::decision::Traced>,
    entry: usize,
    grant: &Grant,
) -> Diagnostic {
    let origin = setup.origin(at.doc);
    let policy = origin.describe();
    let statement = setup.statement(at);
    let label = statement.label(at.statement);
    let words = traced
        .map(|t| deciding::conditions_met(setup, t))
        .unwrap_or_default();
    let when = if words.is_empty() {
        String::new()
    } else {
        format!(": {}", words.join("; "))
    };
    let conditions: Vec<serde_json::Value> = match traced {
        Some(t) => match deciding::detail(setup, t)["conditions"].clone() {
            serde_json::Value::Array(items) => items,
            _ => Vec::new(),
        },
        None => (statement.conditions.iter())
            .map(|c| serde_json::json!({"operator": c.operator, "key": c.key, "values": c.values}))
            .collect(),
    };
    let help = if statement.has_condition() {
        "a CI request meets the statement's conditions (the message says why; docs/access.md lists the CI request's context): remove the statement, narrow it to spare the entry, or detach the policy from the deployer"
    } else {
        "remove the statement, narrow it to spare the entry, or detach the policy from the deployer"
    };
    cx.finding(
        Route::of(["deployer", "allow"]).child(entry),
        format!(
            "{policy} {label} denies the deployer `{name}` `{}` on `{}`{when}",
            grant.action, grant.resource
        ),
    )
    .for_principal(name)
    .with_detail("policy", policy.clone())
    .with_detail("statement", label)
    .with_detail("source", origin.details())
    .with_detail("statement_index", at.statement)
    .with_detail("sid", statement.sid.clone())
    .with_detail("conditions", conditions)
    .with_detail("action", grant.action.clone())
    .with_detail("resource", grant.resource.clone())
    .with_help(help)
}
