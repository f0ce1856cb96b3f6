//! The command line's arguments: clap definitions of every subcommand and flag, and the
//! command-line spelling of the library's own value types (formats, severities). Turning them into
//! each pipeline's options happens here too, before any work starts.

use crate::base::codes::Severity;
use crate::observe::Source;
use crate::observe::aws::LiveOptions;
use crate::pipelines::select::{Selection, Shard};
use crate::report::Format;
use crate::report::expiries::ExpiriesFormat;
use crate::report::verification::AnswerFormat;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "smce-guard",
    // The package version and, when the build knew it, the commit (build.rs).
    version = env!("SMCE_GUARD_VERSION"),
    about = "Declared IAM state for NASA SMCE AWS accounts, checked against what the accounts hold.",
    after_help = "Examples:\n  smce-guard lint                      # lint every policy in policies/\n  smce-guard check                     # compare policies/ with the recordings in fixtures/\n  smce-guard check --format json       # the same, as JSON for CI\n  smce-guard schema > policy.schema.json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to colour human output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check policy files against the schema and for mistakes of meaning.
    #[command(
        after_help = "Examples:\n  smce-guard lint\n  smce-guard lint policies/nasa-veda.yaml --format json\n\nExit codes: 0 no error (warnings allowed), 2 an error."
    )]
    Lint(LintArgs),
    /// Compare each policy with the account's recorded IAM state and report drift.
    #[command(
        after_help = "Examples:\n  smce-guard check\n  smce-guard check --account nasa-veda --now 2026-12-01T00:00:00Z\n  smce-guard check policies/ --fixtures fixtures/ --format json --fail-on warning\n\nExit codes: 0 no finding at or above --fail-on, 1 drift, 2 invalid policy, fixture or usage,\n3 an account could not be observed (when several apply: 2, then 3, then 1)."
    )]
    Check(CheckArgs),
    /// List every active access key and console password with its exact expiry.
    #[command(
        after_help = "Examples:\n  smce-guard expiries\n  smce-guard expiries --within 30\n  smce-guard expiries --format ics --output smce-expiry.ics   # a calendar the team subscribes to\n  smce-guard expiries --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n\nExit codes: 0, 2 an invalid policy or recording, 3 an account could not be observed."
    )]
    Expiries(ExpiriesArgs),
    /// List every cluster of an infrastructure checkout: its deployer credentials' age against
    /// their limit, and its account's verdict where a policy covers it.
    #[command(
        after_help = "Examples:\n  smce-guard inventory --infrastructure ../infrastructure\n  smce-guard inventory --infrastructure ../infrastructure policies/ --fixtures fixtures/ --format json\n  smce-guard inventory --infrastructure ../infrastructure --format ics --output rotations.ics\n\nCredentials are dated by the sops file's `lastmodified`, never decrypted, and held to the\npolicy's credentials.max_age_days (60 without a policy). Clusters on other clouds are listed as\nnot covered. Exit codes: 0 all within their limits, 1 credentials past their limit or an\naccount with an error finding, 2 bad input (a cluster file or policy that cannot be read, a\nbroken recording), 3 an account could not be read (when several apply: 2, then 3, then 1)."
    )]
    Inventory(super::inventory::InventoryArgs),
    /// Read accounts live and write their state in the recording format (AWS CLI shapes).
    #[command(
        after_help = "Examples:\n  smce-guard snapshot                              # every policy's account, into fixtures/\n  smce-guard snapshot --account nasa-veda --profile veda\n  smce-guard snapshot --role-name smce-guard-reader --out /tmp/state\n\nEach file is written to a temporary name and renamed into place; an account that could not\nbe read keeps its previous recording. Exit codes: 0, 2 invalid policies, 3 an account could not be read."
    )]
    Snapshot(SnapshotArgs),
    /// Compare the caller's AWS Organization with the policies: uncovered, foreign and suspended accounts.
    #[command(
        after_help = "Examples:\n  smce-guard accounts --profile org-management\n  smce-guard accounts --format json\n\nNeeds organizations:ListAccounts (the management or a delegated-admin account).\nExit codes: 0, 1 a finding, 2 invalid policies, 3 the organization could not be listed."
    )]
    Accounts(AccountsArgs),
    /// Tell whether the key CI holds is the deployer's newest active key (a rotation you can prove).
    #[command(
        name = "verify-key",
        after_help = "Examples:\n  sops -d config/clusters/nasa-veda/enc-deployer-credentials.secret.json | smce-guard verify-key --account nasa-veda --live\n  smce-guard verify-key --account nasa-veda --key-id AKIAEXAMPLE35EMZB4UA\n\nWithout --key-id the key is read from standard input, as the JSON `aws iam create-access-key`\nprints; its secret is never printed, logged or written.\nExit codes: 0 CI holds the newest active key and it is not expiring, 1 it does not (unknown,\ninactive, the older of two, expiring or expired) or the recording is too old to prove it,\n2 bad input, 3 the account could not be read."
    )]
    VerifyKey(VerifyArgs),
    /// Tell what IAM would decide for one request of the deployer (or another user): allowed,
    /// denied, implicitly denied or uncertain, and which statements decide it.
    #[command(
        after_help = "Examples:\n  smce-guard access --account nasa-veda eks:DescribeCluster arn:aws:eks:us-west-2:444055461661:cluster/nasa-veda\n  smce-guard access --account nasa-veda eks:DescribeCluster arn:aws:eks:us-west-2:444055461661:cluster/nasa-veda --context aws:SourceIp=192.0.2.10 --live\n  smce-guard access --account maap s3:GetObject arn:aws:s3:::maap-data/x --as example-engineer-katherine --format json\n\nThe request is a call signed with the user's access key (docs/access.md lists its context);\n--context gives a condition key a value. Exit codes: 0 allowed, 1 denied or implicitly denied,\n2 bad input, 3 the account could not be read, 4 uncertain (the decision depends on keys the\ncontext does not fix)."
    )]
    Access(super::access::AccessArgs),
    /// Write a first policy for an account (review it before committing), or one for every AWS
    /// cluster of an infrastructure checkout that has none.
    #[command(
        after_help = "Examples:\n  smce-guard init --account-name nasa-veda --infrastructure ../infrastructure --out policies/nasa-veda.yaml\n  smce-guard init --account-name maap --live --account-id 916098889494 --profile maap\n  smce-guard init --infrastructure ../infrastructure --out-dir smce-guard/policies   # the estate\n\nThe policy declares what an SMCE account should be (the deployer with eks:DescribeCluster on its\ncluster and one key, no other IAM user, 60-day credentials), never what this one holds: check\nthen reports every difference. Contacts, the deployer's owner and the permission sets (sso:) are\ncommented placeholders; lint warns about the contacts until filled in. The $schema comment names a\nschema beside the policy (written there when missing, never over another file). -v says what was\nread and decided. An existing --out file is never replaced.\n\nWithout --account-name, --infrastructure writes a policy for every AWS cluster of the checkout\nwhose account has none in --out-dir (default policies/), named after the cluster's folder, from\nthe cluster files alone (no account is read), and lists on stdout what it wrote and what it\nskipped: an account with a policy (by id or by name), a cluster on another cloud, broken cluster\nfiles, a file in the way. Nothing is ever replaced; run it again after adding clusters.\n\nExit codes: 0, 2 bad input or an existing file (for the estate: a cluster whose files are broken,\nor a policy that could not be written), 3 the account could not be read."
    )]
    Init(super::init::InitArgs),
    /// Explain a diagnostic code: what it checks, why it matters on SMCE, how to fix it.
    #[command(
        after_help = "Examples:\n  smce-guard explain                  # list every code\n  smce-guard explain key.expiring\n  smce-guard explain --markdown       # the table in README"
    )]
    Explain {
        /// The code to explain; without it, every code is listed.
        code: Option<crate::base::codes::Code>,
        /// Print the code table as markdown.
        #[arg(long, conflicts_with = "code")]
        markdown: bool,
    },
    /// Print the policy JSON Schema (draft 2020-12).
    #[command(after_help = "Example:\n  smce-guard schema > schemas/policy.schema.json")]
    Schema,
    /// Print a shell completion script (bash, zsh, fish or powershell).
    #[command(
        after_help = "Examples:\n  smce-guard completions bash > ~/.local/share/bash-completion/completions/smce-guard\n  smce-guard completions zsh > \"${fpath[1]}/_smce-guard\"\n  smce-guard completions fish > ~/.config/fish/completions/smce-guard.fish\n  smce-guard completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), every subcommand included.
    #[command(
        after_help = "Examples:\n  smce-guard man > ~/.local/share/man/man1/smce-guard.1\n  smce-guard man | man -l -"
    )]
    Man,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub infrastructure: InfrastructureArgs,
    #[command(flatten)]
    pub now: NowArgs,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The lowest severity that fails the run (exit 1).
    #[arg(long, value_enum, default_value_t = Severity::Error)]
    pub fail_on: Severity,
    /// Also list every check performed and passed (in every format; the human format does so
    /// with -v too), e.g. `deployer.restricted ✓`: the MFA exemption is in place.
    #[arg(long)]
    pub show_passed: bool,
    #[command(flatten)]
    pub infrastructure: InfrastructureArgs,
}

