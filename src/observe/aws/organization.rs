//! The caller's AWS Organization: every member account with its status, for `smce-guard accounts`.

use super::{LiveOptions, RequestCounter, failure, paging};
use aws_config::BehaviorVersion;

/// One member account as Organizations lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAccount {
    pub id: String,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE` ...
    pub status: String,
}

/// Lists every account of the caller's organization (all pages).
pub async fn list_accounts(
    options: &LiveOptions,
) -> Result<(Vec<OrgAccount>, u32), super::ObserveError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(super::https_client())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(std::time::Duration::from_secs(5))
                .operation_attempt_timeout(options.attempt_timeout)
                .build(),
        );
    if let Some(profile) = &options.profile {
        let (config, credentials) = super::profiles::files();
        super::profiles::check(profile, &config, &credentials)
            .map_err(super::ObserveError::Unobserved)?;
        loader = loader.profile_name(profile);
    }
    let config = loader.load().await;
    let counter = RequestCounter::default();
    let client = aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&config)
            .interceptor(counter.clone())
            .retry_classifier(super::RetryTooManyRequests)
            .build(),
    );
    let accounts = paging::all(|token| {
        let client = client.clone();
        async move {
            let out = client.list_accounts().set_next_token(token).send().await?;
            let items = out
                .accounts()
                .iter()
                .map(|a| OrgAccount {
                    id: a.id().unwrap_or_default().to_owned(),
                    name: a.name().unwrap_or_default().to_owned(),
                    status: a
                        .status()
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_default(),
                })
                .collect();
            let next = out.next_token().map(str::to_owned);
            Ok(paging::Page {
                items,
                truncated: next.is_some(),
                marker: next,
            })
        }
    })
    .await
    .map_err(|e| match e {
        paging::PagingError::Fetch(error) => failure("organizations:ListAccounts", &error),
        _ => super::unobserved("organizations:ListAccounts: the endpoint kept paging"),
    })?;
    Ok((accounts, counter.get()))
}
