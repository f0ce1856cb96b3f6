//! An SDK error as the one line a finding shows: the operation, the AWS error code, the message
//! with anything secret removed ([`redact::redact_message`]), and a hint at the fix.

use super::{paging, redact};
use crate::observe::ObserveError;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};

pub(super) fn unobserved(message: impl Into<String>) -> ObserveError {
    ObserveError::Unobserved(message.into())
}

pub(super) fn paging_failure<E: ProvideErrorMetadata + std::error::Error + 'static>(
    operation: &str,
    error: paging::PagingError<SdkError<E>>,
) -> ObserveError {
    match error {
        paging::PagingError::Fetch(error) => failure(operation, &error),
        paging::PagingError::BadMarker => unobserved(format!(
            "{operation}: the endpoint said more pages remain but gave no new marker"
        )),
        paging::PagingError::TooManyPages => unobserved(format!(
            "{operation}: more than {} pages",
            paging::MAX_PAGES
        )),
    }
}

/// An SDK error as one short line: the operation, the AWS error code (or the HTTP status, or the
/// kind of transport failure with its root cause), and a hint at the fix. Never the SDK's debug dump.
pub fn failure<E: ProvideErrorMetadata + std::error::Error + 'static>(
    operation: &str,
    error: &SdkError<E>,
) -> ObserveError {
    let root = root_cause(error);
    let (code, message) = match error {
        SdkError::ServiceError(_) => {
            let status = error.raw_response().map(|r| r.status().as_u16());
            let code = match (error.code(), status) {
                (Some(code), _) => code.to_owned(),
                (None, Some(status)) => format!("HTTP {status}"),
                (None, None) => "Unknown".to_owned(),
            };
            let message = error
                .message()
                .filter(|m| !m.is_empty())
                .map_or_else(|| "(no message)".to_owned(), str::to_owned);
            (code, message)
        }
        SdkError::TimeoutError(_) => (
            "Timeout".to_owned(),
            "no answer within the timeout".to_owned(),
        ),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => ("Timeout".to_owned(), root),
        SdkError::DispatchFailure(failure) if failure.is_io() => {
            ("ConnectionFailed".to_owned(), root)
        }
        SdkError::DispatchFailure(_) if root.contains("credential") => {
            ("NoCredentials".to_owned(), root)
        }
        SdkError::DispatchFailure(_)
            if ["closed", "reset", "broken pipe"]
                .iter()
                .any(|w| root.contains(w)) =>
        {
            ("ConnectionClosed".to_owned(), root)
        }
        SdkError::DispatchFailure(_) => ("DispatchFailure".to_owned(), root),
        SdkError::ResponseError(_) => ("IncompleteResponse".to_owned(), root),
        _ => (error.code().unwrap_or("Error").to_owned(), root),
    };
    let refused = ["refused", "resolve", "dns", "unreachable", "No route"]
        .iter()
        .any(|w| message.contains(w));
    let hint = match code.as_str() {
        "ExpiredToken" | "ExpiredTokenException" | "TokenRefreshRequired" => {
            "the credentials expired: run `aws sso login` (or refresh them) and try again"
        }
        "InvalidClientTokenId" | "UnrecognizedClientException" | "SignatureDoesNotMatch" => {
            "the credentials are not valid for this endpoint"
        }
        "AccessDenied" | "AccessDeniedException" if operation.starts_with("sts:AssumeRole") => {
            "grant the caller iam/smce-guard-organization.json (sts:AssumeRole on the member role), and let that role trust the caller"
        }
        "AccessDenied" | "AccessDeniedException" if operation.starts_with("organizations:") => {
            "grant the caller iam/smce-guard-organization.json in the organization's management (or delegated-admin) account"
        }
        "AccessDenied" | "AccessDeniedException" => {
            "grant the checker the read-only policy in iam/smce-guard-reader.json"
        }
        "Throttling" | "ThrottlingException" | "TooManyRequestsException" | "HTTP 429" => {
            "IAM throttled us past our retries; try again later"
        }
        "ConnectionFailed" if refused => {
            "the endpoint could not be reached; check the network and AWS_ENDPOINT_URL"
        }
        "ConnectionFailed" | "ConnectionClosed" => {
            "the connection broke before the answer came; try again"
        }
        "IncompleteResponse" => "the endpoint's answer was cut short or malformed; try again",
        "DispatchFailure" => {
            "the request could not be sent; check the network and AWS_ENDPOINT_URL"
        }
        "Timeout" => "the endpoint did not answer in time (see --timeout)",
        "NoCredentials" => {
            "no usable credentials: configure a profile, SSO (`aws sso login`) or environment variables"
        }
        code if code.starts_with("HTTP 5")
            || code == "InternalFailure"
            || code == "ServiceUnavailable" =>
        {
            "the endpoint kept failing past our retries; try again later"
        }
        _ if matches!(error, SdkError::ConstructionFailure(_)) => {
            "no usable credentials: configure a profile, SSO (`aws sso login`) or environment variables"
        }
        _ => "see the AWS documentation of this error code",
    };
    // The SDK's text may hold the endpoint URL with its userinfo or query, or a failing
    // credential process's whole stderr.
    let message = redact::redact_message(&message);
    unobserved(format!(
        "{operation} failed: {code}: {message} (hint: {hint})"
    ))
}

/// The innermost cause of an error: the part that says what actually happened.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}