/// The policies to judge and where their accounts' state comes from: the same arguments for
/// every command that judges accounts (`check`, `expiries`, `verify-key`).
#[derive(clap::Args, Debug)]
pub struct StateArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// The directory holding the recordings, one folder per account name.
    #[arg(long, default_value = "fixtures")]
    pub fixtures: PathBuf,
    /// Read the accounts live through the AWS API instead of from --fixtures.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub aws: LiveArgs,
}

impl StateArgs {
    /// The AWS API under `--live`, else the recordings under `--fixtures`.
    pub fn source(&self) -> Source {
        self.aws.source_or_fixtures(self.live, &self.fixtures)
    }
}

/// Where the infrastructure repository is checked out; the same flag for `lint`, `check` and
/// `expiries`.
#[derive(clap::Args, Debug, Clone)]
pub struct InfrastructureArgs {
    /// A checkout of a 2i2c-style infrastructure repository: each policy is held to its cluster
    /// file (`account.cluster_config`, default config/clusters/<account.name>/cluster.yaml), and
    /// `check` dates the deployer credentials it names (sops metadata only, never decrypted).
    #[arg(long, env = "SMCE_GUARD_INFRASTRUCTURE", value_name = "DIR")]
    pub infrastructure: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// Where to write, one folder per account name.
    #[arg(long, default_value = "fixtures")]
    pub out: PathBuf,
    #[command(flatten)]
    pub select: SelectArgs,
    #[command(flatten)]
    pub aws: LiveArgs,
}

