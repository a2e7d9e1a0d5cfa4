#!/usr/bin/env python3
"""Writes the synthetic `osec audit` benchmark inputs into OUT (argument 1):
OUT/switch/_opam: a 1,000-package opam switch (switch-state + one opam file per
package, each depending on up to three earlier packages), and OUT/db.zip: 10,000 OSV
records on those packages (ECOSYSTEM ranges plus versions lists; about 1 in 20
affects the installed version). Deterministic: same bytes on every run."""
import json, os, random, sys, zipfile

out = sys.argv[1]
rng = random.Random(42)
packages = [(f"pkg{i:04d}", f"{1 + i % 7}.{i % 13}.{i % 5}") for i in range(1000)]
state = os.path.join(out, "switch", "_opam", ".opam-switch")
os.makedirs(os.path.join(state, "packages"), exist_ok=True)
with open(os.path.join(state, "switch-state"), "w") as f:
    f.write('opam-version: "2.0"\nroots: ["pkg0999.%s"]\ninstalled: [\n' % packages[-1][1])
    for name, version in packages:
        f.write(f'  "{name}.{version}"\n')
    f.write("]\n")
for i, (name, version) in enumerate(packages):
    d = os.path.join(state, "packages", f"{name}.{version}")
    os.makedirs(d, exist_ok=True)
    deps = sorted({rng.randrange(i) for _ in range(3)}) if i else []
    with open(os.path.join(d, "opam"), "w") as f:
        f.write('opam-version: "2.0"\ndepends: [\n')
        for j in deps:
            kind = ' {with-test}' if j % 11 == 0 else ''
            f.write(f'  "{packages[j][0]}"{kind}\n')
        f.write("]\n")
with zipfile.ZipFile(os.path.join(out, "db.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for n in range(10000):
        name, version = packages[rng.randrange(1000)]
        hit = rng.random() < 0.05
        major = int(version.split(".")[0])
        versions = [version] if hit else [f"{major + 10}.0.{k}" for k in range(3)]
        fixed = f"{major + 20}.0.0"
        record = {
            "id": f"OSEC-2025-{n + 1:05d}",
            "modified": "2025-06-01T00:00:00Z",
            "published": "2025-06-01T00:00:00Z",
            "aliases": [f"CVE-2025-{n + 10000}"],
            "summary": f"synthetic vulnerability {n}",
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [{
                "package": {"ecosystem": "opam", "name": name, "purl": f"pkg:opam/{name}"},
                "ranges": [{"type": "ECOSYSTEM", "events": [
                    {"introduced": version if hit else f"{major + 10}.0.0"}, {"fixed": fixed}]}],
                "versions": versions,
            }],
        }
        z.writestr(f"OSEC-2025-{n + 1:05d}.json", json.dumps(record))
