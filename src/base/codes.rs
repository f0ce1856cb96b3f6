//! Every diagnostic code smce-guard can emit, with its default severity and its explanation.
//!
//! This table is the one source for `smce-guard explain`, the README's code table and the help text
//! of machine reports; the codes themselves are a stable contract, so entries are only ever added.
//! Which rule produces a drift code is registered in `engine::rules` (a unit test there holds the
//! two tables to each other and to the README).

use std::fmt;
use std::str::FromStr;

/// How bad a diagnostic is; ordered so that `Error > Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What a code says about itself: what it checks, why that matters on SMCE, how to fix it.
#[derive(Clone, Copy, Debug)]
pub struct Explanation {
    pub checks: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $severity:ident,
        checks: $checks:literal, why: $why:literal, fix: $fix:literal; )*) => {
        /// A stable diagnostic code, printed as `family.kebab-name`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, in the order `explain` lists them.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// The severity unless the rule says otherwise: `user.unmanaged` takes the policy's
            /// `unmanaged_users`, and `deployer.key-count` is a warning while the deployer holds
            /// some keys.
            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            pub fn explanation(self) -> Explanation {
                match self { $(Code::$variant => Explanation { checks: $checks, why: $why, fix: $fix },)* }
            }
        }
    };
}

codes! {
    PolicyUnreadable = "policy.unreadable", Error,
        checks: "A policy path is a regular file inside the folder given (a link only to another file there), on an ordinary filesystem (never procfs, sysfs or another kernel interface; tmpfs is ordinary), can be read, and reads the same when `check` reads it again to judge its account.",
        why: "A gate that silently skips a file it cannot read would pass an account nobody checked; one that judged a file rewritten after lint would apply rules nobody linted.",
        fix: "Check the path and its permissions; if the file was being written, run again.";
    PolicyNoFiles = "policy.no-files", Error,
        checks: "A directory given to lint or check holds at least one `*.yaml` or `*.yml` policy.",
        why: "An empty policy set would make every check pass vacuously.",
        fix: "Point the command at the directory holding the policies, or add one.";
    PolicyNotUtf8 = "policy.not-utf8", Error,
        checks: "The policy file is valid UTF-8.",
        why: "YAML is text; bytes that are not UTF-8 usually mean a binary file or a wrong encoding.",
        fix: "Re-save the file as UTF-8.";
    PolicyTooLarge = "policy.too-large", Error,
        checks: "A policy file stays under 1 MiB.",
        why: "A policy for one account is a few kilobytes; a huge file is a mistake or an attack on the gate.",
        fix: "Split or trim the file.";
    PolicyEmpty = "policy.empty", Error,
        checks: "The policy file holds a document (not only blanks or comments).",
        why: "An empty policy declares no account, so nothing would be checked.",
        fix: "Fill in at least `account.id` and `account.name`, or delete the file.";
    PolicySyntax = "policy.syntax", Error,
        checks: "The file is well-formed YAML (no tab indentation, balanced quotes and brackets).",
        why: "Nothing can be checked in a file that does not parse.",
        fix: "Fix the YAML at the marked position; indent with spaces, never tabs.";
    PolicyAlias = "policy.alias", Error,
        checks: "The policy uses no YAML anchors (`&a`), aliases (`*a`) or merge keys.",
        why: "Aliases hide what a policy declares and allow exponential 'billion laughs' documents.",
        fix: "Write the repeated value out in full.";
    PolicyTooDeep = "policy.too-deep", Error,
        checks: "The document nests at most 32 levels deep.",
        why: "The policy format is at most five levels deep; deeper nesting is a mistake or an attack.",
        fix: "Flatten the document to the policy format.";
    PolicyDuplicateKey = "policy.duplicate-key", Error,
        checks: "No mapping in the policy repeats a key.",
        why: "YAML parsers disagree on which copy wins, so a repeated key is ambiguous.",
        fix: "Keep one of the two entries.";
    PolicyUnknownKey = "policy.unknown-key", Error,
        checks: "Every key is one the policy format defines at that place.",
        why: "A misspelt key is silently ignored by most tools; here it is an error so the intent is not lost.",
        fix: "Use one of the valid keys listed in the help, or remove the key.";
    PolicyMissingField = "policy.missing-field", Error,
        checks: "Required fields are present (`account.id`, `account.name`, `deployer.cluster`, ...).",
        why: "Without them the engine cannot know which account or cluster to check.",
        fix: "Add the field named in the message.";
    PolicyWrongType = "policy.wrong-type", Error,
        checks: "Each value has the type the format requires (a quoted string for `account.id`, a list for `members`, ...).",
        why: "YAML guesses types: `id: 012345678901` is a number and loses its leading zero.",
        fix: "Quote strings, write lists with `- `, and numbers without quotes.";
    PolicyInvalidValue = "policy.invalid-value", Error,
        checks: "Each value is allowed by the schema (12-digit account id, known enum values, sane ranges).",
        why: "A value outside its range would make the checks meaningless.",
        fix: "Use a value the help names.";
    PolicyDuplicateAccountId = "policy.duplicate-account-id", Error,
        checks: "No two policies declare the same `account.id`.",
        why: "Two policies for one account would give contradictory verdicts.",
        fix: "Merge the two policies into one file.";
    PolicyDuplicateAccountName = "policy.duplicate-account-name", Error,
        checks: "No two policies declare the same `account.name`.",
        why: "The name selects `fixtures/<name>/`; two policies would read the same recorded state.",
        fix: "Give each account its own name.";
    PolicyDuplicateMember = "policy.duplicate-member", Error,
        checks: "A user appears at most once in `members`.",
        why: "A repeated member is usually a copy-paste slip that hides a missing engineer.",
        fix: "Remove the repeated entry.";
    PolicyDeployerConflict = "policy.deployer-conflict", Error,
        checks: "The deployer user is neither a member nor in `ignore_users`.",
        why: "Members must have MFA and the deployer must be exempt from it; ignoring the deployer would hide expiring CI keys.",
        fix: "Declare the deployer only under `deployer`.";
    PolicyWarnWindow = "policy.warn-window", Error,
        checks: "`credentials.warn_days` is below `credentials.max_age_days`.",
        why: "A warning window as long as the credential lifetime would warn about every credential from day one.",
        fix: "Lower `warn_days` (the default is 15) or raise `max_age_days` (SMCE enforces 60).";
    PolicyActionShape = "policy.action-shape", Error,
        checks: "Every `deployer.allow[].action` has the `service:Action` shape; `*` and `?` are allowed as wildcards.",
        why: "A malformed action can never match a grant, so the deployer check would be wrong.",
        fix: "Write the action as IAM does, e.g. `eks:DescribeCluster`.";
    PolicyResourceShape = "policy.resource-shape", Error,
        checks: "Every `deployer.allow[].resource` is an ARN (`arn:partition:service:region:account:resource`) or `*`.",
        why: "A malformed resource can never match a grant, so the deployer check would be wrong.",
        fix: "Write the full ARN, e.g. `arn:aws:eks:us-west-2:444055461661:cluster/nasa-veda`.";
    PolicyArnMismatch = "policy.arn-mismatch", Error,
        checks: "An EKS ARN in `deployer.allow` names the policy's own account id and region; a customer managed policy in `sso.permission_sets` is the policy's own account's.",
        why: "A copied policy that still names another account's cluster would let CI fail to deploy, or allow the wrong cluster; a role can carry no other account's policy, so such a permission set could never match.",
        fix: "Use the account id and region from `account`.";
    PolicyClusterMismatch = "policy.cluster-mismatch", Warning,
        checks: "An EKS ARN in `deployer.allow` names the policy's own cluster (`deployer.cluster`).",
        why: "A grant copied from another hub's policy lets the deployer describe that hub's cluster and not its own: deploys fail, and the exemption covers more than it should.",
        fix: "Name `deployer.cluster` in the ARN (`arn:aws:eks:<region>:<id>:cluster/<cluster>`), or fix `deployer.cluster`.";
    PolicyRoleAccountMismatch = "policy.role-account-mismatch", Error,
        checks: "`account.role_arn` names a role in the policy's own account (`account.id`).",
        why: "A live run assumes that role with the caller's credentials; a role in another account would be assumed, and its account read, before the mismatch could be reported.",
        fix: "Use `arn:aws:iam::<account.id>:role/NAME`, or fix `account.id`.";
    PolicyDuplicatePermissionSet = "policy.duplicate-permission-set", Error,
        checks: "No permission set is declared twice in `sso.permission_sets`, and no set lists a managed policy twice.",
        why: "A repeated entry is a copy-paste slip: two declarations of one set can disagree about its policies, and the check could only honour one.",
        fix: "Keep one entry (merge their `managed_policies`).";
    WaiverExpired = "waiver.expired", Error,
        checks: "Every waiver's `until` date is today or later.",
        why: "Accepted drift must be looked at again; an expired waiver no longer hides its finding.",
        fix: "Fix the drift and delete the waiver, or extend `until` with a fresh reason.";
    WaiverUnused = "waiver.unused", Warning,
        checks: "Every waiver matched a finding of its account.",
        why: "A waiver that matches nothing is stale, and would silently hide the drift if it came back.",
        fix: "Delete the waiver, or correct its `code` or `principal`.";
    FixtureInvalid = "fixture.invalid", Error,
        checks: "A recording is regular files inside `--fixtures` (a link only to another file there) and parses: JSON documents, the credential report CSV, dates.",
        why: "A broken recording must never be read as 'no drift'.",
        fix: "Record the account again (docs: Recordings) or repair the file at the marked position.";
    FixtureStale = "fixture.stale", Warning,
        checks: "A recording judged offline was captured at most `--max-age` days (default 7) before the instant it is judged at, and says when (`snapshot.json` `captured_at`).",
        why: "A recording tells what was true when it was made; judged weeks later, it keeps saying a key has days left after SMCE deleted it. Live reads are never stale.",
        fix: "Record the account again (`smce-guard snapshot --account NAME`), or read it live (`check --live`).";
    AccountUnobserved = "account.unobserved", Error,
        checks: "State could be observed for every policy: its recording's folder and required files exist.",
        why: "An account nobody could see must never pass the gate.",
        fix: "Record the account's state into `fixtures/<account.name>/` (see README), or pass `--fixtures`.";
    AccountMismatch = "account.mismatch", Error,
        checks: "The recorded state belongs to the account id the policy declares.",
        why: "Checking one account's policy against another account's state would give a verdict about the wrong account.",
        fix: "Record the right account, or fix `account.id`.";
    AccountPasswordPolicy = "account.password-policy", Warning,
        checks: "The account's password policy (`password-policy.json`, GetAccountPasswordPolicy) expires passwords after `credentials.max_age_days`.",
        why: "smce-guard dates password expiry by `max_age_days`; an account whose `MaxPasswordAge` differs makes those dates wrong.",
        fix: "Set `credentials.max_age_days` to the account's `MaxPasswordAge`, or ask SMCE why the account differs.";
    AccountUncovered = "account.uncovered", Error,
        checks: "Every ACTIVE account of the organization has a policy (`smce-guard accounts`).",
        why: "An account without a policy is never checked; its credentials expire unseen.",
        fix: "Write a policy for the account in `policies/`, then record or read its state.";
    AccountNotInOrganization = "account.not-in-organization", Error,
        checks: "Every policy's account belongs to the caller's organization (`smce-guard accounts`).",
        why: "A policy for an account outside the organization is stale or has a wrong id.",
        fix: "Fix `account.id`, or delete the policy of an account that left.";
    AccountSuspended = "account.suspended", Error,
        checks: "No policy is for a SUSPENDED account (`smce-guard accounts`).",
        why: "A suspended account's hubs are gone; its policy only produces noise.",
        fix: "Delete the policy, or have the account reinstated.";
    MemberMissing = "member.missing", Error,
        checks: "Every declared member has an IAM user.",
        why: "An engineer without a user cannot reach the account when the hub breaks.",
        fix: "Create the user and add it to the admins group, or remove the member from the policy.";
    MemberNotAdmin = "member.not-admin", Error,
        checks: "Every member is in `groups.admins` (SMCE-ProjectAdmins).",
        why: "On SMCE that group is what gives engineers their access.",
        fix: "Add the user to the admins group.";
    MemberMfaMissing = "member.mfa-missing", Error,
        checks: "Every member has an active MFA device (credential report `mfa_active`).",
        why: "SMCE requires MFA for every human user; without it the console denies almost everything.",
        fix: "The engineer signs in and assigns an MFA device, then signs out and in again.";
    MemberDisabled = "member.disabled", Error,
        checks: "No member is in `groups.disabled` (AccountDisabled).",
        why: "SMCE puts users there when their credentials expired; they stay locked out until someone removes them.",
        fix: "Reset the user's password or keys, then remove the user from the disabled group.";
    UserUnmanaged = "user.unmanaged", Error,
        checks: "Every IAM user is declared: a member, the deployer, or in `ignore_users`.",
        why: "Undeclared users are forgotten credentials; on SSO accounts any IAM user besides the deployer is drift.",
        fix: "Declare the user, list it in `ignore_users` if someone else manages it, or delete it.";
    DeployerMissing = "deployer.missing", Error,
        checks: "The deployer IAM user exists.",
        why: "Without it CI cannot deploy the hub.",
        fix: "Apply 2i2c's terraform (`terraform/aws/cd.tf`) to create it.";
    DeployerRestricted = "deployer.restricted", Error,
        checks: "The deployer is not in `groups.restricted` (SMCE-UserRestrictions).",
        why: "That group enforces MFA; a CI user cannot do MFA, so deploys fail until SMCE grants the exemption.",
        fix: "Ask the community representative to request the MFA exemption from SMCE.";
    DeployerDisabled = "deployer.disabled", Error,
        checks: "The deployer is not in `groups.disabled` (AccountDisabled).",
        why: "SMCE disables users whose keys expired; CI fails with UnrecognizedClientException.",
        fix: "Rotate the key, then remove the deployer from the disabled group.";
    DeployerConsoleAccess = "deployer.console-access", Error,
        checks: "The deployer has no console password.",
        why: "A CI user needs only an access key; a password is one more credential to expire and leak.",
        fix: "Delete the login profile.";
    DeployerExcessPermission = "deployer.excess-permission", Error,
        checks: "Every Allow statement reaching the deployer (inline, attached, via groups other than `groups.restricted` and `groups.disabled`) grants, in effect, only what `deployer.allow` lists: a request beyond it that the statement grants and that survives the Deny statements, the permissions boundary and the conditions in the CI request's context (docs/access.md) is an error; one that survives only for some values of keys CI requests do not fix is a warning that says so.",
        why: "The MFA exemption is granted because the deployer can only describe its cluster; more permissions break that promise.",
        fix: "Remove or narrow the statement, or declare the permission in `deployer.allow` if it is intended; `smce-guard access --account NAME ACTION RESOURCE` shows how IAM decides the request named.";
    DeployerMissingPermission = "deployer.missing-permission", Error,
        checks: "Every `deployer.allow` entry is allowed by the identity policies (the deployer's and its groups') for a CI request, whatever the keys CI requests do not fix: an Allow statement must match and its conditions hold in the CI request's context (docs/access.md). The message names the statements that failed and why.",
        why: "Without eks:DescribeCluster CI cannot fetch a kubeconfig and deploys fail. A condition that cannot hold for a key-signed call (MFA present, a role, a service calling on CI's behalf) grants nothing.",
        fix: "Restore the `eks-readonly` inline policy (2i2c terraform) or grant the entry; remove a condition a CI request cannot meet.";
    DeployerDenied = "deployer.denied", Error,
        checks: "No Deny statement reaching the deployer (inline, attached, via groups other than `groups.restricted` and `groups.disabled`, or in its permissions boundary) denies a `deployer.allow` entry for a CI request whatever the keys CI requests do not fix, and its permissions boundary, if any, allows every entry. NotAction/NotResource deny everything but what they name; a condition counts as the CI request's context (docs/access.md) decides it: `BoolIfExists aws:MultiFactorAuthPresent false` denies a key-signed call.",
        why: "A Deny wins over every Allow and a boundary caps them: CI cannot fetch a kubeconfig even though the grant is in place. The usual MFA condition denies the deployer, which has no MFA.",
        fix: "Remove or narrow the Deny statement, or detach its policy; extend the permissions boundary to the entry or remove it.";
    DeployerRotationIncomplete = "deployer.rotation-incomplete", Error,
        checks: "When the deployer holds two active keys, CI uses the newer: the newer (created at least `deployer.rotation_grace_days` ago) has been used, and the older has not been used since the newer was created plus the grace.",
        why: "A rotation that re-encrypted the old key, or that CI never picked up, leaves CI on a key SMCE will delete: deploys fail with UnrecognizedClientException.",
        fix: "Re-encrypt the newer key's credentials for CI (`smce-guard verify-key` tells which key CI holds), deploy once, then delete the older key.";
    DeployerKeyUnused = "deployer.key-unused", Warning,
        checks: "The deployer's only active key has been used since its creation (plus `deployer.rotation_grace_days`), and within `credentials.unused_days`.",
        why: "An active key CI never uses means CI holds some other, probably deleted key: the next deploy fails.",
        fix: "Check which key CI holds (`smce-guard verify-key`), re-encrypt the account's active key for CI, and deploy.";
    DeployerKeyCount = "deployer.key-count", Error,
        checks: "The deployer holds exactly `deployer.active_keys` active access keys (error with none, warning otherwise).",
        why: "No key means CI is broken; an extra key is usually a rotation that forgot to delete the old one.",
        fix: "Rotate with terraform and delete the stale key.";
    KeyExpiring = "key.expiring", Warning,
        checks: "No active access key is within `credentials.warn_days` of `max_age_days`.",
        why: "SMCE deletes keys at 60 days with five days' notice to an unclear recipient.",
        fix: "Rotate the key now.";
    KeyExpired = "key.expired", Error,
        checks: "No active access key is at or past `credentials.max_age_days`.",
        why: "SMCE automation deletes such keys and disables their users.",
        fix: "Rotate the key immediately and remove the user from the disabled group if SMCE acted.";
    PasswordExpiring = "password.expiring", Warning,
        checks: "No console password is within `credentials.warn_days` of `max_age_days`.",
        why: "SMCE locks users out when their password reaches 60 days.",
        fix: "Change the password now.";
    KeyUnused = "key.unused", Warning,
        checks: "No active access key of a user other than the deployer goes unused for `credentials.unused_days` (default 45), or is never used and that old.",
        why: "An unused key is a credential nobody needs that can still leak; Prowler, AWS Config and Cloud Custodian all flag them.",
        fix: "Deactivate and delete the key, or find who still needs it.";
    PasswordUnused = "password.unused", Warning,
        checks: "No enabled console password of a user other than the deployer goes unused for `credentials.unused_days`, or is never used and changed that long ago.",
        why: "A console password nobody signs in with still expires, locks its user out and can leak; on SSO accounts it should not exist.",
        fix: "Delete the login profile (`aws iam delete-login-profile`), or have its user sign in.";
    RootAccessKey = "root.access-key", Warning,
        checks: "The root user has no active access key (credential report `<root_account>` row); severity from `root` (default warning).",
        why: "A root key can do anything in the account and cannot be restricted; AWS and every benchmark say delete it.",
        fix: "Ask SMCE (who owns the root user) to delete the root access key.";
    RootMfaMissing = "root.mfa-missing", Warning,
        checks: "The root user has MFA (credential report `<root_account>` row); severity from `root` (default warning).",
        why: "Root without MFA is one password away from the whole account.",
        fix: "Ask SMCE (who owns the root user) to enable MFA on it.";
    PasswordExpired = "password.expired", Error,
        checks: "No console password is at or past `credentials.max_age_days`.",
        why: "The user is or will be locked out and put into AccountDisabled.",
        fix: "Reset the password and remove the user from the disabled group.";
    InfrastructureMissing = "infrastructure.missing", Error,
        checks: "With `--infrastructure DIR`: each policy's cluster file (`account.cluster_config`, default `config/clusters/<account.name>/cluster.yaml`) is a regular file inside DIR with `provider: aws`, and the deployer credentials file it names (`aws.key`) carries a sops `lastmodified` instant (read without decrypting).",
        why: "A policy whose hub has no cluster file (or one on another cloud) describes an account nothing deploys to; credentials without sops metadata cannot be dated against the deployer's keys.",
        fix: "Fix `account.name` or set `account.cluster_config` to the cluster file's path relative to DIR; re-encrypt the credentials with sops.";
    InfrastructureMismatch = "infrastructure.mismatch", Error,
        checks: "With `--infrastructure DIR`: the policy's `account.id`, `account.region` and `deployer.cluster` equal the cluster file's account id (`aws.account`, or a 12-digit top-level `account`), `aws.region` and `aws.clusterName`.",
        why: "Two files that disagree about the account deploy to one account and check another: the deployer check passes while CI fails, or the other way round.",
        fix: "Correct whichever side is wrong; the message names both lines.";
    DeployerCredentialsStale = "deployer.credentials-stale", Error,
        checks: "With `--infrastructure DIR`: the deployer credentials CI decrypts (the sops file `aws.key` names) were re-encrypted (`sops.lastmodified`) after the creation of an active deployer key; a warning when, of two active keys, they predate only the newer.",
        why: "Credentials re-encrypted before every active key was created hold a key the account no longer has active: deploys that decrypt them fail with UnrecognizedClientException (a key in use since then means CI may hold a newer copy than git; the message says which). Older than the newer of two: the rotation was never re-encrypted, and CI breaks when the older key is deleted.",
        fix: "Re-encrypt the newest active key's credentials with sops (`terraform output -raw continuous_deployer_creds`) and commit them; deploy, and once CI uses that key, delete any older one.";
    PolicyNoContacts = "policy.no-contacts", Warning,
        checks: "The policy names at least one `account.contacts` entry: who hears about expiring credentials.",
        why: "SMCE gives five days' notice to an unclear inbox; without contacts the calendar and the reports say nobody must act, and a key expires unheard.",
        fix: "Add `contacts:` under `account` with a `name` and an `email` (the community representative, the on-call engineer); `init` leaves a commented one to fill in.";
    SsoPermissionSetMissing = "sso.permission-set-missing", Error,
        checks: "Every permission set in `sso.permission_sets` is provisioned: an IAM role `AWSReservedSSO_<set>_<hex>` under `/aws-reserved/sso.amazonaws.com/` (with or without a region segment) whose trust policy allows `sts:AssumeRoleWithSAML` from the account's own `AWSSSO_<hex>_DO_NOT_DELETE` SAML provider. Passed, it names the role's ARN.",
        why: "Engineers reach the account only through these sets (the Science Cloud portal); a set that is not provisioned locks them out, and the EKS access entry naming its role lets nobody into the cluster.",
        fix: "Ask SMDE to assign the permission set to the account in IAM Identity Center; then point the EKS access entry at the new role ARN (`aws eks create-access-entry --principal-arn <ARN>`).";
    SsoPermissionSetUnexpected = "sso.permission-set-unexpected", Error,
        checks: "Every permission set provisioned into the account (an SSO role as `sso.permission-set-missing` describes it) is declared in `sso.permission_sets`; severity from `sso.unexpected` (default error).",
        why: "An undeclared permission set is a way into the account nobody reviews; on SMCE only the portal's sets should be there.",
        fix: "Declare the set in `sso.permission_sets` if it is intended, or ask SMDE to remove its assignment.";
    SsoPermissionSetChanged = "sso.permission-set-changed", Error,
        checks: "A declared permission set with `managed_policies` carries exactly those managed policies (its role's attached policies), no more and no fewer.",
        why: "The set decides what every engineer who signs in with it may do; a policy added or removed in IAM Identity Center changes that for all of them at once, unreviewed.",
        fix: "Restore the set's managed policies in IAM Identity Center (and re-provision it), or update `managed_policies` if the change is intended.";
    SsoUnobserved = "sso.unobserved", Warning,
        checks: "A policy with `sso:` is judged from a recording that read IAM roles: `snapshot.json` lists `Role` among its `entities`, or `RoleDetailList` is not empty. Otherwise the permission-set rules are not run (neither failed nor passed) and this warning says so.",
        why: "Recordings made before roles were read have an empty `RoleDetailList`; read as 'no roles' it would call every permission set missing, read as nothing it would hide that SSO was never checked.",
        fix: "Record the account again (`smce-guard snapshot --account NAME`, or the AWS CLI recipe, which lists roles and writes `entities`).";
    FixturePartial = "fixture.partial", Warning,
        checks: "A recording's key listing (`access-keys.json`) lists every user whose active key the credential report shows; the users it leaves out keep the report's keys, and the warning names them.",
        why: "`aws iam list-access-keys` without `--user-name` lists only the caller's own keys: a listing taken as complete would hide every other user's expired key.",
        fix: "Record the account again with `smce-guard snapshot --account NAME`, or list each user's keys (`aws iam list-access-keys --user-name USER`) into one `access-keys.json`.";
    AccountGroupMissing = "account.group-missing", Warning,
        checks: "The account has each group the policy writes under `groups` (`admins`, `restricted`, `disabled`; SMCE's default names are not required), compared without regard to case as IAM compares group names; an error for `groups.admins` when members are declared.",
        why: "A rule about a group the account does not have passes by default: `deployer.restricted ✓` then says nothing about the MFA exemption, and no member can be in an admins group that does not exist.",
        fix: "Correct the group's name under `groups` (the message names the account's groups), or ask SMCE why the account lacks it.";
    PolicySkipped = "policy.skipped", Warning,
        checks: "A directory of policies holds its `*.yaml`/`*.yml` policies directly: policy files in its subfolders are not read, and are reported.",
        why: "A policy moved into a subfolder is never checked, and its account would pass without a word.",
        fix: "Move the file up into the directory given, pass the subfolder too (`smce-guard check policies policies/SUB`), or delete it.";
    FixtureOrphan = "fixture.orphan", Warning,
        checks: "When a whole directory of policies is checked (no `--account`, no `--shard`), every recording under `--fixtures` belongs to an account some policy declares.",
        why: "A recording without a policy is an account nobody checks any more, or a policy renamed or lost: its credentials expire unseen.",
        fix: "Write the account's policy (`smce-guard init`), fix the policy's `account.name`, or delete the recording.";
    DeployerAccessUncertain = "deployer.access-uncertain", Warning,
        checks: "IAM's decision on each `deployer.allow` entry for a CI request does not depend on condition keys CI requests do not fix (the runner's address, the organization, a VPC, the user agent, resource tags: docs/access.md); the message names the keys and the values that deny.",
        why: "A grant that holds only from some addresses or organizations fails deploys the day CI runs elsewhere, and no recording can tell which it will be.",
        fix: "Pin what the team knows of its CI requests in `deployer.context` (e.g. `aws:SourceIp` with the runners' ranges), or remove the condition; `smce-guard access --account NAME ACTION RESOURCE --context KEY=VALUE` asks about one value.";
}

impl Code {
    /// Whether the code is a drift finding about an account (as opposed to a problem with a
    /// policy, a waiver or a recording); only findings can be waived.
    pub fn is_finding(self) -> bool {
        !matches!(
            self.as_str().split_once('.'),
            Some(("policy" | "waiver" | "fixture" | "infrastructure", _))
        )
    }

    /// A one-line summary: the first sentence of what the code checks.
    pub fn title(self) -> &'static str {
        self.explanation().checks
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Code {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == s)
            .ok_or_else(|| super::nearest::unknown(s))
    }
}

#[cfg(test)]
mod tests;
