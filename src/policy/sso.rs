//! Meaning checks of the `sso:` section that the schema cannot express: a permission set declared
//! twice, a managed policy listed twice in one set, and a customer managed policy of another
//! account (a role can only carry its own account's policies, so that set could never match).

use super::model::Policy;
use crate::base::codes::Code;
use crate::base::diag::Diagnostic;
use crate::base::source::{FileId, Route};
use std::collections::HashMap;

/// Pushes the `sso:` section's problems of meaning.
pub fn check(file: FileId, policy: &Policy, out: &mut Vec<Diagnostic>) {
    let Some(sso) = &policy.sso else {
        return;
    };
    let sets = Route::of(["sso", "permission_sets"]);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, set) in sso.permission_sets.iter().enumerate() {
        let route = sets.clone().child(i);
        if let Some(&first) = seen.get(set.name.as_str()) {
            out.push(
                Diagnostic::new(
                    Code::PolicyDuplicatePermissionSet,
                    format!("permission set `{}` is declared twice", set.name),
                )
                .at(file, route.clone().child("name"))
                .with_label(format!("already declared as permission_sets[{first}]"))
                .with_help("keep one of the two entries (merge their `managed_policies`)"),
            );
        } else {
            seen.insert(&set.name, i);
        }
        let Some(policies) = &set.managed_policies else {
            continue;
        };
        let mut listed: HashMap<&str, usize> = HashMap::new();
        for (j, arn) in policies.iter().enumerate() {
            let at = route.clone().child("managed_policies").child(j);
            if let Some(&first) = listed.get(arn.as_str()) {
                out.push(
                    Diagnostic::new(
                        Code::PolicyDuplicatePermissionSet,
                        format!("managed policy `{arn}` is listed twice for `{}`", set.name),
                    )
                    .at(file, at.clone())
                    .with_label(format!("already listed as managed_policies[{first}]"))
                    .with_help("remove one of the two entries"),
                );
            } else {
                listed.insert(arn, j);
            }
            let owner = crate::base::arn::account_of(arn);
            if let Some(owner) = owner.filter(|owner| *owner != policy.account.id) {
                out.push(
                    Diagnostic::new(
                        Code::PolicyArnMismatch,
                        format!(
                            "this customer managed policy is in account {owner}, but the policy's account is {}",
                            policy.account.id
                        ),
                    )
                    .at(file, at)
                    .with_label("another account's policy")
                    .with_help(format!(
                        "a role carries only its own account's policies: use `arn:aws:iam::{}:policy/...`, or `arn:aws:iam::aws:policy/...` for an AWS managed one",
                        policy.account.id
                    )),
                );
            }
        }
    }
}
