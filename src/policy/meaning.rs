//! The second lint phase: checks of meaning that a schema cannot express, within one policy and
//! across all of them. Every check pushes diagnostics and carries on, so one run lists every
//! problem.
//!
//! It is also where a [`Draft`] becomes a [`Policy`]: each waiver's code and date are read here,
//! once, so the engine never parses a string from the policy.

use super::model::{Account, Draft, Policy, Waiver, WaiverText};
use crate::base::arn::Arn;
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Files, Route};
use jiff::civil::Date;
use std::collections::HashMap;

/// Checks one valid-shaped policy on its own and returns it validated. A waiver whose code or date
/// does not read is reported and left out of the result; the error it leaves keeps the policy from
/// being judged, so no judged policy has lost a waiver.
pub fn check_policy(
    file: FileId,
    mut draft: Draft,
    today: Option<Date>,
    out: &mut Vec<Diagnostic>,
) -> Policy {
    let waivers = check_waivers(file, std::mem::take(&mut draft.waivers), today, out);
    let policy = draft.with_waivers(waivers);
    check_rest(file, &policy, out);
    policy
}

/// The checks that do not concern waivers.
fn check_rest(file: FileId, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let members = Route::of(["members"]);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, member) in policy.members.iter().enumerate() {
        if let Some(first) = seen.insert(&member.user, i) {
            out.push(
                Diagnostic::new(
                    Code::PolicyDuplicateMember,
                    format!("member `{}` is listed twice", member.user),
                )
                .at(file, members.child(i).child("user"))
                .with_label(format!("already listed as members[{first}]"))
                .with_help("remove one of the two entries"),
            );
            seen.insert(&member.user, first);
        }
    }

    if let Some(deployer) = &policy.deployer {
        let user = deployer.user.as_str();
        let as_member = policy
            .members
            .iter()
            .position(|m| m.user == user)
            .map(|i| members.child(i).child("user"));
        let as_ignored = policy
            .ignore_users
            .iter()
            .position(|u| u == user)
            .map(|i| Route::of(["ignore_users"]).child(i));
        for (route, place) in [(as_member, "a member"), (as_ignored, "in `ignore_users`")] {
            if let Some(route) = route {
                out.push(
                    Diagnostic::new(Code::PolicyDeployerConflict, format!("the deployer `{user}` is also listed {place}"))
                        .at(file, route)
                        .with_label("the deployer")
                        .with_help("declare the deployer only under `deployer`: members need MFA, the deployer must be exempt, and an ignored deployer would hide its expiring key"),
                );
            }
        }
        check_allow(file, policy, out);
        super::pins::check(file, deployer, out);
    }

    check_role(file, &policy.account, out);
    check_contacts(file, &policy.account, out);
    super::sso::check(file, policy, out);

    let credentials = policy.credentials;
    if credentials.warn_days >= credentials.max_age_days {
        out.push(
            Diagnostic::new(
                Code::PolicyWarnWindow,
                format!(
                    "`credentials.warn_days` ({}) must be below `credentials.max_age_days` ({})",
                    credentials.warn_days, credentials.max_age_days
                ),
            )
            .at(file, Route::of(["credentials", "warn_days"]))
            .with_help("a warning window as long as the credential's lifetime warns from day one; lower `warn_days`"),
        );
    }
}

/// `account.role_arn` names a role in the policy's own account: a live run must never assume a
/// role into another account (nor read one) before the mismatch is known.
fn check_role(file: FileId, account: &Account, out: &mut Vec<Diagnostic>) {
    let Some(role) = &account.role_arn else {
        return;
    };
    let named = crate::base::arn::account_of(role);
    if named.is_some_and(|id| id != account.id) {
        out.push(
            Diagnostic::new(
                Code::PolicyRoleAccountMismatch,
                format!(
                    "`account.role_arn` names a role in account {}, not in {}",
                    named.unwrap_or_default(),
                    account.id
                ),
            )
            .at(file, Route::of(["account", "role_arn"]))
            .with_label("a role in another account")
            .with_help(format!(
                "use a role in the account itself, e.g. `arn:aws:iam::{}:role/smce-guard-reader`, or fix `account.id`; smce-guard never assumes a role into another account",
                account.id
            )),
        );
    }
}

