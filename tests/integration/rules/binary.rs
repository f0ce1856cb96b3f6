//! Rule cases run through the binary: each case is written into a temporary directory and
//! `smce-guard check --format json` runs there (rules not yet moved in-process, broken recordings,
//! exit codes, the JSON contract, the repository's own example), and the harness held to it.

use super::case::{
    CLUSTER, Case, DEPLOYER, ID, NOW, Override, POLICY, POLICY_FILE, allow, doc, group, inline,
    key, managed, managed_arn, row, run, url_encode, user,
};
use super::harness;
use crate::common::{Run, assert_run, finding_codes, only, smce_guard};
use serde_json::{Value, json};

/// Each finding as `severity code principal @line` (`-` for an absent principal or line).
fn findings(run: &Run) -> Vec<String> {
    let json = run.json();
    let text = |v: &Value| v.as_str().map_or("-".to_owned(), str::to_owned);
    json["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array:\n{}", run.stdout))
        .iter()
        .map(|f| {
            let line = f["line"].as_u64().map_or("-".to_owned(), |l| l.to_string());
            format!(
                "{} {} {} @{line}",
                text(&f["severity"]),
                text(&f["code"]),
                text(&f["principal"])
            )
        })
        .collect()
}

fn statuses(run: &Run) -> Vec<String> {
    run.json()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a["name"].as_str().unwrap(),
                a["status"].as_str().unwrap()
            )
        })
        .collect()
}

/// The contract's fields of each account entry (the format may add more).
fn accounts(run: &Run) -> Vec<Value> {
    let json = run.json();
    json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| json!({"id": a["id"], "name": a["name"], "status": a["status"], "now": a["now"]}))
        .collect()
}

/// `(summary.errors, summary.warnings)`.
fn summary(run: &Run) -> (u64, u64) {
    let json = run.json();
    (
        json["summary"]["errors"].as_u64().unwrap(),
        json["summary"]["warnings"].as_u64().unwrap(),
    )
}

/// Asserts the exit code and the exact findings of a run.
#[track_caller]
fn expect(run: &Run, code: i32, expected: &[&str]) {
    assert_run(run, code, findings(run), expected);
}

// ---------------------------------------------------------------------------------------------
// Accounts that cannot be observed
// ---------------------------------------------------------------------------------------------

#[test]
fn unobserved_without_a_fixture_folder() {
    let mut case = Case::base();
    case.no_folder = true;
    let run = case.check();
    expect(&run, 3, &["error account.unobserved - @3"]);
    assert_eq!(statuses(&run), ["acme unobserved"]);
    assert_eq!(only(&run, "account.unobserved")["file"], POLICY_FILE);
}

#[test]
fn unobserved_when_a_required_file_is_missing() {
    for file in ["authorization-details.json", "credential-report.csv"] {
        let mut case = Case::base();
        case.overrides.push((file, Override::Absent));
        let run = case.check();
        expect(&run, 3, &["error account.unobserved - @3"]);
        let message = only(&run, "account.unobserved")["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains(file), "{file}: {message}");
    }
}

// ---------------------------------------------------------------------------------------------
// Members and undeclared users
// ---------------------------------------------------------------------------------------------

#[test]
fn member_missing() {
    let mut case = Case::base();
    case.policy = case
        .policy
        .replace("  - user: alice\n", "  - user: alice\n  - user: bob\n");
    // A report row alone does not make a user: users come from the authorization details.
    case.rows.push(row("bob"));
    expect(&case.check(), 1, &["error member.missing bob @6"]);
}

#[test]
fn member_not_admin() {
    let mut case = Case::base();
    case.user("alice")["GroupList"] = json!(["SMCE-UserRestrictions"]);
    let run = case.check();
    expect(&run, 1, &["error member.not-admin alice @5"]);
    assert_eq!(
        only(&run, "member.not-admin")["details"]["groups"],
        json!(["SMCE-UserRestrictions"])
    );
}

#[test]
fn member_admin_through_a_renamed_admins_group() {
    let mut case = Case::base();
    case.policy = case.policy.replace(
        "members:\n",
        "groups:\n  admins: Project-Admins\nmembers:\n",
    );
    case.user("alice")["GroupList"] = json!(["Project-Admins"]);
    expect(&case.check(), 0, &[]);
    // ... and the default group no longer counts.
    case.user("alice")["GroupList"] = json!(["SMCE-ProjectAdmins"]);
    expect(&case.check(), 1, &["error member.not-admin alice @7"]);
}

#[test]
fn member_mfa_missing() {
    let mut case = Case::base();
    case.row("alice").mfa = false;
    expect(&case.check(), 1, &["error member.mfa-missing alice @5"]);
    // A member newer than the credential report has no MFA as far as the recording shows.
    case.rows.retain(|r| r.user != "alice");
    expect(&case.check(), 1, &["error member.mfa-missing alice @5"]);
}

#[test]
fn member_mfa_in_upper_case_is_active() {
    let mut case = Case::base();
    let report = case
        .report()
        .replace("+00:00,N/A,true,", "+00:00,N/A,TRUE,");
    assert!(report.contains("TRUE"));
    case.overrides
        .push(("credential-report.csv", Override::Text(report)));
    expect(&case.check(), 0, &[]);
}

#[test]
fn member_disabled() {
    let mut case = Case::base();
    case.user("alice")["GroupList"] = json!(["SMCE-ProjectAdmins", "AccountDisabled"]);
    expect(&case.check(), 1, &["error member.disabled alice @5"]);
}

#[test]
fn unmanaged_user_at_each_level() {
    let mut case = Case::base();
    case.users.push(user("mallory", &["AccountDisabled"]));
    let run = case.check();
    // Only user.unmanaged: member.disabled is for members.
    expect(&run, 1, &["error user.unmanaged mallory @16"]);
    assert_eq!(
        only(&run, "user.unmanaged")["details"]["arn"],
        format!("arn:aws:iam::{ID}:user/mallory")
    );

    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: warning");
    expect(&case.check(), 0, &["warning user.unmanaged mallory @16"]);

    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: ignore");
    expect(&case.check(), 0, &[]);
}

#[test]
fn unmanaged_defaults_to_error_when_not_spelt_out() {
    let mut case = Case::base();
    case.policy = POLICY.replace("unmanaged_users: error\n", "");
    case.users.push(user("mallory", &[]));
    let run = case.check();
    assert_eq!(only(&run, "user.unmanaged")["severity"], "error");
    assert_eq!(run.code, 1);
}

#[test]
fn ignored_user_is_neither_unmanaged_nor_credential_checked() {
    let mut case = Case::base();
    case.policy = POLICY.replace("ignore_users: []", "ignore_users:\n  - auditor");
    case.users.push(user("auditor", &[]));
    let mut auditor = row("auditor");
    auditor.password = Some("2025-01-01T00:00:00+00:00".into()); // long expired
    case.rows.push(auditor);
    case.keys.as_mut().unwrap().push(key(
        "auditor",
        "AKIAAUDITOR00000001",
        "Active",
        "2025-01-01T00:00:00Z",
    ));
    expect(&case.check(), 0, &[]);
}

// ---------------------------------------------------------------------------------------------
// The deployer: existence, groups, console access
// ---------------------------------------------------------------------------------------------

#[test]
fn deployer_missing_stops_the_other_deployer_rules() {
    let mut case = Case::base();
    case.users.retain(|u| u["UserName"] != DEPLOYER);
    // Its report row and key are left behind: no key-count, no permission findings follow.
    expect(
        &case.check(),
        1,
        &["error deployer.missing hub-continuous-deployer @7"],
    );
}

#[test]
fn no_deployer_declared_and_none_present() {
    let mut case = Case::base();
    case.policy = POLICY.replace(
        "deployer:\n  user: hub-continuous-deployer\n  cluster: acme\n  allow:\n    - action: eks:DescribeCluster\n      resource: arn:aws:eks:us-west-2:111122223333:cluster/acme\n  active_keys: 1\n",
        "",
    );
    case.users.retain(|u| u["UserName"] != DEPLOYER);
    case.rows.retain(|r| r.user != DEPLOYER);
    case.keys = Some(vec![]);
    expect(&case.check(), 0, &[]);
}

#[test]
fn deployer_restricted() {
    let mut case = Case::base();
    // The group's Deny/NotAction statement is not an excess permission: Deny is never credited.
    case.user(DEPLOYER)["GroupList"] = json!(["SMCE-UserRestrictions"]);
    expect(
        &case.check(),
        1,
        &["error deployer.restricted hub-continuous-deployer @7"],
    );
}

#[test]
fn deployer_disabled() {
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["AccountDisabled"]);
    expect(
        &case.check(),
        1,
        &["error deployer.disabled hub-continuous-deployer @7"],
    );
}

