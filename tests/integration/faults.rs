//! Fault injection on the live path: the harness's proxy (see [`crate::moto::Proxy::inject`])
//! answers some requests of one operation, for one account, with a fault instead of moto's answer.
//!
//! Every test seeds two small accounts, `faulty` and `other`, each with the deployer (one active
//! key, so ListAccessKeys is sent) and one undeclared user (one `user.unmanaged` finding each), and
//! records a clean run. Then, per fault:
//!
//! - transient: the first few requests of the operation (fewer than the 4 attempts of the SDK's
//!   standard retry, or than the credential report's poll budget) fail; the report must equal the
//!   clean run's byte for byte, the exit code too, and `-v` must count the retried attempts;
//! - persistent: every request of the operation fails, for `faulty` only; the run exits 3, `faulty`
//!   is `account.unobserved` with a message naming the operation and the error, and `other` is
//!   evaluated as in the clean run.
//!
//! Runs use `--timeout 1` and `--report-wait 2`, so no fault takes more than a few seconds; each run
//! is also held to a loose bound, only to turn a hang into a failure. The tests of the last section
//! once reproduced defects of `src/` and now pin their fixes.

use crate::common::{Run, findings, request_counts, statuses, text};
use crate::moto::scenario::{DEPLOYER, account, deployer};
use crate::moto::{Fault, Moto};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ROLE: &str = "smce-guard-reader";
const FAULTY: &str = "400000000001";
const OTHER: &str = "400000000002";

const ASSUME_ROLE: &str = "sts:AssumeRole";
const DETAILS: &str = "iam:GetAccountAuthorizationDetails";
const GENERATE: &str = "iam:GenerateCredentialReport";
const REPORT: &str = "iam:GetCredentialReport";
const KEYS: &str = "iam:ListAccessKeys";
const ALIASES: &str = "iam:ListAccountAliases";
const PASSWORD_POLICY: &str = "iam:GetAccountPasswordPolicy";

/// Attempts per request of the SDK's standard retry (src/observe/aws/mod.rs).
const ATTEMPTS: usize = 4;
/// Longer than `--timeout 1`.
const SLOW: Fault = Fault::Slow(Duration::from_secs(3));
const LIMIT_EXCEEDED: Fault =
    Fault::Error(409, "LimitExceeded", "Too many credential report requests");
/// What IAM's GetCredentialReport answers while the report is being generated.
const NOT_READY: Fault = Fault::Error(
    404,
    "ReportInProgress",
    "The credential report is still being generated",
);

/// The smallest account that sends every operation: SMCE's baseline, the deployer with its
/// permission and one active key, and `stray`, a user the policy does not declare.
fn seeded(id: &str, stray: &str) -> Value {
    account(id, vec![deployer(id, "hub"), json!({"name": stray})])
}

fn policy(id: &str, name: &str) -> String {
    format!(
        "account:\n  id: \"{id}\"\n  name: {name}\n  contacts: [{{email: ops@example.org}}]\nmembers: []\ndeployer:\n  user: {DEPLOYER}\n  cluster: hub\n  rotation_grace_days: 60\n"
    )
}

/// The findings of one account, whole.
fn findings_of(run: &Run, account: &str) -> Vec<Value> {
    run.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["account_name"] == account)
        .cloned()
        .collect()
}

/// A moto server seeded with `faulty` and `other`, their policies, and a clean run to compare with.
struct Bench {
    moto: Moto,
    dir: tempfile::TempDir,
    now: String,
    clean: Run,
    /// Requests per account in the clean run, `-v`'s count.
    clean_counts: Vec<(String, u32)>,
}

/// What a persistent fault did.
struct Failed {
    /// The `account.unobserved` message without its `account `faulty` could not be observed: `.
    reason: String,
    /// How many requests got the fault.
    injected: usize,
    took: Duration,
}

