//! Keeps credentials out of everything the live reader prints or writes.
//!
//! Two ways a secret reaches text: an endpoint URL (`AWS_ENDPOINT_URL` and the service-specific
//! overrides) may carry `user:password@` or a signed query string, and an SDK error may carry a
//! credential provider's output (a failing `credential_process` has its whole stderr in the
//! error). [`redact_url`] is for a URL we print ourselves, [`redact_message`] for any error text
//! from the SDK, which may embed such a URL or such output; what is masked in such text is
//! [`super::mask`]'s.

use super::mask::mask_secrets;

/// The URL without what may authenticate: the userinfo (`user:pass@`), the query string and the
/// fragment are dropped, scheme, host, port and path kept, so the text still says where we went.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let rest = &rest[..rest.find(['?', '#']).unwrap_or(rest.len())];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    // The last `@` of the authority ends the userinfo: a password may itself hold an `@`.
    let host_start = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
    format!("{scheme}{}", &rest[host_start..])
}

/// An error text fit to print: its first line only (a credential process's stderr may go on with
/// anything), every URL in it through [`redact_url`], and whatever looks like a key or token
/// masked (see [`mask_secrets`]). Control characters become spaces so a terminal shows what is
/// there.
pub fn redact_message(text: &str) -> String {
    let first = text.split(['\n', '\r']).next().unwrap_or_default();
    let printable: String = first
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    mask_secrets(&redact_urls(&printable))
}

/// Every `scheme://...` in `text` through [`redact_url`]; a URL ends at whitespace or a quote or
/// bracket that would close it.
fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme_start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || "+-.".contains(c)))
            .map_or(0, |i| i + 1);
        let end = rest[at..]
            .find(|c: char| c.is_whitespace() || "\"'<>`()[]{}".contains(c))
            .map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..scheme_start]);
        out.push_str(&redact_url(&rest[scheme_start..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_userinfo_query_and_fragment() {
        assert_eq!(
            redact_url("http://user:PASS@moto:5000/?token=TOK"),
            "http://moto:5000/"
        );
        assert_eq!(
            redact_url("https://a:p@ss@iam.example.org/base?X-Amz-Security-Token=abc#frag"),
            "https://iam.example.org/base"
        );
        assert_eq!(redact_url("http://127.0.0.1:5000"), "http://127.0.0.1:5000");
        // An `@` in the path is not userinfo.
        assert_eq!(redact_url("http://host/a@b"), "http://host/a@b");
        assert_eq!(redact_url("host:5000?x=1"), "host:5000");
    }

    #[test]
    fn urls_inside_messages_are_redacted() {
        assert_eq!(
            redact_message("invalid endpoint (http://u:PASS@h:1/?t=TOK): bad, see https://x@y"),
            "invalid endpoint (http://h:1/): bad, see https://y"
        );
    }

    #[test]
    fn credential_process_stderr_keeps_its_first_line_masked() {
        let stderr = "Error retrieving credentials: external process exited with code exit status: 1. \
            Stderr: SECRETDISTINCT99 aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n\
            second line SECRETDISTINCT99 wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
        assert_eq!(
            redact_message(stderr),
            "Error retrieving credentials: external process exited with code exit status: 1. \
             Stderr: SECRETDISTINCT99 aws_secret_access_key=****"
        );
    }
}
