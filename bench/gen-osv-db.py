#!/usr/bin/env python3
"""Generates an OSV all.zip of COUNT records (default 100,000) from the records of
SOURCE_ZIP (an osv.dev-style all.zip, e.g. crates/vulndb/data/opam-all.zip).

Record n is a copy of source record n mod S with ID `<PREFIX>-<YEAR>-<100000 + n>`,
each alias `<PREFIX>-<YEAR>-<100n + i>` (i: its index; an alias names one record, and IDs
keep the shapes OSV validation asks of OSEC and CVE IDs), and every package renamed
`<name>-g<k>` with
k = (n div S) mod 1000: each generated package has about COUNT / (S * 1000) × (its
source records) records, and the versions, ranges and text stay real.

Usage: bench/gen-osv-db.py SOURCE_ZIP OUT_ZIP [COUNT]
"""
import json
import sys
import zipfile


def renumbered(id_: str, number: int) -> str:
    """`PREFIX-YEAR-NUMBER` with a new number (at least four digits)."""
    prefix, year, _ = id_.rsplit("-", 2)
    return f"{prefix}-{year}-{number:04d}"


def main() -> None:
    source, out = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    with zipfile.ZipFile(source) as z:
        templates = [json.loads(z.read(n)) for n in sorted(z.namelist()) if n.endswith(".json")]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(count):
            record = json.loads(json.dumps(templates[n % len(templates)]))
            k = (n // len(templates)) % 1000
            record["id"] = renumbered(record["id"], 100_000 + n)
            if "aliases" in record:
                record["aliases"] = [
                    renumbered(a, n * 100 + i) for i, a in enumerate(record["aliases"])
                ]
            for affected in record.get("affected", []):
                package = affected["package"]
                package["name"] = f"{package['name']}-g{k}"
                if "purl" in package:
                    package["purl"] = f"pkg:opam/{package['name']}"
            z.writestr(f"{record['id']}.json", json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
