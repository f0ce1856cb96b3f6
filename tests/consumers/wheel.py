"""Writes a minimal, valid wheel of smce-guard for the install tests: `smce_guard-VERSION-py3-none-
any.whl` in DIR, holding only a `smce-guard` script (a shell script printing `smce-guard VERSION`)
in the layout maturin's `bindings = "bin"` uses (`<name>.data/scripts/`), with its dist-info
(METADATA, WHEEL, RECORD). pip is the consumer: the tests install it with --require-hashes.

Usage: python wheel.py DIR VERSION
"""

import base64
import hashlib
import pathlib
import sys
import zipfile

out, version = pathlib.Path(sys.argv[1]), sys.argv[2]
name = f"smce_guard-{version}"
files = {
    f"{name}.data/scripts/smce-guard": f"#!/bin/sh\necho 'smce-guard {version}'\n".encode(),
    f"{name}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: smce-guard\nVersion: {version}\n".encode(),
    f"{name}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: false\nTag: py3-none-any\n",
}
record = []
for path, data in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    record.append(f"{path},sha256={digest},{len(data)}")
record.append(f"{name}.dist-info/RECORD,,")
files[f"{name}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
wheel = out / f"{name}-py3-none-any.whl"
with zipfile.ZipFile(wheel, "w") as z:
    for path, data in files.items():
        info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))
        info.external_attr = 0o100755 << 16  # a regular file, executable (pip keeps the bit)
        z.writestr(info, data)
print(wheel)
