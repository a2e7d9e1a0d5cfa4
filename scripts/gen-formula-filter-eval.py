#!/usr/bin/env python3
"""Generates the differential fixtures of opam-model's formula and filter evaluation.

Random (seeded, so reproducible) filters and dependency formulas are written into scratch
opam repositories and evaluated by opam itself (opam 2.1.x, offline, empty OPAMROOT):

* filters: one package a filter, `available: FILTER`, listed by
  `opam admin list --short --environment ENV` (the packages whose filter is true);
* dependency formulas: one probe package a formula, `depends: [FORMULA]` over two packages
  pN and qN that exist at every version of CANDIDATES; for each set of dependency flags,
  `opam admin list -A -V -s --required-by probe0,probe1,... FLAGS` lists the versions of pN and
  qN that satisfy the probe's formula (OpamFormula.packages after filter_deps).

Output (crates/opam-model/tests/data/):
  filter-eval.txt    "ENV\\t<environment>" once, then "true|false\\tFILTER" one a line
  formula-eval.txt   "CANDIDATES\\t<versions>", "FLAGS\\t<name>\\t<opam options>" lines, then
                     per formula: "FORMULA\\t<depends items>" followed by one
                     "<flags name>\\t<space-separated pN.V/qN.V list>" line a flag set.
usage: scripts/gen-formula-filter-eval.py OUTPUT_DIR [COUNT]
"""
import os
import random
import subprocess
import sys
import tempfile

ENV = "os=linux,arch=x86_64,myflag=true,falsy=false,myver=1.2.3,mystr=foo,boolvar"
CANDIDATES = ["0.9", "1.0~beta", "1.0", "1.5", "2.0~rc1", "2.0", "2.1", "3.0", "10"]
FLAG_SETS = [
    ("default", []),
    ("with-test", ["--with-test"]),
    ("with-doc", ["--with-doc"]),
    ("nobuild", ["--nobuild"]),
    ("post", ["--post"]),
    ("dev", ["--dev"]),
]

ATOM_STRINGS = ['"linux"', '"Linux"', '"x86_64"', '"1.0"', '"1.00"', '"1.2.3"', '"2"', '"10"',
                '"true"', '"false"', '""', '"foo"', '"%{os}%"', '"%{nosuchvar}%"',
                '"%{myver}%"', '"%{os}%-x"', '"100%%"', '"%{boolvar}%"', '"~beta"', '"1.0~rc1"']
ATOM_IDENTS = ["os", "arch", "myflag", "falsy", "myver", "mystr", "boolvar", "nosuchvar",
               "other-undefined"]
ATOM_OTHER = ["true", "false", "1", "2", "10"]
RELOPS = ["=", "!=", "<", "<=", ">", ">="]


