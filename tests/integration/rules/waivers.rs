//! The waiver stage judged in-process: a waiver marks the findings it matches (by code, and by
//! principal when it names one) so that they no longer count for the exit code, holds through the
//! last second of its `until` day (UTC) and is `waiver.expired` from the next midnight on, and is
//! `waiver.unused` at its own line when it matched nothing.
//!
//! The waived finding is still listed; `waived` in its JSON finding tells it apart.

use super::case::{Case, POLICY, user};
use super::expect;

/// The base account with two undeclared users, `mallory` and `svc`: two `user.unmanaged` errors.
fn two_unmanaged() -> Case {
    let mut case = Case::base();
    case.users.push(user("mallory", &[]));
    case.users.push(user("svc", &[]));
    case
}

/// [`POLICY`] with `waivers` appended (line 18): the first waiver's `- code:` is line 19.
fn waiving(case: &mut Case, waivers: &str) {
    case.policy = format!("{POLICY}waivers:\n{waivers}");
}

/// Whether each listed finding with `code` is waived, in report order.
fn waived(judged: &super::harness::Judged, code: &str) -> Vec<bool> {
    judged
        .findings
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["waived"].as_bool().expect("`waived` is a boolean"))
        .collect()
}

#[test]
fn waiver_by_code_marks_every_finding_of_that_code() {
    let mut case = two_unmanaged();
    waiving(
        &mut case,
        "  - code: user.unmanaged\n    reason: being onboarded\n    until: \"2026-12-31\"\n",
    );
    let judged = case.judge();
    // Still listed, but neither counts: exit 0, the account is ok.
    expect(
        &judged,
        0,
        &[
            "error user.unmanaged mallory @17",
            "error user.unmanaged svc @17",
        ],
    );
    assert_eq!(waived(&judged, "user.unmanaged"), [true, true]);
    assert_eq!(judged.status, Some("ok"));
    assert_eq!(judged.summary(), (0, 0));
}

#[test]
fn waiver_with_a_principal_marks_only_that_principal() {
    let mut case = two_unmanaged();
    waiving(
        &mut case,
        "  - code: user.unmanaged\n    principal: mallory\n    reason: contract ends in December\n    until: \"2026-12-31\"\n",
    );
    let judged = case.judge();
    // svc's finding is not waived, so it still fails the run.
    expect(
        &judged,
        1,
        &[
            "error user.unmanaged mallory @17",
            "error user.unmanaged svc @17",
        ],
    );
    assert_eq!(waived(&judged, "user.unmanaged"), [true, false]);
    assert_eq!(judged.status, Some("drift"));
    assert_eq!(judged.summary(), (1, 0));
}

#[test]
fn waiver_for_another_principal_marks_nothing_and_is_unused() {
    let mut case = Case::base();
    case.users.push(user("mallory", &[]));
    waiving(
        &mut case,
        "  - code: user.unmanaged\n    principal: svc\n    reason: contract ends in December\n    until: \"2026-12-31\"\n",
    );
    let judged = case.judge();
    expect(
        &judged,
        1,
        &[
            "error user.unmanaged mallory @17",
            "warning waiver.unused - @20",
        ],
    );
    assert_eq!(waived(&judged, "user.unmanaged"), [false]);
    assert_eq!(judged.status, Some("drift"));
}

/// One undeclared user, `mallory`, waived until 2026-11-20 (the day of [`super::case::NOW`]);
/// the waiver's `until` is line 22.
fn mallory_waived_until_the_20th() -> Case {
    let mut case = Case::base();
    case.users.push(user("mallory", &[]));
    waiving(
        &mut case,
        "  - code: user.unmanaged\n    principal: mallory\n    reason: contract ends on the 20th\n    until: \"2026-11-20\"\n",
    );
    case
}

#[test]
fn waiver_until_today_holds_to_the_last_second_of_the_day() {
    // One second before midnight UTC of the day after `until`: `until` is today.
    let judged = mallory_waived_until_the_20th().judge_at("2026-11-20T23:59:59Z");
    expect(&judged, 0, &["error user.unmanaged mallory @17"]);
    assert_eq!(waived(&judged, "user.unmanaged"), [true]);
    assert_eq!(judged.status, Some("ok"));
}

#[test]
fn waiver_until_yesterday_is_expired_and_no_longer_honoured() {
    // From midnight UTC of the day after `until` (checked at it and one second later), `until`
    // was yesterday: the waiver is an error at its `until` line (invalid input, exit 2) and the
    // finding it waived counts again.
    let case = mallory_waived_until_the_20th();
    for now in ["2026-11-21T00:00:00Z", "2026-11-21T00:00:01Z"] {
        let judged = case.judge_at(now);
        expect(
            &judged,
            2,
            &[
                "error user.unmanaged mallory @17",
                "error waiver.expired - @23",
            ],
        );
        assert_eq!(waived(&judged, "user.unmanaged"), [false], "{now}");
        assert_eq!(judged.status, Some("drift"), "{now}");
        assert_eq!(judged.summary(), (2, 0), "{now}");
    }
}

#[test]
fn unused_waiver_is_a_warning_at_its_line() {
    let mut case = Case::base();
    waiving(
        &mut case,
        "  - code: member.missing\n    reason: nobody is missing\n    until: \"2026-12-31\"\n",
    );
    let judged = case.judge();
    // A warning alone does not fail the run.
    expect(&judged, 0, &["warning waiver.unused - @20"]);
    assert_eq!(
        case.policy.lines().nth(19),
        Some("  - code: member.missing")
    );
    let message = judged.only("waiver.unused")["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("member.missing"), "{message}");
}
