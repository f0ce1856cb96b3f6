#!/usr/bin/env python3
"""Record smce-guard's example fixtures from a local, emulated AWS (moto_server).

    python3 scripts/record-fixtures.py            # writes fixtures/<account>/ next to this script
    python3 scripts/record-fixtures.py --out DIR  # writes DIR/<account>/ instead

Needs Python 3.11, boto3, moto 5.x (`moto_server` on PATH) and the AWS CLI. No network access and no real
credentials: moto_server listens on a free port on 127.0.0.1 only, and is stopped again at the end, also on failure.

For each account in ACCOUNTS below, the script
  1. seeds the emulated account (groups, policies, users, passwords, MFA devices, access keys, and, for the
     SMCE accounts of 2026, the IAM Identity Center SAML provider `AWSSSO_<hex>_DO_NOT_DELETE` with the
     permission-set roles `AWSReservedSSO_<set>_<hex>` it trusts, and the service roles) through
     tests/live/seed.py, the one builder of AWS test state that the live-path tests seed moto with too,
  2. records the five fixture files with the same AWS CLI commands one would run against real AWS
     (docs/recordings.md); the authorization details are read with no filter, so they hold the roles, and
     snapshot.json says so (`entities`),
  3. rewrites every timestamp to the fixed value the table gives (days before CAPTURED_AT, or an instant) and
     every random id moto generates to a deterministic fake one, and repairs what moto records differently from
     AWS, so that reruns produce byte-identical files. The repairs, all in normalise_*: the credential report's
     dates, last use (moto records none) and N/A conventions; each role's RoleLastUsed (moto records none);
     the managed policies (AWS lists only the AWS managed policies attached in the account, moto all it ships;
     AWS's field order, customer managed first); the roles in AWS's order, by name; the access keys' dates. Every value moto derives from the seeded state
     (statuses, MFA, passwords, paths, trust and attached policies) is kept, after checking it against the table.

The hex digits of the provider and role names are derived from the account id and set name (and a set's
`generation`: a re-provisioned set is a new role with new digits), so they are stable but not real.

Every person, key and password here is invented. Access key ids look like AKIAEXAMPLE + 9 characters and no
secret access key is ever written.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

# The one builder of AWS test state, which the live-path tests seed moto with too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "live"))
import seed as seeding  # noqa: E402

# --------------------------------------------------------------------------------------------------------------
# The data: what each account holds. Times are days before CAPTURED_AT (fractions allowed), or instants (`at`).
# --------------------------------------------------------------------------------------------------------------

CAPTURED_AT = datetime(2026, 11, 20, 9, 0, 0, tzinfo=timezone.utc)
SOURCE = "moto_server seeded by scripts/record-fixtures.py"
MAX_PASSWORD_AGE_DAYS = 60  # SMCE's account password policy; the report's password_next_rotation follows it
DEPLOYER = "hub-continuous-deployer"
ADMINS, RESTRICTED, DISABLED = seeding.ADMINS, seeding.RESTRICTED, seeding.DISABLED
# What GetAccountAuthorizationDetails is read with (no --filter: every entity type), as snapshot.json says.
ENTITIES = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
# The deployer credentials of the four SMCE clusters in 2i2c-org/infrastructure were last re-encrypted on
# 2026-03-09 (their sops.lastmodified; tests/data/infrastructure/); no rotation is committed after that.
LAST_COMMITTED_ROTATION = "2026-03-09"

When = float | datetime  # days before CAPTURED_AT, or an instant


def at(instant: str) -> datetime:
    """An instant, `2026-03-09T13:04:00Z`."""
    return datetime.fromisoformat(instant.replace("Z", "+00:00"))


def ago(when: When) -> datetime:
    return when if isinstance(when, datetime) else CAPTURED_AT - timedelta(days=when)


def days(when: When) -> float:
    """Days before CAPTURED_AT."""
    return (CAPTURED_AT - when) / timedelta(days=1) if isinstance(when, datetime) else when


@dataclass(frozen=True)
class Used:
    """When, where and for what a credential was last used."""

    when: When
    region: str = "us-west-2"
    service: str = "eks"


@dataclass(frozen=True)
class Key:
    created: When
    active: bool = True
    last_used: Used | None = None  # None: never used (the report says N/A)


@dataclass(frozen=True)
class Password:
    changed: When
    last_used: When | None = None  # None: never used (the report says no_information)


@dataclass
class User:
    name: str
    created: When
    groups: list[str] = field(default_factory=list)
    password: Password | None = None
    mfa: bool = False
    keys: list[Key] = field(default_factory=list)  # oldest first: that is access_key_1 in the report
    attached: list[str] = field(default_factory=list)  # names of the account's customer managed policies
    deployer_of: str | None = None  # EKS cluster: adds 2i2c's `eks-readonly` inline policy


# The managed policies the portal's permission sets carry. SMDE does not publish them: these are plausible
# stand-ins (AWS managed policies, whose documents moto ships), as is the inline guardrail below.
ADMINISTRATOR = "arn:aws:iam::aws:policy/AdministratorAccess"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"
VIEW_ONLY = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
IAM_READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
# IAM Identity Center writes a set's inline policy into its role as `AwsSSOInlinePolicy`: here, why 2i2c
# cannot create IAM users in these accounts (SMDE creates the deployer by hand).
NO_IAM_USERS = {"name": "AwsSSOInlinePolicy", "document": seeding.document([{
    "Sid": "IamUsersAreMadeBySMDE", "Effect": "Deny",
    "Action": ["iam:CreateUser", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"], "Resource": "*",
}])}


@dataclass(frozen=True)
class PermissionSet:
    """A permission set IAM Identity Center provisioned into the account: the role
    AWSReservedSSO_<set>_<16 hex> under /aws-reserved/sso.amazonaws.com/[<region>/], trusted through the
    account's AWSSSO_<16 hex>_DO_NOT_DELETE SAML provider. `generation` counts re-provisionings: each one
    makes a new role, with a new hex, so a new ARN."""

    name: str
    created: When
    attached: tuple[str, ...] = ()
    inline: tuple[dict, ...] = ()
    region: str | None = None  # the path's region segment, where IAM Identity Center writes one
    generation: int = 0
    last_used: Used | None = None  # RoleLastUsed (moto records none)


@dataclass(frozen=True)
class ServiceRole:
    """Any other role: a service-linked role, or eksctl's cluster role. Never a permission set."""

    name: str
    path: str
    service: str  # the trusted service principal
    created: When
    attached: tuple[str, ...] = ()
    last_used: Used | None = None