#[test]
fn deployer_console_access() {
    let mut case = Case::base();
    case.row(DEPLOYER).password = Some("2026-11-01T00:00:00+00:00".into());
    expect(
        &case.check(),
        1,
        &["error deployer.console-access hub-continuous-deployer @7"],
    );
}

#[test]
fn deployer_console_password_also_ages() {
    let mut case = Case::base();
    case.row(DEPLOYER).password = Some("2026-01-01T00:00:00+00:00".into());
    expect(
        &case.check(),
        1,
        &[
            "error deployer.console-access hub-continuous-deployer @7",
            "error password.expired hub-continuous-deployer @14",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// The deployer's permissions
// ---------------------------------------------------------------------------------------------

const EXCESS: &str = "error deployer.excess-permission hub-continuous-deployer @10";
const MISSING: &str = "error deployer.missing-permission hub-continuous-deployer @10";

/// The base account with the deployer's inline policy replaced by one holding `statements`.
fn deployer_with(statements: Value) -> Case {
    let mut case = Case::base();
    case.deployer_inline(json!([inline("eks-readonly", doc(statements))]));
    case
}

#[test]
fn excess_action_wildcard_on_the_cluster() {
    let run = deployer_with(json!([allow(json!("eks:*"), json!(CLUSTER))])).check();
    expect(&run, 1, &[EXCESS]);
    let finding = only(&run, "deployer.excess-permission");
    assert_eq!(finding["details"]["policy"], "inline policy `eks-readonly`");
    assert_eq!(finding["details"]["statement"], "statement #0");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("eks:* on arn:aws:eks:us-west-2:111122223333:cluster/acme"),
        "{finding}"
    );
}

#[test]
fn excess_resource_star() {
    expect(
        &deployer_with(json!([allow(json!("eks:DescribeCluster"), json!("*"))])).check(),
        1,
        &[EXCESS],
    );
}

#[test]
fn excess_one_action_of_several_and_one_resource_of_several() {
    let actions = deployer_with(json!([allow(
        json!(["eks:DescribeCluster", "eks:ListClusters"]),
        json!(CLUSTER)
    )]));
    expect(&actions.check(), 1, &[EXCESS]);
    let other = "arn:aws:eks:us-west-2:111122223333:cluster/other";
    let resources = deployer_with(json!([allow(
        json!("eks:DescribeCluster"),
        json!([CLUSTER, other])
    )]));
    expect(&resources.check(), 1, &[EXCESS]);
}

#[test]
fn excess_statement_wildcards_need_an_entry_that_covers_them() {
    // `eks:Describe*` and `eks:DescribeCluste?` could match more than `eks:DescribeCluster`.
    for action in ["eks:Describe*", "eks:DescribeCluste?", "eks:*Cluster"] {
        let case = deployer_with(json!([allow(json!(action), json!(CLUSTER))]));
        expect(&case.check(), 1, &[EXCESS]);
    }
    // A cluster wildcard in the statement is not covered by one cluster.
    let case = deployer_with(json!([allow(
        json!("eks:DescribeCluster"),
        json!("arn:aws:eks:us-west-2:111122223333:cluster/*")
    )]));
    expect(&case.check(), 1, &[EXCESS]);
}

/// Allow `eks:Describe*` on every cluster of the account; statement 0 grants exactly that (so
/// nothing is missing), statement 1 is the one under test.
fn describe_any_cluster_with(action: &str, resource: &str) -> Case {
    let clusters = "arn:aws:eks:us-west-2:111122223333:cluster/*";
    let mut case = deployer_with(json!([
        allow(json!("eks:Describe*"), json!(clusters)),
        allow(json!(action), json!(resource))
    ]));
    case.policy = POLICY
        .replace("- action: eks:DescribeCluster", "- action: eks:Describe*")
        .replace("cluster/acme\n", "cluster/*\n");
    case
}

#[test]
fn within_when_the_entry_covers_every_match_of_the_statement() {
    for (action, resource) in [
        ("eks:DescribeCluster", CLUSTER),
        ("eks:Describe*", CLUSTER),
        (
            "eks:DescribeCluste?",
            "arn:aws:eks:us-west-2:111122223333:cluster/*",
        ),
        (
            "EKS:describe*",
            "arn:aws:eks:us-west-2:111122223333:cluster/ac?e",
        ),
        (
            "eks:describenodegroup",
            "arn:aws:eks:us-west-2:111122223333:cluster/other",
        ),
    ] {
        let run = describe_any_cluster_with(action, resource).check();
        assert_eq!(
            (findings(&run), run.code),
            (vec![], 0),
            "{action} on {resource}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn excess_when_the_statement_could_match_more_than_the_entry() {
    for (action, resource) in [
        ("eks:*", CLUSTER),
        ("eks:*Cluster", CLUSTER),
        ("eks:Describe*", "*"),
        ("eks:Describe*", "arn:aws:eks:us-west-2:*:cluster/*"),
        (
            "eks:DescribeCluster",
            "arn:aws:eks:us-west-2:111122223333:*",
        ),
    ] {
        let run = describe_any_cluster_with(action, resource).check();
        assert_eq!(
            (findings(&run), run.code),
            (vec![EXCESS.to_owned()], 1),
            "{action} on {resource}:\n{}",
            run.stdout
        );
        assert_eq!(
            only(&run, "deployer.excess-permission")["details"]["statement"],
            "statement #1"
        );
    }
}

#[test]
fn within_with_a_question_mark_entry_and_any_case() {
    expect(
        &deployer_with(json!([allow(json!("EKS:describecluster"), json!(CLUSTER))])).check(),
        0,
        &[],
    );
    let mut case = deployer_with(json!([allow(json!("eks:DescribeCluste?"), json!(CLUSTER))]));
    expect(&case.check(), 1, &[EXCESS]);
    case.policy = POLICY.replace(
        "- action: eks:DescribeCluster",
        "- action: eks:DescribeCluste?",
    );
    expect(&case.check(), 0, &[]);
}

#[test]
fn within_when_allow_declares_resource_star() {
    let mut case = deployer_with(json!([allow(json!("eks:DescribeCluster"), json!("*"))]));
    case.policy = POLICY.replace(
        "resource: arn:aws:eks:us-west-2:111122223333:cluster/acme",
        "resource: \"*\"",
    );
    expect(&case.check(), 0, &[]);
}

#[test]
fn excess_eks_star_is_allowed_only_by_an_eks_star_entry() {
    let mut case = deployer_with(json!([allow(json!("eks:*"), json!(CLUSTER))]));
    case.policy = POLICY.replace("- action: eks:DescribeCluster", "- action: eks:*");
    expect(&case.check(), 0, &[]);
    case.policy = POLICY.replace("- action: eks:DescribeCluster", "- action: eks:Describe*");
    expect(&case.check(), 1, &[EXCESS]);
}

#[test]
fn not_action_and_not_resource_always_exceed() {
    // NotAction: everything but IAM, on the cluster. It still grants DescribeCluster, so nothing is missing.
    let not_action = json!([{"Effect": "Allow", "NotAction": ["iam:*"], "Resource": CLUSTER}]);
    expect(&deployer_with(not_action).check(), 1, &[EXCESS]);
    // Even one that excludes a single action, on the narrowest resource ...
    let mut case = deployer_with(
        json!([{"Effect": "Allow", "NotAction": "eks:DeleteCluster", "Resource": CLUSTER}]),
    );
    expect(&case.check(), 1, &[EXCESS]);
    // ... and when `allow` holds `eks:*`, which it does not fully grant either.
    case.policy = POLICY.replace("- action: eks:DescribeCluster", "- action: eks:*");
    expect(&case.check(), 1, &[EXCESS, MISSING]);
    let not_resource = json!([{"Effect": "Allow", "Action": "eks:DescribeCluster", "NotResource": "arn:aws:eks:us-west-2:111122223333:cluster/other"}]);
    expect(&deployer_with(not_resource).check(), 1, &[EXCESS]);
}

#[test]
fn conditions_do_not_narrow_and_deny_is_not_credited() {
    let conditional = json!([
        allow(json!("eks:DescribeCluster"), json!(CLUSTER)),
        {"Sid": "OnlyFromVpn", "Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
    ]);
    let run = deployer_with(conditional).check();
    expect(&run, 1, &[EXCESS]);
    assert_eq!(
        only(&run, "deployer.excess-permission")["details"]["statement"],
        "statement `OnlyFromVpn`"
    );
    // A Deny of everything beside the grant is neither excess nor a grant.
    let deny = json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER)), {"Effect": "Deny", "Action": "*", "Resource": "*"}]);
    expect(&deployer_with(deny).check(), 0, &[]);
    let deny_only =
        json!([{"Effect": "Deny", "Action": "eks:DescribeCluster", "Resource": CLUSTER}]);
    expect(&deployer_with(deny_only).check(), 1, &[MISSING]);
}

#[test]
fn excess_from_an_attached_managed_policy_default_version() {
    let narrow = doc(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER))]));
    let broad = doc(json!([allow(json!("s3:GetObject"), json!("*"))]));
    let mut case = Case::base();
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": managed_arn("ci")}]);
    // Default v2 is broad: excess, though v1 is narrow.
    case.policies.push(managed(
        "ci",
        &[("v1", false, narrow.clone()), ("v2", true, broad.clone())],
    ));
    let run = case.check();
    expect(&run, 1, &[EXCESS]);
    assert_eq!(
        only(&run, "deployer.excess-permission")["details"]["policy"],
        format!("managed policy `{}`", managed_arn("ci"))
    );
    // Default v1 is narrow: a broad non-default version grants nothing.
    case.policies.pop();
    case.policies
        .push(managed("ci", &[("v1", true, narrow), ("v2", false, broad)]));
    expect(&case.check(), 0, &[]);
}

