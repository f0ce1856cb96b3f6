//! A recording before it becomes the model: what each recorded file's parser produced, joined by
//! user name into one [`AccountState`].

use super::model::{AccessKey, AccountState, PasswordPolicy};
use super::{credential_report, gaad};
use jiff::Timestamp;
use std::collections::HashMap;

/// Everything a recording (or a live read) holds for one account, before it becomes the model:
/// each parser of [`super::recorded::FILES`] fills its own fields.
#[derive(Default)]
pub struct Recording {
    pub authorization: gaad::Authorization,
    pub report: credential_report::CredentialReport,
    /// ListAccessKeys results merged over users; authoritative for keys when present.
    pub access_keys: Option<Vec<AccessKey>>,
    /// Owner of each entry of `access_keys`, in the same order.
    pub access_key_users: Vec<String>,
    pub snapshot_account: Option<String>,
    pub captured_at: Option<Timestamp>,
    pub source: Option<String>,
    /// `password-policy.json`; [`PasswordPolicy::NotRecorded`] without it.
    pub password_policy: PasswordPolicy,
    /// `snapshot.json`'s `entities`: the entity types the authorization details were read with.
    pub entities: Option<Vec<String>>,
}

impl Recording {
    /// Joins the authorization details, the credential report and the key listing by user name.
    /// Users come from the authorization details: a report row for a user deleted since is
    /// ignored, and a user newer than the report simply has no password, MFA or report keys.
    pub fn assemble(self) -> AccountState {
        let gaad::Authorization {
            mut users,
            groups,
            roles,
            managed_policies,
        } = self.authorization;
        // A role listed proves roles were read (a filtered read lists none); an empty list
        // proves it only when the snapshot says roles were asked for.
        let roles_read =
            !roles.is_empty() || (self.entities.iter().flatten()).any(|entity| entity == "Role");
        let mut account_ids = std::collections::BTreeSet::new();
        account_ids.extend(self.snapshot_account);
        let arns = users
            .iter()
            .map(|u| u.arn.as_str())
            .chain(self.report.root_arn.as_deref());
        account_ids.extend(
            arns.filter_map(crate::base::arn::account_of)
                .map(str::to_owned),
        );
        let rows: HashMap<&str, &credential_report::Row> = self
            .report
            .rows
            .iter()
            .map(|r| (r.user.as_str(), r))
            .collect();
        let mut keys_by_user: HashMap<&str, Vec<AccessKey>> = HashMap::new();
        if let Some(keys) = &self.access_keys {
            for (key, user) in keys.iter().zip(&self.access_key_users) {
                keys_by_user
                    .entry(user.as_str())
                    .or_default()
                    .push(key.clone());
            }
        }
        let mut keys_unlisted = Vec::new();
        for user in &mut users {
            let row = rows.get(user.name.as_str()).copied();
            if let Some(row) = row {
                user.reported = true;
                user.password_enabled = row.password_enabled;
                user.password_last_changed =
                    row.password_last_changed.filter(|_| row.password_enabled);
                // A deleted password's last use stays history; its next rotation will not come.
                user.password_last_used = row.password_last_used;
                user.password_next_rotation =
                    row.password_next_rotation.filter(|_| row.password_enabled);
                user.mfa_active = row.mfa_active;
                user.keys = report_keys(row);
            }
            // The listing wins for the users it lists, and only for them: one made without
            // `--user-name` for each user holds the caller's keys alone, and taking its silence
            // about anyone else as "no keys" would hide their expired keys. A user the report
            // shows with an active key and the listing leaves out keeps the report's keys.
            match keys_by_user.remove(user.name.as_str()) {
                Some(mut listed) => {
                    for key in &mut listed {
                        key.last_used = row.and_then(|row| last_used(row, key.created));
                    }
                    user.keys = listed;
                }
                None if self.access_keys.is_some() && user.active_keys().next().is_some() => {
                    keys_unlisted.push(user.name.clone());
                }
                // Listed with no key, or no listing: the report's keys (none without a row).
                None => {}
            }
        }
        keys_unlisted.sort();
        AccountState {
            account_ids,
            captured_at: self.captured_at,
            source: self.source,
            users,
            groups,
            roles: roles_read.then_some(roles),
            managed_policies,
            root: self.report.root,
            password_policy: self.password_policy,
            last_use_recorded: self.report.last_use_columns,
            keys_unlisted,
        }
    }
}

/// Without a key listing, the report's slots are the keys.
fn report_keys(row: &credential_report::Row) -> Vec<AccessKey> {
    row.keys
        .iter()
        .zip(row.keys_last_used)
        .zip(1u8..)
        .filter(|&((&(active, created), _), _)| active || created.is_some())
        .map(|((&(active, created), last_used), slot)| AccessKey {
            id: None,
            slot: Some(slot),
            active,
            created,
            last_used,
        })
        .collect()
}