def portal_sets(created: When, *, region: str | None = None, used: float = 1.0) -> list[PermissionSet]:
    """The Science Cloud portal's three sets, as SMDE provisions them into an account."""
    return [
        PermissionSet("Project-Admin", created, (ADMINISTRATOR,), (NO_IAM_USERS,), region, last_used=Used(used)),
        PermissionSet("Project-Power-User", created, (POWER_USER,), region=region, last_used=Used(used + 6)),
        PermissionSet("Project-Read-Only", created, (VIEW_ONLY,), region=region),
    ]


def service_roles(cluster: str, *, created: When, sso_created: When | None) -> list[ServiceRole]:
    """What every one of these accounts also holds: eksctl's EKS cluster role and, where IAM Identity Center
    provisions sets, its service-linked role."""
    # eksctl appends CloudFormation's random suffix (13 characters); a stable stand-in here.
    suffix = base64.b32encode(hashlib.sha256(f"{cluster}/eksctl".encode()).digest()).decode()[:13]
    roles = [ServiceRole(f"eksctl-{cluster}-cluster-ServiceRole-{suffix}", "/", "eks.amazonaws.com", created,
                         ("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
                          "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController"),
                         last_used=Used(0.05))]
    if sso_created is not None:
        roles.insert(0, ServiceRole("AWSServiceRoleForSSO", "/aws-service-role/sso.amazonaws.com/",
                                    "sso.amazonaws.com", sso_created,
                                    ("arn:aws:iam::aws:policy/aws-service-role/AWSSSOServiceRolePolicy",),
                                    last_used=Used(0.5, "us-east-1")))
    return roles


