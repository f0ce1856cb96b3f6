//! Permission sets (`sso:`): the roles IAM Identity Center provisions into the account, against
//! the sets the policy declares.
//!
//! A role is a provisioned permission set when three things hold, and only then: its name is
//! `AWSReservedSSO_<set>_<hex>`, its path is `/aws-reserved/sso.amazonaws.com/` (possibly with a
//! region segment), and its trust policy allows `sts:AssumeRoleWithSAML` from the account's own
//! `AWSSSO_<hex>_DO_NOT_DELETE` SAML provider. The provider is read from the trust policy's
//! `Principal.Federated` (no `iam:ListSAMLProviders` request): only IAM Identity Center creates
//! roles under `/aws-reserved/`, and the provider's name and account are what tie the role to
//! this account's instance. Every finding and passed check names the role's exact ARN, the one an
//! EKS access entry must name (it changes when the set is re-provisioned).

use super::Judging;
use super::rules::Subject;
use crate::base::codes::Severity;
use crate::base::diag::Diagnostic;
use crate::base::source::Route;
use crate::observe::Role;
use crate::observe::document::Patterns;
use crate::policy::model::Level;

const PREFIX: &str = "AWSReservedSSO_";
const PATH: &str = "/aws-reserved/sso.amazonaws.com/";

/// The permission set a role's name claims (`AWSReservedSSO_<set>_<hex>`), if it has that shape.
pub fn claimed_set(role_name: &str) -> Option<&str> {
    let (set, hex) = role_name.strip_prefix(PREFIX)?.rsplit_once('_')?;
    let hex_ok = !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit());
    (!set.is_empty() && hex_ok).then_some(set)
}

/// Why a role named like a permission set is not one, or `None` when it is one: the path and
/// the trust through this account's IAM Identity Center provider.
pub fn not_provisioned(role: &Role, account_id: &str) -> Option<String> {
    let region = role
        .path
        .strip_prefix(PATH)
        .map(|rest| rest.strip_suffix('/'));
    let path_ok = match region {
        Some(None) => role.path == PATH,
        Some(Some(segment)) => !segment.is_empty() && !segment.contains('/'),
        None => false,
    };
    if !path_ok {
        return Some(format!(
            "its path is `{}`, not `{PATH}` (IAM Identity Center creates its roles only there)",
            role.path
        ));
    }
    if provider(role, account_id).is_none() {
        return Some(format!(
            "its trust policy does not allow sts:AssumeRoleWithSAML from this account's `AWSSSO_<hex>_DO_NOT_DELETE` SAML provider (arn:aws:iam::{account_id}:saml-provider/...)"
        ));
    }
    None
}

/// The SAML provider ARN through which the role's trust policy federates: an Allow statement
/// that names `arn:<partition>:iam::<account_id>:saml-provider/AWSSSO_<hex>_DO_NOT_DELETE` and
/// grants `sts:AssumeRoleWithSAML`.
pub fn provider<'a>(role: &'a Role, account_id: &str) -> Option<&'a str> {
    let saml = "sts:assumerolewithsaml";
    let grants = |actions: &Patterns| match actions {
        Patterns::Only(list) => list
            .iter()
            .any(|a| super::permissions::glob_covers(&a.to_ascii_lowercase(), saml)),
        Patterns::AllBut(list) => !list
            .iter()
            .any(|a| super::permissions::glob_covers(&a.to_ascii_lowercase(), saml)),
    };
    let is_sso_provider = |arn: &str| {
        let Some(arn) = crate::base::arn::Arn::parse(arn) else {
            return false;
        };
        let name = arn.resource.strip_prefix("saml-provider/").and_then(|n| {
            n.strip_prefix("AWSSSO_")
                .and_then(|n| n.strip_suffix("_DO_NOT_DELETE"))
        });
        arn.service == "iam"
            && arn.account == account_id
            && name.is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    role.trust
        .iter()
        .filter(|s| s.allow && grants(&s.actions))
        .flat_map(|s| &s.federated)
        .find(|arn| is_sso_provider(arn))
        .map(String::as_str)
}

/// Every provisioned permission set of the account, with its set name, in role-name order.
pub fn provisioned<'a>(roles: &'a [Role], account_id: &str) -> Vec<(&'a str, &'a Role)> {
    roles
        .iter()
        .filter_map(|role| claimed_set(&role.name).map(|set| (set, role)))
        .filter(|(_, role)| not_provisioned(role, account_id).is_none())
        .collect()
}

/// The route of the declared set a subject stands for.
fn set_route(subject: &Subject<'_>) -> Route {
    let route = Route::of(["sso", "permission_sets"]);
    match subject.member {
        Some(i) => route.child(i).child("name"),
        None => route,
    }
}

