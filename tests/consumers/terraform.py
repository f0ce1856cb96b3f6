"""Reads terraform files with python-hcl2 (terraform itself cannot be installed here) and prints
each as plain JSON on stdout: {"path": {block type: [...]}}. python-hcl2 keeps string literals
quoted ("\"main\"") and adds bookkeeping keys (__is_block__, __comments__); those quotes are
removed and those keys dropped, while expressions stay as python-hcl2 writes them ("${var.x}").
A file that is not valid HCL ends the script with an error naming it. Used by the `recipes`
integration tests."""

import json
import sys

import hcl2


def plain(value):
    if isinstance(value, dict):
        return {plain_key(k): plain(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def plain_key(key):
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


out = {}
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            out[path] = plain(hcl2.load(f))
    except Exception as error:  # noqa: BLE001 - any parse failure is the answer
        sys.exit(f"{path} is not valid HCL: {error}")
json.dump(out, sys.stdout, indent=1)
