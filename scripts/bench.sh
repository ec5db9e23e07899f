#!/usr/bin/env bash
# End-to-end benchmark: hashtrend against the peers of ../shared/bench/PEERS.md,
# side by side in one run, with the counts checked for agreement.
#
#   scripts/bench.sh                                   # 1m, 5 runs, polars + duckdb
#   LABELS="1m 10m" RUNS=5 scripts/bench.sh            # what issue 4 asks for
#   LABELS=100k RUNS=1 MAX_WAIT=5 QUIET=0.9 scripts/bench.sh   # smoke test
#
# Environment:
#   LABELS    dataset sizes, e.g. "100k 1m 10m" (N, Nk or Nm rows)    [1m]
#   RUNS      timed runs per command (medians are reported)            [5]
#   PEERS     peers on the CSV: polars duckdb pandas duckdb_scan      [polars duckdb]
#             (floor_memchr is accepted; the floor runs whenever ../shared/bench/floor
#             builds; with polars, scripts/polars_jsonl_q.py also runs on the JSON lines;
#             without duckdb, DuckDB runs once untimed for the agreement check)
#   DATA_DIR  data, venv, outputs and logs; must be outside the repo   [../bench-data]
#   JSONL     1: also generate the JSON lines file and time it         [1]
#   MAX_WAIT  seconds the harness waits for a quiet machine per run    [60]
#   QUIET     machine busy fraction counted as quiet                   [0.15]
#   BASELINE  a git revision (e.g. a session's first commit): built into DATA_DIR and
#             timed beside the current build on the same files, its output checked
#             byte-identical (hashtrend_base, hashtrend_base_jsonl)    [none]
#   PGO       1: also build the profile-guided binary (scripts/build-pgo.sh, trained
#             on hashtrend sample's data, not on these files) and time it beside the
#             plain build, its output checked byte-identical
#             (hashtrend_pgo, hashtrend_pgo_t1, hashtrend_pgo_jsonl)  [0]
#
# Steps: cargo build --release --locked (and the BASELINE's); a Python venv in DATA_DIR with duckdb,
# polars, pandas, pyarrow (and numpy if python3 lacks it); the memchr floor of
# ../shared/bench/floor built into DATA_DIR; posts_<label>.csv/.jsonl made by
# ../shared/bench/gen_posts.py (seed 42; with FILE.truth.json) or, when that is
# absent, by `hashtrend sample` (another distribution, no truth file); every
# command timed with ../shared/bench/harness.py (page cache warm, /usr/bin/time -v,
# quiet-machine gate, foreign CPU recorded) into DATA_DIR/timings.jsonl, in RUNS
# rounds that each run every command once; then
# scripts/bench_report.py checks the counts (truth, DuckDB) and prints the ratio
# table, also written to DATA_DIR/bench-<date>.md. Exit status 1 if a command
# failed or any count disagrees.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED=$(cd "$REPO/.." && pwd)/shared/bench
LABELS=${LABELS:-1m}
RUNS=${RUNS:-5}
PEERS=${PEERS:-"polars duckdb"}
JSONL=${JSONL:-1}
MAX_WAIT=${MAX_WAIT:-60}
QUIET=${QUIET:-0.15}
DATA_DIR=${DATA_DIR:-$REPO/../bench-data}
export PYTHONDONTWRITEBYTECODE=1

die() { echo "bench.sh: $*" >&2; exit 2; }
note() { echo "bench.sh: $*" >&2; }

for p in $PEERS; do
  case $p in polars|duckdb|pandas|duckdb_scan|floor_memchr) ;; *) die "unknown peer '$p' (polars duckdb pandas duckdb_scan floor_memchr)";; esac
done
has_peer() { [[ " $PEERS " == *" $1 "* ]]; }
rows_for() {
  case $1 in
    *[0-9]k) echo $(( ${1%k} * 1000 ));;
    *[0-9]m) echo $(( ${1%m} * 1000000 ));;
    *[!0-9]*|'') die "bad label '$1' (use N, Nk or Nm, e.g. 100k 1m 10m)";;
    *) echo "$1";;
  esac
}
for label in $LABELS; do rows_for "$label" > /dev/null; done
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"

DATA_DIR=$(realpath -m "$DATA_DIR")
case "$DATA_DIR/" in "$(realpath "$REPO")/"*) die "DATA_DIR ($DATA_DIR) must be outside the repo";; esac
mkdir -p "$DATA_DIR"
OUT=$DATA_DIR/out
LOG=$DATA_DIR/timings.jsonl
mkdir -p "$OUT"

