//! `smce-guard access`, run by the binary on the rule cases' account written to disk: the four
//! answers and their exit codes (0 allowed, 1 denied or implicitly denied, 4 uncertain), the
//! statements with each condition's evaluation in human and JSON output, `--context` and `--as`,
//! `deployer.context`, and bad input (2) or an account that cannot be read (3) refused before
//! any answer.

use crate::common::{Run, smce_guard_in};
use crate::rules::case::{CLUSTER, Case, DEPLOYER, allow, doc, group, inline};
use serde_json::{Value, json};

/// `access --account acme` with `args` in a directory holding `case`.
fn access(case: &Case, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    case.write(dir.path());
    let mut all = vec!["access", "--account", "acme"];
    all.extend_from_slice(args);
    smce_guard_in(dir.path(), all)
}

fn json_access(case: &Case, args: &[&str]) -> (i32, Value) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let run = access(case, &all);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    (run.code, run.json())
}

/// The base case with the deployer's `eks-readonly` holding `statements`.
fn deployer_with(statements: Value) -> Case {
    let mut case = Case::base();
    case.deployer_inline(json!([inline("eks-readonly", doc(statements))]));
    case
}

#[test]
fn the_four_answers_and_their_exit_codes() {
    let base = Case::base();
    let (code, answer) = json_access(&base, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (0, Some("allowed")),
        "{answer:#}"
    );
    assert_eq!(answer["principal"], DEPLOYER);
    assert_eq!(answer["statements"][0]["applies"], "true");
    assert_eq!(answer["judged_at"], crate::common::RECORDED_AT);
    // Who am I: AWS answers every signed caller, even against a Deny of everything.
    let deny_all = deployer_with(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}]));
    let (code, answer) = json_access(&deny_all, &["sts:GetCallerIdentity"]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (0, Some("allowed")),
        "{answer:#}"
    );
    assert_eq!(answer["resource"], "*");
    // Nothing names DeleteCluster: implicitly denied.
    let (code, answer) = json_access(&base, &["eks:DeleteCluster", CLUSTER]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (1, Some("implicitly-denied"))
    );
    assert_eq!(
        answer["reason"],
        "no Allow statement names `eks:DeleteCluster`"
    );
    // A Deny that applies: denied, and why its condition holds.
    let denied = deployer_with(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER)),
        {"Sid": "NoMfaNoEks", "Effect": "Deny", "Action": "eks:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]));
    let (code, answer) = json_access(&denied, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (1, Some("denied")),
        "{answer:#}"
    );
    let deny = &answer["statements"][1];
    assert_eq!(
        (deny["effect"].as_str(), deny["sid"].as_str()),
        (Some("Deny"), Some("NoMfaNoEks"))
    );
    assert_eq!(deny["conditions"][0]["holds"], "true");
    assert!(
        deny["conditions"][0]["why"]
            .as_str()
            .unwrap()
            .contains("treats an absent key as a match")
    );
    // A grant from some addresses only: uncertain, with the values that deny.
    let vpn = deployer_with(
        json!([{"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER,
        "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]),
    );
    let (code, answer) = json_access(&vpn, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (4, Some("uncertain")),
        "{answer:#}"
    );
    assert_eq!(answer["outcomes"], json!(["allowed", "implicitly denied"]));
    assert_eq!(answer["depends_on"][0]["key"], "aws:SourceIp");
    assert!(
        answer["depends_on"][0]["denying"]
            .as_array()
            .unwrap()
            .contains(&json!("absent"))
    );
    // `--context` fixes the key: an address inside, outside, a range, absent.
    for (given, code, decision) in [
        ("aws:SourceIp=192.0.2.7", 0, "allowed"),
        ("aws:sourceip=198.51.100.7", 1, "implicitly-denied"),
        ("aws:SourceIp=192.0.2.0/25", 0, "allowed"),
        ("aws:SourceIp=192.0.2.0/23", 4, "uncertain"),
        ("aws:SourceIp=", 1, "implicitly-denied"),
    ] {
        let (got, answer) =
            json_access(&vpn, &["eks:DescribeCluster", CLUSTER, "--context", given]);
        assert_eq!(
            (got, answer["decision"].as_str()),
            (code, Some(decision)),
            "{given}"
        );
    }
    // `deployer.context` pins it for every question about the account.
    let mut pinned = vpn.clone();
    pinned.policy = pinned.policy.replace(
        "  active_keys: 1\n",
        "  active_keys: 1\n  context:\n    - key: aws:SourceIp\n      values: [192.0.2.0/26]\n",
    );
    let (code, answer) = json_access(&pinned, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(code, 0, "{answer:#}");
    let source = answer["context"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "aws:SourceIp")
        .unwrap()
        .clone();
    assert_eq!(source["source"], "pinned by `deployer.context`");
}

#[test]
fn another_user_gets_the_same_key_signed_context() {
    // alice is in SMCE-ProjectAdmins (Allow *) and SMCE-UserRestrictions (Deny unless MFA): a
    // call signed with her access key carries no MFA, so the restriction denies it.
    let base = Case::base();
    let (code, answer) = json_access(&base, &["eks:DeleteCluster", CLUSTER, "--as", "alice"]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (1, Some("denied")),
        "{answer:#}"
    );
    assert_eq!(answer["principal"], "alice");
    let username = answer["context"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "aws:username")
        .unwrap()
        .clone();
    assert_eq!(username["value"], "`alice`");
    // With MFA, as `--context` says: allowed by the admins' grant.
    let (code, answer) = json_access(
        &base,
        &[
            "eks:DeleteCluster",
            CLUSTER,
            "--as",
            "alice",
            "--context",
            "aws:MultiFactorAuthPresent=true",
        ],
    );
    assert_eq!(
        (code, answer["decision"].as_str()),
        (0, Some("allowed")),
        "{answer:#}"
    );
    // A user the account does not hold.
    let run = access(&base, &["eks:DeleteCluster", CLUSTER, "--as", "mallory"]);
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("no IAM user `mallory`"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_human_answer_lists_statements_conditions_and_the_context() {
    let mut case = deployer_with(
        json!([{"Sid": "FromRunners", "Effect": "Allow", "Action": "eks:DescribeCluster",
        "Resource": CLUSTER, "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}, "Bool": {"aws:SecureTransport": "true"}}}]),
    );
    case.user(DEPLOYER)["GroupList"] = json!(["ci"]);
    case.groups.push(group("ci", vec![inline("guard\u{1b}[31m", doc(json!([
        {"Effect": "Deny", "Action": "eks:*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}
    ])))], &[]));
    let run = access(&case, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(run.code, 4, "{run:?}");
    let out = &run.stdout;
    assert!(
        out.starts_with(
            "? uncertain: `hub-continuous-deployer` in account `acme` asking `eks:DescribeCluster`"
        ),
        "{out}"
    );
    for line in [
        "  Allow  inline policy `eks-readonly` statement `FromRunners`: may apply",
        "      condition `Bool aws:SecureTransport true`: true (`aws:SecureTransport` is `true` for CI requests (the AWS CLI and SDKs call over HTTPS), so it holds)",
        "      condition `IpAddress aws:SourceIp 192.0.2.0/24`: uncertain (`aws:SourceIp` is not known for CI requests (absent or any value), and it may or may not hold)",
        "      condition `StringEquals aws:RequestedRegion us-east-1`: false (`aws:RequestedRegion` is `us-west-2` for CI requests (the policy), so it does not hold)",
        "  aws:SourceIp: denied when absent",
        "  every other key: unknown (absent or any value)",
    ] {
        assert!(out.contains(line), "missing {line:?} in:\n{out}");
    }
    // A policy name from the recording never reaches the terminal as a control sequence.
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("group `ci` inline policy `guard"), "{out}");
}

#[test]
fn bad_input_and_unreadable_accounts_get_no_answer() {
    let base = Case::base();
    for (args, code, says) in [
        (&["eks:Describe*", CLUSTER][..], 2, "is not one action"),
        (&["DescribeCluster", CLUSTER][..], 2, "is not one action"),
        (
            &[
                "eks:DescribeCluster",
                "arn:aws:eks:us-west-2:111122223333:cluster/*",
            ][..],
            2,
            "is not one resource",
        ),
        (
            &[
                "eks:DescribeCluster",
                CLUSTER,
                "--context",
                "SourceIp=1.2.3.4",
            ][..],
            2,
            "is not a condition key",
        ),
        (
            &["eks:DescribeCluster", CLUSTER, "--context", "aws:SourceIp"][..],
            2,
            "takes KEY=VALUE",
        ),
    ] {
        let run = access(&base, args);
        assert_eq!(run.code, code, "{args:?}: {run:?}");
        assert!(
            run.stdout.is_empty() && run.stderr.contains(says),
            "{args:?}: {}",
            run.stderr
        );
    }
    let dir = tempfile::tempdir().unwrap();
    base.write(dir.path());
    let unknown = smce_guard_in(
        dir.path(),
        [
            "access",
            "--account",
            "nope",
            "eks:DescribeCluster",
            CLUSTER,
        ],
    );
    assert_eq!(unknown.code, 2, "{unknown:?}");
    // `--fixtures` that is no folder (a typo) is a usage error, as in every command that
    // selects, not an account that could not be read.
    let run = access(
        &base,
        &["eks:DescribeCluster", CLUSTER, "--fixtures", "fixture"],
    );
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("--fixtures fixture: no such folder"),
        "{}",
        run.stderr
    );
    // No recording at all: the account cannot be read.
    let mut missing = Case::base();
    missing.no_folder = true;
    let run = access(&missing, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("could not be read"), "{}", run.stderr);
    // A broken recording is refused as `check` refuses it.
    let mut broken = Case::base();
    broken.overrides.push((
        "authorization-details.json",
        crate::rules::case::Override::Text("{".into()),
    ));
    let run = access(&broken, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(run.code, 2, "{run:?}");
    // Said with the file, line and column, as `check` marks it.
    assert!(
        run.stderr
            .contains("fixtures/acme/authorization-details.json:1:"),
        "{}",
        run.stderr
    );
    // A stale recording still answers, and says so.
    let dir = tempfile::tempdir().unwrap();
    base.write(dir.path());
    let run = smce_guard_in(
        dir.path(),
        [
            "access",
            "--account",
            "acme",
            "eks:DescribeCluster",
            CLUSTER,
            "--now",
            "2027-06-01T00:00:00Z",
        ],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("warning: the recording is older than --max-age"),
        "{}",
        run.stdout
    );
}

#[test]
fn refused_for_every_value_is_not_uncertain() {
    // A Deny only from one range, and no Allow at all: denied from there, implicitly denied from
    // everywhere else; no value allows it, so it is refused (exit 1), not uncertain (exit 4).
    let case = deployer_with(json!([{"Effect": "Deny", "Action": "*", "Resource": "*",
        "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]));
    let (code, answer) = json_access(&case, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (1, Some("refused")),
        "{answer:#}"
    );
    assert_eq!(answer["outcomes"], json!(["denied", "implicitly denied"]));
    assert!(
        answer["reason"]
            .as_str()
            .unwrap()
            .starts_with("refused whatever `aws:SourceIp` may be"),
        "{answer:#}"
    );
    // `check` says the same of it: the entry is missing, for certain (no uncertainty warning).
    let judged = case.judge();
    assert!(
        judged
            .findings
            .iter()
            .all(|f| f["code"] != "deployer.access-uncertain"),
        "{judged:#?}"
    );
    judged.only("deployer.missing-permission");
}

#[test]
fn a_line_break_from_the_recording_stays_inside_its_line() {
    // A Sid that would print a forged verdict on a line of its own.
    let forged = "s\n\n✓ allowed: `hub-continuous-deployer` asking\n::error::x";
    let case = deployer_with(json!([
        {"Effect": "Deny", "Action": "eks:DescribeCluster", "Resource": "*"},
        {"Sid": forged, "Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER},
    ]));
    let run = access(&case, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(run.code, 1, "{run:?}");
    let verdicts: Vec<&str> = (run.stdout.lines())
        .filter(|l| l.starts_with('✓') || l.starts_with('✗') || l.starts_with('?'))
        .collect();
    assert_eq!(verdicts.len(), 1, "{}", run.stdout);
    assert!(verdicts[0].starts_with("✗ denied"), "{}", run.stdout);
    assert!(
        run.stdout.contains("statement `s\\u{a}\\u{a}✓ allowed"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.lines().any(|l| l.trim_start().starts_with("::")),
        "{}",
        run.stdout
    );
}

#[test]
fn notes_say_what_the_question_changed() {
    let base = Case::base();
    // No resource: asked on `*`, which the cluster grant does not cover; a note says so.
    let (code, answer) = json_access(&base, &["eks:DescribeCluster"]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (1, Some("implicitly-denied"))
    );
    assert!(
        answer["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("no RESOURCE given"),
        "{answer:#}"
    );
    // A key the CI context fixes, given another value: answered, with a note.
    let (code, answer) = json_access(
        &base,
        &[
            "eks:DescribeCluster",
            CLUSTER,
            "--context",
            "aws:MultiFactorAuthPresent=true",
        ],
    );
    assert_eq!(code, 0, "{answer:#}");
    assert!(
        answer["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("`aws:MultiFactorAuthPresent` is fixed"),
        "{answer:#}"
    );
    // Neither: no note.
    let (_, answer) = json_access(&base, &["eks:DescribeCluster", CLUSTER]);
    assert_eq!(answer["notes"], json!([]));
}

#[test]
fn malformed_questions_are_refused() {
    let base = Case::base();
    for (args, says) in [
        (
            &[
                "eks:DescribeCluster",
                CLUSTER,
                "--context",
                "aws:SourceIp=notanip",
            ][..],
            "neither an address nor a CIDR range",
        ),
        (
            &[
                "eks:DescribeCluster",
                CLUSTER,
                "--context",
                "aws:SourceIp=192.0.2.1/33",
            ][..],
            "neither an address nor a CIDR range",
        ),
        (
            &[
                "eks:DescribeCluster",
                CLUSTER,
                "--context",
                "aws:sourceip= 192.0.2.1",
            ][..],
            "neither an address nor a CIDR range",
        ),
        (&["eks:", CLUSTER][..], "is not one action"),
        (&[":x", CLUSTER][..], "is not one action"),
        (&["a:b:c", CLUSTER][..], "is not one action"),
        (&["eks:describe cluster", CLUSTER][..], "is not one action"),
        (
            &["eks:DescribeCluster", "notanarn"][..],
            "is not one resource",
        ),
        (
            &["eks:DescribeCluster", "arn:aws:eks"][..],
            "is not one resource",
        ),
        (&["eks:DescribeCluster", ""][..], "is not one resource"),
    ] {
        let run = access(&base, args);
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    }
}

#[test]
fn the_deployer_s_pins_are_not_another_user_s() {
    // CI's requests come from the runners' range; alice's do not, as far as anyone knows.
    let mut case = deployer_with(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER))]));
    case.policy = case.policy.replace(
        "  active_keys: 1\n",
        "  active_keys: 1\n  context:\n    - key: aws:SourceIp\n      values: [\"192.0.2.0/24\"]\n",
    );
    let from_runners = |user: &[&str]| {
        let mut case = case.clone();
        case.user(DEPLOYER)["UserPolicyList"] = json!([inline(
            "eks-readonly",
            doc(json!([
            {"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": CLUSTER,
             "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}}]))
        )]);
        let mut args = vec!["eks:DescribeCluster", CLUSTER];
        args.extend_from_slice(user);
        json_access(&case, &args)
    };
    let (code, answer) = from_runners(&[]);
    assert_eq!(
        (code, answer["decision"].as_str()),
        (0, Some("allowed")),
        "{answer:#}"
    );
    // alice holds no such statement, and the pin is not hers: her context leaves the key unknown.
    let (_, answer) = from_runners(&["--as", "alice"]);
    let source_ip = (answer["context"].as_array().unwrap().iter()).find(|c| {
        c["key"]
            .as_str()
            .is_some_and(|k| k.eq_ignore_ascii_case("aws:SourceIp"))
    });
    assert!(source_ip.is_none(), "{answer:#}");
}
