//! The deployer's access as IAM decides it, shared by the permission rules: its policies (its own
//! and its groups' documents, and its permissions boundary) and the CI request's context with
//! what the team pinned (`deployer.context`), and each `deployer.allow` entry decided once per
//! account ([`access`], kept on the judging context so the rules that read it do not decide it
//! again). Statements reached only through `groups.restricted` or `groups.disabled` are left
//! out: `deployer.restricted` and `deployer.disabled` report those memberships, and an entry is
//! judged as it stands once they are fixed.
//!
//! An entry with wildcards is decided for one witness request per class of requests it names
//! ([`iam::probe`]); when that question is too large, [`Entry::fallback`] says so and the rules
//! fall back to the sound shape-based matcher ([`super::permissions`]).

use super::Context;
use super::deployer::{Origin, reaching};
use super::iam::context::Why;
use super::iam::decision::{At, Doc};
use super::iam::{self, Decision, Policies, Request, RequestContext};
use crate::observe::document::{Document, Patterns, Statement};
use crate::observe::{AccountState, User};
use crate::policy::Policy;
use crate::policy::model::Grant;
use jiff::Timestamp;

/// One user's policies and the context of its key-signed requests.
pub struct Setup<'a> {
    pub user: &'a User,
    /// The identity documents, with where each comes from.
    pub sources: Vec<(Origin<'a>, &'a Document)>,
    /// The permissions boundary's ARN, and its document when the recording holds it.
    pub boundary: Option<(&'a str, Option<&'a Document>)>,
    pub context: RequestContext,
}

impl<'a> Setup<'a> {
    /// `user`'s policies in `state`, in the CI context of `policy`'s account at `now`, with the
    /// pinned keys of `deployer.context`; the documents of `leave_out` groups are not counted.
    pub fn new(
        policy: &Policy,
        state: &'a AccountState,
        user: &'a User,
        now: Timestamp,
        leave_out: &[&str],
    ) -> Setup<'a> {
        let mut sources = reaching(state, user);
        // IAM compares group names without regard to case, as `groups.*` are read everywhere.
        let left_out =
            |g: &str| (leave_out.iter()).any(|l| crate::observe::model::same_group(g, l));
        sources.retain(|(origin, _)| !origin.group.is_some_and(left_out));
        let boundary = user.permissions_boundary.as_deref().map(|arn| {
            let document = (state.managed_policies.get(arn)).and_then(|p| p.document.as_ref());
            (arn, document)
        });
        let account = &policy.account;
        let mut context = RequestContext::ci(user, &account.id, &account.region, now);
        // The pins describe CI's requests: they are the deployer's, not another user's.
        let pins = (policy.deployer.iter()).filter(|d| d.user.eq_ignore_ascii_case(&user.name));
        for pin in pins.flat_map(|d| &d.context) {
            context.pin(&pin.key, &pin.values, Why::Pinned);
        }
        Setup {
            user,
            sources,
            boundary,
            context,
        }
    }

    /// The deployer's setup for the rules: `groups.restricted` and `groups.disabled` left out.
    pub fn deployer(cx: &'a Context<'_>, user: &'a User) -> Setup<'a> {
        let groups = &cx.policy.groups;
        Setup::new(
            cx.policy,
            cx.state,
            user,
            cx.now,
            &[&groups.restricted, &groups.disabled],
        )
    }

    /// The documents as the evaluator takes them; a boundary the recording lacks allows nothing.
    pub fn policies(&self) -> Policies<'_> {
        Policies {
            identity: self.sources.iter().map(|(_, d)| *d).collect(),
            boundary: self
                .boundary
                .map(|(_, d)| d.unwrap_or(&crate::observe::document::EMPTY)),
        }
    }

    /// Where a document comes from.
    pub fn origin(&self, doc: Doc) -> Origin<'_> {
        match doc {
            Doc::Identity(i) => {
                let o = &self.sources[i].0;
                Origin {
                    group: o.group,
                    kind: o.kind,
                    name: o.name,
                }
            }
            Doc::Boundary => Origin {
                group: None,
                kind: "boundary",
                name: self.boundary.map_or("", |(arn, _)| arn),
            },
        }
    }

    pub fn document(&self, doc: Doc) -> &Document {
        match doc {
            Doc::Identity(i) => self.sources[i].1,
            Doc::Boundary => self
                .boundary
                .and_then(|(_, d)| d)
                .unwrap_or(&crate::observe::document::EMPTY),
        }
    }

    pub fn statement(&self, at: At) -> &Statement {
        &self.document(at.doc).statements[at.statement]
    }

    /// Every statement of every document, with where it is.
    pub fn statements(&self) -> impl Iterator<Item = (At, &Document, &Statement)> {
        let identity = self
            .sources
            .iter()
            .enumerate()
            .map(|(i, (_, d))| (Doc::Identity(i), *d));
        let boundary = self
            .boundary
            .and_then(|(_, d)| d)
            .map(|d| (Doc::Boundary, d));
        identity.chain(boundary).flat_map(|(doc, d)| {
            (d.statements.iter().enumerate()).map(move |(i, s)| (At { doc, statement: i }, d, s))
        })
    }

    /// A statement's resources as patterns, with the variables the request context knows
    /// resolved (pinned keys too) and the others read as `*`: every resource it may name. An
    /// entry whose variable has no value names nothing and is left out of `Resource`.
    pub fn widest(&self, document: &Document, statement: &Statement) -> Patterns {
        use super::iam::Fact;
        use super::variables::{LITERAL_QUESTION, LITERAL_STAR, Part, resource_parts};
        let (list, only) = match &statement.resources {
            Patterns::Only(list) => (list, true),
            Patterns::AllBut(list) => (list, false),
        };
        if !document.has_variables() {
            return statement.resources.clone();
        }
        let literal = |v: &str| {
            v.replace('*', &LITERAL_STAR.to_string())
                .replace('?', &LITERAL_QUESTION.to_string())
        };
        let mut out = Vec::with_capacity(list.len());
        'entries: for pattern in list {
            let mut text = String::with_capacity(pattern.len());
            for part in resource_parts(pattern) {
                match part {
                    Part::Text(t) => text.push_str(t),
                    Part::Escape('*') => text.push(LITERAL_STAR),
                    Part::Escape('?') => text.push(LITERAL_QUESTION),
                    Part::Escape(c) => text.push(c),
                    Part::Variable { key, default } => match (self.context.fact(key), default) {
                        (Fact::Known(Some(v)), _) if v.len() == 1 => text.push_str(&literal(&v[0])),
                        (Fact::Known(_), Some(d)) => text.push_str(&literal(d)),
                        // No value: the entry names nothing (as an exception, it excepts
                        // nothing either, so it is read as excepting everything: the widest).
                        (Fact::Known(_), None) if only => continue 'entries,
                        _ => text.push('*'),
                    },
                }
            }
            out.push(text);
        }
        if only {
            Patterns::Only(out)
        } else {
            Patterns::AllBut(out)
        }
    }
}

