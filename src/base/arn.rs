//! ARN helpers shared by the policy (role ARNs it declares) and the observation (ARNs AWS
//! answers with), which must not depend on each other.

/// The account id inside an ARN (`arn:aws:iam::123456789012:user/x`): twelve digits in the
/// fifth field, else `None`.
pub fn account_of(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

#[cfg(test)]
mod tests {
    use super::account_of;

    #[test]
    fn the_account_is_the_fifth_field_of_twelve_digits() {
        assert_eq!(
            account_of("arn:aws:iam::123456789012:user/x"),
            Some("123456789012")
        );
        assert_eq!(account_of("arn:aws:iam::12345678901:user/x"), None);
        assert_eq!(account_of("arn:aws:iam::aws:policy/ReadOnlyAccess"), None);
        assert_eq!(account_of("not an arn"), None);
    }
}
