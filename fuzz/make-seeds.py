#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets into fuzz/seeds/TARGET/ from real files:
the repository's test fixtures, the real advisories, opam files of opam-repository and
the purl-spec test suite (../shared/data, see its SOURCES.txt). Run from anywhere:

    python3 fuzz/make-seeds.py [DATA_DIR]

Each seed is named after where it came from. The seeds are small on purpose: libFuzzer
grows its own corpus (fuzz/corpus/, not kept) from them.
"""
import hashlib, io, json, os, sys, tarfile, zipfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "data")
seeds = os.path.join(here, "seeds")
audit = os.path.join(root, "crates", "audit", "tests", "data", "audit")

def seed(target, name, content):
    d = os.path.join(seeds, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    with open(os.path.join(d, name.replace("/", "_")), "wb") as f:
        f.write(content)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def files(top, predicate):
    for dirpath, _, names in sorted(os.walk(top)):
        for n in sorted(names):
            p = os.path.join(dirpath, n)
            if predicate(p):
                yield p

def tree(base, first, paths):
    """The input format of osec_fuzz::write_tree: `first`'s content, then sections."""
    out = read(os.path.join(base, first))
    for p in paths:
        rel = os.path.relpath(p, base)
        if rel == first:
            continue
        if not out.endswith(b"\n"):
            out += b"\n"
        out += b"=== " + rel.encode() + b"\n" + read(p)
    return out

# opam files: every 1500th file of opam-repository (13 files), and the hand-written
# files of the audit scenarios.
opam_sources = []
with tarfile.open(os.path.join(data, "opam-repository.tar.gz")) as tar:
    names = sorted(m.name for m in tar.getmembers()
                   if m.isfile() and (m.name.endswith("/opam") or m.name.endswith(".opam")))
    for name in names[::1500]:
        opam_sources.append((name, tar.extractfile(name).read()))
for p in files(audit, lambda p: p.endswith(".opam") or p.endswith(".locked")):
    opam_sources.append((os.path.relpath(p, audit), read(p)))
for name, content in opam_sources:
    seed("opam_file", name, content)
    seed("opam_model", "file-" + name, b"\x04" + content)

# Archives of opam files (uncompressed: the target compresses them): the files of
# opam-repository above in its layout, once as they are and once under a top
# directory as in a GitHub archive, with a files/ entry that is not a package.
def tar_bytes(entries):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, content in entries:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = 0
            t.addfile(info, io.BytesIO(content))
    return out.getvalue()
repo_files = [(n.split("/", 1)[1], c) for n, c in opam_sources if n.startswith("opam-repository")][:6]
seed("opam_tarball", "repository.tar", tar_bytes(repo_files))
seed("opam_tarball", "github-archive.tar",
     tar_bytes([("opam-repository-master/" + n, c) for n, c in repo_files[:3]]
               + [("opam-repository-master/packages/a/a.1/files/opam", b"x: 1\n")]))

# opam-model texts: constraints of the real advisories, versions, filters.
advisories = sorted(files(os.path.join(data, "security-advisories", "advisories"),
                          lambda p: p.endswith(".md")))
for text in ['>= "1.0" & < "2.0"', '{< "4.14.3" | (>= "5" & < "5.4.1")}', '!(= "1" | > "2~rc1")']:
    seed("opam_model", "constraint-" + hashlib.sha1(text.encode()).hexdigest()[:8], b"\x00" + text.encode())
for text in ["1.0\n1.00\n1.0~rc1", "2.1.3+dev\n2.1.3-1\n10", "0.9.0~beta~\n~a\n"]:
    seed("opam_model", "versions-" + hashlib.sha1(text.encode()).hexdigest()[:8], b"\x01" + text.encode())
for text in ['os = "linux" & !(arch = "arm32" | ?x)', 'pkg:installed & "%{v}%" >= "1"', "with-test | dev"]:
    seed("opam_model", "filter-" + hashlib.sha1(text.encode()).hexdigest()[:8], b"\x02" + text.encode())
seed("opam_model", "interpolation", b"\x03%{os}%-%{pkg:version?yes:no}%-%{nosuch}%")
seed("opam_model", "checksum", b"\x05sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")

# Advisories: the real ones and the lint fixtures.
for p in advisories:
    seed("advisory", os.path.basename(p), read(p))
lint = os.path.join(root, "crates", "advisory", "tests", "data", "lint")
for p in files(lint, lambda p: p.endswith(".md")):
    seed("advisory", "lint-" + os.path.basename(p), read(p))

# Installed state: the audit scenarios (made with the real opam, see their README).
for p in files(audit, lambda p: p.endswith(".opam.locked") or p.endswith(".opam")):
    seed("opam_lock", os.path.relpath(p, audit), read(p))
for p in files(audit, lambda p: p.endswith(".export")):
    seed("opam_export", os.path.relpath(p, audit), read(p))
for p in files(audit, lambda p: p.endswith("esy.lock/index.json")):
    seed("esy_lock", os.path.relpath(p, audit), read(p))
for dirpath, dirnames, _ in sorted(os.walk(audit)):
    if os.path.basename(dirpath) == "_opam" and os.path.isfile(os.path.join(dirpath, ".opam-switch", "switch-state")):
        opams = files(os.path.join(dirpath, ".opam-switch", "packages"), lambda p: p.endswith("/opam"))
        seed("opam_switch", os.path.relpath(dirpath, audit),
             tree(dirpath, ".opam-switch/switch-state", list(opams)))
    if os.path.basename(dirpath) == "dune.lock" and os.path.isfile(os.path.join(dirpath, "lock.dune")):
        pkgs = files(dirpath, lambda p: p.endswith(".pkg"))
        seed("dune_lock", os.path.relpath(dirpath, audit), tree(dirpath, "lock.dune", list(pkgs)))

# OSV: the generated records of the real advisories, and the embedded database.
osv = os.path.join(root, "crates", "osv", "tests", "data", "generated-osv")
for p in files(osv, lambda p: p.endswith(".json")):
    seed("osv_json", os.path.basename(p), read(p))
seed("zip_database", "opam-all.zip", read(os.path.join(root, "crates", "vulndb", "data", "opam-all.zip")))
small = io.BytesIO()
with zipfile.ZipFile(small, "w", zipfile.ZIP_DEFLATED) as z:
    for p in list(files(osv, lambda p: p.endswith(".json")))[:3]:
        # A fixed date, so that the seed does not change each time it is written.
        info = zipfile.ZipInfo(os.path.basename(p), date_time=(2026, 1, 1, 0, 0, 0))
        z.writestr(info, read(p), compress_type=zipfile.ZIP_DEFLATED)
seed("zip_database", "three-records.zip", small.getvalue())

# Package URLs: the purl-spec test suite's inputs, one per seed (every 4th case).
purls = []
for p in files(os.path.join(data, "purl-spec", "tests"), lambda p: p.endswith(".json")):
    for case in json.load(open(p)).get("tests", []):
        for key in ("input", "expected_output"):
            value = case.get(key)
            if isinstance(value, str) and value.startswith("pkg:"):
                purls.append(value)
for value in sorted(set(purls))[::4] + ["pkg:opam/ocaml-variants@4.14.1%2Bflambda", "pkg:opam/conf-g%2B%2B@1.0"]:
    seed("purl", hashlib.sha1(value.encode()).hexdigest()[:12], value)