#[derive(clap::Args, Debug)]
pub struct AccountsArgs {
    /// Policy files or directories of *.yaml / *.yml files.
    #[arg(default_value = "policies")]
    pub paths: Vec<PathBuf>,
    /// The AWS profile of the organization's management (or delegated-admin) account.
    #[arg(long)]
    pub profile: Option<String>,
    /// Seconds one request attempt may take.
    #[arg(long, default_value_t = 20, value_name = "SECONDS")]
    pub timeout: u64,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub state: StateArgs,
    /// The account (`account.name`) whose deployer should hold the key.
    #[arg(long, value_name = "NAME")]
    pub account: String,
    /// The key id CI holds; without it, the JSON `aws iam create-access-key` prints is read from
    /// standard input.
    #[arg(long, value_name = "AKIA...")]
    pub key_id: Option<String>,
    #[command(flatten)]
    pub clock: ClockArgs,
    #[arg(long, value_enum, default_value_t = AnswerFormat::Human)]
    pub format: AnswerFormat,
}

/// How live runs reach AWS.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Live AWS access")]
pub struct LiveArgs {
    /// A named AWS profile for every account (`account.profile` wins).
    #[arg(long)]
    pub profile: Option<String>,
    /// Assume arn:aws:iam::<account.id>:role/NAME in every account (`account.role_arn` wins).
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// How many accounts to read at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Seconds one request attempt may take before it is retried or fails.
    #[arg(long, default_value_t = 20, value_name = "SECONDS")]
    pub timeout: u64,
    /// Seconds to wait for IAM to generate the credential report.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    pub report_wait: u64,
    /// Say more on stderr: the AWS requests per account read live; for init, what it read (the
    /// recording or live account, the cluster file, the users and keys) and what it decided.
    #[arg(long, short)]
    pub verbose: bool,
}