#[test]
fn excess_and_grant_through_a_group_managed_policy() {
    let mut case = Case::base();
    case.deployer_inline(json!([]));
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups
        .push(group("ci-deployers", vec![], &[&managed_arn("eks-wide")]));
    case.policies.push(managed(
        "eks-wide",
        &[("v1", true, doc(json!([allow(json!("eks:*"), json!("*"))])))],
    ));
    // It grants DescribeCluster (no missing-permission) and more (excess).
    let run = case.check();
    expect(&run, 1, &[EXCESS]);
    assert_eq!(
        only(&run, "deployer.excess-permission")["details"]["policy"],
        format!(
            "group `ci-deployers` managed policy `{}`",
            managed_arn("eks-wide")
        )
    );
}

#[test]
fn within_through_a_group_managed_policy() {
    let mut case = Case::base();
    case.deployer_inline(json!([]));
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups.push(group(
        "ci-deployers",
        vec![],
        &[&managed_arn("eks-readonly")],
    ));
    case.policies.push(managed(
        "eks-readonly",
        &[(
            "v1",
            true,
            doc(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER))])),
        )],
    ));
    expect(&case.check(), 0, &[]);
}

#[test]
fn excess_through_a_group_inline_policy() {
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups.push(group(
        "ci-deployers",
        vec![inline(
            "logs",
            doc(json!([allow(json!("logs:PutLogEvents"), json!("*"))])),
        )],
        &[],
    ));
    let run = case.check();
    expect(&run, 1, &[EXCESS]);
    assert_eq!(
        only(&run, "deployer.excess-permission")["details"]["policy"],
        "group `ci-deployers` inline policy `logs`"
    );
}

