//! Deployer rules: the CI user exists, is exempt from MFA, is not disabled, has no password, holds
//! exactly its declared permissions and the declared number of active keys. Each judges the
//! declared deployer ([`Subject`]); all but `deployer.missing` only when it has an IAM user.
//! What the deployer may do is IAM's decision ([`effective`]): `deployer.missing-permission`
//! here, Deny statements and the permissions boundary in [`super::deny`], grants beyond
//! `deployer.allow` in [`super::excess`], and decisions that turn on unknown keys in
//! [`super::uncertain`].

use super::groups::InGroup;
use super::iam::Tri;
use super::iam::decision::{Doc, Outcome};
use super::rules::Subject;
use super::variables::{self, Principal, Reading};
use super::{Judging, deciding, effective, permissions};
use crate::base::diag::Diagnostic;
use crate::base::shell::option;
use crate::base::source::Route;
use crate::observe::User;
use crate::observe::document::{Document, Statement};
use crate::policy::model::Grant;

fn user_route() -> Route {
    Route::of(["deployer", "user"])
}

/// `deployer.missing`: the deployer has an IAM user.
pub fn missing(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(name), None) = (subject.name, subject.user) else {
        return;
    };
    out.push(
        cx.finding(
            user_route(),
            format!("the deployer `{name}` has no IAM user"),
        )
        .for_principal(name)
        .with_help(
            "apply 2i2c's terraform (terraform/aws/cd.tf) to create it, then store its key for CI",
        ),
    );
}

/// `deployer.restricted`: the deployer is not in the MFA-enforcing group.
pub fn restricted(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(found) = InGroup::find(subject.user, &cx.policy.groups.restricted) else {
        return;
    };
    out.push(
        found
            .finding(cx, user_route(), "the deployer", ": its MFA exemption is not in place")
            .with_help("ask the community representative to request the MFA exemption from SMCE; it is done when the user has left that group"),
    );
}

/// `deployer.disabled`: the deployer is not in the disabled group.
pub fn disabled(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(found) = InGroup::find(subject.user, &cx.policy.groups.disabled) else {
        return;
    };
    out.push(
        found
            .finding(cx, user_route(), "the deployer", "")
            .with_help(format!(
                "rotate its key (`terraform apply -replace=aws_iam_access_key.continuous_deployer`), then {}",
                found.removal()
            )),
    );
}

/// `deployer.console-access`: the deployer has no console password.
pub fn console_access(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user.filter(|u| u.password_enabled) else {
        return;
    };
    let name = user.name.as_str();
    out.push(
        cx.finding(
            user_route(),
            format!("the deployer `{name}` has a console password"),
        )
        .for_principal(name)
        .with_help(format!(
            "`aws iam delete-login-profile {}`; CI needs only its access key",
            option("--user-name", name)
        )),
    );
}

/// Where a statement reaching the deployer comes from.
pub struct Origin<'a> {
    /// The group it reaches the deployer through, if not attached to the user itself.
    pub group: Option<&'a str>,
    /// `inline` (a policy embedded in the user or group), `managed` (attached by ARN) or
    /// `boundary` (the user's permissions boundary, a managed policy).
    pub kind: &'static str,
    /// The inline policy's name, or the managed policy's ARN.
    pub name: &'a str,
}

impl Origin<'_> {
    /// As messages name it: ``group `g` inline policy `p` ``.
    pub fn describe(&self) -> String {
        let policy = match self.kind {
            "inline" => format!("inline policy `{}`", self.name),
            "boundary" => format!("permissions boundary `{}`", self.name),
            _ => format!("managed policy `{}`", self.name),
        };
        match self.group {
            Some(group) => format!("group `{group}` {policy}"),
            None => policy,
        }
    }

    /// Where it comes from, as separate fields of a finding's details.
    pub fn details(&self) -> serde_json::Value {
        let mut fields = serde_json::json!({
            "source_kind": match (self.group.is_some(), self.kind) {
                (_, "boundary") => "permissions-boundary",
                (false, "inline") => "user-inline",
                (false, _) => "user-managed",
                (true, "inline") => "group-inline",
                (true, _) => "group-managed",
            },
            "group": self.group,
        });
        let key = if self.kind == "inline" {
            "policy_name"
        } else {
            "policy_arn"
        };
        fields[key] = self.name.into();
        fields
    }
}

/// Every policy document that grants or denies the deployer (not its boundary), with where it
/// comes from; a managed policy the recording lacks is an empty document here.
pub fn reaching<'a>(
    state: &'a crate::observe::AccountState,
    user: &'a User,
) -> Vec<(Origin<'a>, &'a Document)> {
    let managed = |arn: &'a str| -> &'a Document {
        state
            .managed_policies
            .get(arn)
            .and_then(|p| p.document.as_ref())
            .unwrap_or(&crate::observe::document::EMPTY)
    };
    let inline = |group, name| Origin {
        group,
        kind: "inline",
        name,
    };
    let attached = |group, name| Origin {
        group,
        kind: "managed",
        name,
    };
    let mut sources = Vec::new();
    for policy in &user.inline_policies {
        sources.push((inline(None, &policy.name), &policy.document));
    }
    for arn in &user.attached_policies {
        sources.push((attached(None, arn), managed(arn)));
    }
    for group in user.groups.iter().filter_map(|g| state.groups.get(g)) {
        for policy in &group.inline_policies {
            sources.push((inline(Some(&group.name), &policy.name), &policy.document));
        }
        for arn in &group.attached_policies {
            sources.push((attached(Some(&group.name), arn), managed(arn)));
        }
    }
    sources
}

