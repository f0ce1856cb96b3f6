//! POSIX shell quoting for the copy-paste fix commands in findings' help. User, group and key
//! names come from recordings and policies: quoted, a name such as `x$(id)` stays one argument
//! instead of running a command when the help is pasted into a shell.

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

#[cfg(test)]
mod tests {
    use super::quote;

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
}
