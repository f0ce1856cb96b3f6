//! Permission sets through the live path: the roles IAM Identity Center provisions come from the
//! same paginated GetAccountAuthorizationDetails the reader always sent (no filter now, no new
//! request), `snapshot` records them and says so (`entities`), and the offline check of that
//! snapshot says what the live check said, naming the same role ARNs.

use super::{MOTO_ACCOUNT, ROLE, Workspace, check_args, clean, days_from_now, expect, policy};
use crate::common::Run;
use crate::moto::Moto;
use serde_json::{Value, json};

const ID: &str = "340000000001";
const PROVIDER: &str = "AWSSSO_5bc1dd3e6d8c2a47_DO_NOT_DELETE";

fn trust(account: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::{account}:saml-provider/{PROVIDER}")},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    }]})
}

/// A permission set's role as IAM Identity Center provisions it, carrying `attached`.
fn set_role(account: &str, set: &str, hex: &str, attached: &[&str]) -> Value {
    json!({
        "name": format!("AWSReservedSSO_{set}_{hex}"),
        "path": "/aws-reserved/sso.amazonaws.com/",
        "trust": trust(account),
        "attached": attached,
        "inline": [{"name": "AwsSSOInlinePolicy", "document": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}}],
    })
}

/// The clean account with its provider, two of the portal's three sets (Project-Read-Only is
/// not provisioned), an undeclared set, and an ordinary role.
fn seeded(moto: &Moto) -> Workspace {
    let mut account = clean(ID, "portal");
    account["managed_policies"].as_array_mut().unwrap().push(
        json!({"name": "Project-Admin-Access", "document": {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}),
    );
    account["saml_providers"] = json!([PROVIDER]);
    account["roles"] = json!([
        set_role(ID, "Project-Admin", "0123456789abcdef", &["Project-Admin-Access"]),
        set_role(ID, "Project-Power-User", "1111111111111111", &[]),
        set_role(ID, "Billing", "3333333333333333", &[]),
        {"name": "ci-runner", "trust": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}},
    ]);
    moto.seed(&json!({"accounts": [account]}));
    let ws = Workspace::new();
    let text = format!(
        "{}sso:\n  permission_sets:\n    - name: Project-Admin\n      managed_policies:\n        - arn:aws:iam::{ID}:policy/Project-Admin-Access\n    - name: Project-Power-User\n    - name: Project-Read-Only\n  unexpected: warning\n",
        policy(ID, "portal", &["alice"])
    );
    ws.policy("portal", &text);
    ws
}

fn admin_arn() -> String {
    format!(
        "arn:aws:iam::{ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Project-Admin_0123456789abcdef"
    )
}

/// The passed permission-set checks of a JSON run as `code principal arn`.
fn passed(run: &Run) -> Vec<String> {
    run.json()["passed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"].as_str().unwrap().starts_with("sso."))
        .map(|p| {
            format!(
                "{} {} {}",
                p["code"].as_str().unwrap(),
                p["principal"].as_str().unwrap(),
                p["arn"].as_str().unwrap()
            )
        })
        .collect()
}

const FINDINGS: [&str; 2] = [
    "portal error sso.permission-set-missing Project-Read-Only",
    "portal warning sso.permission-set-unexpected Billing",
];

#[test]
fn permission_sets_are_judged_live_and_from_the_snapshot_alike() {
    let moto = Moto::start();
    let ws = seeded(&moto);
    let now = days_from_now(1);
    let live = moto.smce_guard(
        ws.path(),
        check_args(&["--now", &now, "--show-passed", "-v"]),
    );
    expect(&live, 1, &FINDINGS);
    let billing = live.json()["findings"][1]["details"]["role_arn"].clone();
    assert_eq!(
        billing,
        format!(
            "arn:aws:iam::{ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Billing_3333333333333333"
        )
    );
    assert!(
        passed(&live).contains(&format!(
            "sso.permission-set-changed Project-Admin {}",
            admin_arn()
        )),
        "{:?}",
        passed(&live)
    );
    // Roles came with the one GetAccountAuthorizationDetails, which asked for every entity type.
    let ops = moto.proxy().take_operations();
    let gaad = ops
        .iter()
        .filter(|op| *op == "iam:GetAccountAuthorizationDetails")
        .count();
    assert_eq!(gaad, 1, "{ops:?}");
    assert_eq!(live.stderr, "portal: 8 AWS requests\n");

    let run = moto.smce_guard(
        ws.path(),
        ["snapshot", "--role-name", ROLE, "--out", "snap"],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let read = |file: &str| -> Value {
        serde_json::from_slice(&std::fs::read(ws.path().join("snap/portal").join(file)).unwrap())
            .unwrap()
    };
    let snapshot = read("snapshot.json");
    assert_eq!(
        snapshot["entities"],
        json!([
            "User",
            "Role",
            "Group",
            "LocalManagedPolicy",
            "AWSManagedPolicy"
        ])
    );
    let details = read("authorization-details.json");
    let roles: Vec<&str> = details["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["RoleName"].as_str().unwrap())
        .collect();
    assert!(roles.contains(&"ci-runner"), "{roles:?}");
    let admin = (details["RoleDetailList"].as_array().unwrap().iter())
        .find(|r| r["Arn"] == admin_arn())
        .unwrap();
    // Written as the AWS CLI prints it: the trust policy decoded into an object.
    assert_eq!(admin["AssumeRolePolicyDocument"], trust(ID), "{admin}");
    assert_eq!(admin["Path"], "/aws-reserved/sso.amazonaws.com/");

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
            "--show-passed",
        ],
    );
    expect(&offline, 1, &FINDINGS);
    assert_eq!(offline.json()["findings"], live.json()["findings"]);
    assert_eq!(passed(&offline), passed(&live));
}

/// An account with 200 roles (what `scripts/gaad-bytes.py` measures the bytes of): every role
/// arrives in the recording, over as many pages as IAM takes.
#[test]
fn two_hundred_roles_arrive_through_the_same_paginated_call() {
    let moto = Moto::start();
    let mut account = clean(MOTO_ACCOUNT, "home");
    let roles: Vec<Value> = (0..200)
        .map(|i| {
            json!({"name": format!("service-role-{i:03}"), "path": "/service-role/",
                "trust": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}})
        })
        .collect();
    account["roles"] = json!(roles);
    moto.seed(&json!({"accounts": [account]}));
    let ws = Workspace::new();
    ws.policy("home", &policy(MOTO_ACCOUNT, "home", &["alice"]));
    let run = moto.smce_guard(ws.path(), ["snapshot", "--out", "snap"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text =
        std::fs::read_to_string(ws.path().join("snap/home/authorization-details.json")).unwrap();
    let details: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(details["RoleDetailList"].as_array().unwrap().len(), 200);
    let ops = moto.proxy().take_operations();
    let pages = ops
        .iter()
        .filter(|op| *op == "iam:GetAccountAuthorizationDetails")
        .count();
    assert!(pages >= 1, "{ops:?}");
}