@dataclass
class Account:
    name: str
    id: str
    created: When  # root user, SMCE groups and SMCE-AdminAccess
    users: list[User]
    region: str = "us-west-2"
    # The account password policy's MaxPasswordAge (password-policy.json); None: the account has no password policy.
    max_password_age: int | None = MAX_PASSWORD_AGE_DAYS
    # customer managed policies besides SMCE-AdminAccess: name -> (when, statements)
    extra_policies: dict[str, tuple[When, list[dict]]] = field(default_factory=dict)
    permission_sets: list[PermissionSet] = field(default_factory=list)
    roles: list[ServiceRole] = field(default_factory=list)


def engineer(name: str, *, password_changed: When, password_used: When = 1.0, mfa: bool = True,
             groups: tuple[str, ...] = (), created: When | None = None) -> User:
    """An SMCE engineer's IAM user: console password, admin group, MFA enforced by SMCE-UserRestrictions."""
    return User(
        name,
        created=created if created is not None else days(password_changed) + 300,
        groups=[ADMINS, RESTRICTED, *groups],
        password=Password(changed=password_changed, last_used=password_used),
        mfa=mfa,
    )


def deployer(cluster: str, *, created: When, keys: list[Key], groups=(), attached=()) -> User:
    """2i2c's CI user (terraform/aws/cd.tf): inline `eks-readonly`, access key(s), no password, no MFA."""
    return User(DEPLOYER, created=created, groups=list(groups), keys=keys, attached=list(attached), deployer_of=cluster)


ACCOUNTS = [
    # The four SMCE accounts as they are in 2026: ids, region and cluster from config/clusters/<name>/cluster.yaml.
    # Engineers sign in through the Science Cloud portal (IAM Identity Center) and pick one of three permission
    # sets; the only IAM user meant to be there is the deployer, which SMDE created by hand.
    #
    # Clean: the three sets, the deployer with one key rotated 22 days ago and in use. (Its rotation was not
    # committed: with --infrastructure, git's credentials predate the key, as on every SMCE account.)
    Account("nasa-ghg-hub", "597746869805", created=1300, users=[
        deployer("nasa-ghg-hub", created=700, keys=[Key(22, last_used=Used(0.3))]),
    ], permission_sets=portal_sets(at("2025-04-15T16:20:00Z"), used=0.8),
        roles=service_roles("nasa-ghg-hub", created=1290, sso_created=at("2025-04-15T16:05:00Z"))),
    # Never rotated since the last committed rotation: the deployer's key is the one created on 2026-03-09,
    # re-encrypted into git minutes later, and CI still uses it 256 days on. Project-Power-User was deleted and
    # made again in IAM Identity Center nine days ago with IAMReadOnlyAccess added: a new role, a new ARN.
    Account("nasa-veda", "444055461661", created=1500, users=[
        deployer("nasa-veda", created=900, keys=[Key(at("2026-03-09T13:04:00Z"), last_used=Used(0.2))]),
    ], permission_sets=[
        *[s for s in portal_sets(at("2025-03-03T18:40:00Z"), used=0.1) if s.name != "Project-Power-User"],
        PermissionSet("Project-Power-User", 9, (POWER_USER, IAM_READ_ONLY), generation=1, last_used=Used(2)),
    ], roles=service_roles("nasa-veda", created=1480, sso_created=at("2025-03-03T18:31:00Z"))),
    # The deployer still awaits its MFA exemption (in SMCE-UserRestrictions). Its key, rotated 50 days ago without
    # committing the new credentials, expires in 10 days. An engineer's IAM user from before SSO is left over:
    # SMCE disabled it when its password expired. SMDE never assigned Project-Read-Only to this account.
    Account("maap", "916098889494", created=1400, users=[
        engineer("example-engineer-katherine", created=920, password_changed=190, password_used=188,
                 groups=(DISABLED,)),
        deployer("maap", created=600, groups=[RESTRICTED], keys=[Key(50, last_used=Used(0.1))]),
    ], permission_sets=[s for s in portal_sets(at("2025-05-20T15:00:00Z"), region="us-west-2")
                        if s.name != "Project-Read-Only"],
        roles=service_roles("maap", created=1390, sso_created=at("2025-05-20T14:52:00Z"))),
    # A rotation half done: the key of 2026-03-09 (the one in git) is still active and in use, the new one made
    # six days ago was never used. The deployer carries a wildcard grant from before 2023. Beside the portal's
    # three sets, IAM Identity Center's own AdministratorAccess set is provisioned, which the policy does not
    # declare.
    Account("disasters", "515966502221", created=1600, users=[
        deployer("disasters", created=1520, attached=["legacy-eks-wildcard"], keys=[
            Key(at("2026-03-09T13:19:00Z"), last_used=Used(0.2)),
            Key(6),
        ]),
    ], extra_policies={
        "legacy-eks-wildcard": (1500, [{"Effect": "Allow", "Action": "eks:*", "Resource": "*"}]),
    }, permission_sets=[
        *portal_sets(at("2025-06-10T17:45:00Z"), region="us-west-2", used=3),
        PermissionSet("AdministratorAccess", 40, (ADMINISTRATOR,), region="us-west-2", last_used=Used(33)),
    ], roles=service_roles("disasters", created=1590, sso_created=at("2025-06-10T17:30:00Z"))),
    # The legacy example (policies/legacy-members.yaml): an invented account (555566667777 is no real
    # account) run the 2024 way, engineers with IAM users in SMCE-ProjectAdmins, kept so that the member rules
    # have an example. Grace's password is within the warning window; Linus has no MFA device; Edsger's password
    # expired and SMCE disabled him; smce-audit-example is ignored by the policy. The deployer's previous key
    # was deactivated, not deleted, after its rotation. The account's password policy lets passwords live 90
    # days, not SMCE's 60.
    Account("legacy-members", "555566667777", created=1200, region="us-east-1", max_password_age=90, users=[
        engineer("example-engineer-ada", password_changed=20),
        engineer("example-engineer-grace", password_changed=52, password_used=3),
        engineer("example-engineer-linus", password_changed=20, mfa=False),
        engineer("example-engineer-edsger", password_changed=75, password_used=62, groups=(DISABLED,)),
        deployer("legacy-hub", created=1100, keys=[
            Key(95, active=False, last_used=Used(50.5, "us-east-1")),
            Key(30, last_used=Used(0.2, "us-east-1")),
        ]),
        User("smce-audit-example", created=1000, keys=[Key(300, last_used=Used(2, "us-east-1", "iam"))]),
    ], roles=service_roles("legacy-hub", created=1150, sso_created=None)),
]