/// Someone hears about expiring credentials: at least one `account.contacts` entry. A member's or
/// the deployer's `owner` does not replace them: unmanaged users and the root user have no owner,
/// and the calendar names the contacts for them. A warning: the policy still judges the account.
fn check_contacts(file: FileId, account: &Account, out: &mut Vec<Diagnostic>) {
    if !account.contacts.is_empty() {
        return;
    }
    out.push(
        Diagnostic::new(
            Code::PolicyNoContacts,
            format!(
                "account `{}` names no contacts: nobody would hear about its expiring credentials",
                account.name
            ),
        )
        .at(file, Route::of(["account"]).at_key())
        .with_label("no `contacts`")
        .with_help("add under `account`:\n  contacts:\n    - name: Example Representative\n      email: rep@example.org"),
    );
}

/// Waivers name a finding code, a real date, and have not run out as of `today`; the ones that
/// read are returned as [`Waiver`]s.
fn check_waivers(
    file: FileId,
    waivers: Vec<WaiverText>,
    today: Option<Date>,
    out: &mut Vec<Diagnostic>,
) -> Vec<Waiver> {
    let mut valid = Vec::with_capacity(waivers.len());
    for (i, waiver) in waivers.into_iter().enumerate() {
        let route = Route::of(["waivers"]).child(i);
        let code = waiver
            .code
            .parse::<Code>()
            .ok()
            .filter(|code| code.is_finding());
        if code.is_none() {
            out.push(
                Diagnostic::new(Code::PolicyInvalidValue, format!("`{}` is not a finding code that can be waived", waiver.code))
                    .at(file, route.child("code"))
                    .with_help("`smce-guard explain` lists every code; only drift findings (not policy or recording errors) can be waived"),
            );
        }
        let until = waiver.until.parse::<Date>().ok();
        match until {
            None => out.push(
                Diagnostic::new(
                    Code::PolicyInvalidValue,
                    format!("`{}` is not a calendar date", waiver.until),
                )
                .at(file, route.child("until"))
                .with_help("write the last day the waiver holds as YYYY-MM-DD"),
            ),
            Some(last) if today.is_some_and(|today| last < today) => {
                out.push(waiver_expired(&waiver.code, last).at(file, route.child("until")))
            }
            Some(_) => {}
        }
        if let (Some(code), Some(until)) = (code, until) {
            valid.push(Waiver {
                code,
                principal: waiver.principal,
                reason: waiver.reason,
                until,
            });
        }
    }
    valid
}

/// `waiver.expired` for a waiver of `code` whose last day was `last`; the caller locates it.
pub fn waiver_expired(code: impl std::fmt::Display, last: Date) -> Diagnostic {
    Diagnostic::new(
        Code::WaiverExpired,
        format!("this waiver of `{code}` ran out on {last}; it is no longer honoured"),
    )
    .with_label("expired")
    .with_help("fix the drift and delete the waiver, or extend `until` with a fresh reason")
}

fn check_allow(file: FileId, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(grants) = policy.deployer.as_ref().and_then(|d| d.allow.as_ref()) else {
        return;
    };
    for (i, grant) in grants.iter().enumerate() {
        let route = Route::of(["deployer", "allow"]).child(i);
        if !is_action_shape(&grant.action) {
            out.push(
                Diagnostic::new(
                    Code::PolicyActionShape,
                    format!(
                        "`{}` is not an IAM action of the form `service:Action`",
                        grant.action
                    ),
                )
                .at(file, route.child("action"))
                .with_help(
                    "write it as IAM does, e.g. `eks:DescribeCluster`; `*` and `?` are wildcards",
                ),
            );
        }
        let resource = grant.resource.as_str();
        if resource == "*" {
            continue;
        }
        let Some(arn) = Arn::parse(resource) else {
            out.push(
                Diagnostic::new(Code::PolicyResourceShape, format!("`{resource}` is neither an ARN nor `*`"))
                    .at(file, route.child("resource"))
                    .with_help("write a full ARN such as `arn:aws:eks:us-west-2:444055461661:cluster/nasa-veda`, or `*`"),
            );
            continue;
        };
        if arn.service != "eks" {
            continue;
        }
        let account = &policy.account;
        for (what, found, expected) in [
            ("account id", arn.account, account.id.as_str()),
            ("region", arn.region, account.region.as_str()),
        ] {
            if found != expected && !found.contains(['*', '?']) {
                out.push(
                    Diagnostic::new(Code::PolicyArnMismatch, format!("this EKS ARN names {what} `{found}`, but the policy's account has `{expected}`"))
                        .at(file, route.child("resource"))
                        .with_help(format!("use {what} `{expected}` from `account`; a copied ARN would point CI at another account's cluster")),
                );
            }
        }
        check_cluster(file, policy, &route, &arn, out);
    }
}

