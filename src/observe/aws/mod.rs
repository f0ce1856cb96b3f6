//! The live reader: one account's IAM state through the AWS SDK, with the fewest requests, written
//! in the recordings' shapes and parsed by the same code as a recording.
//!
//! Per account: AssumeRole (with the reader's session policy, [`session`]) or GetCallerIdentity
//! (either names the account reached),
//! GetAccountAuthorizationDetails (all pages), GenerateCredentialReport (polled with bounded
//! backoff), GetCredentialReport, ListAccountAliases, GetAccountPasswordPolicy, and ListAccessKeys
//! only for users whose report row shows an active key: 7 requests plus one per such user on a
//! one-page account.

pub mod errors;
pub mod mask;
pub mod organization;
pub mod paging;
pub mod profiles;
pub mod redact;
mod reports;
pub mod session;
pub mod wire;

pub use errors::failure;
use errors::{paging_failure, unobserved};

use super::ObserveError;
use super::Target;
use super::recorded::{self, Texts};
use aws_config::{BehaviorVersion, SdkConfig, retry::RetryConfig, timeout::TimeoutConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// How to reach accounts: the same for every account unless its policy says otherwise.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    /// A named profile for every account (`--profile`); `account.profile` wins.
    pub profile: Option<String>,
    /// Assume `arn:aws:iam::<account.id>:role/<name>` in every account (`--role-name`);
    /// `account.role_arn` wins.
    pub role_name: Option<String>,
    /// Per-attempt timeout; a hung endpoint fails the account, never the run.
    pub attempt_timeout: Duration,
    /// How long credential report generation may be waited for.
    pub report_budget: Duration,
}

impl LiveOptions {
    pub fn new() -> Self {
        LiveOptions {
            attempt_timeout: Duration::from_secs(20),
            report_budget: Duration::from_secs(60),
            ..Self::default()
        }
    }
}

/// Counts every HTTP attempt the SDK transmits (retries included), for `--verbose`.
#[derive(Debug, Default, Clone)]
pub struct RequestCounter(Arc<AtomicU32>);

impl RequestCounter {
    pub fn get(&self) -> u32 {
        self.0.load(Ordering::Relaxed)
    }
}

impl aws_sdk_iam::config::Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &aws_sdk_iam::config::interceptors::BeforeTransmitInterceptorContextRef<'_>,
        _components: &aws_sdk_iam::config::RuntimeComponents,
        _cfg: &mut aws_sdk_iam::config::ConfigBag,
    ) -> Result<(), aws_sdk_iam::error::BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// What reading one account produced.
pub struct AccountRead {
    /// The recorded documents, or why there are none.
    pub texts: Result<Texts, ObserveError>,
    /// The account the credentials actually reached, when it is not the policy's.
    pub reached_other: Option<String>,
    pub requests: u32,
}

/// The one HTTPS client of every AWS call: the SDK's own (hyper, rustls with the system's root
/// certificates), with rustls on ring rather than the SDK's default aws-lc (Cargo.toml says why).
/// Cheap to clone; each loader and credential provider is given it, since without the SDK's
/// `default-https-client` feature none has a client of its own.
pub fn https_client() -> aws_sdk_sts::config::SharedHttpClient {
    use aws_smithy_http_client::tls;
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// The base configuration for one account: region, profile, retries and timeouts.
pub async fn base_config(account: &Target, options: &LiveOptions) -> SdkConfig {
    let client = https_client();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(client.clone())
        .region(aws_config::Region::new(account.region.clone()))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(200)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5))
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.attempt_timeout * 5)
                .build(),
        );
    if let Some(profile) = account.profile.as_ref().or(options.profile.as_ref()) {
        // A named profile must win over credentials in the environment, which the default chain
        // would otherwise try first.
        let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .configure(
                &aws_config::provider_config::ProviderConfig::default().with_http_client(client),
            )
            .profile_name(profile)
            .build();
        loader = loader
            .profile_name(profile)
            .credentials_provider(credentials);
    }
    loader.load().await
}