impl LiveArgs {
    /// The AWS API when `live`, else the recordings under `fixtures`.
    pub fn source_or_fixtures(&self, live: bool, fixtures: &std::path::Path) -> Source {
        if live {
            self.source()
        } else {
            Source::Recordings(fixtures.to_path_buf())
        }
    }

    pub fn source(&self) -> Source {
        let mut options = LiveOptions::new();
        options.profile = self.profile.clone();
        options.role_name = self.role_name.clone();
        options.attempt_timeout = std::time::Duration::from_secs(self.timeout.max(1));
        options.report_budget = std::time::Duration::from_secs(self.report_wait);
        Source::Live {
            options,
            concurrency: usize::from(self.concurrency),
        }
    }
}

/// Which accounts a command reads; the same flags and meaning for every such command.
#[derive(clap::Args, Debug, Clone)]
pub struct SelectArgs {
    /// Only the account with this name (`account.name`); repeat for several. A name no policy
    /// declares is an error.
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,
    /// Only shard K of N (a stable split by account id), for a CI matrix.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
}

impl SelectArgs {
    pub fn selection(&self) -> Selection {
        Selection {
            names: self.accounts.clone(),
            shard: self.shard,
        }
    }
}

#[derive(clap::Args, Debug)]
pub struct ExpiriesArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[command(flatten)]
    pub clock: ClockArgs,
    /// Only credentials with at most this many days left (expired ones included).
    #[arg(long, value_name = "DAYS")]
    pub within: Option<i64>,
    #[command(flatten)]
    pub select: SelectArgs,
    #[arg(long, value_enum, default_value_t = ExpiriesFormat::Table)]
    pub format: ExpiriesFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub infrastructure: InfrastructureArgs,
}

/// Where and how a report is written.
#[derive(clap::Args, Debug)]
pub struct OutputArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to this file (atomically) instead of stdout; the exit code is unchanged.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The instant a command judges at (`--now`): the one flag for every command that reads the
/// clock, `lint` and `init` included (waivers expire, credentials age).
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Clock")]
pub struct NowArgs {
    /// Judge as of this instant instead of now: RFC 3339 (2026-12-01T00:00:00Z), a date
    /// (2026-12-01, midnight UTC) or `now`.
    #[arg(long, env = "SMCE_GUARD_NOW", value_parser = crate::base::clock::parse_instant)]
    pub now: Option<jiff::Timestamp>,
}

impl NowArgs {
    pub fn clock(&self) -> crate::base::clock::Clock {
        crate::base::clock::Clock::new(self.now, false)
    }
}

/// When accounts are judged; the same flags for `check`, `expiries` and `verify-key`.
#[derive(clap::Args, Debug, Clone)]
#[command(next_help_heading = "Clock")]
pub struct ClockArgs {
    #[command(flatten)]
    pub now: NowArgs,
    /// Judge each recording at its own `captured_at`, to reproduce an old report (live reads
    /// are judged now).
    #[arg(long, conflicts_with = "now")]
    pub as_recorded: bool,
    /// Warn (`fixture.stale`) about a recording captured more than this many days before the
    /// instant it is judged at.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub max_age: u32,
}

impl ClockArgs {
    pub fn clock(&self) -> crate::base::clock::Clock {
        crate::base::clock::Clock::new(self.now.now, self.as_recorded)
    }
}