document = seeding.document


def eks_readonly(account: Account, cluster: str) -> dict:
    arn = f"arn:aws:eks:{account.region}:{account.id}:cluster/{cluster}"
    return document([{"Effect": "Allow", "Action": "eks:DescribeCluster", "Resource": arn}])


# --------------------------------------------------------------------------------------------------------------
# Mechanics: moto_server, seeding, recording with the AWS CLI, normalisation.
# --------------------------------------------------------------------------------------------------------------

IAM_REGION = "us-east-1"  # IAM is global; its endpoint lives in us-east-1
RECORDER_ROLE = "smce-guard-recorder"  # moto lets sts:AssumeRole into any account without the role existing


def json_time(when: When) -> str:
    """The IAM wire format the AWS CLI v1 prints unchanged."""
    return ago(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def report_time(when: When) -> str:
    """The credential report's format."""
    return ago(when).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def fake_id(prefix: str, length: int, *parts: str) -> str:
    """A stable, obviously fake IAM id: prefix + EXAMPLE + uppercase base32 digest, `length` characters in all."""
    digest = base64.b32encode(hashlib.sha256("/".join(parts).encode()).digest()).decode()
    head = prefix + "EXAMPLE"
    return head + digest[: length - len(head)]


def user_id(account: Account, name: str) -> str:
    return fake_id("AIDA", 21, account.id, "user", name)


def group_id(account: Account, name: str) -> str:
    return fake_id("AGPA", 21, account.id, "group", name)


def policy_id(account: Account, name: str) -> str:
    return fake_id("ANPA", 21, account.id, "policy", name)


def role_id(account: Account, name: str) -> str:
    return fake_id("AROA", 21, account.id, "role", name)


def hex16(*parts: str) -> str:
    """The 16 lowercase hex digits IAM Identity Center puts into its role and provider names; stable here."""
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:16]


