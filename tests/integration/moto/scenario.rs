//! The accounts the live-path tests seed moto with, as the JSON description `tests/live/seed.py`
//! takes (its docstring defines the shape). `seed.py` is the one builder of AWS test state: these
//! tests (`live`, `faults`) run it through [`super::Moto::seed`], and `scripts/record-fixtures.py`
//! imports it to seed the accounts it records, so SMCE's baseline (`"smce": true`: its admin
//! policy and three groups) is written once, in `seed.py`. Roles and SAML providers (`"roles"`,
//! `"saml_providers"`) are seeded the same way, for the SSO accounts (`live::sso`).

use serde_json::{Value, json};

pub const DEPLOYER: &str = "hub-continuous-deployer";
pub const ADMINS: &str = "SMCE-ProjectAdmins";
pub const RESTRICTED: &str = "SMCE-UserRestrictions";
pub const DISABLED: &str = "AccountDisabled";

pub fn document(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

/// An account as SMCE hands it out (its admin policy and three groups, from `seed.py`), holding
/// `users`; `managed_policies` and `groups` of its own are added to those.
pub fn account(id: &str, users: Vec<Value>) -> Value {
    json!({"id": id, "smce": true, "managed_policies": [], "groups": [], "users": users})
}

/// An engineer as SMCE expects one: admin, restricted, console password, MFA.
pub fn member(name: &str) -> Value {
    json!({"name": name, "groups": [ADMINS, RESTRICTED], "password": true, "mfa": true})
}

/// 2i2c's CI user: the `eks-readonly` inline policy on its cluster and one active key.
pub fn deployer(id: &str, cluster: &str) -> Value {
    json!({
        "name": DEPLOYER,
        "inline": [{"name": "eks-readonly", "document": document(json!([{
            "Effect": "Allow",
            "Action": "eks:DescribeCluster",
            "Resource": format!("arn:aws:eks:us-west-2:{id}:cluster/{cluster}"),
        }]))}],
        "keys": ["Active"],
    })
}

/// The clean account the live tests' policies describe: member `alice` and the deployer on
/// cluster `name`.
pub fn clean(id: &str, name: &str) -> Value {
    account(id, vec![member("alice"), deployer(id, name)])
}

/// An IAM Identity Center role as SMCE provisions a permission set (`AWSReservedSSO_<set>_<hex>`
/// under `/aws-reserved/sso.amazonaws.com/`), trusting the account's SAML provider; add the
/// provider with [`saml_provider`].
pub fn sso_role(permission_set: &str, suffix: &str) -> Value {
    json!({
        "name": format!("AWSReservedSSO_{permission_set}_{suffix}"),
        "path": "/aws-reserved/sso.amazonaws.com/",
    })
}

/// The SAML provider IAM Identity Center keeps in each member account (`seed.py` also takes
/// `{"name": ..., "metadata": ...}`).
pub fn saml_provider(suffix: &str) -> Value {
    json!(format!("AWSSSO_{suffix}_DO_NOT_DELETE"))
}

/// The user `name` of a seeded account, to change one thing about it.
pub fn seeded_user<'a>(account: &'a mut Value, name: &str) -> &'a mut Value {
    account["users"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|u| u["name"] == name)
        .unwrap_or_else(|| panic!("no seeded user {name}"))
}

pub fn users(account: &mut Value) -> &mut Vec<Value> {
    account["users"].as_array_mut().unwrap()
}
