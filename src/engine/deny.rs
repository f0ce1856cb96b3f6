//! `deployer.denied`: nothing takes away what `deployer.allow` declares. A Deny statement that
//! reaches the deployer (its own and its groups' policies, and its permissions boundary) and may
//! deny part of an entry is reported, and so is a permissions boundary that does not allow an
//! entry: IAM grants only what both the policies and the boundary allow, and a Deny always wins.
//!
//! The answer is sound, like the rest of the permission check ([`permissions::may_deny`]): a
//! statement that could deny the entry is reported, whatever its conditions. The deployer signs
//! with an access key and no MFA, so the usual `aws:MultiFactorAuthPresent` condition does deny
//! it; the message names the condition keys so a reader can tell. Statements reached only through
//! `groups.restricted` or `groups.disabled` are left out: `deployer.restricted` and
//! `deployer.disabled` already report membership of those groups.

use super::Judging;
use super::deployer::{Origin, reaching};
use super::permissions;
use super::rules::Subject;
use super::variables::{self, Principal, Reading};
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::observe::document::{Condition, Document, Statement};
use crate::policy::model::Grant;

/// `deployer.denied`: no Deny and no permissions boundary stands between the deployer and an entry
/// of `deployer.allow`.
pub fn denied(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    let allow = cx.policy.deployer_allow();
    let who = Principal::of(user, &cx.policy.account.id);
    let groups = &cx.policy.groups;
    let named = |group: &str| {
        crate::observe::model::same_group(group, &groups.restricted)
            || crate::observe::model::same_group(group, &groups.disabled)
    };
    let mut sources = reaching(cx, user);
    sources.retain(|(origin, _)| !origin.group.is_some_and(named));
    let boundary = user.permissions_boundary.as_deref().map(|arn| {
        let document = (cx.state.managed_policies.get(arn)).and_then(|p| p.document.as_ref());
        (arn, document)
    });
    let boundary_origin = |arn| Origin {
        group: None,
        kind: "boundary",
        name: arn,
    };
    if let Some((arn, Some(document))) = boundary {
        sources.push((boundary_origin(arn), document));
    }
    for (origin, document) in &sources {
        let deny = (document.statements.iter().enumerate()).filter(|(_, s)| !s.allow);
        for (index, statement) in deny {
            // What the statement may deny: an unknown variable may be anything.
            let resolved = variables::resolve(document, statement, &who, Reading::Widest);
            for (i, grant) in allow.iter().enumerate() {
                if permissions::may_deny(&resolved, grant) {
                    out.push(by_statement(cx, name, origin, index, statement, i, grant));
                }
            }
        }
    }
    let Some((arn, document)) = boundary else {
        return;
    };
    let origin = boundary_origin(arn);
    for (i, grant) in allow.iter().enumerate() {
        let message = match document {
            // Unseen, the boundary may allow nothing.
            None => format!(
                "the deployer `{name}` has the permissions boundary `{arn}`, but the recording lacks its document: it may not allow `{}` on `{}`",
                grant.action, grant.resource
            ),
            Some(document) if !boundary_allows(document, &who, grant) => format!(
                "the deployer `{name}`'s permissions boundary `{arn}` does not allow `{}` on `{}`",
                grant.action, grant.resource
            ),
            Some(_) => continue,
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
}

/// Whether an Allow statement of the boundary surely grants the entry.
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
    origin: &Origin<'_>,
    index: usize,
    statement: &Statement,
    entry: usize,
    grant: &Grant,
) -> Diagnostic {
    let policy = origin.describe();
    let label = statement.label(index);
    let when = match statement.conditions.as_slice() {
        [] => String::new(),
        conditions => format!(
            " {}",
            (conditions.iter().map(condition_text))
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    };
    let conditions: Vec<serde_json::Value> = (statement.conditions.iter())
        .map(|c| serde_json::json!({"operator": c.operator, "key": c.key, "values": c.values}))
        .collect();
    let help = if statement.has_condition() {
        "the deployer signs with an access key and no MFA, so a condition on MFA still denies it: remove the statement, narrow it to spare the entry, or detach the policy from the deployer"
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
    .with_detail("statement_index", index)
    .with_detail("sid", statement.sid.clone())
    .with_detail("conditions", conditions)
    .with_detail("action", grant.action.clone())
    .with_detail("resource", grant.resource.clone())
    .with_help(help)
}

/// A condition of a Deny as the message reads it: when the Deny does not apply.
fn condition_text(c: &Condition) -> String {
    let bool_test =
        c.operator.eq_ignore_ascii_case("Bool") || c.operator.eq_ignore_ascii_case("BoolIfExists");
    match c.values.as_slice() {
        [v] if bool_test && v.eq_ignore_ascii_case("false") => format!("unless {} is true", c.key),
        [v] if bool_test && v.eq_ignore_ascii_case("true") => format!("unless {} is false", c.key),
        values => format!("only when {} {} {}", c.key, c.operator, values.join(" or ")),
    }
}