/// The last use of a listed key created at `created`: the report slot whose `last_rotated` is
/// that instant to the second (the report has no key ids, and prints whole seconds). A key newer
/// than the report has no slot, and two keys created in the same second cannot be told apart
/// unless their last uses agree: both read `None`, as an older recording would.
fn last_used(row: &credential_report::Row, created: Option<Timestamp>) -> Option<Timestamp> {
    let created = created?.as_second();
    let mut matching = row
        .keys
        .iter()
        .zip(row.keys_last_used)
        .filter(|((_, rotated), _)| rotated.map(|r| r.as_second()) == Some(created))
        .map(|(_, last_used)| last_used);
    let first = matching.next()?;
    matching.all(|other| other == first).then_some(first)?
}

#[cfg(test)]
mod tests {
    use super::super::recorded::{self, Texts};
    use super::*;

    const HEADER: &str = "user,arn,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date";

    /// One user `dev` with two keys in the report (rotated 10-01 and 10-05, last used 11-19 and
    /// never) and, when `listed` is given, a key listing.
    fn state(listed: Option<&str>, report_tail: &str) -> AccountState {
        let details = r#"{"UserDetailList": [{"UserName": "dev", "Arn": "arn:aws:iam::111122223333:user/dev"}]}"#;
        let report = format!(
            "{HEADER}\n<root_account>,arn:aws:iam::111122223333:root,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,false,N/A,N/A\n\
             dev,arn:aws:iam::111122223333:user/dev,{report_tail}\n"
        );
        let mut texts = Texts::default()
            .with(recorded::AUTHORIZATION_DETAILS, details.into())
            .with(recorded::CREDENTIAL_REPORT, report);
        if let Some(listed) = listed {
            let keys = format!(r#"{{"AccessKeyMetadata": [{listed}]}}"#);
            texts = texts.with(recorded::ACCESS_KEYS, keys);
        }
        recorded::parse(&texts, "x").unwrap()
    }

    const TWO_KEYS: &str = "true,2026-11-18T10:00:00+00:00,2026-10-01T00:00:00+00:00,2026-11-30T00:00:00+00:00,true,true,2026-10-01T00:00:00+00:00,2026-11-19T07:00:00+00:00,true,2026-10-05T00:00:00+00:00,N/A";

    fn key(id: &str, created: &str) -> String {
        format!(
            r#"{{"UserName": "dev", "AccessKeyId": "{id}", "Status": "Active", "CreateDate": "{created}"}}"#
        )
    }

    fn used(state: &AccountState) -> Vec<(String, Option<String>)> {
        state.users[0]
            .keys
            .iter()
            .map(|k| (k.label(), k.last_used.map(|t| t.to_string())))
            .collect()
    }

    #[test]
    fn report_slots_are_the_keys_without_a_listing() {
        let state = state(None, TWO_KEYS);
        let dev = &state.users[0];
        assert_eq!(
            dev.password_last_used.unwrap().to_string(),
            "2026-11-18T10:00:00Z"
        );
        assert_eq!(
            dev.password_next_rotation.unwrap().to_string(),
            "2026-11-30T00:00:00Z"
        );
        assert_eq!(
            used(&state),
            [
                ("access_key_1".into(), Some("2026-11-19T07:00:00Z".into())),
                ("access_key_2".into(), None),
            ]
        );
        assert_eq!(
            state.root,
            Some(crate::observe::model::Root {
                mfa_active: true,
                keys_active: [false, false]
            })
        );
        assert_eq!(state.password_policy, PasswordPolicy::NotRecorded);
    }

    #[test]
    fn listed_keys_meet_their_slot_by_creation_to_the_second() {
        // Listed in the other order, with fractions of a second and an offset, and a third key
        // newer than the report.
        let listed = [
            key("AKIAEXAMPLE000000002", "2026-10-05T00:00:00Z"),
            key("AKIAEXAMPLE000000001", "2026-10-01T02:00:00.412+02:00"),
            key("AKIAEXAMPLE000000003", "2026-11-20T00:00:00Z"),
        ]
        .join(",");
        let state = state(Some(&listed), TWO_KEYS);
        assert_eq!(
            used(&state),
            [
                ("AKIAEXAMPLE000000002".into(), None),
                (
                    "AKIAEXAMPLE000000001".into(),
                    Some("2026-11-19T07:00:00Z".into())
                ),
                ("AKIAEXAMPLE000000003".into(), None),
            ]
        );
    }

    #[test]
    fn keys_of_one_second_with_different_uses_stay_unknown() {
        let same_second =
            TWO_KEYS.replace("2026-10-05T00:00:00+00:00", "2026-10-01T00:00:00+00:00");
        let listed = key("AKIAEXAMPLE000000001", "2026-10-01T00:00:00Z");
        assert_eq!(
            used(&state(Some(&listed), &same_second)),
            [("AKIAEXAMPLE000000001".into(), None)]
        );
        // A password that was deleted keeps its last use, but has no next rotation.
        let no_password = TWO_KEYS.replacen("true", "false", 1);
        let no_password = no_password.replacen("2026-10-01T00:00:00+00:00", "N/A", 1);
        let state = state(None, &no_password);
        assert!(state.users[0].password_last_used.is_some());
        assert_eq!(state.users[0].password_next_rotation, None);
    }
}
