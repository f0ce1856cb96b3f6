//! `user.unmanaged` judged in-process at each level, and `ignore_users` (neither unmanaged nor
//! credential-checked).

use super::case::{Case, ID, POLICY, key, row, user};
use super::expect;

#[test]
fn unmanaged_user_at_each_level() {
    let mut case = Case::base();
    case.users.push(user("mallory", &["AccountDisabled"]));
    let judged = case.judge();
    // Only user.unmanaged: member.disabled is for members.
    expect(&judged, 1, &["error user.unmanaged mallory @17"]);
    assert_eq!(
        judged.only("user.unmanaged")["details"]["arn"],
        format!("arn:aws:iam::{ID}:user/mallory")
    );

    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: warning");
    expect(&case.judge(), 0, &["warning user.unmanaged mallory @17"]);

    case.policy = POLICY.replace("unmanaged_users: error", "unmanaged_users: ignore");
    expect(&case.judge(), 0, &[]);
}

#[test]
fn unmanaged_defaults_to_error_when_not_spelt_out() {
    let mut case = Case::base();
    case.policy = POLICY.replace("unmanaged_users: error\n", "");
    case.users.push(user("mallory", &[]));
    let judged = case.judge();
    assert_eq!(judged.only("user.unmanaged")["severity"], "error");
    assert_eq!(judged.code, 1);
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
    expect(&case.judge(), 0, &[]);
}

/// A name that starts with `-` is the value of its flag in every fix command (`--user-name=-lead`),
/// never a flag of its own (`--user-name -lead` makes the AWS CLI read `-lead` as an option).
#[test]
fn fix_commands_keep_a_name_that_starts_with_a_dash_the_flags_value() {
    let mut case = Case::base();
    // A declared member with no IAM user, and admins and disabled groups named with a dash.
    case.policy = POLICY
        .replace(
            "  - user: alice\n",
            "  - user: alice\n  - user: \"-lead\"\n",
        )
        .replace(
            "members:\n",
            "groups:\n  admins: \"-admins\"\n  disabled: \"-disabled\"\nmembers:\n",
        );
    case.user("alice")["GroupList"] = serde_json::json!(["-admins", "-disabled"]);
    // An undeclared user with an old key and an old, unused password, named with a dash.
    case.users.push(user("-rogue", &[]));
    let mut rogue = row("-rogue");
    rogue.keys[0] = Some((true, "2026-01-01T00:00:00+00:00".into()));
    rogue.password = Some("2026-01-01T00:00:00+00:00".into());
    rogue.password_used = None;
    case.rows.push(rogue);
    case.keys.as_mut().unwrap().push(key(
        "-rogue",
        "-AKIAROGUE0000000001",
        "Active",
        "2026-01-01T00:00:00Z",
    ));
    // The binary's JSON report, which carries each finding's help.
    let run = case.check();
    assert_eq!(run.code, 1, "{}", run.stderr);
    let helps: Vec<String> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["help"].as_str().map(str::to_owned))
        .collect();
    let all = helps.join("\n");
    for expected in [
        "--user-name=-lead",
        "--group-name=-admins",
        "--group-name=-disabled",
        "--user-name=-rogue",
        "--access-key-id=-AKIAROGUE0000000001",
    ] {
        assert!(all.contains(expected), "no {expected} in:\n{all}");
    }
    for help in &helps {
        // A value after its flag and a space: ` -x`, not a flag (` --x`).
        for (at, _) in help.match_indices(" -") {
            if help[at + 2..].starts_with('-') {
                continue;
            }
            let before = &help[..at];
            let flag = before.rsplit(' ').next().unwrap_or_default();
            assert!(
                !(flag.starts_with("--") && flag.len() > 2 && !flag.contains('=')),
                "a dash name after `{flag}`: {help}"
            );
        }
    }
}
