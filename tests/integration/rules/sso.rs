//! Permission sets (`sso:`) judged in-process, and through the binary where only it shows the
//! result (`--show-passed`, exit codes of refused recordings, every output format): a declared
//! set is provisioned when an `AWSReservedSSO_<set>_<hex>` role under the IAM Identity Center
//! path federates through the account's own `AWSSSO_<hex>_DO_NOT_DELETE` provider; every other
//! role (a lookalike name, another path, another account's provider, no SAML action) is not one.
//! A recording that did not read roles leaves the rules unobserved (`sso.unobserved`), never
//! failed and never passed.

use super::case::{Case, ID, NOW, POLICY, run};
use super::expect;
use crate::common::Run;
use serde_json::{Value, json};

/// [`POLICY`] with the three portal sets (line 19 `sso:`, 20 `permission_sets:`, 21
/// `- name: Project-Admin`, 22 its `managed_policies:`, 23 its one ARN, 24 Project-Power-User,
/// 25 Project-Read-Only).
fn sso_policy(extra: &str) -> String {
    format!(
        "{POLICY}sso:\n  permission_sets:\n    - name: Project-Admin\n      managed_policies:\n        - arn:aws:iam::aws:policy/AdministratorAccess\n    - name: Project-Power-User\n    - name: Project-Read-Only\n{extra}"
    )
}

const PROVIDER: &str =
    "arn:aws:iam::111122223333:saml-provider/AWSSSO_5bc1dd3e6d8c2a47_DO_NOT_DELETE";

/// The trust policy IAM Identity Center writes, through `provider`.
fn trust(provider: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider},
        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
        "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
    }]})
}

/// A permission set's role as GAAD lists it, under `path`, with `policies` attached.
fn role_at(set: &str, hex: &str, path: &str, policies: &[&str]) -> Value {
    let name = format!("AWSReservedSSO_{set}_{hex}");
    let attached: Vec<Value> = policies
        .iter()
        .map(|arn| json!({"PolicyName": arn.rsplit('/').next().unwrap(), "PolicyArn": arn}))
        .collect();
    json!({
        "Path": path,
        "RoleName": name,
        "RoleId": "AROAEXAMPLE000000001",
        "Arn": format!("arn:aws:iam::{ID}:role{path}{name}"),
        "CreateDate": "2026-01-05T10:00:00Z",
        "AssumeRolePolicyDocument": trust(PROVIDER),
        "RolePolicyList": [{"PolicyName": "AwsSSOInlinePolicy", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}]}}],
        "AttachedManagedPolicies": attached,
    })
}

const PATH: &str = "/aws-reserved/sso.amazonaws.com/";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn role(set: &str, hex: &str, policies: &[&str]) -> Value {
    role_at(set, hex, PATH, policies)
}

fn arn(set: &str, hex: &str) -> String {
    format!("arn:aws:iam::{ID}:role{PATH}AWSReservedSSO_{set}_{hex}")
}

/// The base account with the three sets declared and provisioned, recorded with roles read
/// (`entities` says so), plus a role that is not a permission set.
fn sso_case() -> Case {
    let mut case = Case::base();
    case.policy = sso_policy("");
    case.roles = vec![
        role("Project-Admin", "0123456789abcdef", &[ADMIN]),
        role(
            "Project-Power-User",
            "1111111111111111",
            &["arn:aws:iam::aws:policy/PowerUserAccess"],
        ),
        role(
            "Project-Read-Only",
            "2222222222222222",
            &["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        ),
        json!({"Path": "/aws-service-role/sso.amazonaws.com/", "RoleName": "AWSServiceRoleForSSO",
               "Arn": format!("arn:aws:iam::{ID}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"),
               "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "sso.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
               "RolePolicyList": [], "AttachedManagedPolicies": []}),
    ];
    case.snapshot = Some(json!({"account_id": ID, "captured_at": NOW,
        "entities": ["User", "Group", "LocalManagedPolicy", "AWSManagedPolicy", "Role"]}));
    case
}

fn role_named<'a>(case: &'a mut Case, set: &str) -> &'a mut Value {
    let prefix = format!("AWSReservedSSO_{set}_");
    case.roles
        .iter_mut()
        .find(|r| r["RoleName"].as_str().unwrap().starts_with(&prefix))
        .unwrap()
}