def saml_provider(account: Account) -> str:
    return f"AWSSSO_{hex16(account.id, 'saml-provider')}_DO_NOT_DELETE"


@dataclass(frozen=True)
class RoleRow:
    """A role of the table as it is seeded and recorded."""

    name: str
    path: str
    created: When
    last_used: Used | None
    spec: dict  # the seeding module's role description


def roles_of(account: Account) -> list[RoleRow]:
    rows = []
    for role in account.roles:
        trust = document([{"Effect": "Allow", "Principal": {"Service": role.service}, "Action": "sts:AssumeRole"}])
        spec = {"name": role.name, "path": role.path, "trust": trust, "attached": list(role.attached)}
        rows.append(RoleRow(role.name, role.path, role.created, role.last_used, spec))
    for pset in account.permission_sets:
        name = f"AWSReservedSSO_{pset.name}_{hex16(account.id, pset.name, str(pset.generation))}"
        path = "/aws-reserved/sso.amazonaws.com/" + (f"{pset.region}/" if pset.region else "")
        # No trust: the seeding module trusts the account's SAML provider, as IAM Identity Center does.
        spec = {"name": name, "path": path, "attached": list(pset.attached), "inline": list(pset.inline)}
        rows.append(RoleRow(name, path, pset.created, pset.last_used, spec))
    return rows


def access_key_id(account: Account, user: str, index: int) -> str:
    return fake_id("AKIA", 20, account.id, "key", user, str(index))


class MotoServer:
    """moto_server on a free port of 127.0.0.1, stopped on exit from the `with` block."""

    def __init__(self, log_dir: Path):
        self.log_path = log_dir / "moto_server.log"
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "MotoServer":
        exe = shutil.which("moto_server")
        if exe is None:
            sys.exit("moto_server is not on PATH (pip install 'moto[server]')")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        log = open(self.log_path, "wb")
        # The permission sets and service roles carry AWS managed policies, which moto has only when asked to.
        env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}
        self.proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log, env=env)
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"moto_server did not answer on {self.url}; see {self.log_path}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def clean_env(server: MotoServer, creds: dict | None = None) -> dict:
    """An environment that can reach only the local moto_server: no profile, no config, no proxy."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and "proxy" not in k.lower()}
    env.update({
        "AWS_ENDPOINT_URL": server.url,
        "AWS_DEFAULT_REGION": IAM_REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "testing",  # moto's default account; only used to assume into the fixture accounts
        "AWS_SECRET_ACCESS_KEY": "testing",
        "NO_PROXY": "127.0.0.1",
    })
    if creds:
        env.update({
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
        })
    return env


def assume_account(server: MotoServer, account: Account) -> dict:
    import boto3

    sts = boto3.client("sts", endpoint_url=server.url, region_name=IAM_REGION,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    role = f"arn:aws:iam::{account.id}:role/{RECORDER_ROLE}"
    return sts.assume_role(RoleArn=role, RoleSessionName="record-fixtures")["Credentials"]


def describe(account: Account) -> dict:
    """The account as the seeding module's description: SMCE's baseline, then the table's state."""
    users = []
    for user in account.users:
        entry = {"name": user.name, "groups": user.groups, "attached": user.attached,
                 "password": user.password is not None, "mfa": user.mfa,
                 "keys": ["Active" if key.active else "Inactive" for key in user.keys]}
        if user.deployer_of:
            entry["inline"] = [{"name": "eks-readonly", "document": eks_readonly(account, user.deployer_of)}]
        users.append(entry)
    spec = {
        "id": account.id,
        "smce": True,
        "managed_policies": [{"name": name, "document": document(statements)}
                             for name, (_, statements) in account.extra_policies.items()],
        "saml_providers": [saml_provider(account)] if account.permission_sets else [],
        "roles": [row.spec for row in roles_of(account)],
        "users": users,
    }
    if account.max_password_age is not None:
        spec["password_policy"] = {
            "MinimumPasswordLength": 14, "RequireSymbols": True, "RequireNumbers": True,
            "RequireUppercaseCharacters": True, "RequireLowercaseCharacters": True,
            "AllowUsersToChangePassword": True, "MaxPasswordAge": account.max_password_age,
            "PasswordReusePrevention": 24,
        }
    return spec


