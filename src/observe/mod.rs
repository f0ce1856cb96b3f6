//! Observed account state: one model of what an AWS account's IAM holds, and the readers that fill
//! it. The engine only ever sees [`AccountState`]; it never learns where the state came from.

pub mod aws;
pub mod credential_report;
pub mod document;
pub mod gaad;
pub mod model;
pub mod password_policy;
pub mod recorded;
mod recording;
pub mod snapshot;
pub mod trust;

pub use model::{AccessKey, AccountState, Group, PasswordPolicy, Role, Root, TrustStatement, User};
pub use recording::Recording;

use crate::base::source::Span;

/// Why an account's state could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObserveError {
    /// There is no state to read (a missing recording folder or required file): the account is
    /// unobserved, which is a finding, not a broken input.
    Unobserved(String),
    /// Recorded state exists but cannot be read: a broken input, reported at its place.
    Invalid(InvalidInput),
}

/// A recorded file that did not parse, with where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    pub file: String,
    pub message: String,
    /// The file's text when it was read, so a report can show the excerpt.
    pub text: Option<String>,
    pub span: Option<Span>,
}

impl InvalidInput {
    pub fn new(file: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidInput {
            file: file.into(),
            message: message.into(),
            text: None,
            span: None,
        }
    }
}

/// A parse failure inside one document, before the reader knows which file it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// Byte offset of the problem, when the format has positions.
    pub offset: Option<usize>,
    /// For a problem found after parsing (in the model, where positions are gone): the JSON
    /// fields that lead to it, `("UserName", "alice")` then `("PolicyName", "ci")`, which
    /// [`ParseError::locate`] finds in the text.
    pub anchor: Vec<(&'static str, String)>,
}

impl ParseError {
    pub fn new(message: impl Into<String>, offset: Option<usize>) -> Self {
        ParseError {
            message: message.into(),
            offset,
            anchor: Vec::new(),
        }
    }

    /// Adds the fields that lead to the problem (see [`ParseError::anchor`]).
    pub fn at_fields(mut self, anchor: Vec<(&'static str, String)>) -> Self {
        self.anchor = anchor;
        self
    }

    /// Gives an anchored error its offset in `text`: each field is looked for after the one
    /// before, and the last one's value is the position. Unfound, the error keeps no position.
    pub fn locate(mut self, text: &str) -> Self {
        if self.offset.is_some() || self.anchor.is_empty() {
            return self;
        }
        let mut from = 0;
        for (key, value) in &self.anchor {
            match find_field(text, from, key, value) {
                Some(at) => from = at,
                None => return self,
            }
        }
        self.offset = Some(from);
        self
    }

    /// From a serde_json error, whose positions are 1-based line and column.
    pub fn from_json(error: &serde_json::Error, text: &str) -> Self {
        // serde_json counts columns in bytes; the offset is snapped back to a character boundary.
        let offset = (error.line() > 0).then(|| {
            let line_start =
                crate::base::source::SourceFile::new("", text).offset_of(error.line(), 1);
            let mut offset = (line_start + error.column().saturating_sub(1)).min(text.len());
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            offset
        });
        let message = error.to_string();
        // serde_json appends " at line L column C"; the report shows the position itself.
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        ParseError::new(message, offset)
    }
}

/// The offset of the value in the first `"key": "value"` pair at or after `from` (any spacing).
fn find_field(text: &str, from: usize, key: &str, value: &str) -> Option<usize> {
    let key = format!("\"{key}\"");
    let value = serde_json::to_string(value).ok()?;
    let mut at = from;
    while let Some(found) = text.get(at..)?.find(&key) {
        let after_key = at + found + key.len();
        let rest = text[after_key..].trim_start();
        if let Some(rest) = rest.strip_prefix(':') {
            let rest_trimmed = rest.trim_start();
            if rest_trimmed.starts_with(&value) {
                return Some(text.len() - rest_trimmed.len());
            }
        }
        at = after_key;
    }
    None
}

/// An account to read: who it is and how to reach it. The pipelines build targets from the
/// policies; the readers never see a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: String,
    /// The account's name: its recording's folder under `--fixtures`.
    pub name: String,
    pub region: String,
    /// The named AWS profile that reaches this account (live reads).
    pub profile: Option<String>,
    /// A role to assume into this account first (live reads).
    pub role_arn: Option<String>,
}

/// Where account state comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// `fixtures/<account.name>/` under this directory.
    Recordings(std::path::PathBuf),
    /// The AWS API, reading up to `concurrency` accounts at once.
    Live {
        options: aws::LiveOptions,
        concurrency: usize,
    },
}