/// The binary's JSON `check --show-passed` of `case`.
fn passed_run(case: &Case) -> Run {
    run(
        &[case],
        &["--format", "json", "--now", NOW, "--show-passed"],
    )
}

/// Each passed check of a JSON run as `code principal arn` (`-` for an absent one).
fn passed(run: &Run) -> Vec<String> {
    let text = |v: &Value| v.as_str().unwrap_or("-").to_owned();
    run.json()["passed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["code"].as_str().unwrap().starts_with("sso."))
        .map(|p| {
            format!(
                "{} {} {}",
                text(&p["code"]),
                text(&p["principal"]),
                text(&p["arn"])
            )
        })
        .collect()
}

#[test]
fn provisioned_sets_pass_and_name_their_role_arns() {
    let case = sso_case();
    expect(&case.judge(), 0, &[]);
    let run = passed_run(&case);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let admin = arn("Project-Admin", "0123456789abcdef");
    let power = arn("Project-Power-User", "1111111111111111");
    let read = arn("Project-Read-Only", "2222222222222222");
    assert_eq!(
        passed(&run),
        [
            format!("sso.permission-set-missing Project-Admin {admin}"),
            format!("sso.permission-set-changed Project-Admin {admin}"),
            format!("sso.permission-set-missing Project-Power-User {power}"),
            format!("sso.permission-set-missing Project-Read-Only {read}"),
            format!("sso.permission-set-unexpected Project-Admin {admin}"),
            format!("sso.permission-set-unexpected Project-Power-User {power}"),
            format!("sso.permission-set-unexpected Project-Read-Only {read}"),
        ]
    );
    // Other passed checks carry no `arn` field at all (the JSON contract only grows).
    let json = run.json();
    let deployer = (json["passed"].as_array().unwrap().iter())
        .find(|p| p["code"] == "deployer.restricted")
        .unwrap();
    assert!(deployer.get("arn").is_none(), "{deployer}");
    // The ARN an EKS access entry names, in every format that lists passed checks.
    for format in ["human", "markdown", "github", "sarif"] {
        let out = run_format(&case, format);
        assert!(out.stdout.contains(&admin), "{format}:\n{}", out.stdout);
    }
    // Read back by their consumers: the SARIF schema, and GitHub's markdown renderer (the ARN
    // in a code span).
    let sarif = crate::formats::assert_valid_sarif(&run_format(&case, "sarif").stdout);
    let passes: Vec<&Value> = (sarif["runs"][0]["results"].as_array().unwrap().iter())
        .filter(|r| r["kind"] == "pass" && r["properties"]["arn"] == admin.as_str())
        .collect();
    assert_eq!(passes.len(), 3, "{sarif}");
    let markdown = crate::escaping::consume("markdown.py", &run_format(&case, "markdown").stdout);
    assert!(
        markdown["html"]
            .as_str()
            .unwrap()
            .contains(&format!("<code>{admin}</code>")),
        "{}",
        markdown["html"]
    );
}

fn run_format(case: &Case, format: &str) -> Run {
    run(
        &[case],
        &["--format", format, "--now", NOW, "--show-passed"],
    )
}

#[test]
fn a_set_without_its_role_is_missing_at_its_line() {
    let mut case = sso_case();
    case.roles
        .retain(|r| !r["RoleName"].as_str().unwrap().contains("Read-Only"));
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error sso.permission-set-missing Project-Read-Only @25"],
    );
    let finding = judged.only("sso.permission-set-missing");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("`AWSReservedSSO_Project-Read-Only_<hex>`"),
        "{finding}"
    );
    assert_eq!(finding["details"], json!({}));
}

