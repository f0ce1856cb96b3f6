//! Each operator family on present, absent and multivalued keys, as AWS's condition operator
//! reference describes them.

use super::*;

fn op(name: &str) -> Operator {
    Operator::parse(name).unwrap_or_else(|| panic!("{name}"))
}

/// `name` with `values` on a key holding `request` (`None`: absent).
fn check(name: &str, request: Option<&[&str]>, values: &[&str]) -> Tri {
    let operator = op(name);
    let raw: Vec<String> = values.iter().map(|s| (*s).to_owned()).collect();
    let lookup = |key: &str| match key {
        "aws:username" => Variable::One("ci".into()),
        "aws:SourceIdentity" => Variable::Unknown,
        _ => Variable::Missing,
    };
    let prepared = prepare(&operator, &raw, true, &lookup);
    let request: Option<Vec<String>> = request.map(|r| r.iter().map(|s| (*s).to_owned()).collect());
    holds(&operator, request.as_deref(), &prepared, &raw)
}

const YES: Tri = Tri::Yes;
const NO: Tri = Tri::No;

#[test]
fn names_are_read_with_their_qualifiers() {
    let o = op("ForAnyValue:StringNotLikeIfExists");
    assert_eq!(
        (o.kind, o.negated, o.if_exists, o.set),
        (Kind::StringLike, true, true, Some(Set::AnyValue))
    );
    assert_eq!(
        op("numericlessthanequals").kind,
        Kind::Numeric(Order::LessOrEqual)
    );
    assert!(Operator::parse("StringSortOf").is_none());
    assert!(Operator::parse("ForSomeValues:StringEquals").is_none());
}

#[test]
fn strings() {
    assert_eq!(check("StringEquals", Some(&["a"]), &["b", "a"]), YES);
    assert_eq!(check("StringEquals", Some(&["A"]), &["a"]), NO);
    assert_eq!(check("StringEqualsIgnoreCase", Some(&["A"]), &["a"]), YES);
    assert_eq!(check("StringNotEquals", Some(&["a"]), &["b", "c"]), YES);
    assert_eq!(check("StringNotEquals", Some(&["a"]), &["b", "a"]), NO);
    assert_eq!(check("StringNotEqualsIgnoreCase", Some(&["A"]), &["a"]), NO);
    // `*` is literal to StringEquals, a wildcard to StringLike.
    assert_eq!(check("StringEquals", Some(&["ab"]), &["a*"]), NO);
    assert_eq!(check("StringLike", Some(&["ab"]), &["a*"]), YES);
    assert_eq!(check("StringLike", Some(&["ab"]), &["a?"]), YES);
    assert_eq!(check("StringNotLike", Some(&["ab"]), &["x*", "a*"]), NO);
}

#[test]
fn absent_keys() {
    // A positive operator does not match an absent key; a negated one does; IfExists does.
    assert_eq!(check("StringEquals", None, &["a"]), NO);
    assert_eq!(check("StringNotEquals", None, &["a"]), YES);
    assert_eq!(check("StringEqualsIfExists", None, &["a"]), YES);
    assert_eq!(check("BoolIfExists", None, &["false"]), YES);
    assert_eq!(check("Bool", None, &["false"]), NO);
    assert_eq!(check("NumericLessThan", None, &["3600"]), NO);
    assert_eq!(check("NotIpAddress", None, &["10.0.0.0/8"]), YES);
    assert_eq!(check("Null", None, &["true"]), YES);
    assert_eq!(check("Null", Some(&["x"]), &["true"]), NO);
    assert_eq!(check("Null", Some(&["x"]), &["false"]), YES);
    // Set qualifiers: ForAnyValue needs a value, ForAllValues holds vacuously, IfExists or not.
    assert_eq!(check("ForAnyValue:StringEquals", None, &["a"]), NO);
    assert_eq!(check("ForAnyValue:StringEqualsIfExists", None, &["a"]), NO);
    assert_eq!(check("ForAllValues:StringEquals", None, &["a"]), YES);
}

#[test]
fn multivalued_keys() {
    let two: &[&str] = &["a", "b"];
    assert_eq!(check("ForAnyValue:StringEquals", Some(two), &["b"]), YES);
    assert_eq!(check("ForAllValues:StringEquals", Some(two), &["b"]), NO);
    assert_eq!(
        check("ForAllValues:StringEquals", Some(two), &["a", "b", "c"]),
        YES
    );
    assert_eq!(check("ForAnyValue:StringNotEquals", Some(two), &["a"]), YES);
    assert_eq!(check("ForAllValues:StringNotEquals", Some(two), &["a"]), NO);
    // Without a qualifier, several values never match, negated or not.
    assert_eq!(check("StringEquals", Some(two), &["a", "b"]), NO);
    assert_eq!(check("StringNotEquals", Some(two), &["c"]), NO);
    // A single value is a set of one.
    assert_eq!(check("ForAnyValue:StringEquals", Some(&["a"]), &["a"]), YES);
}