#[test]
fn url_encoded_documents_are_read() {
    // Exactly the grant, URL-encoded as the IAM API sends it: nothing in excess, nothing missing.
    let mut case = Case::base();
    let exact = url_encode(&doc(json!([allow(
        json!("eks:DescribeCluster"),
        json!(CLUSTER)
    )])));
    assert!(exact.as_str().unwrap().starts_with("%7B%22"));
    case.deployer_inline(json!([inline("eks-readonly", exact)]));
    expect(&case.check(), 0, &[]);
    // An encoded wildcard is seen for what it is.
    case.deployer_inline(json!([inline(
        "eks-readonly",
        url_encode(&doc(json!([allow(json!("eks:*"), json!(CLUSTER))])))
    )]));
    let run = case.check();
    expect(&run, 1, &[EXCESS]);
    assert!(
        only(&run, "deployer.excess-permission")["message"]
            .as_str()
            .unwrap()
            .contains("eks:*")
    );
    // Managed policy versions are URL-encoded too.
    let mut case = Case::base();
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": managed_arn("ci")}]);
    case.policies.push(managed(
        "ci",
        &[(
            "v1",
            true,
            url_encode(&doc(json!([allow(json!("sts:AssumeRole"), json!("*"))]))),
        )],
    ));
    expect(&case.check(), 1, &[EXCESS]);
}

#[test]
fn excess_when_an_attached_managed_policy_is_not_recorded() {
    // AdministratorAccess attached, but the recording has no document for it: unseen grants may
    // be anything, so it is reported rather than assumed harmless.
    let mut case = Case::base();
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    case.user(DEPLOYER)["AttachedManagedPolicies"] = json!([{"PolicyArn": admin}]);
    let run = case.check();
    expect(&run, 1, &[EXCESS]);
    assert_eq!(
        only(&run, "deployer.excess-permission")["details"]["policy"],
        admin
    );
}

#[test]
fn excess_when_a_group_managed_policy_is_not_recorded() {
    let mut case = Case::base();
    case.user(DEPLOYER)["GroupList"] = json!(["ci-deployers"]);
    case.groups.push(group(
        "ci-deployers",
        vec![],
        &["arn:aws:iam::aws:policy/AdministratorAccess"],
    ));
    expect(&case.check(), 1, &[EXCESS]);
}

#[test]
fn missing_permission() {
    let mut case = Case::base();
    case.deployer_inline(json!([]));
    let run = case.check();
    expect(&run, 1, &[MISSING]);
    let finding = only(&run, "deployer.missing-permission");
    assert_eq!(
        finding["details"],
        json!({"action": "eks:DescribeCluster", "resource": CLUSTER})
    );
    // A grant of the wrong actions is both excess and missing.
    let run = deployer_with(json!([allow(json!("eks:List*"), json!("*"))])).check();
    expect(&run, 1, &[EXCESS, MISSING]);
}

#[test]
fn missing_permission_for_the_default_allow() {
    // Without `allow`, the deployer may (and must) DescribeCluster on its own cluster.
    let mut case = Case::base();
    case.policy = POLICY.replace("  allow:\n    - action: eks:DescribeCluster\n      resource: arn:aws:eks:us-west-2:111122223333:cluster/acme\n", "");
    expect(&case.check(), 0, &[]);
    case.deployer_inline(json!([inline(
        "eks-readonly",
        doc(json!([allow(
            json!("eks:DescribeCluster"),
            json!("arn:aws:eks:us-west-2:111122223333:cluster/other")
        )]))
    )]));
    let run = case.check();
    // Both point at `deployer` (line 6): the policy does not spell out `allow`.
    expect(
        &run,
        1,
        &[
            "error deployer.excess-permission hub-continuous-deployer @6",
            "error deployer.missing-permission hub-continuous-deployer @6",
        ],
    );
    assert_eq!(
        only(&run, "deployer.missing-permission")["details"]["resource"],
        CLUSTER
    );
}

// ---------------------------------------------------------------------------------------------
// The deployer's keys
// ---------------------------------------------------------------------------------------------

#[test]
fn key_count_error_without_an_active_key() {
    let mut case = Case::base();
    // The report still says slot 1 is active: access-keys.json wins.
    case.keys = Some(vec![key(
        DEPLOYER,
        "AKIADEPLOYER0000001",
        "Inactive",
        "2026-10-10T00:00:00Z",
    )]);
    let run = case.check();
    expect(
        &run,
        1,
        &["error deployer.key-count hub-continuous-deployer @12"],
    );
    assert_eq!(
        only(&run, "deployer.key-count")["details"],
        json!({"active_keys": [], "expected": 1})
    );
}

#[test]
fn key_count_warning_with_more_active_keys_than_declared() {
    let mut case = Case::base();
    case.keys.as_mut().unwrap().push(key(
        DEPLOYER,
        "AKIADEPLOYER0000002",
        "Active",
        "2026-11-01T00:00:00Z",
    ));
    let run = case.check();
    expect(
        &run,
        0,
        &["warning deployer.key-count hub-continuous-deployer @12"],
    );
    assert_eq!(
        only(&run, "deployer.key-count")["details"],
        json!({"active_keys": ["AKIADEPLOYER0000001", "AKIADEPLOYER0000002"], "expected": 1})
    );
    // Declared: no finding.
    case.policy = POLICY.replace("active_keys: 1", "active_keys: 2");
    expect(&case.check(), 0, &[]);
}

#[test]
fn key_count_ignores_an_inactive_old_key() {
    let mut case = Case::base();
    // Inactive and long past max_age_days: neither a second key nor an expired one.
    case.keys.as_mut().unwrap().push(key(
        DEPLOYER,
        "AKIADEPLOYER0000000",
        "Inactive",
        "2025-01-01T00:00:00Z",
    ));
    expect(&case.check(), 0, &[]);
}

#[test]
fn key_count_from_the_report_without_access_keys_json() {
    let mut case = Case::base();
    case.keys = None;
    case.row(DEPLOYER).keys[1] = Some((true, "2026-11-01T00:00:00+00:00".into()));
    let run = case.check();
    expect(
        &run,
        0,
        &["warning deployer.key-count hub-continuous-deployer @12"],
    );
    assert_eq!(
        only(&run, "deployer.key-count")["details"]["active_keys"],
        json!(["access_key_1", "access_key_2"])
    );
}

// ---------------------------------------------------------------------------------------------
// Credential ages: exact boundaries with --now
// ---------------------------------------------------------------------------------------------

// A credential created at CREATED expires at 2026-10-31T00:00:00Z (60 × 24 h later); the warning
// window (15 × 24 h) opens at 2026-10-16T00:00:00Z.
const CREATED: &str = "2026-09-01T00:00:00Z";

/// The base account where alice holds one active key created at [`CREATED`].
fn alice_with_key() -> Case {
    let mut case = Case::base();
    case.keys
        .as_mut()
        .unwrap()
        .push(key("alice", "AKIAALICE0000000001", "Active", CREATED));
    case
}