/// `sso.permission-set-missing`: a declared set has no provisioned role.
pub fn missing(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    if subject.role.is_some() {
        return;
    }
    let (Some(set), Some(roles)) = (subject.name, cx.state.roles.as_deref()) else {
        return;
    };
    let account = &cx.policy.account.id;
    // A role named for the set that is not a provisioned one says why, by its ARN.
    let near: Vec<(&Role, String)> = roles
        .iter()
        .filter(|role| claimed_set(&role.name) == Some(set))
        .filter_map(|role| not_provisioned(role, account).map(|why| (role, why)))
        .collect();
    let mut message = format!(
        "permission set `{set}` is not provisioned in this account: no role `{PREFIX}{set}_<hex>` federated through its IAM Identity Center"
    );
    for (role, why) in &near {
        message.push_str(&format!("; role `{}` has the name, but {why}", role.arn));
    }
    let mut finding = cx
        .finding(set_route(subject), message)
        .for_principal(set)
        .with_label("declared here")
        .with_help(format!(
            "ask SMDE to assign `{set}` to account {account} in IAM Identity Center, then name the new role's ARN in the cluster's EKS access entry (`aws eks create-access-entry --principal-arn <ARN>`); or remove the set from `sso.permission_sets`"
        ));
    if !near.is_empty() {
        let arns: Vec<&str> = near.iter().map(|(role, _)| role.arn.as_str()).collect();
        finding = finding.with_detail("lookalike_role_arns", arns);
    }
    out.push(finding);
}

/// `sso.permission-set-changed`: a declared set's role carries other managed policies than the
/// policy lists.
pub fn changed(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(set), Some(role), Some(i)) = (subject.name, subject.role, subject.member) else {
        return;
    };
    let Some(Some(declared)) = (cx.policy.sso.as_ref())
        .and_then(|sso| sso.permission_sets.get(i))
        .map(|s| s.managed_policies.as_ref())
    else {
        return;
    };
    let attached = &role.attached_policies;
    let missing: Vec<&str> = (declared.iter())
        .filter(|arn| !attached.contains(arn))
        .map(String::as_str)
        .collect();
    let extra: Vec<&str> = (attached.iter())
        .filter(|arn| !declared.contains(arn))
        .map(String::as_str)
        .collect();
    if missing.is_empty() && extra.is_empty() {
        return;
    }
    let list = |arns: &[&str]| {
        arns.iter()
            .map(|a| format!("`{a}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!("lacks {}", list(&missing)));
    }
    if !extra.is_empty() {
        parts.push(format!("also carries {}", list(&extra)));
    }
    let route = Route::of(["sso", "permission_sets"])
        .child(i)
        .child("managed_policies");
    out.push(
        cx.finding(
            route,
            format!(
                "permission set `{set}` (role `{}`) {}",
                role.arn,
                parts.join(" and ")
            ),
        )
        .for_principal(set)
        .with_label("declared policies")
        .with_detail("role_arn", role.arn.clone())
        .with_detail("missing", missing)
        .with_detail("extra", extra)
        .with_help("restore the set's managed policies in IAM Identity Center and re-provision it, or update `managed_policies` if the change is intended"),
    );
}

/// `sso.permission-set-unexpected`, at the severity of `sso.unexpected`: a provisioned set the
/// policy does not declare.
pub fn unexpected(cx: &Judging<'_>, subject: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let Some(sso) = &cx.policy.sso else { return };
    let severity = match sso.unexpected {
        Level::Ignore => return,
        Level::Warning => Severity::Warning,
        Level::Error => Severity::Error,
    };
    let (Some(set), Some(role)) = (subject.name, subject.role) else {
        return;
    };
    if sso
        .permission_sets
        .iter()
        .any(|declared| declared.name == set)
    {
        return;
    }
    out.push(
        cx.finding(
            Route::of(["sso", "permission_sets"]),
            format!(
                "permission set `{set}` is provisioned (role `{}`) but not declared in the policy",
                role.arn
            ),
        )
        .with_severity(severity)
        .for_principal(set)
        .with_label("undeclared permission sets are reported")
        .with_detail("role_arn", role.arn.clone())
        .with_help(format!(
            "declare it (`- name: {set}` under `sso.permission_sets`) if it is intended, or ask SMDE to remove its assignment to this account"
        )),
    );
}

/// `sso.unobserved`: the policy declares permission sets but the recording did not read roles.
pub fn unobserved(cx: &Judging<'_>, _: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    out.push(
        cx.finding(
            Route::of(["sso"]),
            "the permission sets were not judged: this recording did not read IAM roles (`snapshot.json` lists no `Role` among its `entities` and `RoleDetailList` is empty)",
        )
        .with_label("not judged")
        .with_help("record the account again (`smce-guard snapshot --account NAME`, or the AWS CLI recipe), which reads roles and says so in `entities`"),
    );
}
