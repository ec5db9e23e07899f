#!/usr/bin/env bash
# Profile-guided build of the hashtrend binary: an instrumented build runs the
# main jobs on training data that hashtrend makes itself (`hashtrend sample`,
# CSV and JSON lines, never the benchmark's files) and on data/, then the
# release build is made again with that profile. Same code, same output; the
# compiler lays out branches and inlines by what the training runs did.
#
#   scripts/build-pgo.sh            # prints the binary's path: target/pgo/hashtrend
#
# Environment:
#   PGO_DIR      where the builds, training data and profile go   [target/pgo]
#   PGO_POSTS    posts per training file                          [300000]
#
# Needs the llvm-tools component of the toolchain (for llvm-profdata); it is
# added with rustup when missing. Each of the two builds takes as long as a
# release build; the training runs take seconds.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PGO_DIR=${PGO_DIR:-$REPO/target/pgo}
POSTS=${PGO_POSTS:-300000}
die() { echo "build-pgo.sh: $*" >&2; exit 2; }

HOST=$(rustc -vV | sed -n 's/^host: //p')
PROFDATA=$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata
if [ ! -x "$PROFDATA" ]; then
  rustup component add llvm-tools >&2 || die "llvm-tools is missing and rustup could not add it"
fi
[ -x "$PROFDATA" ] || die "no llvm-profdata at $PROFDATA"

mkdir -p "$PGO_DIR"
PGO_DIR=$(cd "$PGO_DIR" && pwd)
PROFILES=$PGO_DIR/profiles
TRAIN=$PGO_DIR/train
rm -rf "$PROFILES"
mkdir -p "$PROFILES" "$TRAIN"

echo "== instrumented build" >&2
(cd "$REPO" && RUSTFLAGS="-Cprofile-generate=$PROFILES" \
  cargo build --release --locked --quiet --target-dir "$PGO_DIR/generate")
GEN=$PGO_DIR/generate/release/hashtrend

echo "== training runs" >&2
"$GEN" sample --posts "$POSTS" --seed 11 --format csv --out "$TRAIN/posts.csv"
"$GEN" sample --posts "$POSTS" --seed 12 --format jsonl --out "$TRAIN/posts.jsonl"
train() { "$GEN" "$@" > /dev/null 2>&1 || die "training run failed: hashtrend $*"; }
for threads in 1 2; do
  for f in "$TRAIN/posts.csv" "$TRAIN/posts.jsonl"; do
    train count --bucket day --threads "$threads" "$f"
  done
done
train count --bucket hour "$TRAIN/posts.csv"
train top "$TRAIN/posts.csv"
train top --output json "$TRAIN/posts.jsonl"
for f in "$REPO"/data/*.csv "$REPO"/data/*.jsonl; do
  train count --bucket day "$f"
  train trending --bucket day "$f"
done

"$PROFDATA" merge -o "$PGO_DIR/hashtrend.profdata" "$PROFILES"

echo "== build with the profile" >&2
(cd "$REPO" && RUSTFLAGS="-Cprofile-use=$PGO_DIR/hashtrend.profdata" \
  cargo build --release --locked --quiet --target-dir "$PGO_DIR/use")
cp "$PGO_DIR/use/release/hashtrend" "$PGO_DIR/hashtrend"
echo "$PGO_DIR/hashtrend"