#[test]
fn lookalike_roles_are_not_permission_sets() {
    let other_account =
        "arn:aws:iam::999988887777:saml-provider/AWSSSO_5bc1dd3e6d8c2a47_DO_NOT_DELETE";
    let not_sso = "arn:aws:iam::111122223333:saml-provider/Okta";
    type Change = Box<dyn Fn(&mut Value)>;
    let lookalikes: [(&str, Change); 6] = [
        (
            "a role of the same name made by hand, at /",
            Box::new(|r: &mut Value| {
                r["Path"] = json!("/");
            }),
        ),
        (
            "a path under another service",
            Box::new(|r: &mut Value| {
                r["Path"] = json!("/aws-reserved/other.amazonaws.com/");
            }),
        ),
        (
            "trusted through another account's provider",
            Box::new(move |r: &mut Value| {
                r["AssumeRolePolicyDocument"] = trust(other_account);
            }),
        ),
        (
            "trusted through a provider IAM Identity Center did not make",
            Box::new(move |r: &mut Value| {
                r["AssumeRolePolicyDocument"] = trust(not_sso);
            }),
        ),
        (
            "trusting the provider for another action",
            Box::new(|r: &mut Value| {
                r["AssumeRolePolicyDocument"]["Statement"][0]["Action"] = json!("sts:AssumeRole");
            }),
        ),
        (
            "a Deny, not an Allow",
            Box::new(|r: &mut Value| {
                r["AssumeRolePolicyDocument"]["Statement"][0]["Effect"] = json!("Deny");
            }),
        ),
    ];
    for (what, change) in lookalikes {
        let mut case = sso_case();
        change(role_named(&mut case, "Project-Power-User"));
        let judged = case.judge();
        // Missing (it is not provisioned), and not unexpected either (it is no set at all).
        assert_eq!(
            judged.lines(),
            ["error sso.permission-set-missing Project-Power-User @24"],
            "{what}"
        );
        let finding = judged.only("sso.permission-set-missing");
        assert_eq!(
            finding["details"]["lookalike_role_arns"],
            json!([arn("Project-Power-User", "1111111111111111")]),
            "{what}"
        );
        assert!(
            finding["message"]
                .as_str()
                .unwrap()
                .contains("has the name, but"),
            "{what}"
        );
    }
}

#[test]
fn a_region_segment_wildcards_and_an_encoded_trust_policy_are_still_the_set() {
    let mut case = sso_case();
    let admin = role_named(&mut case, "Project-Admin");
    admin["Path"] = json!("/aws-reserved/sso.amazonaws.com/us-west-2/");
    // As the API sends documents, URL-encoded (the CLI decodes them; a live read keeps either).
    admin["AssumeRolePolicyDocument"] = super::case::url_encode(&trust(PROVIDER));
    let power = role_named(&mut case, "Project-Power-User");
    power["AssumeRolePolicyDocument"]["Statement"][0]["Action"] = json!("sts:*");
    expect(&case.judge(), 0, &[]);
    // Two segments are not a region.
    role_named(&mut case, "Project-Admin")["Path"] =
        json!("/aws-reserved/sso.amazonaws.com/us-west-2/x/");
    expect(
        &case.judge(),
        1,
        &["error sso.permission-set-missing Project-Admin @21"],
    );
}

#[test]
fn an_undeclared_set_is_unexpected_at_each_level() {
    let mut case = sso_case();
    case.roles.push(role("Billing", "3333333333333333", &[]));
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error sso.permission-set-unexpected Billing @21"],
    );
    assert_eq!(
        judged.only("sso.permission-set-unexpected")["details"]["role_arn"],
        arn("Billing", "3333333333333333")
    );
    case.policy = sso_policy("  unexpected: warning\n");
    expect(
        &case.judge(),
        0,
        &["warning sso.permission-set-unexpected Billing @21"],
    );
    case.policy = sso_policy("  unexpected: ignore\n");
    expect(&case.judge(), 0, &[]);
    // A policy without `sso:` says nothing about permission sets.
    case.policy = POLICY.to_owned();
    expect(&case.judge(), 0, &[]);
}