#[test]
fn key_fresh_one_second_before_the_warning_window() {
    expect(&alice_with_key().check_at("2026-10-15T23:59:59Z"), 0, &[]);
}

#[test]
fn key_expiring_from_the_warning_window_until_expiry() {
    let case = alice_with_key();
    let run = case.check_at("2026-10-16T00:00:00Z");
    expect(&run, 0, &["warning key.expiring alice @15"]);
    let details = &only(&run, "key.expiring")["details"];
    assert_eq!(
        (
            &details["key_id"],
            &details["expires_at"],
            &details["days_left"]
        ),
        (
            &json!("AKIAALICE0000000001"),
            &json!("2026-10-31T00:00:00Z"),
            &json!(15)
        )
    );
    let run = case.check_at("2026-10-30T23:59:59Z");
    expect(&run, 0, &["warning key.expiring alice @15"]);
    assert_eq!(only(&run, "key.expiring")["details"]["days_left"], 0);
}

#[test]
fn key_expired_at_and_past_expiry() {
    let case = alice_with_key();
    let run = case.check_at("2026-10-31T00:00:00Z");
    expect(&run, 1, &["error key.expired alice @14"]);
    assert_eq!(only(&run, "key.expired")["details"]["days_left"], 0);
    let run = case.check_at("2026-11-02T00:00:00Z");
    expect(&run, 1, &["error key.expired alice @14"]);
    assert_eq!(only(&run, "key.expired")["details"]["days_left"], -2);
    // Whole days, rounded down: 2.5 days past expiry is -3.
    assert_eq!(
        only(&case.check_at("2026-11-02T12:00:00Z"), "key.expired")["details"]["days_left"],
        -3
    );
}

#[test]
fn key_expired_message_at_the_expiry_instant() {
    let run = alice_with_key().check_at("2026-10-31T00:00:00Z");
    let message = only(&run, "key.expired")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("expired") && !message.contains("expires in"),
        "{message}"
    );
}

#[test]
fn key_windows_follow_the_policy() {
    // max_age_days 30, warn_days 5: expires 2026-10-01T00:00:00Z, warned from 2026-09-26T00:00:00Z.
    let mut case = alice_with_key();
    case.policy = POLICY
        .replace("max_age_days: 60", "max_age_days: 30")
        .replace("warn_days: 15", "warn_days: 5");
    expect(&case.check_at("2026-09-25T23:59:59Z"), 0, &[]);
    expect(
        &case.check_at("2026-09-26T00:00:00Z"),
        0,
        &["warning key.expiring alice @15"],
    );
    expect(
        &case.check_at("2026-10-01T00:00:00Z"),
        1,
        &["error key.expired alice @14"],
    );
}

#[test]
fn inactive_old_key_never_counts() {
    let mut case = Case::base();
    case.keys.as_mut().unwrap().push(key(
        "alice",
        "AKIAALICE0000000001",
        "Inactive",
        "2025-01-01T00:00:00Z",
    ));
    expect(&case.check(), 0, &[]);
}

#[test]
fn access_keys_json_wins_over_the_report() {
    // The report says alice's slot 1 is active and old; ListAccessKeys says she has no key.
    let mut case = Case::base();
    case.row("alice").keys[0] = Some((true, "2025-01-01T00:00:00+00:00".into()));
    expect(&case.check(), 0, &[]);
    // The report says the key is inactive; ListAccessKeys says it is active and old.
    let mut case = alice_with_key();
    case.row("alice").keys[0] = Some((false, "2026-11-01T00:00:00+00:00".into()));
    let run = case.check();
    expect(&run, 1, &["error key.expired alice @14"]);
    assert_eq!(
        only(&run, "key.expired")["details"]["key_id"],
        "AKIAALICE0000000001"
    );
}

#[test]
fn report_keys_without_access_keys_json() {
    let mut case = Case::base();
    case.keys = None;
    case.row("alice").keys[1] = Some((true, "2026-09-01T00:00:00+00:00".into()));
    let run = case.check_at("2026-10-20T00:00:00Z");
    expect(&run, 0, &["warning key.expiring alice @15"]);
    let details = &only(&run, "key.expiring")["details"];
    assert_eq!(
        (
            &details["key_id"],
            &details["report_slot"],
            &details["days_left"]
        ),
        (&json!("access_key_2"), &json!(2), &json!(11))
    );
    // An inactive slot with an old date never counts.
    case.row("alice").keys[1] = Some((false, "2025-01-01T00:00:00+00:00".into()));
    expect(&case.check(), 0, &[]);
}

#[test]
fn credential_rules_cover_undeclared_users() {
    // Undeclared users are not reported here, but their keys and passwords still are.
    let mut case = Case::base();
    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: ignore");
    case.users.push(user("svc", &[]));
    let mut svc = row("svc");
    svc.password = Some("2025-01-01T00:00:00+00:00".into());
    case.rows.push(svc);
    case.keys.as_mut().unwrap().push(key(
        "svc",
        "AKIASVC000000000001",
        "Active",
        "2025-01-01T00:00:00Z",
    ));
    expect(
        &case.check(),
        1,
        &[
            "error key.expired svc @14",
            "error password.expired svc @14",
        ],
    );
}

/// The base account where alice's password was last changed at [`CREATED`].
fn alice_with_password() -> Case {
    let mut case = Case::base();
    case.row("alice").password = Some("2026-09-01T00:00:00+00:00".into());
    case
}

#[test]
fn password_boundaries() {
    let case = alice_with_password();
    expect(&case.check_at("2026-10-15T23:59:59Z"), 0, &[]);
    let run = case.check_at("2026-10-16T00:00:00Z");
    expect(&run, 0, &["warning password.expiring alice @15"]);
    let details = &only(&run, "password.expiring")["details"];
    assert_eq!(
        (&details["expires_at"], &details["days_left"]),
        (&json!("2026-10-31T00:00:00Z"), &json!(15))
    );
    expect(
        &case.check_at("2026-10-30T23:59:59Z"),
        0,
        &["warning password.expiring alice @15"],
    );
    let run = case.check_at("2026-10-31T00:00:00Z");
    expect(&run, 1, &["error password.expired alice @14"]);
    assert_eq!(only(&run, "password.expired")["details"]["days_left"], 0);
}

#[test]
fn disabled_password_never_ages() {
    // password_enabled false with an old password_last_changed: the password is gone.
    let mut case = Case::base();
    let report = case.report().replace(
        "alice,arn:aws:iam::111122223333:user/alice,2025-01-01T00:00:00+00:00,true,N/A,2026-10-10T00:00:00+00:00",
        "alice,arn:aws:iam::111122223333:user/alice,2025-01-01T00:00:00+00:00,false,N/A,2025-01-01T00:00:00+00:00",
    );
    assert!(report.contains(",false,N/A,2025-01-01T00:00:00+00:00"));
    case.overrides
        .push(("credential-report.csv", Override::Text(report)));
    expect(&case.check(), 0, &[]);
}

