#!/bin/sh
# Generates an advisory database COPIES times the size of SOURCE (default 100×):
# copy k of OSEC-YYYY-NN becomes OSEC-YYYY-(NN + 100k), with its `id` line changed.
# Usage: bench/gen-advisory-db.sh SOURCE_DIR OUT_DIR [COPIES]
set -eu
src=$1
out=$2
copies=${3:-100}
rm -rf "$out"
mkdir -p "$out"
find "$src" -name 'OSEC-*.md' | sort | while read -r file; do
  year=$(basename "$(dirname "$file")")
  old=$(basename "$file" .md)
  number=${old##*-}
  prefix=${old%-*}
  mkdir -p "$out/$year"
  k=0
  while [ "$k" -lt "$copies" ]; do
    new=$(printf "%s-%02d" "$prefix" $(( $(expr "$number" + 0) + 100 * k )))
    sed "s/^id: $old\$/id: $new/" "$file" > "$out/$year/$new.md"
    k=$((k + 1))
  done
done
