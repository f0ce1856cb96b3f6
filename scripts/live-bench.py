#!/usr/bin/env python3
"""Live benchmark: N accounts in moto_server read concurrently by `smce-guard check --live`.

    cargo build --release --locked && python3 scripts/live-bench.py [--accounts 50] [--users 5]

Starts moto_server on a free 127.0.0.1 port, seeds N accounts (each with `--users` users, two of
them holding an active key, in SMCE's groups) through tests/live/seed.py, writes one policy per
account into a scratch directory, then times `smce-guard check --live --role-name bench -v` and
reports the wall time and the AWS requests per account (from `-v`). Stops moto_server at the end.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=50)
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    binary = os.path.join(ROOT, "target", "release", "smce-guard")
    if not os.path.exists(binary):
        sys.exit("build first: cargo build --release --locked")
    if not shutil.which("moto_server"):
        sys.exit("moto_server is missing: pip install 'moto[server]'")
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
        accounts = []
        for i in range(args.accounts):
            users = [{"name": "hub-continuous-deployer", "keys": ["Active"], "inline": [{"name": "eks-readonly", "document": {
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "eks:DescribeCluster",
                "Resource": f"arn:aws:eks:us-west-2:{400000000000 + i}:cluster/c{i}"}]}}]}]
            for u in range(1, args.users):
                users.append({"name": f"engineer-{u}", "groups": ["SMCE-ProjectAdmins"], "password": True, "mfa": True,
                              "keys": ["Active"] if u == 1 else []})
            accounts.append({"id": str(400000000000 + i), "groups": [{"name": g} for g in ["SMCE-ProjectAdmins", "SMCE-UserRestrictions", "AccountDisabled"]], "users": users})
        started = time.monotonic()
        subprocess.run([sys.executable, os.path.join(ROOT, "tests", "live", "seed.py"), endpoint], input=json.dumps({"accounts": accounts}), text=True, check=True, stdout=subprocess.DEVNULL)
        seeded = time.monotonic() - started
        with tempfile.TemporaryDirectory() as scratch:
            policies = os.path.join(scratch, "policies")
            os.makedirs(policies)
            for i in range(args.accounts):
                members = "".join(f"  - user: engineer-{u}\n" for u in range(1, args.users))
                with open(os.path.join(policies, f"a{i:03}.yaml"), "w") as f:
                    f.write(f"account:\n  id: \"{400000000000 + i}\"\n  name: a{i:03}\nmembers:\n{members}deployer:\n  cluster: c{i}\n")
            env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
            env.update({"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_CONFIG_FILE": os.path.join(scratch, "none"), "AWS_SHARED_CREDENTIALS_FILE": os.path.join(scratch, "none")})
            times, per_run = [], []
            for run in range(2):
                started = time.monotonic()
                result = subprocess.run([binary, "check", policies, "--live", "--role-name", "bench", "-v", "--concurrency", str(args.concurrency), "--format", "json"],
                                        env=env, capture_output=True, text=True)
                times.append(time.monotonic() - started)
                if result.returncode not in (0, 1):
                    sys.exit(f"check --live exited {result.returncode}: {result.stderr}")
                per_run.append([int(m) for m in re.findall(r": (\d+) AWS requests", result.stderr)])
            report = json.loads(result.stdout)
            statuses = {a["status"] for a in report["accounts"]}
        print(f"accounts: {args.accounts} x {args.users} users (2 with active keys), concurrency {args.concurrency}; seeding {seeded:.1f} s")
        print(f"check --live wall time: first run {times[0]:.2f} s (report generation), second run {times[1]:.2f} s")
        for label, requests in zip(["first", "second"], per_run):
            print(f"AWS requests per account, {label} run: min {min(requests)}, median {statistics.median(requests)}, max {max(requests)}; total {sum(requests)}")
        print(f"account statuses: {sorted(statuses)}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