def seed(server: MotoServer, account: Account) -> dict[str, tuple[str, int]]:
    """Create the account's IAM state; return moto's access key id -> (user, index in the user's key list)."""
    keys = seeding.seed_account(server.url, describe(account)).keys
    return {key["id"]: (key["user"], key["index"]) for key in keys}  # secrets discarded


def aws(env: dict, *args: str, missing: str | None = None) -> str:
    """Run the AWS CLI against moto_server and return its stdout; `missing`, when IAM answers NoSuchEntity."""
    result = subprocess.run(["aws", *args], env=env, capture_output=True, text=True)
    if result.returncode != 0 and missing is not None and "(NoSuchEntity)" in result.stderr:
        return missing
    if result.returncode != 0:
        raise RuntimeError(f"aws {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def record(env: dict) -> dict:
    """The five recordings, exactly as the README's command sequence produces them."""
    identity = json.loads(aws(env, "sts", "get-caller-identity", "--output", "json"))
    details = json.loads(aws(env, "iam", "get-account-authorization-details", "--output", "json"))
    for _ in range(30):
        state = json.loads(aws(env, "iam", "generate-credential-report", "--output", "json"))["State"]
        if state == "COMPLETE":
            break
        time.sleep(1)
    else:
        raise RuntimeError("credential report never completed")
    content = aws(env, "iam", "get-credential-report", "--query", "Content", "--output", "text")
    report = base64.b64decode(content).decode()
    users = aws(env, "iam", "list-users", "--query", "Users[].UserName", "--output", "text").split()
    keys = []
    for user in users:
        keys += json.loads(aws(env, "iam", "list-access-keys", "--user-name", user, "--output", "json"))[
            "AccessKeyMetadata"]
    # An account without a password policy: the CLI prints an error, the recording says null.
    password_policy = json.loads(aws(env, "iam", "get-account-password-policy", "--output", "json",
                                     missing='{"PasswordPolicy": null}'))
    return {"account_id": identity["Account"], "details": details, "report": report,
            "access_keys": {"AccessKeyMetadata": keys}, "password_policy": password_policy}


def normalise_details(account: Account, details: dict) -> dict:
    users = {u.name: u for u in account.users}
    for entry in details["UserDetailList"]:
        user = users[entry["UserName"]]
        entry["UserId"] = user_id(account, user.name)
        entry["CreateDate"] = json_time(user.created)
    for entry in details["GroupDetailList"]:
        entry["GroupId"] = group_id(account, entry["GroupName"])
        entry["CreateDate"] = json_time(account.created)
    # AWS lists roles by name (moto in the order they were made) and customer managed policies before AWS
    # managed ones: as AWS does, so that a recording reads as one made against AWS.
    details["RoleDetailList"].sort(key=lambda entry: entry["RoleName"])
    roles = {row.name: row for row in roles_of(account)}
    if sorted(roles) != sorted(entry["RoleName"] for entry in details["RoleDetailList"]):
        raise RuntimeError(f"{account.name}: the recording's roles are not the table's")
    for entry in details["RoleDetailList"]:
        row = roles[entry["RoleName"]]
        if entry["Path"] != row.path:
            raise RuntimeError(f"{row.name}: moto says path {entry['Path']}, the table {row.path}")
        attached = [p["PolicyArn"] for p in entry["AttachedManagedPolicies"]]
        if attached != row.spec["attached"]:
            raise RuntimeError(f"{row.name}: moto says attached {attached}, the table {row.spec['attached']}")
        federated = [s.get("Principal", {}).get("Federated") for s in entry["AssumeRolePolicyDocument"]["Statement"]]
        expected = [f"arn:aws:iam::{account.id}:saml-provider/{saml_provider(account)}"] if "trust" not in row.spec \
            else [None]
        if federated != expected:
            raise RuntimeError(f"{row.name}: trusted through {federated}, expected {expected}")
        entry["RoleId"] = role_id(account, row.name)
        entry["CreateDate"] = json_time(row.created)
        # moto records no role use; AWS says when and where the role was last assumed, {} if never.
        used = row.last_used
        entry["RoleLastUsed"] = {"LastUsedDate": json_time(used.when), "Region": used.region} if used else {}
    # moto's ManagedPolicyDetail lacks PolicyName, PolicyId and PermissionsBoundaryUsageCount and adds an empty
    # Description; rebuild each entry with AWS's fields in AWS's order. moto lists every AWS managed policy it
    # ships (1,485); AWS lists those attached to something in the account: keep those only.
    policies = []
    for entry in details["Policies"]:
        name = entry["Arn"].rsplit("/", 1)[1]
        aws_managed = entry["Arn"].startswith("arn:aws:iam::aws:")
        if aws_managed and entry["AttachmentCount"] == 0:
            continue
        if aws_managed:
            # moto ships AWS's own dates for these; the version's date is the server's clock, so the policy's.
            created, updated = entry["CreateDate"], entry["UpdateDate"]
        else:
            created = updated = json_time(
                account.created if name == seeding.SMCE_ADMIN_POLICY else account.extra_policies[name][0])
        policy = {
            "PolicyName": name,
            "PolicyId": fake_id("ANPA", 21, "aws", "policy", name) if aws_managed else policy_id(account, name),
            "Arn": entry["Arn"],
            "Path": entry["Path"],
            "DefaultVersionId": entry["DefaultVersionId"],
            "AttachmentCount": entry["AttachmentCount"],
            "PermissionsBoundaryUsageCount": entry.get("PermissionsBoundaryUsageCount", 0),
            "IsAttachable": entry["IsAttachable"],
        }
        if entry.get("Description"):
            policy["Description"] = entry["Description"]
        policy["CreateDate"], policy["UpdateDate"] = created, updated
        policy["PolicyVersionList"] = [{**version, "CreateDate": updated} for version in entry["PolicyVersionList"]]
        policies.append(policy)
    details["Policies"] = sorted(policies, key=lambda policy: policy["Arn"].startswith("arn:aws:iam::aws:"))
    return details


def normalise_keys(account: Account, access_keys: dict, moto_keys: dict[str, tuple[str, int]]) -> dict:
    users = {u.name: u for u in account.users}
    for entry in access_keys["AccessKeyMetadata"]:
        name, index = moto_keys[entry["AccessKeyId"]]
        key = users[name].keys[index]
        expected = "Active" if key.active else "Inactive"
        if entry["Status"] != expected:
            raise RuntimeError(f"{name} key {index}: moto says {entry['Status']}, table says {expected}")
        entry["AccessKeyId"] = access_key_id(account, name, index)
        entry["CreateDate"] = json_time(key.created)
    return access_keys


def normalise_report(account: Account, report: str) -> str:
    """Rebuild the credential report with the table's dates and AWS's N/A conventions.

    moto differs from AWS here: it has no <root_account> row, fills password_last_changed with the creation time
    even without a password, and writes not_supported for password_last_used (no password),
    password_next_rotation and the access keys' last-used region and service. The booleans moto derives from
    the seeded state (password_enabled, mfa_active, access_key_N_active) are kept, after checking them.
    """
    rows = list(csv.DictReader(io.StringIO(report)))
    header = list(rows[0].keys()) if rows else []
    if len(header) != 22:
        raise RuntimeError(f"credential report has {len(header)} columns, expected 22")
    users = {u.name: u for u in account.users}
    out = [{
        "user": "<root_account>", "arn": f"arn:aws:iam::{account.id}:root",
        "user_creation_time": report_time(account.created), "password_enabled": "not_supported",
        "password_last_used": "no_information", "password_last_changed": "not_supported",
        "password_next_rotation": "not_supported", "mfa_active": "true",
        **{f"access_key_{n}_{f}": ("false" if f == "active" else "N/A")
           for n in (1, 2) for f in ("active", "last_rotated", "last_used_date", "last_used_region",
                                     "last_used_service")},
        "cert_1_active": "false", "cert_1_last_rotated": "N/A", "cert_2_active": "false", "cert_2_last_rotated": "N/A",
    }]
    for row in rows:
        user = users[row["user"]]
        check = {"password_enabled": user.password is not None, "mfa_active": user.mfa}
        for n in (1, 2):
            check[f"access_key_{n}_active"] = len(user.keys) >= n and user.keys[n - 1].active
        for column, expected in check.items():
            if row[column] != str(expected).lower():
                raise RuntimeError(f"{user.name}: moto reports {column}={row[column]}, table says {expected}")
        pw = user.password
        row["user_creation_time"] = report_time(user.created)
        row["password_last_used"] = "N/A" if pw is None else (
            "no_information" if pw.last_used is None else report_time(pw.last_used))
        row["password_last_changed"] = "N/A" if pw is None else report_time(pw.changed)
        row["password_next_rotation"] = "N/A" if pw is None or account.max_password_age is None else report_time(
            ago(pw.changed) + timedelta(days=account.max_password_age))
        for n in (1, 2):
            key = user.keys[n - 1] if len(user.keys) >= n else None
            used = key.last_used if key else None
            row[f"access_key_{n}_last_rotated"] = report_time(key.created) if key else "N/A"
            row[f"access_key_{n}_last_used_date"] = report_time(used.when) if used else "N/A"
            row[f"access_key_{n}_last_used_region"] = used.region if used else "N/A"
            row[f"access_key_{n}_last_used_service"] = used.service if used else "N/A"
        out.append(row)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(out)
    return buf.getvalue()


def check_password_policy(account: Account, recorded: dict) -> dict:
    """moto's answer, checked against the table: nothing in it is volatile, so it is kept as recorded."""
    policy = recorded["PasswordPolicy"]
    age = None if policy is None or not policy.get("ExpirePasswords") else policy.get("MaxPasswordAge")
    if (policy is None) != (account.max_password_age is None) or age != account.max_password_age:
        raise RuntimeError(f"{account.name}: moto's password policy {policy} is not the table's "
                           f"MaxPasswordAge {account.max_password_age}")
    return recorded


def check_normalised(files: dict[str, str]) -> None:
    """Nothing volatile from moto may survive: no sub-second timestamps, no random ids."""
    for name, text in files.items():
        if re.search(r"\d{2}:\d{2}:\d{2}\.\d", text):
            raise RuntimeError(f"{name}: a moto timestamp survived normalisation")
        for value in re.findall(r'"(?:UserId|GroupId|PolicyId|AccessKeyId|RoleId)": "([^"]*)"', text):
            if not re.fullmatch(r"A[A-Z]{3}EXAMPLE[A-Z0-9]+", value):
                raise RuntimeError(f"{name}: id {value} was not replaced")
        if re.search(r'"(SecretAccessKey|SessionToken)"\s*:', text):
            raise RuntimeError(f"{name}: contains a secret")


def to_json(value: dict) -> str:
    """Formatted as the AWS CLI v1 formats --output json."""
    return json.dumps(value, indent=4, ensure_ascii=False) + "\n"


def record_account(server: MotoServer, account: Account, out_dir: Path) -> list[Path]:
    moto_keys = seed(server, account)
    creds = assume_account(server, account)
    raw = record(clean_env(server, creds))
    if raw["account_id"] != account.id:
        raise RuntimeError(f"recorded account {raw['account_id']}, expected {account.id}")
    files = {
        "authorization-details.json": to_json(normalise_details(account, raw["details"])),
        "credential-report.csv": normalise_report(account, raw["report"]),
        "access-keys.json": to_json(normalise_keys(account, raw["access_keys"], moto_keys)),
        "password-policy.json": to_json(check_password_policy(account, raw["password_policy"])),
        "snapshot.json": to_json({"account_id": account.id, "captured_at": CAPTURED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  "source": SOURCE, "entities": ENTITIES}),
    }
    check_normalised(files)
    folder = out_dir / account.name
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_bytes(text.encode())
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "fixtures",
                        help="directory receiving one folder per account (default: the repository's fixtures/)")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind, so moto_server is stopped too
    with tempfile.TemporaryDirectory(prefix="record-fixtures-") as tmp, MotoServer(Path(tmp)) as server:
        for account in ACCOUNTS:
            for path in record_account(server, account, args.out):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
