#!/usr/bin/env python3
"""An audit of OCaml project layouts written apart from osec, to check osec against.

It finds the inputs of each project directory by their documented layout, reads them
with regular expressions, a small tokenizer and `json` (never with osec's readers), and
matches every package version against the OSV records of a database zip: a version is
affected when the record's `versions` list holds it or one of its ECOSYSTEM ranges
contains it (opam's version order, written out below). Plain opam files (and
`*.opam.locked` files that pin nothing, which are package definitions) are checked the
way osec documents for constraints: the affected versions listed by the records that the
entry's constraint admits under some setting of the dependency flags.

Usage:
  scripts/independent-audit.py PROJECTS DB.zip --write          write PROJECTS/expected-*.tsv
  scripts/independent-audit.py PROJECTS DB.zip --check          exit 1 when they differ from
        this reading (CI runs this)
  scripts/independent-audit.py PROJECTS DB.zip --compare OSEC   run `OSEC audit PROJECT
        --format json` on every project and print, per project, whether its findings and
        counts equal this reading; `N of M projects agree` and `R of S repositories
        agree` (a repository agrees when all its projects do) end the output (exit 1
        when some differ)

expected-findings.tsv: one line per finding: project, input (relative to the project),
kind, package, version (or `FIELD CONSTRAINT` for a plain opam file's entry), ID.
expected-scanned.tsv: one line per input: project, input, kind, packages_scanned (the
distinct unpinned package versions matched; for a plain opam file, its entries). Sorted.

The layouts (README of crates/audit/tests/data/projects): in a project directory and in
each of its subdirectories (not hidden, not `_build`, `_opam`, `node_modules`, not a lock
directory), `_opam/` (a switch), lock files `opam.locked` and `[NAME.]opam.SUFFIX` where
a dot-separated part of SUFFIX is `locked` or `lock`, `opam.export` and `*.export`,
`dune.lock`-like directories (any directory holding `lock.dune`),
`dev-tools.locks/TOOL/`, `esy.lock/` and `*.esy.lock/`. Plain `*.opam` and `opam` files
of the project directory itself only when nothing else was found.
"""

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

# ---------------------------------------------------------------- opam version order


def _char_order(c):
    if c == "~":
        return -1
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _compare_text(a, b):
    for i in range(max(len(a), len(b))):
        x = _char_order(a[i]) if i < len(a) else 0
        y = _char_order(b[i]) if i < len(b) else 0
        if x != y:
            return -1 if x < y else 1
    return 0


def _chunks(v):
    """Alternating non-digit and digit parts, starting with a non-digit one."""
    out = []
    for m in re.finditer(r"(\D*)(\d*)", v):
        if m.group(0) == "":
            continue
        out.append((m.group(1), int(m.group(2)) if m.group(2) else None))
    return out


def opam_compare(a, b):
    """opam's (Debian's, without epochs) version comparison: -1, 0 or 1."""
    ca, cb = _chunks(a), _chunks(b)
    for i in range(max(len(ca), len(cb))):
        ta, na = ca[i] if i < len(ca) else ("", None)
        tb, nb = cb[i] if i < len(cb) else ("", None)
        c = _compare_text(ta, tb)
        if c:
            return c
        na, nb = na or 0, nb or 0
        if na != nb:
            return -1 if na < nb else 1
    return 0


# ---------------------------------------------------------------- the database


def load_records(db):
    records = []
    with zipfile.ZipFile(db) as z:
        for name in sorted(z.namelist()):
            if name.endswith(".json"):
                records.append(json.loads(z.read(name)))
    return records


def in_range(version, events):
    vulnerable = False
    for event in events:
        if "introduced" in event:
            i = event["introduced"]
            if i == "0" or opam_compare(version, i) >= 0:
                vulnerable = True
        elif "fixed" in event:
            if opam_compare(version, event["fixed"]) >= 0:
                vulnerable = False
        elif "last_affected" in event:
            if opam_compare(version, event["last_affected"]) > 0:
                vulnerable = False
    return vulnerable


def affected_entries(record, name):
    for affected in record.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") == "opam" and package.get("name") == name:
            yield affected


def affects(record, name, version):
    for affected in affected_entries(record, name):
        if version in affected.get("versions", []):
            return True
        for r in affected.get("ranges", []):
            if r.get("type") == "ECOSYSTEM" and in_range(version, r.get("events", [])):
                return True
    return False


# ---------------------------------------------------------------- opam syntax, by hand

