//! The rule cases' account: one clean account, `acme` ([`Case::base`]: the policy [`POLICY`] and a
//! recording in which nothing drifts), and the builders a test changes it with. A case is judged
//! in-process ([`Case::judge`], through the harness) or written into a directory for the binary
//! ([`Case::write`]); both take the recording from `Case::generated`, so they judge the same bytes.

use super::harness::{self, Judged, RecordingTexts};
use crate::common::{Run, smce_guard_in};
use serde_json::{Value, json};
use std::path::Path;

pub const ID: &str = "111122223333";
pub const NOW: &str = "2026-11-20T09:00:00Z";
pub const DEPLOYER: &str = "hub-continuous-deployer";
pub const CLUSTER: &str = "arn:aws:eks:us-west-2:111122223333:cluster/acme";
pub const POLICY_FILE: &str = "policies/acme.yaml";

/// The base policy's contacts line (line 2), for a case that names others.
pub const CONTACTS: &str = "  contacts: [{name: Acme Operations, email: ops@acme.example}]\n";

/// The base policy. Findings point into it; the line numbers the tests assert are:
/// 3 `account.id`, 4 `account.name`, 6 `members[0].user`, 8 `deployer.user`, 11 `deployer.allow[0]`,
/// 13 `deployer.active_keys`, 15 `max_age_days`, 16 `warn_days`, 17 `unmanaged_users`. Its
/// contacts come first, on line 2, so that every later line sits one below where it sat before
/// `policy.no-contacts` existed (a clean account names who hears about its credentials).
pub const POLICY: &str = r#"account:
  contacts: [{name: Acme Operations, email: ops@acme.example}]
  id: "111122223333"
  name: acme
members:
  - user: alice
deployer:
  user: hub-continuous-deployer
  cluster: acme
  allow:
    - action: eks:DescribeCluster
      resource: arn:aws:eks:us-west-2:111122223333:cluster/acme
  active_keys: 1
credentials:
  max_age_days: 60
  warn_days: 15
unmanaged_users: error
ignore_users: []
"#;

const REPORT_HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

// ---------------------------------------------------------------------------------------------
// Building recorded state
// ---------------------------------------------------------------------------------------------

/// An IAM user as `GetAccountAuthorizationDetails` lists it.
pub fn user(name: &str, groups: &[&str]) -> Value {
    json!({
        "UserName": name,
        "Arn": format!("arn:aws:iam::{ID}:user/{name}"),
        "GroupList": groups,
        "UserPolicyList": [],
        "AttachedManagedPolicies": [],
    })
}

pub fn group(name: &str, inline: Vec<Value>, attached: &[&str]) -> Value {
    let attached: Vec<Value> = attached
        .iter()
        .map(|arn| json!({"PolicyArn": arn}))
        .collect();
    json!({"GroupName": name, "GroupPolicyList": inline, "AttachedManagedPolicies": attached})
}

/// A named inline policy (user or group).
pub fn inline(name: &str, document: Value) -> Value {
    json!({"PolicyName": name, "PolicyDocument": document})
}