/// Reads one account. Never panics and never returns partial state: any failure becomes an
/// [`ObserveError`] for this account alone.
pub async fn read_account(account: &Target, options: &LiveOptions) -> AccountRead {
    let counter = RequestCounter::default();
    let mut reached_other = None;
    let texts = read(account, options, &counter, &mut reached_other).await;
    AccountRead {
        texts,
        reached_other,
        requests: counter.get(),
    }
}

async fn read(
    account: &Target,
    options: &LiveOptions,
    counter: &RequestCounter,
    reached_other: &mut Option<String>,
) -> Result<Texts, ObserveError> {
    let expected = account.id.as_str();
    if let Some(profile) = account.profile.as_ref().or(options.profile.as_ref()) {
        let (config, credentials) = profiles::files();
        profiles::check(profile, &config, &credentials).map_err(unobserved)?;
    }
    let mut config = base_config(account, options).await;
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&config)
            .interceptor(counter.clone())
            .retry_classifier(RetryTooManyRequests)
            .build(),
    );
    let role = account.role_arn.clone().or_else(|| {
        options
            .role_name
            .as_ref()
            .map(|name| format!("arn:aws:iam::{expected}:role/{name}"))
    });
    // A role in another account is never assumed: its account would be read in this one's name.
    // (Lint refuses such a policy too: `policy.role-account-mismatch`.)
    if let Some(other) = role
        .as_deref()
        .and_then(crate::base::arn::account_of)
        .filter(|id| *id != expected)
    {
        return Err(unobserved(format!(
            "the role to assume is in account {other}, not {expected}; it was not assumed"
        )));
    }
    let reached = match &role {
        Some(role) => {
            let out = sts
                .assume_role()
                .role_arn(role)
                .role_session_name("smce-guard")
                .duration_seconds(900)
                // Whatever the role may do, the session may only read (session.rs).
                .policy(session::policy())
                .send()
                .await
                .map_err(|e| failure(&format!("sts:AssumeRole {role}"), &e))?;
            let credentials = out
                .credentials()
                .ok_or_else(|| unobserved("sts:AssumeRole returned no credentials"))?;
            let expiry = std::time::SystemTime::try_from(*credentials.expiration()).ok();
            let provider = aws_sdk_iam::config::Credentials::new(
                credentials.access_key_id(),
                credentials.secret_access_key(),
                Some(credentials.session_token().to_owned()),
                expiry,
                "smce-guard-assume-role",
            );
            config = config
                .into_builder()
                .credentials_provider(aws_sdk_iam::config::SharedCredentialsProvider::new(
                    provider,
                ))
                .build();
            // The assumed role's ARN names the account reached, so no GetCallerIdentity is needed.
            out.assumed_role_user()
                .and_then(|u| crate::base::arn::account_of(u.arn()).map(str::to_owned))
        }
        None => {
            let out = sts
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| failure("sts:GetCallerIdentity", &e))?;
            out.account().map(str::to_owned)
        }
    };
    let reached =
        reached.ok_or_else(|| unobserved("could not tell which account the credentials reach"))?;
    if reached != expected {
        *reached_other = Some(reached);
        return Err(unobserved("the credentials reach another account"));
    }

    let iam = aws_sdk_iam::Client::from_conf(
        aws_sdk_iam::config::Builder::from(&config)
            .interceptor(counter.clone())
            .retry_classifier(RetryTooManyRequests)
            .build(),
    );
    let (users, groups, roles, policies) = authorization_details(&iam).await?;
    let report = reports::credential_report(&iam, options.report_budget).await?;
    let parsed = super::credential_report::parse(&report).map_err(|e| {
        unobserved(format!(
            "the credential report does not parse: {}",
            e.message
        ))
    })?;
    let mut keys = Vec::new();
    for row in parsed
        .rows
        .iter()
        .filter(|r| r.keys.iter().any(|(active, _)| *active))
    {
        let user = row.user.clone();
        let listed = paging::all(|marker| {
            let iam = iam.clone();
            let user = user.clone();
            async move {
                let out = iam
                    .list_access_keys()
                    .user_name(user)
                    .set_marker(marker)
                    .send()
                    .await?;
                Ok(paging::Page {
                    items: out.access_key_metadata().to_vec(),
                    truncated: out.is_truncated(),
                    marker: out.marker().map(str::to_owned),
                })
            }
        })
        .await
        .map_err(|e| paging_failure("iam:ListAccessKeys", e))?;
        keys.extend(listed);
    }
    let aliases = iam
        .list_account_aliases()
        .send()
        .await
        .map_err(|e| failure("iam:ListAccountAliases", &e))?;
    let password_policy = reports::password_policy(&iam).await?;
    let source = match std::env::var("AWS_ENDPOINT_URL_IAM")
        .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
    {
        // The URL may carry `user:password@` or a signed query, and this file is committed.
        Ok(endpoint) => format!("smce-guard live read of {}", redact::redact_url(&endpoint)),
        Err(_) => "smce-guard live read".to_owned(),
    };
    let snapshot = wire::snapshot(
        expected,
        jiff::Timestamp::now(),
        &source,
        aliases.account_aliases().first().map(String::as_str),
    );
    Ok(Texts::default()
        .with(
            recorded::AUTHORIZATION_DETAILS,
            wire::authorization_details(&users, &groups, &roles, &policies),
        )
        .with(recorded::CREDENTIAL_REPORT, report)
        .with(recorded::ACCESS_KEYS, wire::access_keys(&keys))
        .with(recorded::SNAPSHOT, snapshot)
        .with(recorded::PASSWORD_POLICY, password_policy))
}

