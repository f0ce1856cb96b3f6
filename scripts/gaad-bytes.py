#!/usr/bin/env python3
"""What reading roles costs: the bytes of GetAccountAuthorizationDetails on one moto account with N
roles, read as the live reader did before (Filter without Role) and does now (no filter).

    python3 scripts/gaad-bytes.py [--roles 200] [--users 5]

Starts moto_server on a free 127.0.0.1 port, seeds moto's default account through
tests/live/seed.py (SMCE's groups, `--users` users, N ordinary service roles and the three portal
permission sets), then sends both reads, following Marker over every page, and prints the
response bytes and page count of each. Stops moto_server at the end. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import boto3

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACCOUNT = "123456789012"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scenario(roles: int, users: int) -> dict:
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    provider = f"arn:aws:iam::{ACCOUNT}:saml-provider/AWSSSO_5bc1dd3e6d8c2a47_DO_NOT_DELETE"
    sso = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": provider}, "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]}]}
    listed = [{"name": f"service-role-{i:03}", "path": "/service-role/", "trust": trust} for i in range(roles - 3)]
    listed += [{"name": f"AWSReservedSSO_{s}_{i:016x}", "path": "/aws-reserved/sso.amazonaws.com/", "trust": sso} for i, s in enumerate(["Project-Admin", "Project-Power-User", "Project-Read-Only"])]
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    return {"accounts": [{
        "id": ACCOUNT,
        "managed_policies": [{"name": "SMCE-AdminAccess", "document": admin}],
        "groups": [{"name": "SMCE-ProjectAdmins", "attached": ["SMCE-AdminAccess"]}],
        "users": [{"name": f"user-{i}", "groups": ["SMCE-ProjectAdmins"]} for i in range(users)],
        "saml_providers": ["AWSSSO_5bc1dd3e6d8c2a47_DO_NOT_DELETE"],
        "roles": listed,
    }]}


def read(iam, filtered: bool) -> tuple[int, int, int]:
    """Bytes and pages of one full read, and the roles it listed."""
    sizes = []
    iam.meta.events.register("after-call.iam.GetAccountAuthorizationDetails", lambda http_response, **_: sizes.append(len(http_response.content)))
    kwargs = {"Filter": ["User", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]} if filtered else {}
    roles, marker = 0, None
    while True:
        page = iam.get_account_authorization_details(**kwargs, **({"Marker": marker} if marker else {}))
        roles += len(page.get("RoleDetailList", []))
        if not page.get("IsTruncated"):
            break
        marker = page["Marker"]
    iam.meta.events.unregister("after-call.iam.GetAccountAuthorizationDetails")
    return sum(sizes), len(sizes), roles


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--roles", type=int, default=200)
    parser.add_argument("--users", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        seed = subprocess.run([sys.executable, os.path.join(ROOT, "tests/live/seed.py"), endpoint], input=json.dumps(scenario(args.roles, args.users)), text=True, capture_output=True)
        if seed.returncode != 0:
            sys.exit(seed.stderr)
        iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
        before = read(iam, filtered=True)
        after = read(iam, filtered=False)
        print(f"{args.roles} roles, {args.users} users")
        print(f"before (Filter without Role): {before[0]} bytes in {before[1]} page(s), {before[2]} roles")
        print(f"after (no filter):            {after[0]} bytes in {after[1]} page(s), {after[2]} roles")
        print(f"difference: {after[0] - before[0]} bytes ({(after[0] - before[0]) / max(args.roles, 1):.0f} per role)")
    finally:
        server.terminate()
        server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