pub fn doc(statements: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

pub fn allow(action: Value, resource: Value) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

pub fn managed_arn(name: &str) -> String {
    format!("arn:aws:iam::{ID}:policy/{name}")
}

/// A customer managed policy with `(version id, is default, document)` versions.
pub fn managed(name: &str, versions: &[(&str, bool, Value)]) -> Value {
    let default = versions.iter().find(|v| v.1).map(|v| v.0);
    let list: Vec<Value> = versions
        .iter()
        .map(|(id, is_default, document)| json!({"Document": document, "VersionId": id, "IsDefaultVersion": is_default}))
        .collect();
    json!({"PolicyName": name, "Arn": managed_arn(name), "DefaultVersionId": default, "PolicyVersionList": list})
}

/// URL-encodes text the way the IAM API sends policy documents.
pub fn url_encode(value: &Value) -> Value {
    let text = value.to_string();
    let encoded: String = text
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Value::String(encoded)
}

/// One access key as `ListAccessKeys` prints it.
pub fn key(user: &str, id: &str, status: &str, created: &str) -> Value {
    json!({"UserName": user, "AccessKeyId": id, "Status": status, "CreateDate": created})
}

/// One credential report row; `None` columns are the report's `N/A`.
#[derive(Clone)]
pub struct Row {
    pub user: String,
    /// `password_last_changed`; the password is enabled when set.
    pub password: Option<String>,
    pub mfa: bool,
    /// `(active, last_rotated)` of key slots 1 and 2.
    pub keys: [Option<(bool, String)>; 2],
    /// `password_last_used`; `N/A` (never) when `None`. [`RECENT`] unless a case says otherwise.
    pub password_used: Option<String>,
    /// `access_key_N_last_used_date` of slots 1 and 2; `N/A` (never) when `None`. [`RECENT`]
    /// unless a case says otherwise, so that only cases about use meet the unused rules.
    pub keys_used: [Option<String>; 2],
}

/// A day before `NOW`: when the base case's credentials were last used.
pub const RECENT: &str = "2026-11-19T09:00:00+00:00";

pub fn row(user: &str) -> Row {
    Row {
        user: user.to_owned(),
        password: None,
        mfa: false,
        keys: [None, None],
        password_used: Some(RECENT.into()),
        keys_used: [Some(RECENT.into()), Some(RECENT.into())],
    }
}

impl Row {
    fn csv(&self) -> String {
        let key = |slot: &Option<(bool, String)>, used: &Option<String>| match slot {
            Some((active, at)) => {
                format!("{active},{at},{},N/A,N/A", used.as_deref().unwrap_or("N/A"))
            }
            None => "false,N/A,N/A,N/A,N/A".to_owned(),
        };
        format!(
            "{user},arn:aws:iam::{ID}:user/{user},2025-01-01T00:00:00+00:00,{enabled},{used},{changed},N/A,{mfa},{k1},{k2},false,N/A,false,N/A",
            user = self.user,
            enabled = self.password.is_some(),
            used = self.password_used.as_deref().unwrap_or("N/A"),
            changed = self.password.as_deref().unwrap_or("N/A"),
            mfa = self.mfa,
            k1 = key(&self.keys[0], &self.keys_used[0]),
            k2 = key(&self.keys[1], &self.keys_used[1]),
        )
    }
}

/// What a fixture file becomes instead of its generated content.
#[derive(Clone)]
pub enum Override {
    Text(String),
    Bytes(Vec<u8>),
    Absent,
    Directory,
}

/// One account: its policy and its recorded state, written out only when run.
#[derive(Clone)]
pub struct Case {
    pub name: String,
    pub id: String,
    pub policy: String,
    pub users: Vec<Value>,
    pub groups: Vec<Value>,
    pub policies: Vec<Value>,
    /// `RoleDetailList`: empty, as every recording made before roles were read.
    pub roles: Vec<Value>,
    pub rows: Vec<Row>,
    /// `access-keys.json`; `None` leaves the file out (keys then come from the report).
    pub keys: Option<Vec<Value>>,
    pub snapshot: Option<Value>,
    /// `password-policy.json`, when the case records one.
    pub password_policy: Option<Value>,
    /// No `fixtures/<name>/` folder at all.
    pub no_folder: bool,
    pub overrides: Vec<(&'static str, Override)>,
}

impl Case {
    /// The clean account: member `alice` (admin, MFA, fresh password) and the deployer with its
    /// `eks-readonly` inline policy and one fresh active key. No rule fires at [`NOW`].
    pub fn base() -> Case {
        let mut deployer = user(DEPLOYER, &[]);
        deployer["UserPolicyList"] = json!([inline(
            "eks-readonly",
            doc(json!([allow(json!("eks:DescribeCluster"), json!(CLUSTER))]))
        )]);
        let require_mfa = doc(json!([{
            "Sid": "DenyAllExceptMfaSetupUnlessSignedInWithMFA",
            "Effect": "Deny",
            "NotAction": ["iam:ChangePassword", "iam:EnableMFADevice", "sts:GetSessionToken"],
            "Resource": "*",
            "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
        }]));
        // Both credentials in use the day before `NOW`: nothing unused in the base case.
        let mut alice = row("alice");
        alice.password = Some("2026-10-10T00:00:00+00:00".into());
        alice.mfa = true;
        let mut deployer_row = row(DEPLOYER);
        deployer_row.keys[0] = Some((true, "2026-10-10T00:00:00+00:00".into()));
        Case {
            name: "acme".into(),
            id: ID.into(),
            policy: POLICY.into(),
            users: vec![
                user("alice", &["SMCE-ProjectAdmins", "SMCE-UserRestrictions"]),
                deployer,
            ],
            groups: vec![
                group(
                    "SMCE-ProjectAdmins",
                    vec![],
                    &[&managed_arn("SMCE-AdminAccess")],
                ),
                group(
                    "SMCE-UserRestrictions",
                    vec![inline("RequireMFA", require_mfa)],
                    &[],
                ),
                group(
                    "AccountDisabled",
                    vec![inline(
                        "DenyAll",
                        doc(json!([{"Effect": "Deny", "Action": "*", "Resource": "*"}])),
                    )],
                    &[],
                ),
            ],
            policies: vec![managed(
                "SMCE-AdminAccess",
                &[("v1", true, doc(json!([allow(json!("*"), json!("*"))])))],
            )],
            roles: Vec::new(),
            rows: vec![alice, deployer_row],
            keys: Some(vec![key(
                DEPLOYER,
                "AKIADEPLOYER0000001",
                "Active",
                "2026-10-10T00:00:00Z",
            )]),
            snapshot: Some(json!({"account_id": ID, "captured_at": NOW})),
            password_policy: None,
            no_folder: false,
            overrides: Vec::new(),
        }
    }

    /// The same clean account under another name and account id (for runs over several accounts).
    pub fn named(name: &str, id: &str) -> Case {
        let mut case = Case::base();
        case.policy = case
            .policy
            .replace("name: acme", &format!("name: {name}"))
            .replace(ID, id);
        case.name = name.into();
        case.id = id.into();
        case
    }

    pub fn user(&mut self, name: &str) -> &mut Value {
        self.users
            .iter_mut()
            .find(|u| u["UserName"] == name)
            .unwrap_or_else(|| panic!("no user {name}"))
    }

    pub fn row(&mut self, name: &str) -> &mut Row {
        self.rows
            .iter_mut()
            .find(|r| r.user == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    }

    /// Replaces the deployer's directly attached inline policies.
    pub fn deployer_inline(&mut self, policies: Value) {
        self.user(DEPLOYER)["UserPolicyList"] = policies;
    }

    pub fn report(&self) -> String {
        let mut text = format!(
            "{REPORT_HEADER}\n<root_account>,arn:aws:iam::{ID}:root,2022-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        for row in &self.rows {
            text.push_str(&row.csv());
            text.push('\n');
        }
        text
    }

    pub fn authorization_details(&self) -> String {
        let gaad = json!({
            "UserDetailList": self.users,
            "GroupDetailList": self.groups,
            "RoleDetailList": self.roles,
            "Policies": self.policies,
        });
        serde_json::to_string_pretty(&gaad).unwrap()
    }

    /// The fixture folder's files as generated (`None`: left out), before any [`Override`].
    fn generated(&self) -> [(&'static str, Option<String>); 5] {
        let localise = |text: String| text.replace(ID, &self.id);
        [
            (
                "authorization-details.json",
                Some(localise(self.authorization_details())),
            ),
            ("credential-report.csv", Some(localise(self.report()))),
            (
                "access-keys.json",
                self.keys.as_ref().map(|k| {
                    serde_json::to_string_pretty(&json!({"AccessKeyMetadata": k})).unwrap()
                }),
            ),
            (
                "snapshot.json",
                self.snapshot
                    .as_ref()
                    .map(|s| localise(serde_json::to_string_pretty(s).unwrap())),
            ),
            (
                "password-policy.json",
                self.password_policy
                    .as_ref()
                    .map(|p| serde_json::to_string_pretty(p).unwrap()),
            ),
        ]
    }

    fn override_of(&self, name: &str) -> Option<&Override> {
        self.overrides
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, o)| o)
    }

    /// The recording as text, [`Override::Text`] applied. Bytes, folders and absent required
    /// files are what a disk holds, not text: such a case runs the binary ([`Case::check`]).
    fn recorded(&self) -> RecordingTexts {
        assert!(
            !self.no_folder,
            "an account without a folder needs the binary"
        );
        let files = self.generated().into_iter().filter_map(|(name, content)| {
            let text = match self.override_of(name) {
                None => content,
                Some(Override::Text(text)) => Some(text.clone()),
                Some(_) => panic!("{name}: only text overrides are judged in-process"),
            };
            text.map(|text| (name, text))
        });
        RecordingTexts(files.collect())
    }

    /// Judged in-process as of [`NOW`] (`check --format json --now NOW` without the binary).
    pub fn judge(&self) -> Judged {
        self.judge_at(NOW)
    }

    pub fn judge_at(&self, now: &str) -> Judged {
        self.judge_with(Some(now))
    }

    /// Judged in-process as of `now`, else the recording's `captured_at` (no `--now`).
    /// Judged by the harness with `clock` (see [`harness::judge_by`]).
    pub fn judge_by(&self, clock: smce_guard::base::clock::Clock) -> Judged {
        harness::judge_by(
            &format!("policies/{}.yaml", self.name),
            &self.policy,
            &format!("fixtures/{}", self.name),
            self.recorded(),
            clock,
        )
    }

    pub fn judge_with(&self, now: Option<&str>) -> Judged {
        harness::judge(
            &format!("policies/{}.yaml", self.name),
            &self.policy,
            &format!("fixtures/{}", self.name),
            self.recorded(),
            now,
        )
    }

    /// What `access` answers for the deployer's `action` on `resource`, as of [`NOW`].
    pub fn ask(&self, action: &str, resource: &str) -> smce_guard::outcome::access::Answer {
        harness::ask(
            &format!("policies/{}.yaml", self.name),
            &self.policy,
            &format!("fixtures/{}", self.name),
            self.recorded(),
            action,
            resource,
            NOW,
        )
    }

    /// Writes `policies/<name>.yaml` and `fixtures/<name>/` under `root`, overrides applied.
    pub fn write(&self, root: &Path) {
        std::fs::create_dir_all(root.join("policies")).unwrap();
        std::fs::write(
            root.join(format!("policies/{}.yaml", self.name)),
            &self.policy,
        )
        .unwrap();
        if self.no_folder {
            // The recordings' folder is there; this account's is not.
            std::fs::create_dir_all(root.join("fixtures")).unwrap();
            return;
        }
        let dir = root.join("fixtures").join(&self.name);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, content) in self.generated() {
            let path = dir.join(name);
            match self.override_of(name) {
                None => {
                    if let Some(text) = content {
                        std::fs::write(path, text).unwrap();
                    }
                }
                Some(Override::Text(text)) => std::fs::write(path, text).unwrap(),
                Some(Override::Bytes(bytes)) => std::fs::write(path, bytes).unwrap(),
                Some(Override::Absent) => {}
                Some(Override::Directory) => std::fs::create_dir(path).unwrap(),
            }
        }
    }

    /// `check --format json --now NOW`, run by the binary.
    pub fn check(&self) -> Run {
        self.check_at(NOW)
    }

    pub fn check_at(&self, now: &str) -> Run {
        run(&[self], &["--format", "json", "--now", now])
    }
}

/// Writes every case into one fresh directory and runs `check policies --fixtures fixtures` there.
pub fn run(cases: &[&Case], args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    for case in cases {
        case.write(dir.path());
    }
    let mut all = vec!["check", "policies", "--fixtures", "fixtures"];
    all.extend_from_slice(args);
    smce_guard_in(dir.path(), all)
}

/// Writes `case` into one fresh directory and runs the binary there with `args` (any command).
pub fn smce_guard_in_case(case: &Case, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    case.write(dir.path());
    smce_guard_in(dir.path(), args)
}
