//! The wording of schema diagnostics: each constraint of `schemas/policy.schema.json` stated as a
//! rule in words, and a corrected line built from the user's own value where one can be guessed.
//!
//! A newcomer writing a policy from scratch sees only these messages, so "has an invalid value"
//! is not enough: the message names the rule, the help shows the line as it should be written.
//! [`schema`](super::schema) decides which error is reported where; this module only words it.

use serde_json::Value;

/// The AWS regions a policy may name, for the region rule and the nearest-region suggestion.
/// The schema's pattern admits any region-shaped name (new regions keep coming); this list only
/// feeds the suggestion and the message, so a region missing here is still accepted.
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-east-1",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "sa-east-1",
    "me-south-1",
    "me-central-1",
    "af-south-1",
    "il-central-1",
];

/// The patterns of the schema, each with its rule in words. A unit test holds every pattern of
/// the schema to having an entry here, so a new pattern cannot ship with a bare "invalid value".
const PATTERNS: &[(&str, &str)] = &[
    (
        ACCOUNT_ID,
        "a 12-digit string (quote it, so leading zeros survive)",
    ),
    (
        "^[a-z0-9][a-z0-9._-]{0,62}$",
        "lowercase letters, digits and hyphens (dots and underscores too), starting with a letter or digit, at most 63 characters",
    ),
    (
        "^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]+$",
        "an AWS region: area-direction-number, all lowercase (us-east-1, us-west-2, eu-central-1, us-gov-west-1)",
    ),
    (
        "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$",
        "an email address shaped name@domain.tld, with one @ and no spaces",
    ),
    (
        "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]+$",
        "an IAM role ARN: arn:aws:iam::<12-digit account id>:role/<role name>",
    ),
    (
        "^[\\w+=,.@-]{1,128}$",
        "an IAM group name: 1 to 128 letters, digits and + = , . @ _ - (no spaces)",
    ),
    (
        "^[\\w+=,.@-]{1,64}$",
        "an IAM user name: 1 to 64 letters, digits and + = , . @ _ - (no spaces)",
    ),
    (
        "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$",
        "an EKS cluster name: letters, digits, hyphens and underscores, starting with a letter or digit, at most 100 characters",
    ),
    (
        "^[a-z]+\\.[a-z0-9-]+$",
        "a finding code: family.name in lowercase, e.g. deployer.key-count",
    ),
    ("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "a date written YYYY-MM-DD"),
    (
        "^[A-Za-z0-9-]+:[A-Za-z0-9_.:/=+@ -]{1,200}$",
        "a condition key written service:name (letters, digits and _ . : / = + @ - or spaces after the colon), e.g. aws:PrincipalOrgID or aws:SourceIp",
    ),
    (
        "^[\\w+=,.@-]{1,32}$",
        "a permission set name as the portal shows it: 1 to 32 letters, digits and + = , . @ _ - (no spaces), e.g. Project-Admin",
    ),
    (
        "^arn:aws[a-z-]*:iam::(aws|[0-9]{12}):policy/[\\w+=,.@/-]{1,512}$",
        "a managed policy ARN: arn:aws:iam::aws:policy/<name> (AWS managed) or arn:aws:iam::<12-digit account id>:policy/<name> (customer managed)",
    ),
    (
        "^([A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*/)*[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.ya?ml$",
        "a path relative to --infrastructure that ends in .yaml or .yml, with no `..`, `.` or empty part, e.g. config/clusters/nasa-veda/cluster.yaml",
    ),
];

/// The rule of `pattern` in words; `None` for a pattern nobody worded yet (a test forbids that).
pub fn pattern_words(pattern: &str) -> Option<&'static str> {
    PATTERNS
        .iter()
        .find(|(known, _)| *known == pattern)
        .map(|(_, words)| *words)
}

/// The pattern of an AWS account id.
pub const ACCOUNT_ID: &str = "^[0-9]{12}$";

/// How many digits `value` has, all digits but not twelve, in words; else `None` (the pattern's
/// words and a corrected value say it better).
pub fn digit_count(value: &str) -> Option<String> {
    let digits = value.chars().count();
    (!value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) && digits != 12).then(|| {
        let s = if digits == 1 { "" } else { "s" };
        format!("it has {digits} digit{s}; an AWS account id has 12")
    })
}

/// `a`, `b` or `c`.
pub fn one_of(options: &[String]) -> String {
    match options {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// The candidate closest to `value` by edit distance (case-insensitive), if any is close.
pub fn nearest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&value, c), c))
        .filter(|&(distance, c)| distance <= 3.max(c.len() / 3))
        .min()
        .map(|(_, c)| c)
}