type Details = (
    Vec<aws_sdk_iam::types::UserDetail>,
    Vec<aws_sdk_iam::types::GroupDetail>,
    Vec<aws_sdk_iam::types::RoleDetail>,
    Vec<aws_sdk_iam::types::ManagedPolicyDetail>,
);

/// GetAccountAuthorizationDetails, every page, with no filter: every entity type, roles
/// included (the permission sets are roles), in the same requests. The snapshot says so
/// (`entities`, [`wire::ENTITIES_READ`]).
async fn authorization_details(iam: &aws_sdk_iam::Client) -> Result<Details, ObserveError> {
    let pages = paging::all(|marker| {
        let iam = iam.clone();
        async move {
            let out = iam
                .get_account_authorization_details()
                .set_marker(marker)
                .send()
                .await?;
            let page = (
                out.user_detail_list().to_vec(),
                out.group_detail_list().to_vec(),
                out.role_detail_list().to_vec(),
                out.policies().to_vec(),
            );
            Ok(paging::Page {
                items: vec![page],
                truncated: out.is_truncated(),
                marker: out.marker().map(str::to_owned),
            })
        }
    })
    .await
    .map_err(|e| paging_failure("iam:GetAccountAuthorizationDetails", e))?;
    let mut details: Details = Default::default();
    for (users, groups, roles, policies) in pages {
        details.0.extend(users);
        details.1.extend(groups);
        details.2.extend(roles);
        details.3.extend(policies);
    }
    Ok(details)
}

/// Retries a bare HTTP 429 like throttling; the standard classifier only knows AWS error codes and
/// 5xx statuses, and some endpoints and proxies answer 429 without a code.
#[derive(Debug)]
pub struct RetryTooManyRequests;

impl aws_sdk_iam::config::retry::ClassifyRetry for RetryTooManyRequests {
    fn classify_retry(
        &self,
        ctx: &aws_sdk_iam::config::interceptors::InterceptorContext,
    ) -> aws_sdk_iam::config::retry::RetryAction {
        match ctx.response().map(|r| r.status().as_u16()) {
            Some(429) => aws_sdk_iam::config::retry::RetryAction::throttling_error(),
            _ => aws_sdk_iam::config::retry::RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "RetryTooManyRequests"
    }
}
