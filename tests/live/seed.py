#!/usr/bin/env python3
"""The one builder of AWS test state: seeds a running moto_server from a JSON description.

The live-path tests (tests/integration/live.rs, faults.rs, through tests/integration/moto/scenario.rs)
run it as a program, and scripts/record-fixtures.py imports it to seed the accounts it records, so
every account a test or a recording starts from is built by the same code from the same shape:

    python3 tests/live/seed.py http://127.0.0.1:PORT < scenario.json > seeded.json

The scenario (JSON on stdin, or `seed(endpoint, scenario)` from Python):

    {"accounts": [{
        "id": "111122223333",
        "smce": true,
        "password_policy": {"MinimumPasswordLength": 14, "MaxPasswordAge": 90},
        "managed_policies": [{"name": "legacy-eks-wildcard", "document": {...}}],
        "groups": [{"name": "Project-Admins", "inline": [{"name": "p", "document": {...}}],
                    "attached": ["SMCE-AdminAccess"]}],
        "users": [{"name": "alice", "groups": ["SMCE-ProjectAdmins"], "inline": [...], "attached": [...],
                   "password": true, "mfa": true, "keys": ["Active", "Inactive"]}],
        "saml_providers": ["AWSSSO_0123456789abcdef_DO_NOT_DELETE"],
        "roles": [{"name": "AWSReservedSSO_Project-Admin_0123456789abcdef",
                   "path": "/aws-reserved/sso.amazonaws.com/", "trust": {...},
                   "inline": [...], "attached": [...]}]
     }],
     "organization": {"accounts": [{"name": "science", "status": "ACTIVE"},
                                   {"name": "retired", "status": "SUSPENDED"}]},
     "sessions": ["111122223333"]}

Every field but `id` and `name` is optional. `smce` puts in what SMCE puts into every account first
(SMCE_MANAGED_POLICIES and SMCE_GROUPS below: SMCE-AdminAccess, and the groups SMCE-ProjectAdmins,
SMCE-UserRestrictions with its MFA Deny and AccountDisabled with its Deny-all). `password_policy`
holds the keyword arguments of iam:UpdateAccountPasswordPolicy; without it the account has no
password policy. `attached` names a customer managed policy of the same account (or is a full policy
ARN). A SAML provider is its name, or `{"name": ..., "metadata": ...}` with its SAML metadata
document; without metadata a minimal one is made up. A role's `trust` is its assume-role policy
document; without it the role trusts the account's first SAML provider (as IAM Identity Center's
roles do), else the account itself; `path` defaults to `/` (moto, unlike IAM, lets anyone create a
role under /aws-reserved/, which is how a permission set's role is made).

Entities are made in the order of SEEDERS (password policy, managed policies, groups, SAML providers,
roles, users); a new kind of entity is one function and one row there. Seeding is additive: running
it again on the same server adds to what is there. Each account is reached by sts:AssumeRole into
arn:aws:iam::<id>:role/seed (moto needs no such role and keeps every account apart); the organization
is created by moto's default account 123456789012, its management account. moto 5.2.1's
organizations:CloseAccount marks an account SUSPENDED at once, which is how a SUSPENDED account is
made.

Prints (JSON on stdout) what the tests cannot know in advance:

    {"keys": [{"account": "...", "user": "...", "index": 0, "id": "AKIA...", "secret": "..."}],
     "roles": ["arn:aws:iam::...:role/..."], "saml_providers": ["arn:aws:iam::...:saml-provider/..."],
     "organization": {"management": "123456789012",
                      "accounts": [{"name": "...", "id": "...", "status": "ACTIVE"}]},
     "sessions": {"111122223333": {"AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "..."}}}

`index` is the key's place in its user's `keys`; `sessions` asks for temporary credentials that act in
each listed account, for a test's AWS profile. The secrets are returned only so that a test can prove
the tool never prints them. Every login profile's password is PASSWORD_PREFIX + the user's name.
"""

from __future__ import annotations

import json
import sys

import boto3

REGION = "us-east-1"
PASSWORD_PREFIX = "Seeded-Passw0rd!"


def document(statements: list[dict]) -> dict:
    return {"Version": "2012-10-17", "Statement": statements}


