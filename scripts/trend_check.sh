#!/usr/bin/env bash
# Where each method ranks the planted bursts: the generator's 1M-row file (its
# truth file names each burst's tag and day) and the sample data in data/
# (the rises planted by hashtrend::synth). Prints one Markdown table per file;
# exit status 1 if the default method leaves a planted burst out of its day's
# top 3.
#
#   scripts/trend_check.sh                 # 1m, data in ../bench-data
#   LABEL=100k scripts/trend_check.sh      # a smaller generator file
#
# Environment: LABEL (generator rows: N, Nk or Nm) [1m]; DATA_DIR [../bench-data].
# Needs python3 (and numpy for ../shared/bench/gen_posts.py, installed into
# DATA_DIR/venv when python3 lacks it).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GEN=$(cd "$REPO/.." && pwd)/shared/bench/gen_posts.py
LABEL=${LABEL:-1m}
DATA_DIR=${DATA_DIR:-$REPO/../bench-data}
METHODS="authors change zscore ewma poisson llr burst"
export PYTHONDONTWRITEBYTECODE=1

case $LABEL in
  *[0-9]k) ROWS=$(( ${LABEL%k} * 1000 ));;
  *[0-9]m) ROWS=$(( ${LABEL%m} * 1000000 ));;
  *) ROWS=$LABEL;;
esac
mkdir -p "$DATA_DIR"
cargo build --release --locked --quiet --manifest-path "$REPO/Cargo.toml"
HT=$REPO/target/release/hashtrend

rank_of() {  # rank_of FILE METHOD DAY TAG: the tag's rank on that day, or "-"
  "$HT" trending "$1" --method "$2" --at "$3" --top 1000 --output csv 2> /dev/null \
    | awk -F, -v t="$4" 'NR > 1 && $2 == t { print $1; found = 1; exit } END { if (!found) print "-" }'
}

table() {  # table FILE (TAG DAY KIND)...: ranks of every method, default first
  local file=$1 miss=0; shift
  echo "| tag | day | kind | $(echo "$METHODS" | sed 's/ / | /g') |"
  echo "|---|---|---|$(for _ in $METHODS; do printf -- '---|'; done)"
  while [ $# -gt 0 ]; do
    local tag=$1 day=$2 kind=$3 row; shift 3
    row="| $tag | $day | $kind |"
    for m in $METHODS; do
      local r; r=$(rank_of "$file" "$m" "$day" "$tag")
      row="$row $r |"
      if [ "$m" = authors ] && [ "$kind" = burst ] && { [ "$r" = - ] || [ "$r" -gt 3 ]; }; then miss=1; fi
    done
    echo "$row"
  done
  return $miss
}

status=0
F=$DATA_DIR/posts_$LABEL.csv
if [ -f "$GEN" ]; then
  if [ ! -f "$F" ] || [ ! -f "$F.truth.json" ]; then
    PY=python3
    if ! python3 -c "import numpy" 2> /dev/null; then
      [ -x "$DATA_DIR/venv/bin/python" ] || python3 -m venv "$DATA_DIR/venv"
      "$DATA_DIR/venv/bin/python" -c "import numpy" 2> /dev/null || "$DATA_DIR/venv/bin/python" -m pip install -q numpy
      PY=$DATA_DIR/venv/bin/python
    fi
    echo "== generating $F"
    "$PY" "$GEN" --rows "$ROWS" --seed 42 --out "$F"
  fi
  echo "## $F: the truth file's bursts (rank on the burst's day; - = not rising)"
  echo
  # shellcheck disable=SC2046
  table "$F" $(python3 -c "
import json, sys
for b in json.load(open(sys.argv[1]))['bursts']:
    print(b['tag'], b['day'], 'burst')" "$F.truth.json") || status=1
  echo
else
  echo "trend_check.sh: $GEN not found: the generator's file is skipped" >&2
fi

echo "## data/health_posts.csv: the planted rises of hashtrend::synth (first stand-out day)"
echo
# The rises of synth::PLANTED: bursts and the conference must rank; the
# outbreak grows slowly and the flood (one account) should not rank.
table "$REPO/data/health_posts.csv" \
  worldhealthday 2024-04-07 burst \
  miraclecure 2024-05-05 flood \
  mentalhealthawarenessweek 2024-05-13 burst \
  measles 2024-05-16 outbreak \
  asco24 2024-05-31 burst \
  worldnotobaccoday 2024-05-31 burst \
  drugshortage 2024-06-07 burst || status=1
exit $status
