#!/bin/sh
# The reachability scan (crate ocaml-reach) on a switch's installed sources plus a large
# project, against reading every file once on all cores (criterion, benches/scan.rs).
#
# Usage: bench/reach.sh SRC_DIR
#   SRC_DIR holds git checkouts named after their repositories: ocaml (ocaml/ocaml),
#   ocaml-cohttp, ocaml-x509, ocaml-tls, mirage-crypto, awa-ssh, ocaml-dns, webauthn,
#   gobview. The corpus goes to /tmp/osec-reach-bench (not committed):
#   lib/<package>/  the libraries' sources, one directory per package, as dune installs
#                   them (cohttp, cohttp-lwt, cohttp-lwt-unix, cohttp-async, http, x509,
#                   tls, mirage-crypto{,-ec,-pk,-rng}, awa, dns, dnssec, ocaml's stdlib, unix)
#   project/        the OCaml compiler's whole tree plus tls, dns, awa-ssh, webauthn and
#                   gobview: about 3,000 .ml/.mli files
# Without SRC_DIR the bench runs on the fixtures copied 500 times instead.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
  src=$1
  out=/tmp/osec-reach-bench
  rm -rf "$out"
  mkdir -p "$out/lib" "$out/project"
  part() { # repo path package
    mkdir -p "$out/lib/$3"
    depth=$(echo "$2" | awk -F/ '{print NF}')
    git -C "$src/$1" archive HEAD "$2" | tar -x -C "$out/lib/$3" --strip-components="$depth"
  }
  part ocaml-cohttp cohttp/src cohttp
  part ocaml-cohttp cohttp-lwt/src cohttp-lwt
  part ocaml-cohttp cohttp-lwt-unix/src cohttp-lwt-unix
  part ocaml-cohttp cohttp-async/src cohttp-async
  part ocaml-cohttp http/src http
  part ocaml-x509 lib x509
  part ocaml-tls lib tls
  part mirage-crypto src mirage-crypto
  part mirage-crypto ec mirage-crypto-ec
  part mirage-crypto pk mirage-crypto-pk
  part mirage-crypto rng mirage-crypto-rng
  part awa-ssh lib awa
  part ocaml-dns src dns
  part ocaml-dns dnssec dnssec
  part ocaml stdlib ocaml
  part ocaml otherlibs/unix unix
  for repo in ocaml ocaml-tls ocaml-dns awa-ssh webauthn gobview; do
    mkdir -p "$out/project/$repo"
    git -C "$src/$repo" archive HEAD | tar -x -C "$out/project/$repo"
  done
  export OSEC_REACH_BENCH_DIR="$out"
fi
uptime
cd "$root" && cargo bench -p ocaml-reach --bench scan
