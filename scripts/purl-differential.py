#!/usr/bin/env python3
"""Differential test of `osec purl parse` against packageurl-python (PyPI).

Every example of every purl-spec type definition (crates/purl/types) and every
test input of the purl-spec suite (../shared/data/purl-spec/tests) is parsed by
both; the decoded components must agree wherever packageurl-python accepts the
input. Inputs packageurl-python rejects are counted and listed, not compared
(it is laxer and stricter than the standard in places). Exit 1 on a difference.

Usage: python3 -m pip install packageurl-python==0.17.6
       scripts/purl-differential.py target/debug/osec [PURL_SPEC_DIR]
"""
import glob
import json
import os
import subprocess
import sys

from packageurl import PackageURL

osec = sys.argv[1] if len(sys.argv) > 1 else "target/debug/osec"
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "..", "shared", "data", "purl-spec")

inputs = []
for path in sorted(glob.glob(os.path.join(root, "crates/purl/types/*-definition.json"))):
    inputs += json.load(open(path)).get("examples", [])
for path in sorted(glob.glob(os.path.join(spec, "tests", "**", "*.json"), recursive=True)):
    for test in json.load(open(path)).get("tests", []):
        if test.get("test_type") in ("parse", "roundtrip") and isinstance(test.get("input"), str):
            if not test.get("expected_failure"):
                inputs.append(test["input"])
inputs = sorted(set(inputs))


def python_parts(text):
    p = PackageURL.from_string(text)
    return {
        "type": p.type,
        "namespace": p.namespace or None,
        "name": p.name,
        "version": p.version or None,
        "qualifiers": dict(sorted(p.qualifiers.items())) or None,
        "subpath": p.subpath or None,
    }


# Types whose definitions set rules packageurl-python 0.17 does not apply; a
# difference on them is listed, not failed.
TYPE_RULES = {
    "brew": "namespace and name are case-insensitive and lowercased (brew-definition.json)",
    "git": "the namespace is the host, the name the repository path (git-definition.json)",
}

differences, type_rule_differences, python_rejects, osec_rejects = [], [], [], []
for text in inputs:
    run = subprocess.run([osec, "purl", "parse", text], capture_output=True, text=True)
    ours = json.loads(run.stdout) if run.returncode == 0 else None
    try:
        theirs = python_parts(text)
    except ValueError as err:
        python_rejects.append(f"{text}: {err}")
        continue
    if ours is None:
        osec_rejects.append(f"{text}: {run.stderr.strip().splitlines()[0] if run.stderr else '?'}")
        continue
    if ours.get("qualifiers") is not None:
        ours["qualifiers"] = dict(sorted(ours["qualifiers"].items()))
    if ours != theirs and theirs["type"] in TYPE_RULES:
        type_rule_differences.append(f"{text}: {TYPE_RULES[theirs['type']]}")
    elif ours != theirs:
        differences.append(f"{text}\n  osec:   {ours}\n  python: {theirs}")

print(f"{len(inputs)} inputs; {len(differences)} differences; "
      f"{len(type_rule_differences)} by type rules; "
      f"{len(python_rejects)} rejected by packageurl-python only or both; "
      f"{len(osec_rejects)} rejected by osec only")
for line in osec_rejects:
    print("osec rejects:", line)
for line in type_rule_differences:
    print("type rule:", line)
for line in differences:
    print("DIFFERENT:", line)
sys.exit(1 if differences else 0)