#[test]
fn snapshot_captured_at_is_the_default_clock() {
    // No --now: judged as of captured_at, reported per account; the top-level `now` stays null.
    let mut case = alice_with_key();
    case.snapshot = Some(json!({"account_id": ID, "captured_at": "2026-10-16T00:00:00Z"}));
    let run = run(&[&case], &["--format", "json"]);
    expect(&run, 0, &["warning key.expiring alice @15"]);
    let json = run.json();
    assert_eq!(json["now"], Value::Null);
    assert_eq!(json["accounts"][0]["now"], "2026-10-16T00:00:00Z");
    // --now overrides it.
    let run = case.check_at("2026-10-31T00:00:00Z");
    expect(&run, 1, &["error key.expired alice @14"]);
    assert_eq!(run.json()["now"], "2026-10-31T00:00:00Z");
}

// ---------------------------------------------------------------------------------------------
// The JSON contract
// ---------------------------------------------------------------------------------------------

#[test]
fn json_contract() {
    let mut case = alice_with_key();
    case.users.push(user("mallory", &[]));
    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: warning");
    let run = case.check_at("2026-11-02T00:00:00Z");
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["now"], "2026-11-02T00:00:00Z");
    assert_eq!(
        accounts(&run),
        [json!({"id": ID, "name": "acme", "status": "drift", "now": "2026-11-02T00:00:00Z"})]
    );
    assert_eq!(summary(&run), (1, 1));
    let key_finding = only(&run, "key.expired");
    for field in [
        "code",
        "severity",
        "account_id",
        "account_name",
        "principal",
        "message",
        "file",
        "line",
        "column",
        "details",
    ] {
        assert!(
            key_finding.get(field).is_some(),
            "missing `{field}` in {key_finding}"
        );
    }
    assert_eq!(key_finding["severity"], "error");
    assert_eq!(key_finding["account_id"], ID);
    assert_eq!(key_finding["account_name"], "acme");
    assert_eq!(key_finding["principal"], "alice");
    assert_eq!(key_finding["file"], POLICY_FILE);
    assert_eq!(
        (&key_finding["line"], &key_finding["column"]),
        (&json!(14), &json!(17))
    );
    assert_eq!(
        key_finding["message"],
        "access key AKIAALICE0000000001 of `alice` expired 2 days ago (2026-10-31T00:00:00Z)"
    );
    let details = &key_finding["details"];
    assert_eq!(details["key_id"], "AKIAALICE0000000001");
    assert_eq!(details["expires_at"], "2026-10-31T00:00:00Z");
    assert_eq!(details["created"], CREATED);
    assert_eq!(details["days_left"], -2);
    let unmanaged = only(&run, "user.unmanaged");
    assert_eq!(
        (
            &unmanaged["severity"],
            &unmanaged["line"],
            &unmanaged["column"]
        ),
        (&json!("warning"), &json!(16), &json!(18))
    );
}

// ---------------------------------------------------------------------------------------------
// Broken fixtures: exit 2, the file named, never a panic
// ---------------------------------------------------------------------------------------------

/// Runs `case` in both formats; asserts exit 2, status `invalid`, exactly one finding,
/// `fixture.invalid` naming `fixtures/acme/<file>`, and the file named in the human output.
/// Returns the finding for the caller to check its line and message.
#[track_caller]
fn expect_invalid(case: &Case, file: &str) -> Value {
    let path = format!("fixtures/acme/{file}");
    let json_run = case.check();
    assert_eq!(json_run.code, 2, "{}", json_run.stdout);
    assert_eq!(statuses(&json_run), ["acme invalid"]);
    assert_eq!(
        json_run.json()["findings"].as_array().unwrap().len(),
        1,
        "{}",
        json_run.stdout
    );
    let finding = only(&json_run, "fixture.invalid");
    assert_eq!(
        (
            &finding["severity"],
            &finding["file"],
            &finding["account_name"]
        ),
        (&json!("error"), &json!(path), &json!("acme"))
    );
    let human = run(&[case], &["--now", NOW]);
    assert_eq!(human.code, 2);
    assert!(
        human.stdout.contains(&path),
        "{path} not named:\n{}",
        human.stdout
    );
    assert!(human.stdout.contains("fixture.invalid"), "{}", human.stdout);
    finding
}

fn broken(file: &'static str, text: impl Into<String>) -> Case {
    let mut case = Case::base();
    case.overrides.push((file, Override::Text(text.into())));
    case
}

fn message(finding: &Value) -> &str {
    finding["message"].as_str().unwrap()
}

#[test]
fn broken_truncated_json() {
    let full = Case::base().authorization_details();
    // Cut inside the string "SMCE-UserRestrictions" of alice's GroupList.
    let at = full.find("SMCE-UserRestrictions").unwrap() + "SMCE-User".len();
    let cut = &full[..at];
    let finding = expect_invalid(
        &broken("authorization-details.json", cut),
        "authorization-details.json",
    );
    assert_eq!(finding["line"], cut.lines().count());
    assert!(cut.lines().last().unwrap().ends_with("\"SMCE-User"));
    assert!(message(&finding).contains("EOF"), "{finding}");
}