/// One request decided for an entry.
#[derive(Clone, Debug)]
pub struct Probe {
    pub action: String,
    pub resource: String,
    pub decision: Decision,
}

/// One `deployer.allow` entry as decided: for each witness request of it, the decision.
#[derive(Clone, Debug)]
pub struct Entry {
    pub probes: Vec<Probe>,
    /// Too many patterns to decide the entry's requests one class at a time: the rules judge it
    /// by the shape-based matcher instead.
    pub fallback: bool,
}

/// The deployer's `deployer.allow` entries as decided, computed once per account.
pub fn access<'c>(cx: &'c Context<'_>, user: &User) -> &'c [Entry] {
    cx.deployer_access.get_or_init(|| {
        let setup = Setup::deployer(cx, user);
        cx.policy
            .deployer_allow()
            .iter()
            .map(|grant| decide_entry(&setup, grant))
            .collect()
    })
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The requests an entry names, decided.
pub fn decide_entry(setup: &Setup<'_>, grant: &Grant) -> Entry {
    let wild = |s: &str| s.contains(['*', '?']);
    let policies = setup.policies();
    let decide = |action: &str, resource: &str| Probe {
        action: action.to_owned(),
        resource: resource.to_owned(),
        decision: iam::decide(&policies, Request { action, resource }, &setup.context),
    };
    if !wild(&grant.action) && !wild(&grant.resource) {
        return Entry {
            probes: vec![decide(&grant.action, &grant.resource)],
            fallback: false,
        };
    }
    let mut actions: Vec<String> = Vec::new();
    let mut resources: Vec<String> = Vec::new();
    for (_, document, statement) in setup.statements() {
        let (Patterns::Only(a) | Patterns::AllBut(a)) = &statement.actions;
        actions.extend(a.iter().cloned());
        let (Patterns::Only(r) | Patterns::AllBut(r)) = setup.widest(document, statement);
        resources.extend(r);
    }
    let play = |v: &[String]| -> Vec<String> {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    };
    let (actions, resources) = (play(&actions), play(&resources));
    let witnesses = iam::probe::witnesses(
        &Patterns::Only(vec![grant.action.clone()]),
        &Patterns::Only(vec![grant.resource.clone()]),
        &refs(&actions),
        &refs(&resources),
        &[],
    );
    match witnesses {
        Ok(w) if w.pairs.len() <= iam::probe::MAX_WITNESSES * 4 => Entry {
            probes: w.pairs.iter().map(|(a, r)| decide(a, r)).collect(),
            fallback: false,
        },
        _ => Entry {
            probes: Vec::new(),
            fallback: true,
        },
    }
}
