//! Masks secrets in free text (an SDK error, a credential process's stderr): the values that
//! follow secret key names or secret words, AWS access key ids, and credential-shaped runs, each
//! replaced by [`MASK`]. It errs on the side of masking: prose may lose a word, a secret never
//! passes because of its separator or its alphabet.

/// What a removed secret is replaced with.
pub const MASK: &str = "****";

/// Key names whose values are secrets, matched case-insensitively anywhere in the key
/// (`aws_secret_access_key`, `SessionToken`, `X-Amz-Security-Token`, `password`, ...), when the
/// value follows `=` (or `:` after a quoted key, as JSON has it).
const SECRET_KEYS: [&str; 5] = ["secret", "token", "password", "session", "credential"];

/// Words after which the next value is a secret whatever separates them (spaces, `=`, `:`,
/// quotes, "is"): a word ending with one of these, case-insensitively, in its last `_`/`-`/`.`
/// part (`password hunter2`, `Password: x`, `aws_secret_access_key wJal...`, `SessionToken "t"`,
/// `api-key is k`). Prose pays for it ("the security token **** in the request is invalid"),
/// which is the safe side.
const SECRET_WORDS: [&str; 6] = ["password", "passwd", "passphrase", "secret", "token", "key"];

/// Linking verbs skipped between a secret word and its value (`password is hunter2`).
const VERBS: [&str; 3] = ["is", "was", "are"];

/// Masks, in this order: the value of every `key=value`, `key = value` and `"key": "value"` whose
/// key names a secret ([`SECRET_KEYS`]), and the value after a secret word whatever the
/// separator ([`SECRET_WORDS`]); AWS access key ids (`AKIA`/`ASIA` and 16 uppercase letters or
/// digits); and any credential-shaped run: 20 or more characters of the key alphabets
/// (`A-Za-z0-9/+=`) holding a letter, unless it reads as words (see [`reads_as_words`]), with or
/// without digits. Secret keys, session tokens and hashes look like that; ARNs and API names,
/// which the messages need, do not.
pub fn mask_secrets(text: &str) -> String {
    mask_long_runs(&mask_key_values(text))
}

fn is_key_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-.".contains(&b)
}

