//! The session policy of every role the live reader assumes: `iam/smce-guard-reader.json`, the
//! IAM reads and `sts:GetCallerIdentity` the reader needs, embedded at build time so the file
//! the docs hand to administrators and the policy the binary sends cannot differ.
//!
//! AWS grants a session the intersection of the role's policies and the session policy, so
//! whatever role is assumed (a dedicated read-only role, or `OrganizationAccountAccessRole`,
//! an administrator in every member account by default), the session smce-guard holds can only
//! read IAM.

/// `iam/smce-guard-reader.json`, as written.
pub const READER_POLICY: &str = include_str!("../../../iam/smce-guard-reader.json");

/// The largest session policy AWS accepts, in characters of its plain text.
pub const MAX_SESSION_POLICY: usize = 2048;

/// [`READER_POLICY`] without its layout, as `sts:AssumeRole`'s `Policy` parameter: AWS counts
/// every character of it against [`MAX_SESSION_POLICY`].
pub fn policy() -> String {
    // The file is JSON (a unit test holds it to that); if it ever were not, the file as written
    // is still the policy AWS is asked for, and AWS refuses it loudly rather than widening it.
    serde_json::from_str::<serde_json::Value>(READER_POLICY)
        .map(|value| value.to_string())
        .unwrap_or_else(|_| READER_POLICY.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_policy_is_the_reader_file_and_fits() {
        let file: serde_json::Value = serde_json::from_str(READER_POLICY).unwrap();
        let sent: serde_json::Value = serde_json::from_str(&policy()).unwrap();
        assert_eq!(file, sent);
        assert!(policy().len() <= MAX_SESSION_POLICY, "{}", policy().len());
        assert!(!policy().contains('\n'));
        // Reads only: no statement may grant a write, or reach another role.
        let actions: Vec<&str> = sent["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap())
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(!actions.is_empty());
        for action in actions {
            let name = action.split_once(':').unwrap().1;
            assert!(
                ["Get", "List", "Generate"]
                    .iter()
                    .any(|p| name.starts_with(p)),
                "{action}"
            );
        }
    }
}
