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

/// The table as `docs/access.md` prints it.
pub fn markdown_table() -> String {
    let mut out = String::from("| key | value for a CI request | why |\n|---|---|---|\n");
    for (keys, value, why) in CI_CONTEXT {
        let keys: Vec<String> = keys.split(", ").map(|k| format!("`{k}`")).collect();
        out.push_str(&format!("| {} | {value} | {why} |\n", keys.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_docs_show_the_table_the_engine_uses() {
        let page = include_str!("../../docs/access.md");
        assert!(
            page.contains(&super::markdown_table()),
            "docs/access.md's context table differs from base::ci_context::CI_CONTEXT; paste:\n{}",
            super::markdown_table()
        );
    }

    #[test]
    fn what_the_context_fixes() {
        for fixed in [
            "aws:MultiFactorAuthPresent",
            "AWS:SOURCEip".replace("SOURCEip", "username").as_str(),
            "aws:PrincipalTag/team",
            "aws:CalledViaLast",
            "aws:EpochTime",
        ] {
            assert!(super::fixes(fixed), "{fixed}");
        }
        for open in [
            "aws:SourceIp",
            "aws:PrincipalOrgID",
            "aws:ResourceTag/env",
            "eks:clusterName",
        ] {
            assert!(!super::fixes(open), "{open}");
        }
    }
}

/// The keys whose values are IP addresses.
const ADDRESS_KEYS: &[&str] = &["aws:sourceip", "aws:vpcsourceip"];

/// Whether `key` holds IP addresses (compared without regard to case): a value pinned or given
/// for it must be an address or a CIDR range.
pub fn holds_addresses(key: &str) -> bool {
    ADDRESS_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key))
}

/// An address, or a CIDR range (`203.0.113.0/24`, `2001:db8::/32`).
pub fn is_address_or_range(text: &str) -> bool {
    let (base, prefix) = match text.split_once('/') {
        Some((base, prefix)) => (base, Some(prefix)),
        None => (text, None),
    };
    let width = match base.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => return false,
    };
    prefix.is_none_or(|p| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= width)
    })
}

#[cfg(test)]
mod address_tests {
    #[test]
    fn addresses_and_ranges() {
        for ok in [
            "203.0.113.7",
            "203.0.113.0/24",
            "2001:db8::/32",
            "::1",
            "0.0.0.0/0",
        ] {
            assert!(super::is_address_or_range(ok), "{ok}");
        }
        for bad in [
            "203.0.113.0/33",
            "runner",
            "10.0.0.0/",
            "2001:db8::/129",
            "10.0.0.0/-1",
        ] {
            assert!(!super::is_address_or_range(bad), "{bad}");
        }
    }
}
