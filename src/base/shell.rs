//! POSIX shell quoting for the copy-paste fix commands in findings' help, the one place shell
//! words are quoted. User, group and key names come from recordings and policies: quoted, a name
//! such as `x$(id)` stays one argument instead of running a command when the help is pasted into
//! a shell, and one such as `-lead` stays the value of its flag instead of becoming a flag.

use std::borrow::Cow;

/// `word` as one POSIX shell argument: unchanged when it holds only characters no shell treats
/// specially (IAM's own name alphabet and `:/`), else in single quotes with each `'` written `'\''`.
pub fn quote(word: &str) -> Cow<'_, str> {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-:/".contains(c));
    if plain {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(format!("'{}'", word.replace('\'', "'\\''")))
    }
}

/// `flag` with `value` as its argument: `--user-name alice`, or `--user-name=-lead` when the
/// value starts with `-`, which the AWS CLI (and clap) would otherwise read as the next flag.
/// Both forms are read the same by every tool the fix commands name.
pub fn option(flag: &str, value: &str) -> String {
    if value.starts_with('-') {
        format!("{flag}={}", quote(value))
    } else {
        format!("{flag} {}", quote(value))
    }
}

#[cfg(test)]
mod tests {
    use super::{option, quote};

    #[test]
    fn names_stay_one_argument() {
        assert_eq!(quote("hub-continuous-deployer"), "hub-continuous-deployer");
        assert_eq!(quote("x$(id)"), "'x$(id)'");
        assert_eq!(quote("a'b"), "'a'\\''b'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b;rm -rf /"), "'a b;rm -rf /'");
        assert_eq!(
            quote("arn:aws:eks:us-west-2:1:cluster/x"),
            "arn:aws:eks:us-west-2:1:cluster/x"
        );
    }

    #[test]
    fn a_value_like_a_flag_stays_the_flags_value() {
        assert_eq!(option("--user-name", "alice"), "--user-name alice");
        assert_eq!(option("--user-name", "-lead"), "--user-name=-lead");
        assert_eq!(option("--user-name", "-a b"), "--user-name='-a b'");
        assert_eq!(option("--group-name", "x$(id)"), "--group-name 'x$(id)'");
    }
}
