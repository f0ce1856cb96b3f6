//! The `accounts` pipeline: the caller's AWS Organization against the policies. Every ACTIVE
//! account needs a policy, and every policy an account in the organization that is not suspended.

use crate::base::codes::Code;
use crate::base::diag::{AccountRef, Diagnostic, Tally};
use crate::base::source::Route;
use crate::observe::ObserveError;
use crate::observe::aws::organization::{self, OrgAccount};
use crate::outcome::{AccountSummary, Coverage, Status};

/// What `accounts` is asked: plain domain options, built by the command line.
pub struct AccountsOptions {
    /// Policy files or directories.
    pub paths: Vec<std::path::PathBuf>,
    /// How to reach the organization's management (or delegated-admin) account.
    pub live: crate::observe::aws::LiveOptions,
}

pub fn run(options: &AccountsOptions) -> Coverage {
    let mut set = crate::policy::load(&options.paths, None);
    let mut diagnostics = set.diagnostics.clone();
    let listed = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ObserveError::Unobserved(format!("cannot start the async runtime: {e}")))
        .and_then(|runtime| runtime.block_on(organization::list_accounts(&options.live)));
    let (org, requests) = match listed {
        Ok(listed) => listed,
        Err(
            ObserveError::Unobserved(reason)
            | ObserveError::Invalid(crate::observe::InvalidInput {
                message: reason, ..
            }),
        ) => {
            return Coverage {
                files: set.files,
                diagnostics,
                accounts: Vec::new(),
                failure: Some(reason),
                requests: 0,
            };
        }
    };
    let mut accounts = Vec::new();
    let summary = |id: &str, name: &str, findings: &[Diagnostic]| AccountSummary {
        id: id.to_owned(),
        name: name.to_owned(),
        status: if findings.is_empty() {
            Status::Ok
        } else {
            Status::Drift
        },
        now: None,
        tally: Tally::of(findings),
        checks: Vec::new(),
        requests: None,
    };
    let policies: Vec<_> = set.valid().cloned().collect();
    for account in &org {
        let covered = policies.iter().find(|d| d.account.id == account.id);
        let mut findings = Vec::new();
        let reference = AccountRef {
            id: account.id.clone(),
            name: covered.map_or_else(|| account.name.clone(), |d| d.account.name.clone()),
        };
        match (covered, account.status.as_str()) {
            (None, "ACTIVE") => findings.push(
                Diagnostic::new(
                    Code::AccountUncovered,
                    format!(
                        "ACTIVE account {} ({}) has no policy",
                        account.id, account.name
                    ),
                )
                .for_account(reference.clone())
                .with_help(format!(
                    "write policies/{}.yaml for it (see README: The policy format)",
                    slug(&account.name)
                )),
            ),
            (Some(loaded), "SUSPENDED") => findings.push(
                Diagnostic::new(
                    Code::AccountSuspended,
                    format!("account {} is SUSPENDED in the organization", account.id),
                )
                .at(loaded.file, Route::of(["account", "id"]))
                .for_account(reference.clone())
                .with_help("delete the policy, or have the account reinstated"),
            ),
            _ => {}
        }
        accounts.push(summary(&reference.id, &reference.name, &findings));
        diagnostics.extend(findings);
    }
    for loaded in &policies {
        let account = &loaded.account;
        if org.iter().any(|a: &OrgAccount| a.id == account.id) {
            continue;
        }
        let finding = Diagnostic::new(
            Code::AccountNotInOrganization,
            format!("account {} is not in the caller's organization", account.id),
        )
        .at(loaded.file, Route::of(["account", "id"]))
        .for_account(AccountRef {
            id: account.id.clone(),
            name: account.name.clone(),
        })
        .with_help(
            "fix `account.id`, or delete the policy of an account that left the organization",
        );
        accounts.push(summary(
            &account.id,
            &account.name,
            std::slice::from_ref(&finding),
        ));
        diagnostics.push(finding);
    }
    accounts.sort_by(|a, b| a.name.cmp(&b.name));
    // A clean policy's text is not kept after lint; read it again where a finding points.
    let pointed: std::collections::BTreeSet<_> =
        diagnostics.iter().filter_map(|d| d.file).collect();
    for file in pointed {
        if let Err(diagnostic) = set.keep_text(file) {
            diagnostics.push(*diagnostic);
        }
    }
    Coverage {
        files: set.files,
        diagnostics,
        accounts,
        failure: None,
        requests,
    }
}

/// A file name for an account name: lowercase letters, digits and dashes.
fn slug(name: &str) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    slug.trim_matches('-').to_owned()
}