# What SMCE puts into every account: SMCE-AdminAccess, and its three groups in this order.
SMCE_ADMIN_POLICY = "SMCE-AdminAccess"
ADMINS, RESTRICTED, DISABLED = "SMCE-ProjectAdmins", "SMCE-UserRestrictions", "AccountDisabled"
SMCE_MANAGED_POLICIES = [
    {"name": SMCE_ADMIN_POLICY, "document": document([{"Effect": "Allow", "Action": "*", "Resource": "*"}])},
]
SMCE_GROUPS = [
    {"name": ADMINS, "attached": [SMCE_ADMIN_POLICY]},
    {"name": RESTRICTED, "inline": [{"name": "RequireMFA", "document": document([{
        "Sid": "DenyAllExceptMfaSetupUnlessSignedInWithMFA",
        "Effect": "Deny",
        "NotAction": [
            "iam:ChangePassword",
            "iam:CreateVirtualMFADevice",
            "iam:EnableMFADevice",
            "iam:GetAccountPasswordPolicy",
            "iam:GetUser",
            "iam:ListMFADevices",
            "iam:ListVirtualMFADevices",
            "iam:ResyncMFADevice",
            "sts:GetSessionToken",
        ],
        "Resource": "*",
        "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}},
    }])}]},
    {"name": DISABLED, "inline": [{"name": "DenyAll", "document": document([
        {"Effect": "Deny", "Action": "*", "Resource": "*"},
    ])}]},
]


def client(endpoint: str, service: str, creds: dict | None = None):
    creds = creds or {"AccessKeyId": "testing", "SecretAccessKey": "testing", "SessionToken": None}
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


class Account:
    """One account being seeded: its IAM client, id, and what seeding made that a later kind needs."""

    def __init__(self, iam, account_id: str):
        self.iam = iam
        self.id = account_id
        self.saml_providers: list[str] = []
        self.roles: list[str] = []
        self.keys: list[dict] = []

    def policy_arn(self, name: str) -> str:
        return name if name.startswith("arn:") else f"arn:aws:iam::{self.id}:policy/{name}"


def seed_password_policy(account: Account, spec: dict) -> None:
    if "password_policy" in spec:
        account.iam.update_account_password_policy(**spec["password_policy"])


def seed_managed_policies(account: Account, spec: dict) -> None:
    baseline = SMCE_MANAGED_POLICIES if spec.get("smce") else []
    for policy in [*baseline, *spec.get("managed_policies", [])]:
        account.iam.create_policy(PolicyName=policy["name"], PolicyDocument=json.dumps(policy["document"]))


def seed_groups(account: Account, spec: dict) -> None:
    iam = account.iam
    baseline = SMCE_GROUPS if spec.get("smce") else []
    for group in [*baseline, *spec.get("groups", [])]:
        iam.create_group(GroupName=group["name"])
        for inline in group.get("inline", []):
            iam.put_group_policy(GroupName=group["name"], PolicyName=inline["name"],
                                 PolicyDocument=json.dumps(inline["document"]))
        for name in group.get("attached", []):
            iam.attach_group_policy(GroupName=group["name"], PolicyArn=account.policy_arn(name))


def seed_saml_providers(account: Account, spec: dict) -> None:
    for provider in spec.get("saml_providers", []):
        if isinstance(provider, str):
            provider = {"name": provider}
        metadata = provider.get("metadata") or minimal_saml_metadata(provider["name"])
        arn = account.iam.create_saml_provider(Name=provider["name"], SAMLMetadataDocument=metadata)["SAMLProviderArn"]
        account.saml_providers.append(arn)


def minimal_saml_metadata(name: str) -> str:
    """An identity provider's metadata, as long as IAM requires (1,000 characters) only through a
    certificate that is obviously not one."""
    certificate = "MIIC" + "A" * 900
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://{name}.example.org/">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>'
        f'<ds:X509Certificate>{certificate}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
        f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://{name}.example.org/sso"/>'
        '</md:IDPSSODescriptor></md:EntityDescriptor>'
    )


def seed_roles(account: Account, spec: dict) -> None:
    iam = account.iam
    for role in spec.get("roles", []):
        trust = role.get("trust")
        if trust is None and account.saml_providers:
            trust = document([{"Effect": "Allow", "Principal": {"Federated": account.saml_providers[0]},
                               "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                               "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}}])
        elif trust is None:
            trust = document([{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account.id}:root"},
                               "Action": "sts:AssumeRole"}])
        created = iam.create_role(RoleName=role["name"], Path=role.get("path", "/"),
                                  AssumeRolePolicyDocument=json.dumps(trust))
        account.roles.append(created["Role"]["Arn"])
        for inline in role.get("inline", []):
            iam.put_role_policy(RoleName=role["name"], PolicyName=inline["name"],
                                PolicyDocument=json.dumps(inline["document"]))
        for name in role.get("attached", []):
            iam.attach_role_policy(RoleName=role["name"], PolicyArn=account.policy_arn(name))


