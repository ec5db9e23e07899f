#!/usr/bin/env python3
"""polars peer on JSON lines: the query of ../shared/bench/peers/polars_q.py with
pl.scan_ndjson in place of pl.scan_csv (that script reads CSV only).

Same regex (read from polars_q.py itself), same steps: str.extract_all (Rust
regex, Unicode \\w), explode, str.extract('#([^#]*)$'), to_lowercase, group_by
(day, tag).  Writes OUTDIR/daily.parquet + top20.json through peers/common.py.
Usage: polars_jsonl_q.py FILE.jsonl OUTDIR
"""
import os
import sys

PEERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "peers")
sys.path.insert(0, PEERS)
from common import args, finish  # noqa: E402  (first import: its clock includes the imports below)
import ast  # noqa: E402
import time  # noqa: E402

import polars as pl  # noqa: E402


def polars_q_regexes():
    """The RE dict of peers/polars_q.py, read without running that script."""
    tree = ast.parse(open(os.path.join(PEERS, "polars_q.py"), encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RE" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit("no RE = {...} in peers/polars_q.py")


RE = polars_q_regexes()
a = args(__doc__)
t = time.perf_counter()
daily = (
    pl.scan_ndjson(a.input)
    .select(
        pl.col("created_at").str.to_datetime("%Y-%m-%dT%H:%M:%SZ", time_zone="UTC").dt.date().alias("day"),
        pl.col("text").str.extract_all(RE[a.regex]).alias("m"),
    )
    .explode("m")
    .drop_nulls("m")
    .select("day", pl.col("m").str.extract(r"#([^#]*)$", 1).str.to_lowercase().alias("tag"))
    .group_by("day", "tag")
    .agg(pl.len().alias("n"))
    .collect()
)
daily.write_parquet(os.path.join(a.outdir, "daily.parquet"))
top = (daily.group_by("tag").agg(pl.col("n").sum())
       .sort(["n", "tag"], descending=[True, False]).head(20).rows())
finish(a.outdir, top, t, {"day_tag_pairs": daily.height, "occurrences": int(daily["n"].sum()),
                          "engine": f"polars {pl.__version__}", "threads": pl.thread_pool_size(), "regex": RE[a.regex]})
