//! The account-wide documents IAM answers in one piece: the credential report (generated, then
//! fetched) and the account password policy.

use super::errors::{failure, unobserved};
use super::wire;
use crate::observe::ObserveError;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_iam::types::ReportStateType;
use std::time::Duration;

/// Generates the credential report (polling with bounded backoff through `ReportInProgress` and
/// `LimitExceeded`) and fetches it. Generation is bounded in tries and time; the report's own
/// `GeneratedTime` is never waited on, since AWS may serve one up to four hours old.
pub async fn credential_report(
    iam: &aws_sdk_iam::Client,
    budget: Duration,
) -> Result<String, ObserveError> {
    let started = std::time::Instant::now();
    let mut delay = Duration::from_millis(250);
    let mut generated = false;
    // The last answer that made us wait, for the message if we give up.
    let mut last = String::from("none");
    loop {
        if !generated {
            match iam.generate_credential_report().send().await {
                Ok(out) if out.state() == Some(&ReportStateType::Complete) => generated = true,
                Ok(out) => {
                    last = format!(
                        "GenerateCredentialReport state {}",
                        out.state().map_or("none", |s| s.as_str())
                    )
                }
                Err(error) if matches!(error.code(), Some("LimitExceeded" | "Throttling")) => {
                    last = format!(
                        "GenerateCredentialReport {}",
                        error.code().unwrap_or_default()
                    );
                }
                Err(error) => return Err(failure("iam:GenerateCredentialReport", &error)),
            }
        }
        if generated {
            match iam.get_credential_report().send().await {
                Ok(out) => {
                    let content = out
                        .content()
                        .ok_or_else(|| unobserved("iam:GetCredentialReport returned no content"))?;
                    return String::from_utf8(content.as_ref().to_vec())
                        .map_err(|_| unobserved("the credential report is not UTF-8"));
                }
                // Not ready yet (404 ReportInProgress), or gone again: wait, regenerating if gone.
                Err(error)
                    if matches!(
                        error.code(),
                        Some("ReportInProgress" | "ReportNotPresent" | "ReportExpired")
                    ) =>
                {
                    let code = error.code().unwrap_or_default();
                    generated = code == "ReportInProgress";
                    last = format!("GetCredentialReport {code}");
                }
                Err(error) => return Err(failure("iam:GetCredentialReport", &error)),
            }
        }
        if started.elapsed() + delay > budget {
            return Err(unobserved(format!(
                "iam:GenerateCredentialReport: the credential report was not ready within {} s (last answer: {last}); try again later or raise --report-wait",
                budget.as_secs()
            )));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(4));
    }
}

/// GetAccountPasswordPolicy as `password-policy.json`. An account without one is an answer, not
/// a failure: IAM says `NoSuchEntity`, recorded as `{"PasswordPolicy": null}`.
pub async fn password_policy(iam: &aws_sdk_iam::Client) -> Result<String, ObserveError> {
    match iam.get_account_password_policy().send().await {
        Ok(out) => Ok(wire::password_policy(out.password_policy())),
        Err(error) if error.code() == Some("NoSuchEntity") => Ok(wire::password_policy(None)),
        Err(error) => Err(failure("iam:GetAccountPasswordPolicy", &error)),
    }
}
