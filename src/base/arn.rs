//! ARN helpers shared by the policy (role ARNs it declares) and the observation (ARNs AWS
//! answers with), which must not depend on each other.

/// The account id inside an ARN (`arn:aws:iam::123456789012:user/x`): twelve digits in the
/// fifth field, else `None`.
pub fn account_of(arn: &str) -> Option<&str> {
    let account = arn.split(':').nth(4)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// The six fields of an ARN, `arn:partition:service:region:account:resource`.
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let arn = Arn {
            partition: parts.next()?,
            service: parts.next()?,
            region: parts.next()?,
            account: parts.next()?,
            resource: parts.next()?,
        };
        (!arn.partition.is_empty() && !arn.service.is_empty() && !arn.resource.is_empty())
            .then_some(arn)
    }
}

#[cfg(test)]
mod tests {
    use super::{Arn, account_of};

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

    #[test]
    fn arns() {
        let arn = Arn::parse("arn:aws:eks:us-west-2:444055461661:cluster/nasa-veda").unwrap();
        assert_eq!(
            (arn.service, arn.region, arn.account, arn.resource),
            ("eks", "us-west-2", "444055461661", "cluster/nasa-veda")
        );
        assert!(Arn::parse("arn:aws:iam::123456789012:user/a:b").is_some());
        assert!(Arn::parse("arn:aws:eks").is_none());
        assert!(Arn::parse("cluster/nasa-veda").is_none());
    }
}