#[test]
fn managed_policies_that_differ_are_a_changed_set() {
    let mut case = sso_case();
    let admin = role_named(&mut case, "Project-Admin");
    admin["AttachedManagedPolicies"] = json!([
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
        {"PolicyName": "Billing", "PolicyArn": "arn:aws:iam::aws:policy/job-function/Billing"},
    ]);
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error sso.permission-set-changed Project-Admin @23"],
    );
    let finding = judged.only("sso.permission-set-changed");
    assert_eq!(
        finding["details"],
        json!({
            "role_arn": arn("Project-Admin", "0123456789abcdef"),
            "missing": [ADMIN],
            "extra": ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/job-function/Billing"],
        })
    );
    // The same policies in another order are the same set; a set that lists none must carry none.
    let mut same = sso_case();
    same.policy = sso_policy("").replace(
        "        - arn:aws:iam::aws:policy/AdministratorAccess\n",
        "        - arn:aws:iam::aws:policy/job-function/Billing\n        - arn:aws:iam::aws:policy/AdministratorAccess\n",
    );
    role_named(&mut same, "Project-Admin")["AttachedManagedPolicies"] = json!([
        {"PolicyArn": ADMIN}, {"PolicyArn": "arn:aws:iam::aws:policy/job-function/Billing"},
    ]);
    expect(&same.judge(), 0, &[]);
    same.policy = same.policy.replace(
        "    - name: Project-Read-Only\n",
        "    - name: Project-Read-Only\n      managed_policies: []\n",
    );
    expect(
        &same.judge(),
        1,
        &["error sso.permission-set-changed Project-Read-Only @27"],
    );
}

#[test]
fn a_recording_that_did_not_read_roles_leaves_the_sets_unobserved() {
    // Every recording made before this version: no `entities`, an empty `RoleDetailList`.
    let mut case = sso_case();
    case.roles.clear();
    case.snapshot = Some(json!({"account_id": ID, "captured_at": NOW}));
    let judged = case.judge();
    expect(&judged, 0, &["warning sso.unobserved - @20"]);
    // Neither failed nor passed: no permission-set check is listed as performed.
    let run = passed_run(&case);
    assert_eq!(run.code, 0);
    assert_eq!(passed(&run), Vec::<String>::new());
    // No snapshot at all says nothing about roles either (and is undated, so stale).
    case.snapshot = None;
    assert_eq!(
        case.judge().lines(),
        ["warning fixture.stale - @4", "warning sso.unobserved - @20"]
    );
    // Roles read and none there: every declared set is missing.
    case.snapshot =
        Some(json!({"account_id": ID, "captured_at": NOW, "entities": ["User", "Role"]}));
    expect(
        &case.judge(),
        1,
        &[
            "error sso.permission-set-missing Project-Admin @21",
            "error sso.permission-set-missing Project-Power-User @24",
            "error sso.permission-set-missing Project-Read-Only @25",
        ],
    );
    // A role listed proves roles were read, with or without `entities`.
    let mut listed = sso_case();
    listed.snapshot = Some(json!({"account_id": ID, "captured_at": NOW}));
    expect(&listed.judge(), 0, &[]);
    // Without `sso:` nothing is said about roles at all.
    case.policy = POLICY.to_owned();
    case.snapshot = Some(json!({"account_id": ID, "captured_at": NOW}));
    expect(&case.judge(), 0, &[]);
}

#[test]
fn entities_that_contradict_the_recording_or_name_no_entity_type_are_refused() {
    let mut case = sso_case();
    case.snapshot =
        Some(json!({"account_id": ID, "captured_at": NOW, "entities": ["User", "Group"]}));
    let judged = case.judge();
    assert_eq!(judged.code, 2);
    let finding = judged.only("fixture.invalid");
    assert!(
        finding["message"].as_str().unwrap().contains("lists 4"),
        "{finding}"
    );
    case.snapshot = Some(json!({"account_id": ID, "captured_at": NOW, "entities": ["Users"]}));
    let judged = case.judge();
    assert_eq!(judged.code, 2);
    assert!(
        judged.only("fixture.invalid")["message"]
            .as_str()
            .unwrap()
            .contains("`Users`")
    );
}