fn mask_key_values(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // Everything before `copied` is in `out`; the scan only ever cuts at ASCII bytes, so every
    // slice is on a character boundary.
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_key = is_key_char(bytes[i]) && (i == 0 || !is_key_char(bytes[i - 1]));
        if !starts_key {
            i += 1;
            continue;
        }
        let key_end = i + bytes[i..].iter().take_while(|b| is_key_char(**b)).count();
        let quoted = i > 0 && bytes[i - 1] == b'"' && bytes.get(key_end) == Some(&b'"');
        let key = text[i..key_end].to_ascii_lowercase();
        let after = key_end + usize::from(quoted);
        let paired = value_after(bytes, after, quoted);
        // Inside a run of the key alphabets (`.../bPxRfiCYEXAMPLEKEY`) a word is no key.
        let in_run = i > 0 && b"/+=".contains(&bytes[i - 1]);
        let value = match &paired {
            Some(value) if SECRET_KEYS.iter().any(|k| key.contains(k)) => Some(value.clone()),
            _ if !in_run && is_secret_word(&text[i..key_end]) => value_after_word(bytes, after),
            _ => None,
        };
        match value.filter(|v| !v.is_empty()) {
            Some(value) => {
                out.push_str(&text[copied..value.start]);
                out.push_str(MASK);
                copied = value.end;
                i = value.end.max(key_end);
            }
            None => i = paired.map_or(key_end, |v| v.end.max(key_end)),
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// The byte range of the value after a key ending at `at`: `=` (or `:` after a quoted key, as
/// JSON has it; a bare `word:` is prose, "Error retrieving credentials: ..."), spaces allowed
/// around it; a quoted value without its quotes, else up to whitespace or a separator.
fn value_after(bytes: &[u8], at: usize, quoted_key: bool) -> Option<std::ops::Range<usize>> {
    let spaces = |from: usize| from + bytes[from..].iter().take_while(|b| **b == b' ').count();
    let sep = spaces(at);
    match bytes.get(sep) {
        Some(b'=') => {}
        Some(b':') if quoted_key => {}
        _ => return None,
    }
    value_at(bytes, spaces(sep + 1))
}

/// The value starting at `start`: a quoted one without its quotes, else up to whitespace or a
/// separator.
fn value_at(bytes: &[u8], start: usize) -> Option<std::ops::Range<usize>> {
    match bytes.get(start) {
        Some(&quote @ (b'"' | b'\'')) => {
            let len = bytes[start + 1..]
                .iter()
                .take_while(|b| **b != quote)
                .count();
            Some(start + 1..start + 1 + len)
        }
        _ => {
            let len = bytes[start.min(bytes.len())..]
                .iter()
                .take_while(|b| !(b.is_ascii_whitespace() || b"&,;\"'})]".contains(b)))
                .count();
            Some(start..start + len)
        }
    }
}

/// Whether `key` is a secret word: its last `_`/`-`/`.` part is one of [`SECRET_WORDS`] or ends
/// with one in camel case (`SessionToken`, `aws_secret_access_key`, `ApiKey`; not `monkey`, nor
/// the `KEY` at the end of a random run). A word that ends a sentence (`password.`) is not
/// followed by its value.
fn is_secret_word(key: &str) -> bool {
    if key.ends_with('.') {
        return false;
    }
    let last = key.rsplit(['_', '-', '.']).next().unwrap_or(key);
    let b = last.as_bytes();
    SECRET_WORDS.iter().any(|word| {
        let Some(at) = last.len().checked_sub(word.len()) else {
            return false;
        };
        last[at..].eq_ignore_ascii_case(word)
            && (at == 0 || (b[at].is_ascii_uppercase() && b[at - 1].is_ascii_lowercase()))
    })
}

/// The byte range of the value after a secret word ending at `at`: past spaces, at most one `=`
/// or `:`, spaces and a linking verb ([`VERBS`]); a quoted value without its quotes, else up to
/// whitespace or a separator. `None` when nothing follows.
fn value_after_word(bytes: &[u8], at: usize) -> Option<std::ops::Range<usize>> {
    let spaces = |from: usize| from + bytes[from..].iter().take_while(|b| **b == b' ').count();
    let mut start = spaces(at);
    if matches!(bytes.get(start), Some(b'=' | b':')) {
        start = spaces(start + 1);
    }
    for verb in VERBS {
        let end = start + verb.len();
        let is_verb = bytes
            .get(start..end)
            .is_some_and(|w| w.eq_ignore_ascii_case(verb.as_bytes()))
            && bytes.get(end) == Some(&b' ');
        if is_verb {
            start = spaces(end);
            break;
        }
    }
    value_at(bytes, start)
}

fn is_secret_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"/+=".contains(&b)
}

fn mask_long_runs(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let len = bytes[i..]
            .iter()
            .take_while(|b| is_secret_char(**b))
            .count();
        if len == 0 {
            // Copy one whole character (it may be multi-byte).
            let c = text[i..].chars().next().expect("in bounds");
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let run = &text[i..i + len];
        let letters = run.bytes().any(|b| b.is_ascii_alphabetic());
        if len >= 20 && letters && !reads_as_words(run) {
            out.push_str(MASK);
        } else {
            out.push_str(&mask_key_ids(run));
        }
        i += len;
    }
    out
}

/// Whether a run of the key alphabets reads as words rather than as a credential: every
/// `/`-separated part is letters only, camel case at most (no two capitals in a row, and no
/// capital ends a part longer than one letter), and one all in lower case is shorter than 20.
/// ARN paths and API names read so (`role/OrganizationAccountAccessRole/x`,
/// `iam:GetAccountAuthorizationDetails`); a secret key or token, drawn at random from the
/// alphabet, has digits, `+`, `=` or capitals side by side within its first few characters.
fn reads_as_words(run: &str) -> bool {
    run.split('/').all(|part| {
        let b = part.as_bytes();
        let upper = b.iter().filter(|c| c.is_ascii_uppercase()).count();
        b.iter().all(u8::is_ascii_alphabetic)
            && !b
                .windows(2)
                .any(|w| w[0].is_ascii_uppercase() && w[1].is_ascii_uppercase())
            && !(b.len() > 1 && b.last().is_some_and(u8::is_ascii_uppercase))
            && (upper > 0 || b.len() < 20)
    })
}

/// `AKIA`/`ASIA` followed by 16 uppercase letters or digits, wherever it sits in `run`.
fn mask_key_ids(run: &str) -> String {
    let bytes = run.as_bytes();
    let mut out = String::with_capacity(run.len());
    let mut i = 0;
    while i < bytes.len() {
        let id = bytes.len() - i >= 20
            && (bytes[i..].starts_with(b"AKIA") || bytes[i..].starts_with(b"ASIA"))
            && bytes[i + 4..i + 20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if id {
            out.push_str(MASK);
            i += 20;
        } else {
            out.push(char::from(bytes[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_pairs_are_masked() {
        assert_eq!(
            mask_secrets(r#"{"SessionToken": "abc def", "AccessKeyId": "id", "Password":'x y'}"#),
            r#"{"SessionToken": "****", "AccessKeyId": "id", "Password":'****'}"#
        );
        assert_eq!(
            mask_secrets("password = hunter2, user=bob; X-Amz-Security-Token=t&x=1 token="),
            "password = ****, user=bob; X-Amz-Security-Token=****&x=1 token="
        );
        // Prose with a colon is not a pair.
        assert_eq!(
            mask_secrets("Error retrieving credentials: external process"),
            "Error retrieving credentials: external process"
        );
    }

    #[test]
    fn values_after_secret_words_are_masked_whatever_the_separator() {
        for (text, masked) in [
            ("password hunter2-p4ss", "password ****"),
            ("Password: hunter2-p4ss now", "Password: **** now"),
            ("password  =  'hunter two'", "password  =  '****'"),
            ("my password is hunter2-p4ss.", "my password is ****"),
            (
                "aws_secret_access_key wJalrXUtnFEMI",
                "aws_secret_access_key ****",
            ),
            ("SessionToken \"abc def\" end", "SessionToken \"****\" end"),
            ("api-key k3y, next", "api-key ****, next"),
            ("secret:hunter2", "secret:****"),
            // AWS's own prose loses a word, never a secret.
            (
                "The security token included in the request is invalid.",
                "The security token **** in the request is invalid.",
            ),
        ] {
            assert_eq!(mask_secrets(text), masked, "{text}");
        }
        // No value follows (a sentence's end, a separator, the end of the text), or no word is
        // one (`monkey`, a run ending in `KEY`).
        for plain in [
            "Invalid password. Try again",
            "no token, sorry",
            "the key",
            "keys are listed",
            "token=",
            "monkey business",
        ] {
            assert_eq!(mask_secrets(plain), plain);
        }
    }

    #[test]
    fn credential_shaped_runs_are_masked_with_or_without_digits() {
        // 42 characters of a secret key's alphabet without a digit, mixed case or lower case.
        let mixed = "wJalrXUtnFEMIKMDENGbPxRfiCYEXAMPLEKEYabcde";
        let lower = "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfg";
        assert_eq!((mixed.len(), lower.len()), (42, 41));
        assert_eq!(
            mask_secrets(&format!("got {mixed} and {lower}.")),
            "got **** and ****."
        );
        assert_eq!(mask_secrets("a/b+cdefghijklmnopqrstuvwxyz="), "****");
        // API names, ARNs and errors read as words and stay.
        let plain = "iam:GetAccountAuthorizationDetails UnrecognizedClientException \
            arn:aws:iam::123456789012:role/OrganizationAccountAccessRole/x AccessDeniedException";
        assert_eq!(mask_secrets(plain), plain);
    }

    #[test]
    fn key_ids_and_long_secrets_are_masked() {
        assert_eq!(
            mask_secrets("key AKIAIOSFODNN7EXAMPLE and ASIAABCDEFGHIJKLMNOP."),
            "key **** and ****."
        );
        assert_eq!(
            mask_secrets("got wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and 0123456789abcdef0123"),
            "got **** and ****"
        );
        // Words, ARNs, account ids, request ids and short tokens stay.
        let plain = "User: arn:aws:sts::123456789012:assumed-role/OrganizationAccountAccessRole/x \
            is not authorized (request 8f3c1a2e-1b2c-4d5e-9f00-123456789abc) SECRETDISTINCT99 ünï";
        assert_eq!(mask_secrets(plain), plain);
    }
}