def seed_users(account: Account, spec: dict) -> None:
    iam = account.iam
    for user in spec.get("users", []):
        name = user["name"]
        iam.create_user(UserName=name)
        for inline in user.get("inline", []):
            iam.put_user_policy(UserName=name, PolicyName=inline["name"], PolicyDocument=json.dumps(inline["document"]))
        for policy in user.get("attached", []):
            iam.attach_user_policy(UserName=name, PolicyArn=account.policy_arn(policy))
        for group in user.get("groups", []):
            iam.add_user_to_group(GroupName=group, UserName=name)
        if user.get("password"):
            # Only the login profile's existence is ever recorded; tests assert it is never shown.
            iam.create_login_profile(UserName=name, Password=PASSWORD_PREFIX + name)
        if user.get("mfa"):
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(
                UserName=name, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
            )
        for index, status in enumerate(user.get("keys", [])):
            key = iam.create_access_key(UserName=name)["AccessKey"]
            if status != "Active":
                iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status=status)
            account.keys.append({"account": account.id, "user": name, "index": index, "id": key["AccessKeyId"],
                                 "secret": key["SecretAccessKey"]})


# Every kind of entity, in the order it is made: a later kind may use an earlier one (groups attach
# managed policies, roles trust SAML providers, users join groups).
SEEDERS = [
    seed_password_policy,
    seed_managed_policies,
    seed_groups,
    seed_saml_providers,
    seed_roles,
    seed_users,
]


def seed_account(endpoint: str, spec: dict) -> Account:
    """Seeds one account of a scenario; returns what was made (its `keys`, `roles` and
    `saml_providers`, as the module's docstring says they are printed)."""
    sts = client(endpoint, "sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{spec['id']}:role/seed", RoleSessionName="seed")["Credentials"]
    account = Account(client(endpoint, "iam", creds), spec["id"])
    for seeder in SEEDERS:
        seeder(account, spec)
    return account


def seed_organization(endpoint: str, spec: dict) -> dict:
    org = client(endpoint, "organizations")
    management = org.create_organization(FeatureSet="ALL")["Organization"]["MasterAccountId"]
    accounts = []
    for entry in spec.get("accounts", []):
        name = entry["name"]
        created = org.create_account(Email=f"{name}@example.org", AccountName=name)["CreateAccountStatus"]
        if created["State"] != "SUCCEEDED":
            raise RuntimeError(f"moto did not create account {name}: {created}")
        status = entry.get("status", "ACTIVE")
        if status == "SUSPENDED":
            org.close_account(AccountId=created["AccountId"])
        elif status != "ACTIVE":
            raise RuntimeError(f"cannot make account {name} {status}")
        accounts.append({"name": name, "id": created["AccountId"]})
    listed = {a["Id"]: a["Status"] for a in org.list_accounts()["Accounts"]}
    for account in accounts:
        account["status"] = listed[account["id"]]
    return {"management": management, "accounts": accounts}


def seed(endpoint: str, scenario: dict) -> dict:
    """Seeds a whole scenario; returns what the module's docstring says is printed."""
    out: dict = {"keys": [], "roles": [], "saml_providers": []}
    for spec in scenario.get("accounts", []):
        account = seed_account(endpoint, spec)
        out["keys"] += account.keys
        out["roles"] += account.roles
        out["saml_providers"] += account.saml_providers
    if "organization" in scenario:
        out["organization"] = seed_organization(endpoint, scenario["organization"])
    sessions = {}
    sts = client(endpoint, "sts")
    for account_id in scenario.get("sessions", []):
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/profile", RoleSessionName="profile")
        sessions[account_id] = {k: creds["Credentials"][k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    if sessions:
        out["sessions"] = sessions
    return out


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: seed.py ENDPOINT < scenario.json")
    json.dump(seed(sys.argv[1], json.load(sys.stdin)), sys.stdout)


if __name__ == "__main__":
    main()