#[test]
fn a_broken_trust_policy_or_a_role_listed_twice_refuses_the_recording() {
    let mut case = sso_case();
    role_named(&mut case, "Project-Admin")["AssumeRolePolicyDocument"] = json!("%7Bbroken");
    let judged = case.judge();
    assert_eq!(judged.code, 2, "{judged:#?}");
    let finding = judged.only("fixture.invalid");
    assert!(
        finding["message"].as_str().unwrap().starts_with(
            "the trust policy of role `AWSReservedSSO_Project-Admin_0123456789abcdef`"
        ),
        "{finding}"
    );
    // Pointed at the role's name in the recording.
    assert!(finding["line"].as_u64().is_some(), "{finding}");
    let mut twice = sso_case();
    let copy = twice.roles[0].clone();
    twice.roles.push(copy);
    assert_eq!(twice.judge().code, 2);
}

#[test]
fn a_set_provisioned_twice_lists_both_roles() {
    let mut case = sso_case();
    case.roles
        .push(role("Project-Admin", "fedcba9876543210", &[ADMIN]));
    expect(&case.judge(), 0, &[]);
    let run = passed_run(&case);
    let missing: Vec<String> = passed(&run)
        .into_iter()
        .filter(|p| p.starts_with("sso.permission-set-missing Project-Admin"))
        .collect();
    assert_eq!(
        missing,
        [
            format!(
                "sso.permission-set-missing Project-Admin {}",
                arn("Project-Admin", "0123456789abcdef")
            ),
            format!(
                "sso.permission-set-missing Project-Admin {}",
                arn("Project-Admin", "fedcba9876543210")
            ),
        ]
    );
}

#[test]
fn a_waiver_names_the_set_as_its_principal() {
    let mut case = sso_case();
    case.roles
        .retain(|r| !r["RoleName"].as_str().unwrap().contains("Read-Only"));
    case.policy = format!(
        "{}waivers:\n  - code: sso.permission-set-missing\n    principal: Project-Read-Only\n    reason: SMDE assigns it next week\n    until: \"2026-12-31\"\n",
        sso_policy("")
    );
    let judged = case.judge();
    expect(
        &judged,
        0,
        &["error sso.permission-set-missing Project-Read-Only @25"],
    );
    assert_eq!(judged.only("sso.permission-set-missing")["waived"], true);
}

#[test]
fn the_real_roles_of_an_account_are_read_and_its_two_sets_found() {
    // 75 roles of one real account (Cloudsplaining's example), two of them permission sets.
    let roles: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(crate::common::data("real-aws/roles-200611803367.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(roles.len(), 75);
    let mut case = Case::named("example", "200611803367");
    case.roles = roles;
    case.policy = format!(
        "{}sso:\n  permission_sets:\n    - name: AdministratorAccess\n      managed_policies:\n        - arn:aws:iam::aws:policy/AdministratorAccess\n    - name: ViewOnlyAccess\n      managed_policies:\n        - arn:aws:iam::aws:policy/job-function/ViewOnlyAccess\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n",
        case.policy
    );
    expect(&case.judge(), 0, &[]);
    let run = passed_run(&case);
    assert!(
        passed(&run).contains(&"sso.permission-set-missing AdministratorAccess arn:aws:iam::200611803367:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_dc6414f7f2ab04fc".to_owned()),
        "{:?}",
        passed(&run)
    );
    // Declaring only one of the two: the other is unexpected, by its real ARN.
    case.policy = case.policy.replace("    - name: ViewOnlyAccess\n      managed_policies:\n        - arn:aws:iam::aws:policy/job-function/ViewOnlyAccess\n        - arn:aws:iam::aws:policy/ReadOnlyAccess\n", "");
    let judged = case.judge();
    expect(
        &judged,
        1,
        &["error sso.permission-set-unexpected ViewOnlyAccess @21"],
    );
}
