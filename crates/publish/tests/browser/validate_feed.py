#!/usr/bin/env python3
"""Reads feed.xml with feedparser (PyPI), as feed readers do, and checks what a reader
relies on: an Atom 1.0 feed that parses without complaint (feedparser's `bozo` flag
is set by malformed XML, a wrong encoding or an unparseable date), every entry with
an ID, a title, an HTML link, `updated` and, when given, `published`; no two entries
with the same ID; entries as the site's records say (OSV `modified` and `published`).

Usage: validate_feed.py SITE_DIR
Prints one line per entry and the problems found; exits 1 on a problem.
"""
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import feedparser


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def main():
    site = Path(sys.argv[1])
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    problems = []
    if feed.bozo:
        problems.append(f"feedparser: {feed.bozo_exception!r}")
    if feed.version != "atom10":
        problems.append(f"not Atom 1.0 but {feed.version!r}")
    if not feed.feed.get("id") or not feed.feed.get("title") or not feed.feed.get("updated_parsed"):
        problems.append("the feed has no id, title or updated")
    seen = set()
    for entry in feed.entries:
        entry_id = entry.get("id", "")
        if not entry_id or entry_id in seen:
            problems.append(f"missing or repeated id {entry_id!r}")
        seen.add(entry_id)
        advisory = entry.get("title", "").split(":")[0]
        record_file = site / "osv" / f"{advisory}.json"
        if not record_file.is_file():
            problems.append(f"{entry_id}: title does not start with an advisory of the site")
            continue
        record = json.loads(record_file.read_text())
        html = [l["href"] for l in entry.get("links", []) if l.get("type") == "text/html"]
        if len(html) != 1:
            problems.append(f"{advisory}: {len(html)} HTML links")
        if entry.get("updated_parsed") is None or instant(entry.updated) != instant(record["modified"]):
            problems.append(f"{advisory}: updated {entry.get('updated')!r} is not modified {record['modified']!r}")
        if "published" in record and instant(entry.get("published", "1970-01-01T00:00:00Z")) != instant(record["published"]):
            problems.append(f"{advisory}: published {entry.get('published')!r} is not {record['published']!r}")
        if not entry.get("content"):
            problems.append(f"{advisory}: no content")
        print(f"{advisory}: {entry_id} updated {entry.get('updated')}")
    for problem in problems:
        print(f"problem: {problem}")
    print(f"feed: {len(feed.entries)} entries read, {len(problems)} problems")
    sys.exit(1 if problems or not feed.entries else 0)


if __name__ == "__main__":
    main()