TOKEN = re.compile(
    r'(?P<ws>\s+)|(?P<comment>#[^\n]*)|(?P<triple>"""(?:\\.|[^\\])*?""")'
    r'|(?P<string>"(?:\\.|[^"\\])*")|(?P<op>!=|<=|>=|[=<>!?&|\[\](){}:])'
    r"|(?P<word>[^\s\"#\[\](){}:&|!=<>?]+)",
    re.S,
)


def tokens(text):
    """(kind, value, start, end) tokens of opam syntax; block comments removed first."""
    out = []
    i = 0
    while i < len(text):
        if text.startswith("(*", i):
            depth, j = 1, i + 2
            while j < len(text) and depth:
                if text.startswith("(*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*)", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            i = j
            continue
        m = TOKEN.match(text, i)
        if not m:
            raise ValueError(f"cannot tokenize at offset {i}")
        kind = m.lastgroup
        if kind in ("string", "triple"):
            raw = m.group(kind)
            body = raw[3:-3] if kind == "triple" else raw[1:-1]
            out.append(("string", body.replace('\\"', '"'), m.start(), m.end()))
        elif kind in ("op", "word"):
            out.append((kind, m.group(kind), m.start(), m.end()))
        i = m.end()
    return out


def top_fields(toks):
    """Top-level `name: value` fields (sections skipped): name -> list of its tokens.
    A field given twice keeps its first value."""
    fields = {}
    current = None
    depth = 0
    section = False
    i = 0
    while i < len(toks):
        kind, value, _, _ = toks[i]
        if depth == 0 and kind == "word" and i + 1 < len(toks) and toks[i + 1][1] == ":":
            current = None if value in fields else value
            if current is not None:
                fields[current] = []
            section = False
            i += 2
            continue
        if depth == 0 and kind == "word" and not section:
            # a section: `url {`, `package "name" {`
            j = i + 1
            if j < len(toks) and toks[j][0] == "string":
                j += 1
            if j < len(toks) and toks[j][1] == "{":
                current, section = None, True
                i = j
                continue
        if value in "[{(" and kind == "op":
            depth += 1
        elif value in "]})" and kind == "op":
            depth -= 1
            if depth == 0 and section:
                section = False
                i += 1
                continue
        if current is not None and not section:
            fields[current].append(toks[i])
        i += 1
    return fields


def entries(value_tokens, text):
    """Package entries of a dependency formula: (name, constraint tokens, raw braces)."""
    out = []
    i = 0
    while i < len(value_tokens):
        kind, value, start, _ = value_tokens[i]
        if kind == "string":
            inner, raw = [], ""
            if i + 1 < len(value_tokens) and value_tokens[i + 1][1] == "{":
                depth, j = 0, i + 1
                while j < len(value_tokens):
                    if value_tokens[j][1] == "{":
                        depth += 1
                    elif value_tokens[j][1] == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                inner = value_tokens[i + 2 : j]
                if inner:
                    raw = "{" + text[inner[0][2] : inner[-1][3]] + "}"
                i = j
            out.append((value, inner, raw))
        i += 1
    return out


def strings_of(value_tokens):
    return [v for k, v, _, _ in value_tokens if k == "string"]


# ---------------------------------------------------------------- constraints

FLAGS = ["build", "post", "with-test", "with-doc", "dev", "with-dev-setup"]
RELOPS = {"=", "!=", "<", "<=", ">", ">="}


def compare_ok(op, c):
    return {"=": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def evaluate(toks, version, flags):
    """The constraint for `version` under `flags`: True, False, or None (unknown).
    With `version` None, version constraints count as true (the filter alone)."""
    if not toks:
        return True
    pos = 0

    def peek():
        return toks[pos][1] if pos < len(toks) else None

    def value_of(tok):
        kind, value = tok[0], tok[1]
        if kind == "string":
            return ("string", value)
        if value in ("true", "false"):
            return ("bool", value == "true")
        if value in FLAGS:
            return ("bool", value in flags)
        return ("unknown", None)

    def atom():
        nonlocal pos
        p = peek()
        if p == "(":
            pos += 1
            v = disjunction()
            pos += 1  # ")"
            return v
        if p in ("!", "?"):
            pos += 1
            v = atom()
            if p == "?":
                return True if v is not None else False
            return None if v is None else not v
        if p in RELOPS:
            pos += 1
            kind, value = value_of(toks[pos])
            pos += 1
            if kind != "string":
                return None  # an undefined version: the constraint is dropped
            if version is None:
                return True
            return compare_ok(p, opam_compare(version, value))
        left = value_of(toks[pos])
        pos += 1
        if peek() in RELOPS:
            pos += 2  # a filter comparison (`os = "linux"`): unknown here
            return None
        return left[1] if left[0] == "bool" else None

    def conjunction():
        nonlocal pos
        values = [atom()]
        while peek() == "&":
            pos += 1
            values.append(atom())
        if False in values:
            return False
        return None if None in values else True

    def disjunction():
        nonlocal pos
        values = [conjunction()]
        while peek() == "|":
            pos += 1
            values.append(conjunction())
        if True in values:
            return True
        return None if None in values else False

    return disjunction()


SETTINGS = [set()] + [{f} for f in FLAGS] + [set(FLAGS)]


def admits(toks, version):
    """Whether some flag setting (none, one flag, or all) admits `version` (None: any
    version); an unknown value counts as true."""
    return any(evaluate(toks, version, flags) in (True, None) for flags in SETTINGS)


# ---------------------------------------------------------------- esy's compiler


def esy_ocaml(version):
    """esy's `ocaml` npm version MAJOR.MINOR.(PATCH*1000+FIX) as opam's ocaml version."""
    m = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", version)
    if not m:
        return None
    major, minor, patch = (int(x) for x in m.groups())
    minor_text = f"{minor:02d}" if major < 5 else str(minor)
    return f"{major}.{minor_text}.{patch // 1000}"


# ---------------------------------------------------------------- release archives

ARCHIVE = re.compile(r"\.(?:tar\.gz|tgz|tbz|tbz2|tar\.bz2|tar\.xz|txz|zip)$")


def is_release_archive(url, version):
    """An opam-monorepo pin to the package's own release archive of `version`."""
    if not re.match(r"https?://", url) or "#" in url or "?" in url:
        return False
    if not ARCHIVE.search(url):
        return False
    path = url.split("://", 1)[1]
    pattern = r"[/_-]v?" + re.escape(version) + r"(?:[/_-]|\.(?:tar|tgz|tbz|txz|zip)|$)"
    return re.search(pattern, path) is not None


# ---------------------------------------------------------------- readers


def read_opam_lock(path):
    """(kind, packages) of a lock file: packages are (name, version, pinned)."""
    text = path.read_text()
    toks = tokens(text)
    fields = top_fields(toks)
    deps = entries(fields.get("depends", []), text)
    locked = []
    for name, inner, _ in deps:
        # every `= "v"` of the entry: opam lock writes one, a hand edit may write more
        versions = []
        for j, tok in enumerate(inner):
            prev = inner[j - 1][1] if j else None
            if tok[1] == "=" and prev in (None, "&", "|", "(") and j + 1 < len(inner):
                if inner[j + 1][0] == "string" and inner[j + 1][1] not in versions:
                    versions.append(inner[j + 1][1])
        locked.extend((name, version, inner) for version in versions)
    if not locked:
        return "opam-file", None
    monorepo = "x-opam-monorepo-version" in fields
    pins = {}
    pin_tokens = fields.get("pin-depends", [])
    strings = strings_of(pin_tokens)
    for package, url in zip(strings[::2], strings[1::2]):
        name, _, version = package.partition(".")
        pins.setdefault(name, []).append((version, url))
    packages = []
    for name, version, inner in locked:
        if not admits(inner, None):
            continue
        # a pin names a version: an entry at another version is that release
        urls = [u for v, u in pins.get(name, []) if v == version]
        pinned = bool(urls)
        if pinned and monorepo:
            pinned = not any(is_release_archive(u, version) for u in urls)
        packages.append((name, version, pinned))
    return "opam-lock", packages


def read_state(path):
    """Packages of an `opam switch export` or switch-state file."""
    text = path.read_text()
    fields = top_fields(tokens(text))
    pinned = {tuple(s.split(".", 1)) for s in strings_of(fields.get("pinned", []))}
    packages = []
    for s in strings_of(fields.get("installed", [])):
        name, _, version = s.partition(".")
        packages.append((name, version, (name, version) in pinned))
    return packages


def read_dune_lock(directory):
    packages = []
    for pkg in sorted(directory.glob("*.pkg")):
        text = pkg.read_text()
        name = pkg.name[: -len(".pkg")].split(".", 1)[0]
        m = re.search(r'^\(version\s+"?([^")\s]+)"?\)', text, re.M)
        version = m.group(1) if m else "dev"
        pinned = re.search(r"^\(dev\)", text, re.M) is not None
        packages.append((name, version, pinned))
    return packages


def esy_pinned(node):
    source = node.get("source") or {}
    if source.get("type") in ("link", "link-dev"):
        return True
    inner = source.get("source", [])
    inner = [inner] if isinstance(inner, str) else inner
    return any(str(s).startswith(("git:", "github:", "path:", "link:")) for s in inner)


def read_esy(index):
    data = json.loads(index.read_text())
    packages = []
    for node_id, node in data["node"].items():
        if node_id == data["root"]:
            continue
        name, version = node["name"], node["version"]
        if name.startswith("@opam/"):
            packages.append((name[len("@opam/") :], version.removeprefix("opam:"), esy_pinned(node)))
        elif name == "ocaml":
            opam_version = esy_ocaml(version)
            if opam_version is not None:
                packages.append(("ocaml", opam_version, esy_pinned(node)))
    return packages


def read_opam_file(path):
    """Requirements of a plain opam file: (field, name, constraint tokens, raw text),
    leaving out entries no flag setting applies."""
    text = path.read_text()
    fields = top_fields(tokens(text))
    out = []
    for field in ("depends", "depopts"):
        for name, inner, raw in entries(fields.get(field, []), text):
            if admits(inner, None):
                out.append((field, name, inner, raw))
    return out


# ---------------------------------------------------------------- layouts

LOCK_NAME = re.compile(r"(?:[^.]+\.)?opam\.(?:[^.]+\.)*(?:locked|lock)(?:\.[^.]+)*")
SKIP_DIRS = {"_build", "_opam", "node_modules", "dev-tools.locks"}


def is_lock_dir(d):
    return (d / "lock.dune").is_file()


def is_esy_dir(d):
    named = d.name == "esy.lock" or (d.name.endswith(".esy.lock") and len(d.name) > 9)
    return named and (d / "index.json").is_file()


def inputs_in(directory):
    """(kind, path) of the installed-state inputs directly in `directory`."""
    found = []
    switch = directory / "_opam" / ".opam-switch" / "switch-state"
    if switch.is_file():
        found.append(("opam-switch", directory / "_opam"))
    children = sorted(directory.iterdir())
    for f in children:
        if f.is_file() and LOCK_NAME.fullmatch(f.name):
            found.append(("opam-lock", f))
    for f in children:
        if f.is_file() and len(f.name) > 7 and f.name.endswith(".export"):
            found.append(("opam-export", f))
    for d in children:
        if d.is_dir() and is_lock_dir(d):
            found.append(("dune-lock", d))
    tools = directory / "dev-tools.locks"
    if tools.is_dir():
        for d in sorted(tools.iterdir()):
            if d.is_dir() and is_lock_dir(d):
                found.append(("dune-dev-tool", d))
    for d in children:
        if d.is_dir() and is_esy_dir(d):
            found.append(("esy-lock", d / "index.json"))
    return found


def project_inputs(project):
    found = inputs_in(project)
    for d in sorted(project.iterdir()):
        if (
            d.is_dir()
            and not d.name.startswith(".")
            and d.name not in SKIP_DIRS
            and not is_lock_dir(d)
            and not is_esy_dir(d)
        ):
            found.extend(inputs_in(d))
    if not found:
        for f in sorted(project.iterdir()):
            if f.is_file() and (f.name.endswith(".opam") or f.name == "opam"):
                found.append(("opam-file", f))
    return found


# ---------------------------------------------------------------- matching


def package_findings(records, packages):
    out = []
    for name, version, pinned in sorted(set(packages)):
        if pinned:
            continue
        for record in records:
            if affects(record, name, version):
                out.append((name, version, record["id"]))
    return out


def constraint_findings(records, requirements):
    out = []
    for field, name, inner, raw in requirements:
        for record in records:
            listed = [v for a in affected_entries(record, name) for v in a.get("versions", [])]
            if any(admits(inner, v) and affects(record, name, v) for v in listed):
                out.append((name, f"{field} {raw}", record["id"]))
    return out


def scanned(packages):
    """How many package versions are matched: the distinct unpinned ones."""
    return len({(name, version) for name, version, pinned in packages if not pinned})


def audit(projects, records):
    """(finding rows, scanned rows) of every project."""
    rows, counts = [], []
    for project in sorted(p for p in projects.iterdir() if p.is_dir()):
        for kind, path in project_inputs(project):
            rel = path.relative_to(project).as_posix()
            packages = None
            if kind == "opam-lock":
                kind, packages = read_opam_lock(path)
            elif kind == "opam-export":
                packages = read_state(path)
            elif kind == "opam-switch":
                packages = read_state(path / ".opam-switch" / "switch-state")
            elif kind in ("dune-lock", "dune-dev-tool"):
                packages = read_dune_lock(path)
            elif kind == "esy-lock":
                packages = read_esy(path)
            if packages is None:
                requirements = read_opam_file(path)
                found = constraint_findings(records, requirements)
                count = len(requirements)
            else:
                found = package_findings(records, packages)
                count = scanned(packages)
            rows.extend((project.name, rel, kind, *f) for f in found)
            counts.append((project.name, rel, kind, str(count)))
    return sorted(rows), sorted(counts)


def osec_rows(osec, project, db):
    run = subprocess.run(
        [osec, "audit", str(project), "--db", str(db), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode not in (0, 1, 2):
        raise SystemExit(f"{project}: osec exited {run.returncode}: {run.stderr}")
    report = json.loads(run.stdout)
    rows, counts = [], []
    for input_report in report["inputs"]:
        rel = Path(input_report["path"]).relative_to(project).as_posix()
        kind = input_report["kind"]
        for finding in input_report["findings"] + [i["finding"] for i in input_report["ignored"]]:
            c = finding.get("constraint")
            subject = f"{c['field']} {c['text']}" if c else finding["installed_version"]
            rows.append((project.name, rel, kind, finding["package"], subject, finding["id"]))
        counts.append((project.name, rel, kind, str(input_report["packages_scanned"])))
    return sorted(rows), sorted(counts)


FINDINGS_HEADER = "project\tinput\tkind\tpackage\tversion\tid"
SCANNED_HEADER = "project\tinput\tkind\tpackages_scanned"


def tsv(header, rows):
    return "\n".join([header] + ["\t".join(r) for r in rows]) + "\n"


def main(argv):
    if len(argv) < 4 or argv[3] not in ("--write", "--check", "--compare"):
        raise SystemExit(__doc__)
    projects, db, mode = Path(argv[1]), Path(argv[2]), argv[3]
    rows, counts = audit(projects, load_records(db))
    files = {
        projects / "expected-findings.tsv": tsv(FINDINGS_HEADER, rows),
        projects / "expected-scanned.tsv": tsv(SCANNED_HEADER, counts),
    }
    if mode == "--write":
        for path, text in files.items():
            path.write_text(text)
        print(f"{len(rows)} findings and {len(counts)} inputs written to {projects}")
        return 0
    if mode == "--check":
        status = 0
        for path, text in files.items():
            committed = path.read_text().splitlines() if path.exists() else []
            ours = text.splitlines()
            if committed != ours:
                status = 1
                print(f"{path} differs from this reading:")
                for line in sorted(set(committed) - set(ours)):
                    print(f"- {line}")
                for line in sorted(set(ours) - set(committed)):
                    print(f"+ {line}")
        if status == 0:
            print(f"{len(rows)} findings and {len(counts)} inputs, as committed")
        return status
    agree, agreed = 0, []
    names = sorted(p.name for p in projects.iterdir() if p.is_dir())
    for name in names:
        ours = ([r for r in rows if r[0] == name], [c for c in counts if c[0] == name])
        theirs = osec_rows(argv[4], projects / name, db)
        if ours == theirs:
            agree += 1
            agreed.append(name)
            print(f"agree    {name} ({len(ours[0])} findings, {len(ours[1])} inputs)")
            continue
        print(f"DIFFER   {name}")
        for mine, osec in zip(ours, theirs):
            for r in sorted(set(mine) - set(osec)):
                print("  only here:", "\t".join(r))
            for r in sorted(set(osec) - set(mine)):
                print("  only osec:", "\t".join(r))
    print(f"{agree} of {len(names)} projects agree")
    repositories = repository_of(projects)
    differ = {repositories.get(n, n) for n in names} - {
        repositories.get(n, n) for n in agreed
    }
    repos = {repositories.get(n, n) for n in names}
    print(f"{len(repos) - len(differ)} of {len(repos)} repositories agree")
    return 0 if agree == len(names) else 1


def repository_of(projects):
    """project -> owner/name, from the table of PROJECTS/README.md."""
    readme = projects / "README.md"
    out = {}
    if readme.exists():
        for m in re.finditer(r"^\| `([^`]+)` \| ([\w.-]+/[\w.-]+) \|", readme.read_text(), re.M):
            out[m.group(1)] = m.group(2)
    return out


if __name__ == "__main__":
    sys.exit(main(sys.argv))