/// A value that satisfies `node` (a schema node with a pattern), built from what the user wrote,
/// or `None` when no honest guess exists. `document` supplies other fields (the account id for a
/// role ARN).
pub fn fix_string(node: &Value, value: &str, document: &Value) -> Option<String> {
    let pattern = node.get("pattern").and_then(Value::as_str)?;
    let squeeze = |value: &str, keep: &dyn Fn(char) -> bool, max: usize| -> String {
        let mut out = String::new();
        for c in value.trim().chars() {
            let c = if keep(c) { c } else { '-' };
            if !(c == '-' && out.ends_with('-')) {
                out.push(c);
            }
        }
        out.trim_matches('-').chars().take(max).collect()
    };
    let iam = |c: char| c.is_alphanumeric() || "_+=,.@-".contains(c);
    let fixed = match pattern {
        "^[0-9]{12}$" => value.chars().filter(char::is_ascii_digit).collect(),
        "^[a-z0-9][a-z0-9._-]{0,62}$" => {
            let keep = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
            squeeze(&value.to_lowercase(), &keep, 63)
        }
        p if p.starts_with("^[a-z]{2}(-gov") => nearest(value, REGIONS.iter().copied())?.into(),
        "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$" => value.split_whitespace().collect(),
        // Before the role ARN's arm, which also starts `^arn:aws`: a bare policy name is
        // read as the AWS managed policy of that name, the usual case for a permission set.
        p if p.starts_with("^arn:aws[a-z-]*:iam::(aws|") => {
            let name = value
                .trim()
                .rsplit(['/', ':'])
                .next()
                .filter(|n| !n.is_empty())?;
            format!("arn:aws:iam::aws:policy/{name}")
        }
        p if p.starts_with("^arn:aws") => {
            let id = document.pointer("/account/id").and_then(Value::as_str)?;
            let role = value.rsplit(['/', ':']).next().filter(|r| !r.is_empty())?;
            format!("arn:aws:iam::{id}:role/{role}")
        }
        "^[\\w+=,.@-]{1,128}$" => squeeze(value, &iam, 128),
        "^[\\w+=,.@-]{1,64}$" => squeeze(value, &iam, 64),
        "^[\\w+=,.@-]{1,32}$" => squeeze(value, &iam, 32),
        "^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$" => squeeze(
            value,
            &|c: char| c.is_ascii_alphanumeric() || "_-".contains(c),
            100,
        ),
        "^[a-z]+\\.[a-z0-9-]+$" => nearest(
            value,
            crate::base::codes::Code::ALL
                .iter()
                .filter(|c| c.is_finding())
                .map(|c| c.as_str()),
        )?
        .into(),
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" => value.trim().replace(['/', '.', ' '], "-"),
        _ => return None,
    };
    let fixed = Value::String(fixed);
    (fixed.as_str() != Some(value) && jsonschema::is_valid(node, &fixed))
        .then(|| fixed.as_str().unwrap_or_default().to_owned())
}

/// `fixed` written as YAML: quoted ([`crate::base::yaml_text::quoted`]) unless plain is a string.
pub fn yaml_string(fixed: &str) -> String {
    let plain = super::scalar::resolve(fixed, saphyr_parser::ScalarStyle::Plain);
    if plain.is_string()
        && !fixed.contains(": ")
        && !fixed.contains(" #")
        && !fixed.starts_with(['*', '&', '!', '#'])
    {
        fixed.to_owned()
    } else {
        crate::base::yaml_text::quoted(fixed)
    }
}

/// A line of YAML that sets `key` to `value`: `key: value`, or `- value` for a list item.
pub fn line(key: &str, value: &str) -> String {
    if key.bytes().all(|b| b.is_ascii_digit()) && !key.is_empty() {
        format!("- {value}")
    } else {
        format!("{key}: {value}")
    }
}

/// An example value for a required field that is missing, built from the document where the
/// document knows it (a deployer's cluster is usually named like the account).
pub fn example(property: &str, document: &Value) -> String {
    let get = |pointer: &str, default: &str| {
        document
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    match property {
        "account" => "account:\n  id: \"123456789012\"\n  name: nasa-example".into(),
        "id" => "id: \"123456789012\"".into(),
        "name" => "name: nasa-example".into(),
        "email" => "email: someone@example.org".into(),
        "cluster" => format!("cluster: {}", get("/account/name", "nasa-example")),
        "user" => "user: example-engineer".into(),
        "action" => "action: eks:DescribeCluster".into(),
        "resource" => format!(
            "resource: arn:aws:eks:{}:{}:cluster/{}",
            get("/account/region", "us-west-2"),
            get("/account/id", "<account id>"),
            get("/deployer/cluster", "<cluster>")
        ),
        "code" => "code: deployer.key-count".into(),
        "reason" => "reason: why the drift is accepted".into(),
        "until" => "until: 2030-12-31".into(),
        "key" => "key: aws:PrincipalOrgID".into(),
        "values" => "values: [o-exampleorgid]".into(),
        "permission_sets" => "permission_sets:\n  - name: Project-Admin".into(),
        other => format!("{other}: ..."),
    }
}

/// The keys a mapping node must and may hold, in words: "`user` (and optionally `owner`)".
pub fn mapping_words(node: &Value) -> String {
    let required: Vec<String> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(|k| format!("`{k}`"))
                .collect()
        })
        .unwrap_or_default();
    let optional: Vec<String> = node
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.keys()
                .map(|k| format!("`{k}`"))
                .filter(|k| !required.contains(k))
                .collect()
        })
        .unwrap_or_default();
    match (required.is_empty(), optional.is_empty()) {
        (true, true) => "a mapping".into(),
        (true, false) => format!("a mapping of {}", one_of(&optional)),
        (false, true) => format!("a mapping with {}", one_of(&required)),
        (false, false) => format!(
            "a mapping with {} (and optionally {})",
            one_of(&required),
            one_of(&optional)
        ),
    }
}

/// The range of an integer node in words: "a whole number from 0 to 2".
pub fn range_words(node: &Value) -> String {
    let bound = |k: &str| node.get(k).and_then(Value::as_i64);
    match (bound("minimum"), bound("maximum")) {
        (Some(lo), Some(hi)) => format!("a whole number from {lo} to {hi}"),
        (Some(lo), None) => format!("a whole number of at least {lo}"),
        (None, Some(hi)) => format!("a whole number of at most {hi}"),
        (None, None) => "a whole number".into(),
    }
}

#[cfg(test)]
mod tests;
