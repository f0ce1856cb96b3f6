//! The account password policy through the live path: `snapshot` records what
//! GetAccountPasswordPolicy answers (`{"PasswordPolicy": null}` for IAM's NoSuchEntity), an offline
//! check reads it back, and an account whose reader may not ask is unobserved, never judged as if
//! it had no policy.

use super::{ROLE, Workspace, check_args, clean, days_from_now, expect, policy};
use crate::moto::{Fault, Moto};
use serde_json::{Value, json};

/// `one` has SMCE's policy (90 days here), `two` none, `three` one whose passwords never expire.
fn seeded(moto: &Moto) -> Workspace {
    let mut one = clean("330000000001", "one");
    one["password_policy"] = json!({
        "MinimumPasswordLength": 14, "RequireSymbols": true, "MaxPasswordAge": 90,
        "PasswordReusePrevention": 24,
    });
    let mut three = clean("330000000003", "three");
    three["password_policy"] = json!({"MinimumPasswordLength": 8});
    moto.seed(&json!({"accounts": [one, clean("330000000002", "two"), three]}));
    let ws = Workspace::new();
    for (id, name) in [
        ("330000000001", "one"),
        ("330000000002", "two"),
        ("330000000003", "three"),
    ] {
        ws.policy(name, &policy(id, name, &["alice"]));
    }
    ws
}

fn recorded(ws: &Workspace, account: &str) -> Value {
    let path = ws
        .path()
        .join(format!("snap/{account}/password-policy.json"));
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn snapshot_records_the_password_policy_or_its_absence() {
    let moto = Moto::start();
    let ws = seeded(&moto);
    let run = moto.smce_guard(
        ws.path(),
        ["snapshot", "--role-name", ROLE, "--out", "snap"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);

    let one = recorded(&ws, "one");
    assert_eq!(one["PasswordPolicy"]["MaxPasswordAge"], 90, "{one}");
    assert_eq!(one["PasswordPolicy"]["ExpirePasswords"], true, "{one}");
    assert_eq!(one["PasswordPolicy"]["MinimumPasswordLength"], 14, "{one}");
    assert_eq!(
        one["PasswordPolicy"]["PasswordReusePrevention"], 24,
        "{one}"
    );
    assert_eq!(recorded(&ws, "two"), json!({"PasswordPolicy": null}));
    let three = recorded(&ws, "three");
    assert_eq!(three["PasswordPolicy"]["ExpirePasswords"], false, "{three}");
    // moto answers 0 where AWS leaves the field out; both read as passwords that never expire.
    let age = &three["PasswordPolicy"]["MaxPasswordAge"];
    assert!(age.is_null() || *age == 0, "{three}");

    // Every recording reads back offline, and live the same accounts are clean.
    let now = days_from_now(1);
    let offline = moto.smce_guard(
        ws.path(),
        [
            "check",
            "--fixtures",
            "snap",
            "--now",
            &now,
            "--format",
            "json",
        ],
    );
    // Account `one` expires passwords after 90 days, not the policy's 60: the dates smce-guard
    // prints for its passwords would be wrong, and it says so, live and offline alike.
    let mismatch = ["one warning account.password-policy -"];
    expect(&offline, 0, &mismatch);
    let live = moto.smce_guard(ws.path(), check_args(&["--now", &now]));
    expect(&live, 0, &mismatch);
    assert_eq!(live.json()["findings"], offline.json()["findings"]);
}

/// A reader whose IAM policy predates `iam:GetAccountPasswordPolicy` is told so: the account is
/// unobserved, and the others are still checked.
#[test]
fn a_denied_password_policy_leaves_the_account_unobserved() {
    let moto = Moto::start();
    let ws = seeded(&moto);
    moto.proxy().inject(
        "iam:GetAccountPasswordPolicy",
        Some("330000000001"),
        None,
        Fault::Error(
            403,
            "AccessDenied",
            "not authorized to perform: iam:GetAccountPasswordPolicy",
        ),
    );
    let run = moto.smce_guard(ws.path(), check_args(&["--now", &days_from_now(1)]));
    expect(&run, 3, &["one error account.unobserved -"]);
    let message = run.json()["findings"][0]["message"].clone();
    assert!(
        message
            .as_str()
            .unwrap()
            .contains("iam:GetAccountPasswordPolicy failed: AccessDenied"),
        "{message}"
    );
}