impl Bench {
    fn start() -> Bench {
        let moto = Moto::start();
        moto.seed(&json!({"accounts": [seeded(FAULTY, "mallory"), seeded(OTHER, "eve")]}));
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("policies")).unwrap();
        std::fs::write(
            dir.path().join("policies/faulty.yaml"),
            policy(FAULTY, "faulty"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("policies/other.yaml"),
            policy(OTHER, "other"),
        )
        .unwrap();
        let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 86_400)
            .unwrap()
            .to_string();
        let mut bench = Bench {
            moto,
            dir,
            now,
            clean: Run {
                code: -1,
                stdout: String::new(),
                stderr: String::new(),
            },
            clean_counts: Vec::new(),
        };
        // moto answers an account's first GenerateCredentialReport with STARTED, later ones with
        // COMPLETE: the first run generates the reports, the second is the one compared with.
        let first = bench.check();
        let clean = bench.check();
        for run in [&first, &clean] {
            assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
            assert_eq!(
                findings(run),
                [
                    "faulty error user.unmanaged mallory",
                    "other error user.unmanaged eve"
                ]
            );
            assert_eq!(statuses(run), ["faulty drift", "other drift"]);
        }
        bench.clean_counts = request_counts(&clean);
        assert_eq!(
            bench.clean_counts,
            [("faulty".to_owned(), 7), ("other".to_owned(), 7)],
            "{}",
            clean.stderr
        );
        bench.clean = clean;
        bench.moto.proxy().take_operations();
        bench
    }

    /// `check --live` of both accounts, held to a bound that only a hang exceeds.
    fn check(&self) -> Run {
        let args = [
            "check",
            "--live",
            "--role-name",
            ROLE,
            "--format",
            "json",
            "--now",
            &self.now,
            "--timeout",
            "1",
            "--report-wait",
            "2",
            "-v",
        ];
        let started = Instant::now();
        let run = self.moto.smce_guard(self.dir.path(), args);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(30),
            "took {took:?}:\n{}\n{}",
            run.stdout,
            run.stderr
        );
        run
    }

    /// Runs with the first `times` requests of `operation` made for `faulty` getting `fault`.
    fn inject(&self, operation: &str, times: Option<u32>, fault: Fault) -> (Run, usize, Duration) {
        let proxy = self.moto.proxy();
        proxy.clear_faults();
        proxy.take_injected();
        proxy.inject(operation, Some(FAULTY), times, fault);
        let started = Instant::now();
        let run = self.check();
        let took = started.elapsed();
        proxy.clear_faults();
        let injected = proxy.take_injected();
        assert!(
            injected
                .iter()
                .all(|i| i.starts_with(&format!("{operation} "))),
            "{injected:?}"
        );
        (run, injected.len(), took)
    }

    /// `times` faults, then recovery: the clean run's report and exit code, and `times` more
    /// requests by `faulty`.
    #[track_caller]
    fn transient(&self, operation: &str, fault: Fault, times: u32) {
        let (run, injected, _) = self.inject(operation, Some(times), fault);
        let context = format!(
            "{fault:?} x{times} on {operation}:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert_eq!(injected, times as usize, "{context}");
        assert_eq!(run.code, self.clean.code, "{context}");
        assert_eq!(run.stdout, self.clean.stdout, "{context}");
        let mut expected = self.clean_counts.clone();
        expected[0].1 += times;
        assert_eq!(request_counts(&run), expected, "{context}");
    }

    /// Every request of `operation` for `faulty` gets `fault`: exit 3, `faulty` unobserved, `other`
    /// as in the clean run.
    #[track_caller]
    fn persistent(&self, operation: &str, fault: Fault) -> Failed {
        let (run, injected, took) = self.inject(operation, None, fault);
        let context = format!(
            "{fault:?} on every {operation}:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert_eq!(run.code, 3, "{context}");
        assert_eq!(
            findings(&run),
            [
                "faulty error account.unobserved -",
                "other error user.unmanaged eve"
            ],
            "{context}"
        );
        assert_eq!(
            statuses(&run),
            ["faulty unobserved", "other drift"],
            "{context}"
        );
        assert_eq!(
            findings_of(&run, "other"),
            findings_of(&self.clean, "other"),
            "{context}"
        );
        assert_eq!(run.json()["summary"]["errors"], 2, "{context}");
        let counts = request_counts(&run);
        assert_eq!(counts[1], self.clean_counts[1], "{context}");
        let unobserved = &findings_of(&run, "faulty")[0];
        assert_eq!(unobserved["account_id"], FAULTY);
        let message = text(&unobserved["message"]);
        let reason = message
            .strip_prefix("account `faulty` could not be observed: ")
            .unwrap_or_else(|| panic!("{message}"))
            .to_owned();
        assert!(!reason.contains('\n'), "{reason}");
        Failed {
            reason,
            injected,
            took,
        }
    }
}

const ROLE_ARN: &str = "arn:aws:iam::400000000001:role/smce-guard-reader";

/// GetAccountPasswordPolicy is retried like every read, and an error other than NoSuchEntity
/// fails the account: it never reads as "no password policy".
#[test]
fn password_policy_errors_are_retried_then_fail_that_account_alone() {
    let bench = Bench::start();
    bench.transient(PASSWORD_POLICY, Fault::THROTTLE, 3);
    let failed = bench.persistent(PASSWORD_POLICY, Fault::THROTTLE);
    assert_eq!(
        failed.reason,
        "iam:GetAccountPasswordPolicy failed: Throttling: Rate exceeded \
         (hint: IAM throttled us past our retries; try again later)"
    );
    assert_eq!(failed.injected, ATTEMPTS);
    let failed = bench.persistent(
        PASSWORD_POLICY,
        Fault::Error(404, "NoSuchEntityX", "not the no-policy answer"),
    );
    assert!(
        failed
            .reason
            .starts_with("iam:GetAccountPasswordPolicy failed: NoSuchEntityX"),
        "{}",
        failed.reason
    );
}

#[test]
fn throttling_is_retried_then_fails_that_account_alone() {
    let bench = Bench::start();
    bench.transient(DETAILS, Fault::THROTTLE, 3);
    bench.transient(KEYS, Fault::THROTTLE, 3);
    bench.transient(ASSUME_ROLE, Fault::THROTTLE, 3);

    let failed = bench.persistent(DETAILS, Fault::THROTTLE);
    assert_eq!(
        failed.reason,
        "iam:GetAccountAuthorizationDetails failed: Throttling: Rate exceeded \
         (hint: IAM throttled us past our retries; try again later)"
    );
    assert_eq!(failed.injected, ATTEMPTS);
    let failed = bench.persistent(ASSUME_ROLE, Fault::THROTTLE);
    assert_eq!(
        failed.reason,
        format!(
            "sts:AssumeRole {ROLE_ARN} failed: Throttling: Rate exceeded \
             (hint: IAM throttled us past our retries; try again later)"
        )
    );
    assert_eq!(failed.injected, ATTEMPTS);
}

#[test]
fn server_errors_are_retried_then_fail_that_account_alone() {
    let bench = Bench::start();
    bench.transient(ASSUME_ROLE, Fault::Status(500), 3);
    bench.transient(REPORT, Fault::Status(503), 3);
    bench.transient(KEYS, Fault::Status(500), 3);

    for (operation, status) in [(DETAILS, 503), (ALIASES, 500)] {
        let failed = bench.persistent(operation, Fault::Status(status));
        // The message names the operation, but not the status: see `bare_statuses_are_named`.
        assert!(
            failed.reason.starts_with(&format!("{operation} failed: ")),
            "{}",
            failed.reason
        );
        assert_eq!(failed.injected, ATTEMPTS);
    }
}

#[test]
fn too_many_requests_fails_that_account_alone() {
    // A bare 429 is not retried today: see `bare_429_is_retried`.
    let bench = Bench::start();
    let failed = bench.persistent(DETAILS, Fault::Status(429));
    assert!(
        failed.reason.starts_with(&format!("{DETAILS} failed: ")),
        "{}",
        failed.reason
    );
    assert!(failed.injected <= ATTEMPTS);
}

#[test]
fn closed_connection_is_retried_then_fails_that_account_alone() {
    let bench = Bench::start();
    bench.transient(DETAILS, Fault::Reset, 3);
    bench.transient(GENERATE, Fault::PartialHead, 3);
    bench.transient(ALIASES, Fault::Reset, 3);

    for (operation, fault, named) in [
        (KEYS, Fault::Reset, KEYS.to_owned()),
        (
            ASSUME_ROLE,
            Fault::PartialHead,
            format!("{ASSUME_ROLE} {ROLE_ARN}"),
        ),
    ] {
        let failed = bench.persistent(operation, fault);
        let reason = &failed.reason;
        assert_eq!(
            reason,
            &format!(
                "{named} failed: ConnectionClosed: connection closed before message completed \
                 (hint: the connection broke before the answer came; try again)"
            )
        );
        assert_eq!(failed.injected, ATTEMPTS);
    }
}

#[test]
fn slow_answer_times_out_then_fails_that_account_alone() {
    let bench = Bench::start();
    // Two, not three: four attempts of 1 s plus backoff may outlast the 5 s operation timeout.
    bench.transient(DETAILS, SLOW, 2);

    let failed = bench.persistent(REPORT, SLOW);
    assert_eq!(
        failed.reason,
        "iam:GetCredentialReport failed: Timeout: no answer within the timeout \
         (hint: the endpoint did not answer in time (see --timeout))"
    );
    // Four attempts of 1 s, or the operation timeout (5 s) first.
    assert!(
        (3..=ATTEMPTS).contains(&failed.injected),
        "{}",
        failed.injected
    );
    assert!(failed.took < Duration::from_secs(15), "{:?}", failed.took);
}

#[test]
fn truncated_body_is_retried_then_fails_that_account_alone() {
    let bench = Bench::start();
    bench.transient(REPORT, Fault::Truncated, 3);
    bench.transient(DETAILS, Fault::Truncated, 3);

    let failed = bench.persistent(DETAILS, Fault::Truncated);
    assert_eq!(
        failed.reason,
        "iam:GetAccountAuthorizationDetails failed: IncompleteResponse: end of file before message \
         length reached (hint: the endpoint's answer was cut short or malformed; try again)"
    );
    assert_eq!(failed.injected, ATTEMPTS);
}

#[test]
fn credential_report_in_progress_past_the_budget_fails_that_account_alone() {
    let bench = Bench::start();
    // Polled after 250 ms, then 500 ms: two answers fit the 2 s budget with room to spare.
    bench.transient(GENERATE, Fault::ReportInProgress, 2);
    bench.transient(GENERATE, LIMIT_EXCEEDED, 2);
    bench.transient(GENERATE, Fault::THROTTLE, 3);

    let failed = bench.persistent(GENERATE, Fault::ReportInProgress);
    assert_eq!(
        failed.reason,
        "iam:GenerateCredentialReport: the credential report was not ready within 2 s (last answer: \
         GenerateCredentialReport state INPROGRESS); try again later or raise --report-wait"
    );
    assert!(failed.injected >= 3, "{}", failed.injected);
    assert!(failed.took < Duration::from_secs(10), "{:?}", failed.took);
    // Past the budget too, named by the answer that made us wait.
    let failed = bench.persistent(GENERATE, LIMIT_EXCEEDED);
    assert_eq!(
        failed.reason,
        "iam:GenerateCredentialReport: the credential report was not ready within 2 s (last answer: \
         GenerateCredentialReport LimitExceeded); try again later or raise --report-wait"
    );
}

// ---------------------------------------------------------------------------------------------
// Once reproductions of src bugs, now pins of their fixes
// ---------------------------------------------------------------------------------------------

#[test]
fn bare_429_is_retried() {
    let bench = Bench::start();
    bench.transient(DETAILS, Fault::Status(429), 1);
}

#[test]
fn bare_statuses_are_named() {
    let bench = Bench::start();
    for status in [429, 500, 503] {
        let failed = bench.persistent(DETAILS, Fault::Status(status));
        assert!(
            failed.reason.contains(&status.to_string())
                && !failed.reason.contains("see the AWS error above"),
            "{}",
            failed.reason
        );
    }
}

#[test]
fn transport_failures_are_one_short_line() {
    let bench = Bench::start();
    for fault in [Fault::Truncated, Fault::Reset] {
        let failed = bench.persistent(DETAILS, fault);
        assert!(
            !failed.reason.contains("{ ")
                && !failed.reason.contains("see the AWS error above")
                && failed.reason.len() < 300,
            "{}",
            failed.reason
        );
    }
}

#[test]
fn report_failure_names_the_error() {
    let bench = Bench::start();
    for (fault, code) in [
        (LIMIT_EXCEEDED, "LimitExceeded"),
        (Fault::THROTTLE, "Throttling"),
    ] {
        let failed = bench.persistent(GENERATE, fault);
        assert!(
            failed.reason.contains(GENERATE) && failed.reason.contains(code),
            "{}",
            failed.reason
        );
    }
}

#[test]
fn report_not_ready_is_polled() {
    let bench = Bench::start();
    bench.transient(REPORT, NOT_READY, 1);
}