/// `deployer.missing-permission`: every `deployer.allow` entry is allowed by the identity
/// policies for a CI request, whatever the keys CI requests do not fix ([`effective::access`]).
pub fn missing_permission(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(user) = subject.user else { return };
    let name = user.name.as_str();
    let allow = cx.policy.deployer_allow();
    let entries = effective::access(cx, user);
    let setup = effective::Setup::deployer(cx, user);
    for (i, (grant, entry)) in allow.iter().zip(entries).enumerate() {
        // Too large to decide class by class: no Allow statement surely grants it whole.
        let who = Principal::of(user, &cx.policy.account.id);
        if entry.fallback
            && !setup.sources.iter().any(|(_, document)| {
                (document.statements.iter()).any(|s| {
                    s.allow
                        && permissions::grants(
                            &variables::resolve(document, s, &who, Reading::Narrowest),
                            grant,
                        )
                })
            })
        {
            out.push(missing_finding(
                cx,
                name,
                i,
                grant,
                String::new(),
                Vec::new(),
                false,
            ));
            continue;
        }
        let failing = entry.probes.iter().find(|p| {
            let d = &p.decision;
            d.allow == Tri::No
                || (!d.outcomes.contains(Outcome::Allowed)
                    && d.deny != Tri::Yes
                    && d.boundary != Some(Tri::No))
        });
        let Some(probe) = failing else { continue };
        // The Allow statements that name the action, and why each fell short.
        let allows: Vec<_> = (probe.decision.statements.iter())
            .filter(|t| t.allow && matches!(t.at.doc, Doc::Identity(_)) && t.applies != Tri::Yes)
            .collect();
        let reasons: Vec<String> = (allows.iter())
            .map(|t| {
                format!(
                    "{} applies only if {}",
                    deciding::label(&setup, t.at),
                    deciding::shortfall(&setup, t, &probe.resource).join(", and ")
                )
            })
            .collect();
        let conditional = allows.iter().any(|t| t.resource == Tri::Yes);
        let mut suffix = String::new();
        if probe.action != grant.action || probe.resource != grant.resource {
            suffix.push_str(&format!(
                " (for `{}` on `{}`)",
                probe.action, probe.resource
            ));
        }
        if !reasons.is_empty() {
            suffix.push_str(&format!(": {}", reasons.join("; ")));
        }
        let details = allows.iter().map(|t| deciding::detail(&setup, t)).collect();
        out.push(missing_finding(
            cx,
            name,
            i,
            grant,
            suffix,
            details,
            conditional,
        ));
    }
}

fn missing_finding(
    cx: &Judging<'_>,
    name: &str,
    entry: usize,
    grant: &Grant,
    suffix: String,
    statements: Vec<serde_json::Value>,
    conditional: bool,
) -> Diagnostic {
    let restore = format!(
        "restore the `eks-readonly` inline policy: `aws iam put-user-policy {} --policy-name eks-readonly {}`",
        option("--user-name", name),
        option(
            "--policy-document",
            &format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":{},"Resource":{}}}]}}"#,
                serde_json::Value::from(grant.action.as_str()),
                serde_json::Value::from(grant.resource.as_str())
            )
        )
    );
    let help = if conditional {
        format!(
            "a condition a CI request cannot meet grants nothing (docs/access.md lists the CI request's context): remove it, or {restore}"
        )
    } else {
        restore
    };
    cx.finding(
        Route::of(["deployer", "allow"]).child(entry),
        format!(
            "no Allow statement grants the deployer `{name}` `{}` on `{}`{suffix}",
            grant.action, grant.resource
        ),
    )
    .for_principal(name)
    .with_detail("action", grant.action.clone())
    .with_detail("resource", grant.resource.clone())
    .with_detail("statements", statements)
    .with_help(help)
}

pub fn describe(statement: &Statement) -> String {
    use crate::observe::document::Patterns;
    // A statement may name thousands of entries; a message names the first few and counts the rest.
    let capped = |items: &[String]| {
        const SHOWN: usize = 8;
        let mut text = items[..items.len().min(SHOWN)].join(", ");
        if items.len() > SHOWN {
            text.push_str(&format!(" and {} more", items.len() - SHOWN));
        }
        text
    };
    let list = |p: &Patterns, only: &str, but: &str| match p {
        Patterns::Only(items) => format!("{only} {}", capped(items)),
        Patterns::AllBut(items) => format!("{but} {}", capped(items)),
    };
    format!(
        "{} on {}",
        list(&statement.actions, "", "every action except"),
        list(&statement.resources, "", "every resource except")
    )
    .replace("  ", " ")
    .trim()
    .to_owned()
}

/// `deployer.key-count`: the deployer holds exactly `deployer.active_keys` active keys.
pub fn key_count(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(declared), Some(user)) = (&cx.policy.deployer, subject.user) else {
        return;
    };
    let name = user.name.as_str();
    let active: Vec<String> = user.active_keys().map(|k| k.label()).collect();
    let expected = declared.active_keys as usize;
    if active.len() == expected {
        return;
    }
    let finding = cx
        .finding(
            Route::of(["deployer", "active_keys"]),
            format!(
                "the deployer `{name}` has {} active access key{} where {expected} {} declared",
                active.len(),
                if active.len() == 1 { "" } else { "s" },
                if expected == 1 { "is" } else { "are" }
            ),
        )
        .for_principal(name)
        .with_detail("active_keys", active.clone())
        .with_detail("expected", expected);
    out.push(if active.is_empty() {
        finding.with_help("CI cannot deploy without a key: `terraform apply -replace=aws_iam_access_key.continuous_deployer`, then re-encrypt the new credentials")
    } else {
        finding
            .with_severity(crate::base::codes::Severity::Warning)
            .with_help(format!("after a rotation, delete the old key: `aws iam delete-access-key {} --access-key-id <old id>` (keys: {})", option("--user-name", name), active.join(", ")))
    });
}
