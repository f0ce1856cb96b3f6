#!/usr/bin/env python3
"""Seed a running moto_server with the IAM state of a live-path test (tests/integration/live.rs).

    python3 tests/live/seed.py http://127.0.0.1:PORT < scenario.json > seeded.json

The scenario (JSON on stdin):

    {"accounts": [{
        "id": "111122223333",
        "managed_policies": [{"name": "SMCE-AdminAccess", "document": {...}}],
        "groups": [{"name": "SMCE-ProjectAdmins", "inline": [{"name": "p", "document": {...}}],
                    "attached": ["SMCE-AdminAccess"]}],
        "users": [{"name": "alice", "groups": ["SMCE-ProjectAdmins"], "inline": [...], "attached": [...],
                   "password": true, "mfa": true, "keys": ["Active", "Inactive"]}],
        "password_policy": {"MinimumPasswordLength": 14, "MaxPasswordAge": 90},
        "saml_providers": ["AWSSSO_0123456789abcdef_DO_NOT_DELETE"],
        "roles": [{"name": "AWSReservedSSO_Project-Admin_0123456789abcdef",
                   "path": "/aws-reserved/sso.amazonaws.com/", "trust": {...},
                   "attached": ["Project-Admin-Access"], "inline": [...]}]
     }],
     "organization": {"accounts": [{"name": "science", "status": "ACTIVE"},
                                   {"name": "retired", "status": "SUSPENDED"}]},
     "sessions": ["111122223333"]}

Every field but `id` and `name` is optional. `password_policy` holds the keyword arguments of
iam:UpdateAccountPasswordPolicy; without it the account has no password policy. `attached` names a customer managed policy of the same account
(or is a full policy ARN). `saml_providers` are created by name (with placeholder metadata); a role's `trust` is
its AssumeRolePolicyDocument, `path` defaults to `/` (moto, unlike IAM, lets anyone create a role under
/aws-reserved/, which is how a permission set's role is made). Seeding is additive: running it again on the same server adds to what is there.
Each account is reached by sts:AssumeRole into arn:aws:iam::<id>:role/seed (moto needs no such role and keeps
every account apart); the organization is created by moto's default account 123456789012, its management
account. moto 5.2.1's organizations:CloseAccount marks an account SUSPENDED at once, which is how a
SUSPENDED account is made.

Prints (JSON on stdout) what the tests cannot know in advance:

    {"keys": [{"account": "...", "user": "...", "id": "AKIA...", "secret": "..."}],
     "organization": {"management": "123456789012",
                      "accounts": [{"name": "...", "id": "...", "status": "ACTIVE"}]},
     "sessions": {"111122223333": {"AccessKeyId": "...", "SecretAccessKey": "...", "SessionToken": "..."}}}

`sessions` asks for temporary credentials that act in each listed account, for a test's AWS profile.

The secrets are returned only so that a test can prove the tool never prints them.
"""

from __future__ import annotations

import json
import sys

import boto3

REGION = "us-east-1"


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


def seed_account(endpoint: str, sts, account: dict, keys_out: list) -> None:
    account_id = account["id"]
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/seed", RoleSessionName="seed")["Credentials"]
    iam = client(endpoint, "iam", creds)

    def arn(name: str) -> str:
        return name if name.startswith("arn:") else f"arn:aws:iam::{account_id}:policy/{name}"

    if "password_policy" in account:
        iam.update_account_password_policy(**account["password_policy"])
    for policy in account.get("managed_policies", []):
        iam.create_policy(PolicyName=policy["name"], PolicyDocument=json.dumps(policy["document"]))
    for provider in account.get("saml_providers", []):
        iam.create_saml_provider(Name=provider, SAMLMetadataDocument="<EntityDescriptor/>".ljust(1000))
    for role in account.get("roles", []):
        name = role["name"]
        iam.create_role(RoleName=name, Path=role.get("path", "/"), AssumeRolePolicyDocument=json.dumps(role["trust"]))
        for inline in role.get("inline", []):
            iam.put_role_policy(RoleName=name, PolicyName=inline["name"], PolicyDocument=json.dumps(inline["document"]))
        for policy in role.get("attached", []):
            iam.attach_role_policy(RoleName=name, PolicyArn=arn(policy))
    for group in account.get("groups", []):
        iam.create_group(GroupName=group["name"])
        for inline in group.get("inline", []):
            iam.put_group_policy(
                GroupName=group["name"], PolicyName=inline["name"], PolicyDocument=json.dumps(inline["document"])
            )
        for name in group.get("attached", []):
            iam.attach_group_policy(GroupName=group["name"], PolicyArn=arn(name))
    for user in account.get("users", []):
        name = user["name"]
        iam.create_user(UserName=name)
        for inline in user.get("inline", []):
            iam.put_user_policy(UserName=name, PolicyName=inline["name"], PolicyDocument=json.dumps(inline["document"]))
        for policy in user.get("attached", []):
            iam.attach_user_policy(UserName=name, PolicyArn=arn(policy))
        for group in user.get("groups", []):
            iam.add_user_to_group(GroupName=group, UserName=name)
        if user.get("password"):
            iam.create_login_profile(UserName=name, Password="Seeded-Passw0rd!" + name)
        if user.get("mfa"):
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(
                UserName=name, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321"
            )
        for status in user.get("keys", []):
            key = iam.create_access_key(UserName=name)["AccessKey"]
            if status != "Active":
                iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status=status)
            keys_out.append(
                {"account": account_id, "user": name, "id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
            )


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


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: seed.py ENDPOINT < scenario.json")
    endpoint = sys.argv[1]
    scenario = json.load(sys.stdin)
    sts = client(endpoint, "sts")
    keys: list = []
    for account in scenario.get("accounts", []):
        seed_account(endpoint, sts, account, keys)
    out: dict = {"keys": keys}
    if "organization" in scenario:
        out["organization"] = seed_organization(endpoint, scenario["organization"])
    sessions = {}
    for account_id in scenario.get("sessions", []):
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account_id}:role/profile", RoleSessionName="profile")
        sessions[account_id] = {k: creds["Credentials"][k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
    if sessions:
        out["sessions"] = sessions
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