def atom(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(ATOM_IDENTS)
    if r < 0.85:
        return rng.choice(ATOM_STRINGS)
    return rng.choice(ATOM_OTHER)


def gen_filter(rng, depth):
    r = rng.random()
    if depth == 0 or r < 0.25:
        if rng.random() < 0.5:
            return "%s %s %s" % (atom(rng), rng.choice(RELOPS), atom(rng))
        return atom(rng)
    if r < 0.45:
        return "%s & %s" % (gen_filter(rng, depth - 1), gen_filter(rng, depth - 1))
    if r < 0.65:
        return "%s | %s" % (gen_filter(rng, depth - 1), gen_filter(rng, depth - 1))
    if r < 0.8:
        return "!%s" % paren(gen_filter(rng, depth - 1))
    if r < 0.9:
        return "?%s" % paren(gen_filter(rng, depth - 1))
    return "(%s)" % gen_filter(rng, depth - 1)


def paren(text):
    simple = all(c.isalnum() or c in '-_"' for c in text)
    return text if simple else "(%s)" % text


CONSTRAINT_VERSIONS = CANDIDATES + ["1.00", "2.0~", "2.0~~", "0", "1.0-1", "%{myver}%"]
DEP_FILTERS = ["build", "post", "with-test", "with-doc", "dev", "os = \"linux\"",
               "os != \"linux\"", "nosuchvar", "!with-test", "?nosuchvar", "myflag",
               "with-test & with-doc", "build | with-doc"]


def gen_constraint(rng, depth):
    r = rng.random()
    if depth == 0 or r < 0.35:
        if rng.random() < 0.75:
            return '%s "%s"' % (rng.choice(RELOPS), rng.choice(CONSTRAINT_VERSIONS))
        return rng.choice(DEP_FILTERS)
    if r < 0.55:
        return "%s & %s" % (gen_constraint(rng, depth - 1), gen_constraint(rng, depth - 1))
    if r < 0.75:
        return "%s | %s" % (gen_constraint(rng, depth - 1), gen_constraint(rng, depth - 1))
    if r < 0.87:
        return "!(%s)" % gen_constraint(rng, depth - 1)
    return "(%s)" % gen_constraint(rng, depth - 1)


def gen_dependency(rng, name):
    if rng.random() < 0.15:
        return '"%s"' % name
    items = " ".join(gen_constraint(rng, 3) for _ in range(1 if rng.random() < 0.8 else 2))
    return '"%s" {%s}' % (name, items)


def gen_depends(rng, n):
    p, q = "p%d" % n, "q%d" % n
    shape = rng.random()
    if shape < 0.4:
        return gen_dependency(rng, p)
    if shape < 0.6:
        return "%s %s" % (gen_dependency(rng, p), gen_dependency(rng, q))
    if shape < 0.85:
        return "%s | %s" % (gen_dependency(rng, p), gen_dependency(rng, q))
    return "(%s | %s) & %s" % (gen_dependency(rng, p), gen_dependency(rng, q), gen_dependency(rng, p))


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def opam_list(repo, args):
    root = tempfile.mkdtemp()
    env = dict(os.environ, OPAMROOT=root, OPAMYES="1")
    out = subprocess.run(["opam", "admin", "list"] + args, cwd=repo, env=env,
                         capture_output=True, text=True, check=True)
    subprocess.run(["rm", "-rf", root], check=True)
    return out.stdout.split()


def main():
    out_dir = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    rng = random.Random(20261124)

    # Filters.
    filters = []
    seen = set()
    while len(filters) < count:
        f = gen_filter(rng, 3)
        if f not in seen:
            seen.add(f)
            filters.append(f)
    with tempfile.TemporaryDirectory() as repo:
        write(os.path.join(repo, "repo"), 'opam-version: "2.0"\n')
        for i, f in enumerate(filters):
            write(os.path.join(repo, "packages/f%d/f%d.1/opam" % (i, i)),
                  'opam-version: "2.0"\navailable: %s\n' % f)
        true_names = set(opam_list(repo, ["--short", "--environment", ENV]))
    with open(os.path.join(out_dir, "filter-eval.txt"), "w") as out:
        out.write("ENV\t%s\n" % ENV)
        for i, f in enumerate(filters):
            out.write("%s\t%s\n" % ("true" if "f%d" % i in true_names else "false", f))

    # Dependency formulas.
    formulas = [gen_depends(rng, n) for n in range(count // 3)]
    results = {}
    with tempfile.TemporaryDirectory() as repo:
        write(os.path.join(repo, "repo"), 'opam-version: "2.0"\n')
        for n, depends in enumerate(formulas):
            write(os.path.join(repo, "packages/probe%d/probe%d.1/opam" % (n, n)),
                  'opam-version: "2.0"\ndepends: [ %s ]\n' % depends)
            for name in ("p%d" % n, "q%d" % n):
                for v in CANDIDATES:
                    write(os.path.join(repo, "packages/%s/%s.%s/opam" % (name, name, v)),
                          'opam-version: "2.0"\n')
        probes = ",".join("probe%d" % n for n in range(len(formulas)))
        for flag_name, flags in FLAG_SETS:
            listed = opam_list(repo, ["-A", "-V", "-s", "--environment", ENV,
                                      "--required-by", probes] + flags)
            results[flag_name] = set(listed)
    with open(os.path.join(out_dir, "formula-eval.txt"), "w") as out:
        out.write("ENV\t%s\n" % ENV)
        out.write("CANDIDATES\t%s\n" % " ".join(CANDIDATES))
        for flag_name, flags in FLAG_SETS:
            out.write("FLAGS\t%s\t%s\n" % (flag_name, " ".join(flags)))
        for n, depends in enumerate(formulas):
            out.write("FORMULA\t%s\n" % depends)
            for flag_name, _ in FLAG_SETS:
                selected = [
                    "%s.%s" % (name, v)
                    for name in ("p%d" % n, "q%d" % n)
                    for v in CANDIDATES
                    if "%s.%s" % (name, v) in results[flag_name]
                ]
                out.write("%s\t%s\n" % (flag_name, " ".join(selected)))


if __name__ == "__main__":
    main()
