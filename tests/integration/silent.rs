//! Inputs that once turned real drift into exit 0 (issue 20), each a small account under
//! `tests/data/accounts/` (its README says what each holds) checked by the binary: a key listing
//! that leaves users out, and group names the policy writes in another case than the account.
//! `verify-key` on stale recordings is in `verify`, dated sops credentials in `infrastructure`,
//! selections of nothing in `select`.

use crate::common::{Run, command, data, execute, findings, only, text};
use serde_json::Value;

/// `smce-guard ARGS` in `tests/data/accounts/`, which holds `policies/` and `fixtures/`, at the
/// instant the accounts were recorded (`SMCE_GUARD_NOW`, set for every test run).
pub fn in_accounts(args: &[&str]) -> Run {
    execute(command(&data("accounts"), args))
}

/// The checks a JSON run lists as passed, as `account code principal`.
fn passed(run: &Run) -> Vec<String> {
    run.json()["passed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            [&p["account_name"], &p["code"], &p["principal"]]
                .map(text)
                .join(" ")
        })
        .collect()
}

/// `ada`'s active key expired 204 days ago per the credential report, and `access-keys.json`
/// lists only the deployer's key (`aws iam list-access-keys` without `--user-name` lists the
/// caller's keys alone). Taken as complete, that listing said `ada` has no key: `ok`, exit 0.
#[test]
fn a_key_listing_that_leaves_a_user_out_hides_no_key() {
    let run = in_accounts(&["check", "--account", "partial-keys", "--format", "json"]);
    crate::common::assert_run(
        &run,
        1,
        findings(&run),
        &[
            "partial-keys warning fixture.partial -",
            "partial-keys error key.expired ada",
        ],
    );
    let partial = only(&run, "fixture.partial");
    assert_eq!(partial["details"]["users"], serde_json::json!(["ada"]));
    assert!(
        text(&partial["message"])
            .contains("leaves out user `ada`, whose active keys the credential report shows"),
        "{partial}"
    );
    assert!(
        text(&only(&run, "key.expired")["message"]).contains("expired 204 days ago"),
        "{}",
        run.stdout
    );
    // The deployer, which the listing holds, keeps its listed key id.
    let human = in_accounts(&["check", "--account", "partial-keys", "--show-passed"]);
    assert!(
        human
            .stdout
            .contains("deployer.key-count ✓ hub-continuous-deployer"),
        "{}",
        human.stdout
    );

    // `expiries`, a view of the same judging, lists the key and says why it has no id.
    let run = in_accounts(&["expiries", "--account", "partial-keys", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    let ada: Vec<&Value> = json["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["user"] == "ada" && c["kind"] == "access-key")
        .collect();
    assert_eq!(ada.len(), 1, "{}", run.stdout);
    assert_eq!(
        (&ada[0]["key_id"], &ada[0]["days_left"], &ada[0]["status"]),
        (
            &Value::from("access_key_1"),
            &Value::from(-204),
            &Value::from("expired")
        )
    );
    assert_eq!(json["warnings"][0]["code"], "fixture.partial");
    assert_eq!(json["warnings"][0]["account_name"], "partial-keys");
    assert!(
        run.stderr
            .contains("warning[fixture.partial]: the key listing"),
        "{}",
        run.stderr
    );
    let table = in_accounts(&["expiries", "--account", "partial-keys"]);
    assert!(
        table
            .stdout
            .contains("WARNING (fixture.partial): the key listing"),
        "{}",
        table.stdout
    );
}

/// On a maap-like account the policy writes SMCE's groups in lower case (`groups.restricted:
/// smce-userrestrictions`, `groups.disabled: accountdisabled`); IAM group names are unique
/// without regard to case, so they are the account's `SMCE-UserRestrictions` and
/// `AccountDisabled`. Matched by exact case, the run printed `deployer.restricted ✓` (the mark the
/// README tells people to look for) and `member.disabled ✓ ada`.
#[test]
fn group_names_are_the_accounts_whatever_their_case() {
    let run = in_accounts(&[
        "check",
        "--account",
        "maap-like",
        "--show-passed",
        "--format",
        "json",
    ]);
    crate::common::assert_run(
        &run,
        1,
        findings(&run),
        &[
            "maap-like error deployer.restricted hub-continuous-deployer",
            "maap-like error member.disabled ada",
        ],
    );
    let passed = passed(&run);
    for not_passed in [
        "maap-like deployer.restricted hub-continuous-deployer",
        "maap-like member.disabled ada",
        // The restricted group's MFA Deny is `deployer.restricted`'s, whatever the case.
        "maap-like deployer.denied hub-continuous-deployer",
    ] {
        let listed = passed.contains(&not_passed.to_owned());
        assert_eq!(
            listed,
            not_passed.contains("denied"),
            "{not_passed}: {passed:?}"
        );
    }
    assert!(passed.contains(&"maap-like deployer.disabled hub-continuous-deployer".to_owned()));
    assert!(passed.contains(&"maap-like account.group-missing -".to_owned()));
    let disabled = only(&run, "member.disabled");
    assert_eq!(
        text(&disabled["help"]),
        "reset the expired credential, then `aws iam remove-user-from-group --group-name AccountDisabled --user-name ada`"
    );
    let human = in_accounts(&["check", "--account", "maap-like", "--show-passed"]);
    assert!(
        !human.stdout.contains("deployer.restricted ✓"),
        "{}",
        human.stdout
    );
    assert_eq!(
        text(&only(&run, "deployer.restricted")["message"]),
        "the deployer `hub-continuous-deployer` is in `SMCE-UserRestrictions` (`smce-userrestrictions` in the policy: IAM group names ignore case): its MFA exemption is not in place"
    );
}

/// A group the policy names and the account lacks is reported, where the policy names it: an
/// error for the admins group while members are declared, a warning for the others.
#[test]
fn a_named_group_the_account_lacks_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let policy = std::fs::read_to_string(data("accounts/policies/maap-like.yaml")).unwrap();
    let policy = policy.replace(
        "  disabled: accountdisabled\n",
        "  disabled: Account-Disabled\n  admins: SMCE-Admins\n",
    );
    std::fs::write(dir.path().join("maap-like.yaml"), policy).unwrap();
    let fixtures = data("accounts/fixtures");
    let run = execute(command(
        dir.path(),
        [
            "check",
            ".",
            "--account",
            "maap-like",
            "--fixtures",
            fixtures.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    crate::common::assert_run(
        &run,
        1,
        findings(&run),
        &[
            "maap-like warning account.group-missing -",
            "maap-like error account.group-missing -",
            "maap-like error deployer.restricted hub-continuous-deployer",
            "maap-like error member.not-admin ada",
        ],
    );
    let lines: Vec<(String, u64)> = run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "account.group-missing")
        .map(|f| (text(&f["details"]["group"]), f["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [
            ("Account-Disabled".to_owned(), 10),
            ("SMCE-Admins".to_owned(), 11)
        ]
    );
}
