//! The CI request's context: the condition keys every CI call of the deployer carries (or lacks),
//! and why. The engine builds each request's context from this table
//! (`engine::iam::context`), lint refuses a policy that pins one of these keys
//! (`deployer.context`), and `docs/access.md` prints it (a test holds the two equal).

/// The CI request's context: each key's value and why. `docs/access.md` shows this table (a
/// test holds the two equal). The request is an AWS CLI or SDK call signed with the user's
/// long-term access key, sent directly to the service over HTTPS.
pub const CI_CONTEXT: &[(&str, &str, &str)] = &[
    (
        "aws:MultiFactorAuthPresent",
        "absent",
        "a long-term access key carries no MFA",
    ),
    (
        "aws:MultiFactorAuthAge",
        "absent",
        "a long-term access key carries no MFA",
    ),
    ("aws:TokenIssueTime", "absent", "not temporary credentials"),
    (
        "aws:SecureTransport",
        "`true`",
        "the AWS CLI and SDKs call over HTTPS",
    ),
    (
        "aws:ViaAWSService",
        "`false`",
        "CI calls the service itself",
    ),
    (
        "aws:PrincipalIsAWSService",
        "`false`",
        "the caller is an IAM user",
    ),
    (
        "aws:CalledVia, aws:CalledViaFirst, aws:CalledViaLast",
        "absent",
        "no service calls on CI's behalf",
    ),
    ("aws:PrincipalType", "`User`", "the caller is an IAM user"),
    ("aws:username", "the user's name", "the recording"),
    (
        "aws:userid",
        "the user's id (`AIDA...`)",
        "the recording; unknown when it lacks the id",
    ),
    ("aws:PrincipalArn", "the user's ARN", "the recording"),
    ("aws:PrincipalAccount", "the account id", "the recording"),
    (
        "aws:PrincipalTag/KEY",
        "the user's tag KEY (absent when it has none)",
        "the recording",
    ),
    ("aws:RequestedRegion", "`account.region`", "the policy"),
    (
        "aws:CurrentTime",
        "the instant judged at (RFC 3339)",
        "the run's clock",
    ),
    (
        "aws:EpochTime",
        "the instant judged at (seconds since 1970)",
        "the run's clock",
    ),
    ("aws:ResourceAccount", "`account.id`", "the policy"),
];

/// Whether the CI context fixes `key` (compared without regard to case): one of the table's keys,
/// any `aws:PrincipalTag/...` and any `aws:CalledVia...`.
pub fn fixes(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    lower.starts_with("aws:principaltag/")
        || lower.starts_with("aws:calledvia")
        || CI_CONTEXT
            .iter()
            .flat_map(|(keys, _, _)| keys.split(", "))
            .any(|k| k.eq_ignore_ascii_case(&lower))
}