#[test]
fn numbers_dates_and_booleans() {
    assert_eq!(check("NumericLessThan", Some(&["3599"]), &["3600"]), YES);
    assert_eq!(
        check("NumericLessThanEquals", Some(&["3600"]), &["3600"]),
        YES
    );
    assert_eq!(check("NumericGreaterThan", Some(&["3600"]), &["3600"]), NO);
    assert_eq!(
        check("NumericGreaterThanEquals", Some(&["3600.5"]), &["3600"]),
        YES
    );
    assert_eq!(check("NumericEquals", Some(&["7"]), &["7.0"]), YES);
    assert_eq!(check("NumericNotEquals", Some(&["7"]), &["8"]), YES);
    // A word is not a number: neither operator matches.
    assert_eq!(check("NumericEquals", Some(&["seven"]), &["7"]), NO);
    assert_eq!(check("NumericNotEquals", Some(&["seven"]), &["7"]), NO);
    let now = "2026-11-20T09:00:00Z";
    assert_eq!(
        check("DateLessThan", Some(&[now]), &["2027-01-01T00:00:00Z"]),
        YES
    );
    assert_eq!(check("DateGreaterThan", Some(&[now]), &["2027-01-01"]), NO);
    assert_eq!(check("DateEquals", Some(&["1795165200"]), &[now]), YES);
    assert_eq!(
        check("DateNotEquals", Some(&[now]), &["2026-11-20T09:00:01Z"]),
        YES
    );
    assert_eq!(check("DateLessThanEquals", Some(&[now]), &[now]), YES);
    assert_eq!(check("DateGreaterThanEquals", Some(&["1"]), &["0"]), YES);
    assert_eq!(check("Bool", Some(&["TRUE"]), &["true"]), YES);
    assert_eq!(check("Bool", Some(&["true"]), &["false"]), NO);
    assert_eq!(check("Bool", Some(&["yes"]), &["true"]), NO);
    assert_eq!(
        check("BinaryEquals", Some(&["QmluYXJ5"]), &["QmluYXJ5"]),
        YES
    );
    assert_eq!(
        check("BinaryEquals", Some(&["QmluYXJ5"]), &["qmluyxj5"]),
        NO
    );
}

#[test]
fn addresses() {
    assert_eq!(
        check("IpAddress", Some(&["203.0.113.9"]), &["203.0.113.0/24"]),
        YES
    );
    assert_eq!(
        check("IpAddress", Some(&["203.0.114.9"]), &["203.0.113.0/24"]),
        NO
    );
    assert_eq!(
        check("NotIpAddress", Some(&["203.0.114.9"]), &["203.0.113.0/24"]),
        YES
    );
    assert_eq!(
        check("IpAddress", Some(&["2001:db8::9"]), &["2001:db8::/32"]),
        YES
    );
    // An IPv6 address is outside every IPv4 range.
    assert_eq!(
        check("IpAddress", Some(&["2001:db8::9"]), &["0.0.0.0/0"]),
        NO
    );
    assert_eq!(
        check("NotIpAddress", Some(&["2001:db8::9"]), &["0.0.0.0/0"]),
        YES
    );
    assert_eq!(check("IpAddress", Some(&["10.0.0.1"]), &["10.0.0.1"]), YES);
    assert_eq!(
        check("IpAddress", Some(&["not an address"]), &["0.0.0.0/0"]),
        NO
    );
    assert_eq!(
        check("NotIpAddress", Some(&["not an address"]), &["0.0.0.0/0"]),
        NO
    );
}

#[test]
fn arns() {
    let arn = "arn:aws:iam::111122223333:user/ci";
    assert_eq!(
        check("ArnLike", Some(&[arn]), &["arn:aws:iam::*:user/*"]),
        YES
    );
    assert_eq!(
        check(
            "ArnEquals",
            Some(&[arn]),
            &["arn:aws:iam::111122223333:user/ci"]
        ),
        YES
    );
    assert_eq!(
        check("ArnNotLike", Some(&[arn]), &["arn:aws:iam::*:role/*"]),
        YES
    );
    // Each of the first five parts is matched alone: `*` does not cross a colon there.
    assert_eq!(check("ArnLike", Some(&[arn]), &["arn:*:user/ci"]), NO);
    assert_eq!(check("ArnLike", Some(&["not-an-arn"]), &["*"]), NO);
    assert_eq!(
        check(
            "ArnNotLike",
            Some(&["not-an-arn"]),
            &["arn:aws:iam::*:role/*"]
        ),
        NO
    );
}

#[test]
fn variables_in_values() {
    // Resolved in string and ARN operators; a missing one fails its value.
    assert_eq!(
        check("StringEquals", Some(&["ci"]), &["${aws:username}"]),
        YES
    );
    assert_eq!(
        check(
            "StringLike",
            Some(&["team/ci/x"]),
            &["team/${aws:username}/*"]
        ),
        YES
    );
    assert_eq!(
        check("StringEquals", Some(&["x"]), &["${aws:PrincipalTag/none}"]),
        NO
    );
    assert_eq!(
        check(
            "StringNotEquals",
            Some(&["x"]),
            &["${aws:PrincipalTag/none}"]
        ),
        NO
    );
    assert_eq!(
        check(
            "StringEquals",
            Some(&["x"]),
            &["${aws:PrincipalTag/none, 'x'}"]
        ),
        YES
    );
    assert_eq!(
        check("StringEquals", Some(&["x"]), &["${aws:SourceIdentity}"]),
        Tri::Maybe
    );
    // A variable's value is literal: its `*` is no wildcard.
    assert_eq!(check("StringLike", Some(&["a*"]), &["a${*}"]), YES);
    assert_eq!(check("StringLike", Some(&["ab"]), &["a${*}"]), NO);
    assert_eq!(
        check(
            "ArnLike",
            Some(&["arn:aws:iam::1:user/ci"]),
            &["arn:aws:iam::*:user/${aws:username}"]
        ),
        YES
    );
    // Not in numeric operators: `${` is text there, and text is no number.
    assert_eq!(
        check("NumericEquals", Some(&["1"]), &["${aws:username}"]),
        NO
    );
}