# ---------------------------------------------------------------- build
echo "== cargo build --release --locked"
(cd "$REPO" && cargo build --release --locked)
TARGET=${CARGO_TARGET_DIR:-target}
case $TARGET in /*) ;; *) TARGET=$REPO/$TARGET;; esac
HT=$TARGET/release/hashtrend
BASE_HT=
if [ -n "${BASELINE:-}" ]; then
  rev=$(cd "$REPO" && git rev-parse --short "$BASELINE") || die "BASELINE: no revision '$BASELINE'"
  BASE_HT=$DATA_DIR/base-$rev
  if [ ! -x "$BASE_HT" ]; then  # a revision's build never changes: made once
    echo "== building the baseline $rev into $BASE_HT"
    rm -rf "$DATA_DIR/base-src"
    (cd "$REPO" && git worktree add --force --detach "$DATA_DIR/base-src" "$rev" > /dev/null)
    (cd "$DATA_DIR/base-src" && cargo build --release --locked -q --target-dir "$DATA_DIR/base-target")
    (cd "$REPO" && git worktree remove --force "$DATA_DIR/base-src")
    cp "$DATA_DIR/base-target/release/hashtrend" "$BASE_HT"
  fi
fi

PGO_HT=
if [ "${PGO:-0}" = 1 ]; then
  echo "== scripts/build-pgo.sh"
  PGO_HT=$(PGO_DIR="$DATA_DIR/pgo" "$REPO/scripts/build-pgo.sh")
fi

FLOOR=
if [ -f "$SHARED/floor/Cargo.toml" ]; then
  if cargo build --release --locked -q --manifest-path "$SHARED/floor/Cargo.toml" \
       --target-dir "$DATA_DIR/floor-target"; then
    FLOOR=$DATA_DIR/floor-target/release/floor
  else
    note "../shared/bench/floor did not build; no memchr floor in this run"
  fi
fi
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }

# ---------------------------------------------------------------- python
VENV=$DATA_DIR/venv
PY=$VENV/bin/python
[ -x "$PY" ] || python3 -m venv "$VENV"
if ! "$PY" -c "import duckdb, polars, pandas, pyarrow" 2> /dev/null; then
  echo "== pip install duckdb polars pandas pyarrow into $VENV"
  "$PY" -m pip install -q duckdb polars pandas pyarrow
fi

# ---------------------------------------------------------------- data
GEN=$SHARED/gen_posts.py
SAMPLE_DATA=
if [ -f "$GEN" ]; then
  GEN_PY=python3
  if ! python3 -c "import numpy" 2> /dev/null; then
    "$PY" -c "import numpy" 2> /dev/null || "$PY" -m pip install -q numpy
    GEN_PY=$PY
  fi
  GENERATOR="../shared/bench/gen_posts.py --seed 42"
else
  GENERATOR="hashtrend sample --seed 42"
  note "../shared/bench/gen_posts.py not found: files missing from $DATA_DIR are made by 'hashtrend sample'," \
       "whose distribution differs from the generator PEERS.md was measured on (and it writes no truth file)"
fi
FORMATS=csv
[ "$JSONL" = 1 ] && FORMATS="csv jsonl"
for label in $LABELS; do
  for fmt in $FORMATS; do
    f=$DATA_DIR/posts_$label.$fmt
    if [ -f "$GEN" ]; then
      if [ ! -f "$f" ] || [ ! -f "$f.truth.json" ]; then
        echo "== generating $f ($GENERATOR)"
        "$GEN_PY" "$GEN" --rows "$(rows_for "$label")" --seed 42 --format "$fmt" --out "$f"
      fi
    elif [ ! -f "$f" ]; then
      echo "== generating $f ($GENERATOR, a different distribution)"
      "$HT" sample --posts "$(rows_for "$label")" --seed 42 --format "$fmt" --out "$f.tmp"
      mv "$f.tmp" "$f"
    fi
    [ -f "$f.truth.json" ] || SAMPLE_DATA=1  # no truth: hashtrend sample's data
  done
done

# ---------------------------------------------------------------- timings
LOG_OFFSET=0
[ -f "$LOG" ] && LOG_OFFSET=$(stat -c %s "$LOG")
RUN_ID="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
h() {  # h NAME LABEL INPUT CMD...: time CMD with the shared harness
  local name=$1 label=$2 input=$3; shift 3
  echo "== $label $name"
  "$PY" "$SHARED/harness.py" --max-wait "$MAX_WAIT" --quiet "$QUIET" --peer "$name" --label "$label" \
      --input "$input" --runs "$HARNESS_RUNS" --log "$LOG" -- "$@" 2>&1 | "$PY" "$REPO/scripts/bench_report.py" progress
}
hashtrend_to() {  # hashtrend_to NAME LABEL INPUT ARGS...: hashtrend count writing $OUT/NAME_LABEL.csv
  local name=$1 label=$2 input=$3; shift 3
  local o=$OUT/${name}_$label bin=$HT
  case $name in hashtrend_base*) bin=$BASE_HT;; hashtrend_pgo*) bin=$PGO_HT;; esac
  rm -f "$o.csv" "$o.err"
  h "$name" "$label" "$input" bash -c 'o=$1; shift; exec "$@" > "$o.csv" 2> "$o.err"' _ "$o" \
    "$bin" count --bucket day --output csv "$@" "$input"
}
peer() {  # peer NAME LABEL INPUT SCRIPT: a peer query script writing $OUT/NAME_LABEL/
  local name=$1 label=$2 input=$3 script=$4
  rm -rf "$OUT/${name}_$label"
  h "$name" "$label" "$input" "$PY" "$script" "$input" "$OUT/${name}_$label"
}
# Rounds: each runs every command once, so a slow phase of the machine (a
# busy neighbour on the host) falls on all commands alike rather than on
# whichever ran then.
for label in $LABELS; do
  rm -rf "$OUT"/*_"$label" "$OUT"/*_"$label".*  # no stale outputs from an earlier run in the checks
done
HARNESS_RUNS=1
for round in $(seq "$RUNS"); do
  for label in $LABELS; do
    echo "== round $round of $RUNS"
    csv=$DATA_DIR/posts_$label.csv
    jsonl=$DATA_DIR/posts_$label.jsonl
    hashtrend_to hashtrend "$label" "$csv"
    hashtrend_to hashtrend_t1 "$label" "$csv" --threads 1
    [ "$JSONL" = 1 ] && hashtrend_to hashtrend_jsonl "$label" "$jsonl"
    if [ -n "$BASE_HT" ]; then
      hashtrend_to hashtrend_base "$label" "$csv"
      [ "$JSONL" = 1 ] && hashtrend_to hashtrend_base_jsonl "$label" "$jsonl"
    fi
    if [ -n "$PGO_HT" ]; then
      hashtrend_to hashtrend_pgo "$label" "$csv"
      hashtrend_to hashtrend_pgo_t1 "$label" "$csv" --threads 1
      [ "$JSONL" = 1 ] && hashtrend_to hashtrend_pgo_jsonl "$label" "$jsonl"
    fi
    [ -n "$FLOOR" ] && h floor_memchr "$label" "$csv" "$FLOOR" "$csv"
    has_peer duckdb_scan && peer duckdb_scan "$label" "$csv" "$SHARED/peers/duckdb_scan.py"
    has_peer duckdb && peer duckdb "$label" "$csv" "$SHARED/peers/duckdb_q.py"
    has_peer polars && peer polars "$label" "$csv" "$SHARED/peers/polars_q.py"
    has_peer pandas && peer pandas "$label" "$csv" "$SHARED/peers/pandas_q.py"
    # peers/polars_q.py reads CSV only; scripts/polars_jsonl_q.py is the same query over scan_ndjson.
    # hashtrend sample's JSON lines are API v2 shaped (string ids, HTML-escaped text): not for polars.
    if [ "$JSONL" = 1 ] && has_peer polars && [ -z "$SAMPLE_DATA" ]; then
      peer polars_jsonl "$label" "$jsonl" "$REPO/scripts/polars_jsonl_q.py"
    fi
  done
done
for label in $LABELS; do
  if ! has_peer duckdb; then  # the agreement check needs DuckDB's table: one untimed run
    echo "== $label duckdb (untimed, for the agreement check)"
    rm -rf "$OUT/duckdb_$label"
    "$PY" "$SHARED/peers/duckdb_q.py" "$DATA_DIR/posts_$label.csv" "$OUT/duckdb_$label" > /dev/null
  fi
done

# ---------------------------------------------------------------- checks + table
CMDLINE="LABELS=\"$LABELS\" RUNS=$RUNS PEERS=\"$PEERS\""
[ "$JSONL" = 1 ] || CMDLINE+=" JSONL=0"
[ "$MAX_WAIT" = 60 ] || CMDLINE+=" MAX_WAIT=$MAX_WAIT"
[ "$QUIET" = 0.15 ] || CMDLINE+=" QUIET=$QUIET"
[ -n "$BASE_HT" ] && CMDLINE+=" BASELINE=$BASELINE"
[ -n "$PGO_HT" ] && CMDLINE+=" PGO=1"
CMDLINE+=" scripts/bench.sh"
MD=$DATA_DIR/bench-$(date +%Y-%m-%d-%H%M%S).md
"$PY" "$REPO/scripts/bench_report.py" report --repo "$REPO" --shared "$SHARED" --data-dir "$DATA_DIR" \
  --labels "$LABELS" --log "$LOG" --log-offset "$LOG_OFFSET" --run-id "$RUN_ID" \
  --generator "$GENERATOR" --command "$CMDLINE" --md "$MD" ${SAMPLE_DATA:+--peers-informational} \
  ${BASE_HT:+--baseline "$(basename "$BASE_HT")"}
