//! Named profiles must exist: `--profile NAME` or `account.profile` that no AWS config file
//! defines is said so, naming the files searched, before any request (the SDK would otherwise fail
//! later with a message about credentials that does not name the typo).

use std::path::{Path, PathBuf};

/// The shared config and credentials files the SDK reads, honouring `AWS_CONFIG_FILE` and
/// `AWS_SHARED_CREDENTIALS_FILE`.
pub fn files() -> (PathBuf, PathBuf) {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let pick = |variable: &str, default: &str| {
        std::env::var_os(variable)
            .filter(|v| !v.is_empty())
            .map_or_else(|| home.join(".aws").join(default), PathBuf::from)
    };
    (
        pick("AWS_CONFIG_FILE", "config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    )
}

/// `Ok` when `name` is a profile of `config` (`[profile NAME]`, or `[default]`) or of
/// `credentials` (`[NAME]`); otherwise why not, naming both files and whether they exist.
pub fn check(name: &str, config: &Path, credentials: &Path) -> Result<(), String> {
    let sections = |path: &Path, in_config: bool| -> Vec<String> {
        // The user's own configuration files; bounded all the same.
        let text = std::fs::File::open(path)
            .and_then(|f| {
                let mut text = String::new();
                std::io::Read::read_to_string(
                    &mut std::io::Read::take(f, 4 * 1024 * 1024),
                    &mut text,
                )
                .map(|_| text)
            })
            .unwrap_or_default();
        text.lines()
            .filter_map(|line| {
                let inner = line.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
                if !in_config || inner == "default" {
                    return Some(inner.to_owned());
                }
                inner
                    .strip_prefix("profile")
                    .filter(|rest| rest.starts_with(char::is_whitespace))
                    .map(|rest| rest.trim().to_owned())
            })
            .collect()
    };
    if sections(config, true).iter().any(|s| s == name)
        || sections(credentials, false).iter().any(|s| s == name)
    {
        return Ok(());
    }
    let state = |path: &Path| {
        let exists = if path.exists() { "" } else { " (absent)" };
        format!("{}{exists}", path.display())
    };
    Err(format!(
        "the AWS profile `{name}` is not defined: searched {} and {}; check its spelling, or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE",
        state(config),
        state(credentials)
    ))
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn profiles_are_found_in_either_file_or_the_search_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let credentials = dir.path().join("credentials");
        std::fs::write(
            &config,
            "[default]\nregion = us-west-2\n[profile veda]\nsso_session = x\n[sso-session x]\n",
        )
        .unwrap();
        assert!(check("veda", &config, &credentials).is_ok());
        assert!(check("default", &config, &credentials).is_ok());
        // `[veda]` in the config file is not a profile there (it must be `[profile veda]`).
        let message = check("x", &config, &credentials).unwrap_err();
        assert!(message.contains("`x` is not defined"), "{message}");
        assert!(
            message.contains(&format!("{} (absent)", credentials.display())),
            "{message}"
        );
        std::fs::write(&credentials, "[ci]\naws_access_key_id = AKIAEXAMPLE\n").unwrap();
        assert!(check("ci", &config, &credentials).is_ok());
        assert!(check("vedaa", &config, &credentials).is_err());
    }
}