#[test]
fn broken_truncated_access_keys() {
    let finding = expect_invalid(
        &broken(
            "access-keys.json",
            "{\n  \"AccessKeyMetadata\": [\n    {\"UserName\": ",
        ),
        "access-keys.json",
    );
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_json_of_the_wrong_shape() {
    // Valid JSON, but not an authorization-details recording.
    let finding = expect_invalid(
        &broken("authorization-details.json", "{\n  \"Users\": []\n}\n"),
        "authorization-details.json",
    );
    assert!(message(&finding).contains("UserDetailList"), "{finding}");
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_csv_without_the_user_column() {
    let report = Case::base().report().replacen("user,arn,", "name,arn,", 1);
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert!(message(&finding).contains("`user`"), "{finding}");
    assert_eq!(finding["line"], 1);
}

#[test]
fn broken_csv_unknown_date_format() {
    let report = Case::base()
        .report()
        .replace("2026-10-10T00:00:00+00:00,N/A,true", "10/10/2026,N/A,true");
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert!(
        message(&finding).contains("password_last_changed")
            && message(&finding).contains("10/10/2026"),
        "{finding}"
    );
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_csv_row_with_the_wrong_number_of_fields() {
    let report =
        Case::base()
            .report()
            .replacen("false,N/A,false,N/A\nhub", "false,N/A,false\nhub", 1);
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_csv_duplicated_user_rows() {
    let mut case = Case::base();
    let alice = case.rows[0].clone();
    case.rows.push(alice);
    let report = case.report();
    let finding = expect_invalid(
        &broken("credential-report.csv", report),
        "credential-report.csv",
    );
    assert!(
        message(&finding).contains("`alice` appears twice"),
        "{finding}"
    );
    assert_eq!(finding["line"], 5);
}

#[test]
fn broken_csv_not_utf8() {
    let mut bytes = Case::base().report().into_bytes();
    let at = bytes.windows(5).position(|w| w == b"alice").unwrap();
    bytes[at] = 0xff;
    let mut case = Case::base();
    case.overrides
        .push(("credential-report.csv", Override::Bytes(bytes)));
    let finding = expect_invalid(&case, "credential-report.csv");
    assert!(message(&finding).contains("UTF-8"), "{finding}");
    assert_eq!(
        (&finding["line"], &finding["column"]),
        (&json!(3), &json!(1))
    );
}

#[test]
fn broken_directory_where_a_file_should_be() {
    for file in [
        "authorization-details.json",
        "credential-report.csv",
        "access-keys.json",
        "snapshot.json",
    ] {
        let mut case = Case::base();
        case.overrides.push((file, Override::Directory));
        let finding = expect_invalid(&case, file);
        assert!(message(&finding).contains("is a directory"), "{finding}");
        assert_eq!(finding["line"], Value::Null);
    }
}

#[test]
fn broken_dates_in_json_files() {
    let snapshot =
        format!("{{\n  \"account_id\": \"{ID}\",\n  \"captured_at\": \"20 Nov 2026\"\n}}\n");
    let finding = expect_invalid(&broken("snapshot.json", snapshot), "snapshot.json");
    assert!(message(&finding).contains("20 Nov 2026"), "{finding}");
    let keys = serde_json::to_string_pretty(&json!({"AccessKeyMetadata": [key(DEPLOYER, "AKIADEPLOYER0000001", "Active", "2026/10/10")]})).unwrap();
    let finding = expect_invalid(&broken("access-keys.json", keys), "access-keys.json");
    assert!(message(&finding).contains("2026/10/10"), "{finding}");
}

#[test]
fn broken_dates_in_json_files_carry_their_line() {
    let snapshot =
        format!("{{\n  \"account_id\": \"{ID}\",\n  \"captured_at\": \"20 Nov 2026\"\n}}\n");
    let finding = expect_invalid(&broken("snapshot.json", snapshot), "snapshot.json");
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_snapshot_with_an_unknown_field() {
    let snapshot = format!("{{\n  \"account_id\": \"{ID}\",\n  \"captured\": \"{NOW}\"\n}}\n");
    let finding = expect_invalid(&broken("snapshot.json", snapshot), "snapshot.json");
    assert_eq!(finding["line"], 3);
}

#[test]
fn broken_policy_documents() {
    let mut case = deployer_with(
        json!([{"Effect": "Perhaps", "Action": "eks:DescribeCluster", "Resource": CLUSTER}]),
    );
    let finding = expect_invalid(&case, "authorization-details.json");
    assert!(
        message(&finding).contains("eks-readonly") && message(&finding).contains("Perhaps"),
        "{finding}"
    );
    // URL-encoded, cut short.
    case.deployer_inline(json!([inline(
        "eks-readonly",
        json!("%7B%22Statement%22%3A")
    )]));
    let finding = expect_invalid(&case, "authorization-details.json");
    assert!(message(&finding).contains("eks-readonly"), "{finding}");
}

// ---------------------------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------------------------

/// An account with one warning only: an undeclared user at `unmanaged_users: warning`.
fn warning_only(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.policy = case
        .policy
        .replace("unmanaged_users: error", "unmanaged_users: warning");
    case.users.push(user("mallory", &[]));
    case
}

/// An account with one error: alice without MFA.
fn drifting(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.row("alice").mfa = false;
    case
}

fn unobserved(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.no_folder = true;
    case
}

fn invalid_fixture(name: &str, id: &str) -> Case {
    let mut case = Case::named(name, id);
    case.overrides
        .push(("snapshot.json", Override::Text("{".into())));
    case
}

const JSON_NOW: [&str; 4] = ["--format", "json", "--now", NOW];

#[test]
fn exit_codes_and_their_priority() {
    let ok = Case::named("alpha", "100000000001");
    let warn = warning_only("bravo", "100000000002");
    let drift = drifting("charlie", "100000000003");
    let gone = unobserved("delta", "100000000004");
    let broken = invalid_fixture("echo", "100000000005");
    let code = |cases: &[&Case]| run(cases, &JSON_NOW).code;
    assert_eq!(code(&[&ok]), 0);
    assert_eq!(code(&[&ok, &warn]), 0);
    assert_eq!(code(&[&ok, &warn, &drift]), 1);
    assert_eq!(code(&[&drift, &gone]), 3);
    assert_eq!(code(&[&drift, &gone, &broken]), 2);
    assert_eq!(code(&[&ok, &broken]), 2);
    let run = run(&[&ok, &warn, &drift, &gone, &broken], &JSON_NOW);
    assert_eq!(
        statuses(&run),
        [
            "alpha ok",
            "bravo drift",
            "charlie drift",
            "delta unobserved",
            "echo invalid"
        ]
    );
    assert_eq!(summary(&run), (3, 1));
}

#[test]
fn fail_on_warning_turns_a_warning_into_drift() {
    let warn = warning_only("bravo", "100000000002");
    let default = run(&[&warn], &JSON_NOW);
    expect(&default, 0, &["warning user.unmanaged mallory @16"]);
    let strict = run(
        &[&warn],
        &["--format", "json", "--now", NOW, "--fail-on", "warning"],
    );
    expect(&strict, 1, &["warning user.unmanaged mallory @16"]);
    assert_eq!(
        run(
            &[&warn],
            &["--format", "json", "--now", NOW, "--fail-on", "error"]
        )
        .code,
        0
    );
    // A clean account stays 0 under --fail-on warning.
    assert_eq!(
        run(
            &[&Case::named("alpha", "100000000001")],
            &["--now", NOW, "--fail-on", "warning"]
        )
        .code,
        0
    );
}

#[test]
fn invalid_policy_exits_2_beside_a_valid_account() {
    let ok = Case::named("alpha", "100000000001");
    let mut bad = Case::named("bravo", "100000000002");
    bad.policy = bad
        .policy
        .replace("id: \"100000000002\"", "id: 100000000002");
    let run = run(&[&ok, &bad], &JSON_NOW);
    assert_eq!(run.code, 2, "{}", run.stdout);
    // alpha is still judged; bravo is not judged (absent, or listed as invalid).
    let listed = statuses(&run);
    assert!(listed.contains(&"alpha ok".to_owned()), "{listed:?}");
    assert!(
        listed
            .iter()
            .all(|s| s == "alpha ok" || s == "bravo invalid"),
        "{listed:?}"
    );
    let json = run.json();
    let codes = finding_codes(&json);
    assert_eq!(codes, ["policy.wrong-type"]);
    assert_eq!(json["findings"][0]["file"], "policies/bravo.yaml");
}

#[test]
fn account_selects_one_account() {
    let drift = drifting("alpha", "100000000001");
    let ok = Case::named("bravo", "100000000002");
    let mut bad = Case::named("charlie", "100000000003");
    bad.policy = bad.policy.replace("warn_days: 15", "warn_days: 60");
    let all = run(&[&drift, &ok, &bad], &JSON_NOW);
    assert_eq!(all.code, 2);
    let one = run(
        &[&drift, &ok, &bad],
        &["--format", "json", "--now", NOW, "--account", "bravo"],
    );
    expect(&one, 0, &[]);
    assert_eq!(statuses(&one), ["bravo ok"]);
    let one = run(
        &[&drift, &ok, &bad],
        &["--format", "json", "--now", NOW, "--account", "alpha"],
    );
    expect(&one, 1, &["error member.mfa-missing alice @5"]);
    assert_eq!(statuses(&one), ["alpha drift"]);
    let unknown = run(
        &[&drift, &ok],
        &["--format", "json", "--now", NOW, "--account", "zulu"],
    );
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("zulu") && unknown.stderr.contains("alpha, bravo"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let case = Case::base();
    for args in [
        &["--fail-on", "never"][..],
        &["--now", "yesterday"],
        &["--format", "yaml"],
        &["--no-such-flag"],
    ] {
        let run = run(&[&case], args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
}

// ---------------------------------------------------------------------------------------------
// The repository's own example
// ---------------------------------------------------------------------------------------------

#[test]
fn repository_check_human() {
    let run = smce_guard(["check"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("repository_check_human", run.stdout);
}

#[test]
fn repository_check_json() {
    let run = smce_guard(["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    insta::assert_snapshot!("repository_check_json", run.stdout);
    let found: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["account_name"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["principal"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            "disasters deployer.excess-permission hub-continuous-deployer",
            "disasters deployer.key-count hub-continuous-deployer",
            "disasters member.disabled example-engineer-edsger",
            "disasters password.expired example-engineer-edsger",
            "maap deployer.restricted hub-continuous-deployer",
            "maap key.expired old-contractor-example",
            "maap member.mfa-missing example-engineer-linus",
            "maap user.unmanaged old-contractor-example",
            "nasa-veda key.expiring hub-continuous-deployer",
            "nasa-veda password.expiring example-engineer-grace",
        ]
    );
}

#[test]
fn repository_single_account() {
    let run = smce_guard(["check", "--account", "nasa-ghg-hub", "--format", "json"]);
    expect(&run, 0, &[]);
    assert_eq!(
        accounts(&run),
        [
            json!({"id": "597746869805", "name": "nasa-ghg-hub", "status": "ok", "now": "2026-11-20T09:00:00Z"})
        ]
    );
    // nasa-veda has warnings only.
    assert_eq!(smce_guard(["check", "--account", "nasa-veda"]).code, 0);
    assert_eq!(
        smce_guard(["check", "--account", "nasa-veda", "--fail-on", "warning"]).code,
        1
    );
}

// ---------------------------------------------------------------------------------------------
// The harness held to the binary
// ---------------------------------------------------------------------------------------------

/// Asserts that the harness judges `case` as the binary does: the same findings (every field the
/// harness writes, equal to the JSON report's), the same exit code, status and clock. The rule
/// files trust the harness; this is what makes that trust checked rather than assumed.
#[track_caller]
fn agrees(label: &str, binary: &Run, judged: &harness::Judged) {
    let json = binary.json();
    let listed: Vec<Value> = json["findings"].as_array().unwrap().clone();
    assert_eq!(judged.lines(), findings(binary), "{label}: {judged:#?}");
    for (ours, theirs) in judged.findings.iter().zip(&listed) {
        for (field, value) in ours.as_object().unwrap() {
            assert_eq!(&theirs[field], value, "{label}: `{field}` of {theirs}");
        }
    }
    assert_eq!(judged.code, binary.code, "{label}: {}", binary.stdout);
    assert_eq!(judged.statuses(), statuses(binary), "{label}");
    let now = json["accounts"][0]["now"].as_str().map(str::to_owned);
    assert_eq!(judged.now, now, "{label}");
}

#[test]
fn harness_agrees_with_the_binary() {
    // One account drifting in every family at once, so that order and lines are compared too.
    let mut everything = alice_with_key();
    everything.row("alice").mfa = false;
    everything.users.push(user("mallory", &["AccountDisabled"]));
    everything.row(DEPLOYER).password = Some("2026-01-01T00:00:00+00:00".into());
    everything.deployer_inline(json!([inline(
        "eks-readonly",
        doc(json!([allow(json!("eks:*"), json!("*"))]))
    )]));
    let mut mismatch = Case::base();
    mismatch.snapshot = Some(json!({"account_id": "999988887777", "captured_at": NOW}));
    let mut captured_clock = alice_with_key();
    captured_clock.snapshot =
        Some(json!({"account_id": ID, "captured_at": "2026-10-16T00:00:00Z"}));
    // captured_at a month before alice's key was created: refused when it is the clock.
    let mut impossible = alice_with_key();
    impossible.snapshot = Some(json!({"account_id": ID, "captured_at": "2026-08-01T00:00:00Z"}));
    let mut bad_policy = Case::base();
    bad_policy.policy = POLICY.replace("id: \"111122223333\"", "id: 111122223333");
    let perhaps = deployer_with(
        json!([{"Effect": "Perhaps", "Action": "eks:DescribeCluster", "Resource": CLUSTER}]),
    );
    let cases: [(&str, &Case, Option<&str>); 9] = [
        ("base", &Case::base(), Some(NOW)),
        ("everything", &everything, Some("2026-11-02T00:00:00Z")),
        ("mismatch", &mismatch, Some(NOW)),
        ("captured_at clock", &captured_clock, None),
        ("impossible capture", &impossible, None),
        ("impossible capture, --now", &impossible, Some(NOW)),
        ("broken snapshot", &broken("snapshot.json", "{"), Some(NOW)),
        ("broken document", &perhaps, Some(NOW)),
        ("invalid policy", &bad_policy, Some(NOW)),
    ];
    for (label, case, now) in cases {
        let mut args = vec!["--format", "json"];
        args.extend(now.map(|now| ["--now", now]).into_iter().flatten());
        agrees(label, &run(&[case], &args), &case.judge_with(now));
    }
    // Recorded files: the repository's own accounts, judged at their captured_at.
    for name in ["disasters", "maap", "nasa-ghg-hub", "nasa-veda"] {
        let binary = smce_guard(["check", "--account", name, "--format", "json"]);
        let judged = harness::judge_files(
            &crate::common::root(),
            &format!("policies/{name}.yaml"),
            &format!("fixtures/{name}"),
            None,
        );
        agrees(name, &binary, &judged);
    }
}