/// One account's observed state, with what the reader knows about how it got it.
pub struct Observation {
    pub state: Result<AccountState, ObserveError>,
    /// The recorded documents (live reads only), for `snapshot` to write.
    pub texts: Option<recorded::Texts>,
    /// HTTP requests sent (live reads only).
    pub requests: Option<u32>,
    /// Where the state was looked for: a recording's folder or `aws://<account.name>`.
    pub place: String,
    /// Whether the state was read live (then judged now, never stale).
    pub live: bool,
}

/// Parses a recorded JSON document that must be an object. serde would also read a struct from a
/// list of its fields in order, which no AWS tool writes; such a file is refused.
pub fn json_object<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let start = text.len() - text.trim_start().len();
    if !text[start..].starts_with('{') && !text[start..].is_empty() {
        return Err(ParseError::new(
            "the document must be a JSON object",
            Some(start),
        ));
    }
    serde_json::from_str(text).map_err(|e| ParseError::from_json(&e, text))
}

/// Observes every account of `accounts` and hands each observation to `then`, returning its
/// results in the same order. Recorded accounts stream: each is read, handed on and dropped
/// in turn, so memory does not grow with the number of accounts. `progress` is called once per
/// finished account (the CLI draws a progress bar with it).
pub fn observe_each<T: Send>(
    accounts: &[Target],
    source: &Source,
    progress: &(dyn Fn() + Sync),
    then: &(dyn Fn(usize, Observation) -> T + Sync),
) -> Vec<T> {
    use rayon::prelude::*;
    match source {
        Source::Recordings(root) => accounts
            .par_iter()
            .enumerate()
            .map(|(i, account)| {
                let dir = root.join(&account.name);
                let observation = Observation {
                    state: recorded::read(&dir, root),
                    texts: None,
                    requests: None,
                    place: dir.display().to_string(),
                    live: false,
                };
                progress();
                then(i, observation)
            })
            .collect(),
        Source::Live {
            options,
            concurrency,
        } => {
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let reason = format!("cannot start the async runtime: {error}");
                    return accounts
                        .iter()
                        .enumerate()
                        .map(|(i, account)| {
                            let place = format!("aws://{}", account.name);
                            then(
                                i,
                                Observation {
                                    state: Err(ObserveError::Unobserved(reason.clone())),
                                    texts: None,
                                    requests: None,
                                    place,
                                    live: true,
                                },
                            )
                        })
                        .collect();
                }
            };
            let limit = std::sync::Arc::new(tokio::sync::Semaphore::new((*concurrency).max(1)));
            let reads = runtime.block_on(async {
                let tasks = accounts.iter().map(|account| {
                    let limit = limit.clone();
                    async move {
                        let _permit = limit.acquire().await;
                        let read = aws::read_account(account, options).await;
                        progress();
                        read
                    }
                });
                futures_join_all(tasks).await
            });
            let observations: Vec<Observation> = accounts
                .iter()
                .zip(reads)
                .map(|(account, read)| live_observation(account, read))
                .collect();
            observations
                .into_par_iter()
                .enumerate()
                .map(|(i, observation)| then(i, observation))
                .collect()
        }
    }
}

/// Awaits every future, keeping their order (a small stand-in for `futures::join_all`).
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for future in futures {
        set.push(Box::pin(future));
    }
    let mut outputs = Vec::with_capacity(set.len());
    // Poll all of them together: a JoinSet would need 'static futures.
    let mut pending: Vec<Option<_>> = set.into_iter().map(Some).collect();
    let mut results: Vec<Option<F::Output>> = (0..pending.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut done = true;
        for (slot, result) in pending.iter_mut().zip(results.iter_mut()) {
            if let Some(future) = slot {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(output) => {
                        *result = Some(output);
                        *slot = None;
                    }
                    std::task::Poll::Pending => done = false,
                }
            }
        }
        if done {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs.extend(
        results
            .into_iter()
            .map(|r| r.expect("every future finished")),
    );
    outputs
}

fn live_observation(account: &Target, read: aws::AccountRead) -> Observation {
    let place = format!("aws://{}", account.name);
    let state = match (&read.texts, &read.reached_other) {
        // The credentials reach another account: the state is that account's id and nothing else,
        // so the engine reports the mismatch and no other rule.
        (_, Some(other)) => Ok(AccountState {
            account_ids: [other.clone()].into(),
            ..AccountState::default()
        }),
        (Ok(texts), None) => recorded::parse(texts, &place),
        (Err(error), None) => Err(error.clone()),
    };
    Observation {
        state,
        texts: read.texts.ok(),
        requests: Some(read.requests),
        place,
        live: true,
    }
}