/// An EKS cluster ARN names `deployer.cluster`: a grant copied from another hub's policy would
/// let the deployer describe that hub's cluster and not its own. A warning, since a deployer may
/// deliberately be granted a second cluster; wildcards are not judged.
fn check_cluster(
    file: FileId,
    policy: &Policy,
    route: &Route,
    arn: &Arn,
    out: &mut Vec<Diagnostic>,
) {
    let Some(deployer) = &policy.deployer else {
        return;
    };
    let Some(named) = arn.resource.strip_prefix("cluster/") else {
        return;
    };
    let named = named.split('/').next().unwrap_or_default();
    // Wildcards and policy variables (`${aws:PrincipalTag/cluster}`) are not judged here.
    if named == deployer.cluster || named.contains(['*', '?', '$']) {
        return;
    }
    let cluster = &deployer.cluster;
    out.push(
        Diagnostic::new(
            Code::PolicyClusterMismatch,
            format!("this EKS ARN names cluster `{named}`, but `deployer.cluster` is `{cluster}`"),
        )
        .at(file, route.child("resource"))
        .with_label("another cluster")
        .with_help(format!(
            "resource: arn:{}:eks:{}:{}:cluster/{cluster} (a grant copied from another hub's policy would let CI describe that hub's cluster, not its own)",
            arn.partition, arn.region, arn.account
        )),
    );
}

/// Checks across policies: an account id or name declared twice.
pub fn check_across(accounts: &[(FileId, &Account)], files: &Files, out: &mut Vec<Diagnostic>) {
    let mut ids: HashMap<&str, FileId> = HashMap::new();
    let mut names: HashMap<&str, FileId> = HashMap::new();
    for &(file, account) in accounts {
        for (seen, value, field, code) in [
            (
                &mut ids,
                account.id.as_str(),
                "id",
                Code::PolicyDuplicateAccountId,
            ),
            (
                &mut names,
                account.name.as_str(),
                "name",
                Code::PolicyDuplicateAccountName,
            ),
        ] {
            match seen.get(value) {
                Some(&first) => out.push(
                    Diagnostic::new(
                        code,
                        format!(
                            "account {field} `{value}` is already declared in {}",
                            files.get(first).name
                        ),
                    )
                    .at(file, Route::of(["account", field]))
                    .with_label("declared twice")
                    .with_help("keep one policy per account: merge the two files"),
                ),
                None => {
                    seen.insert(value, file);
                }
            }
        }
    }
}

/// `service:Action`, where the service is lowercase letters, digits and dashes and the action
/// letters and digits; `*` and `?` may stand anywhere in either.
pub fn is_action_shape(action: &str) -> bool {
    let Some((service, name)) = action.split_once(':') else {
        return false;
    };
    let wild = |c: char| c == '*' || c == '?';
    !service.is_empty()
        && !name.is_empty()
        && service
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || wild(c))
        && name.chars().all(|c| c.is_ascii_alphanumeric() || wild(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_shapes() {
        for good in [
            "eks:DescribeCluster",
            "eks:*",
            "eks:Describe*",
            "s3:Get?bject",
            "*:*",
            "resource-groups:List*",
        ] {
            assert!(is_action_shape(good), "{good}");
        }
        for bad in [
            "*",
            "DescribeCluster",
            "eks:",
            ":x",
            "eks:Describe Cluster",
            "eks:Describe:Cluster",
        ] {
            assert!(!is_action_shape(bad), "{bad}");
        }
    }

    #[test]
    fn waivers_come_out_as_a_code_and_a_date() {
        let draft: Draft = serde_json::from_value(serde_json::json!({
            "account": {"id": "444055461661", "name": "hub", "contacts": [{"email": "ops@example.org"}]},
            "waivers": [
                {"code": "user.unmanaged", "reason": "r", "until": "2030-01-31"},
                {"code": "policy.empty", "reason": "r", "until": "2030-02-30"},
            ],
        }))
        .unwrap();
        let mut out = Vec::new();
        let policy = check_policy(0, draft, None, &mut out);
        assert_eq!(
            policy.waivers.len(),
            1,
            "the unreadable waiver is reported, not kept"
        );
        assert_eq!(policy.waivers[0].code, Code::UserUnmanaged);
        assert_eq!(policy.waivers[0].until, jiff::civil::date(2030, 1, 31));
        let codes: Vec<_> = out.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::PolicyInvalidValue, Code::PolicyInvalidValue]);
    }
}
