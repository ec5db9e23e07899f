#!/usr/bin/env python3
"""Helper of scripts/bench.sh (run with the venv's python; needs duckdb).

  bench_report.py progress    compact lines from ../shared/bench/harness.py's JSON records (stdin)
  bench_report.py report ...  agreement checks + ratio table (markdown), see bench.sh

Agreement checks (not timed), for each hashtrend output (CSV default threads,
CSV --threads 1, JSON lines):
  * against the generator's truth (FILE.truth.json): total occurrences, distinct
    tags, (day, tag) pairs, the top 100 and every daily cell of the tags it lists
    (a day it does not list for such a tag must be absent);
  * against DuckDB's per-day table (peers/duckdb_q.py's daily.parquet; n = occurrences),
    pair for pair;
  * posts, occurrences and authors against a DuckDB query that counts distinct ids
    and authors per (day, tag) over the same regex extraction as peers/duckdb_q.py
    (the regex is read from that file).
The baseline's and the profile-guided build's outputs must equal hashtrend's
byte for byte.
Exit status 1 if any check finds a difference or a timed command failed.
"""
import argparse
import ast
import datetime
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
from collections import defaultdict

ORDER = ["hashtrend", "hashtrend_t1", "hashtrend_base", "hashtrend_pgo", "hashtrend_pgo_t1", "floor_memchr",
         "duckdb_scan", "duckdb", "polars", "pandas", "hashtrend_jsonl", "hashtrend_base_jsonl",
         "hashtrend_pgo_jsonl", "polars_jsonl"]
REF = {"csv": "hashtrend", "jsonl": "hashtrend_jsonl"}


def progress():
    for line in sys.stdin:
        try:
            r = json.loads(line)
        except ValueError:
            print(line, end="")
            continue
        if not isinstance(r, dict) or "wall_s" not in r:
            print(line, end="")
            continue
        s = (f"  run {r['run']}: {r['wall_s']:.3f} s wall, {r.get('rss_mb') or 0:.0f} MB peak RSS, "
             f"foreign CPU {r.get('foreign_cpu_s', 0):.2f} s, waited {r.get('waited_for_quiet_s', 0):.0f} s "
             f"(busy {r.get('busy_frac_before', 0):.2f})")
        if r.get("rc") != 0:
            s += f"\n  FAILED with exit code {r.get('rc')}: {r.get('stderr_tail', '').strip()[-400:]}"
        print(s, flush=True)


# ------------------------------------------------------------------ helpers
def sh(cmd, cwd=None):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=cwd).stdout.strip()
    except Exception:
        return "?"


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


def duckdb_q_regex(shared):
    """RE['unicode'] of peers/duckdb_q.py, read without running that script."""
    tree = ast.parse(open(os.path.join(shared, "peers", "duckdb_q.py"), encoding="utf-8").read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "RE" for t in node.targets):
            return ast.literal_eval(node.value)["unicode"]
    raise SystemExit("bench_report: no RE = {...} in peers/duckdb_q.py")


def load_timings(log, offset):
    recs = defaultdict(list)
    if not os.path.exists(log):
        return recs
    with open(log, "rb") as f:
        f.seek(offset)
        for line in f:
            r = json.loads(line)
            recs[(r["peer"], r["label"])].append(r)
    return recs


def stats(allr):
    """As ../shared/bench/report.py: a run is clean when other processes used < 0.1 core
    on average during it; the clean runs are used when there are at least min(3, all) of them."""
    ok = [r for r in allr if r["rc"] == 0]
    if not ok:
        return None
    clean = [r for r in ok if (r.get("foreign_cpu_s") or 0) <= 0.1 * r["wall_s"] + 0.05]
    rs = clean if len(clean) >= min(3, len(ok)) else ok
    w = [r["wall_s"] for r in rs]
    mid = sorted(rs, key=lambda r: r["wall_s"])[len(rs) // 2]
    cpu = (mid["user_s"] + mid["sys_s"]) / mid["wall_s"] if mid.get("user_s") is not None else None
    return {"median": statistics.median(w), "min": min(w), "max": max(w),
            "rss": max(r["rss_mb"] or 0 for r in rs), "cpu": cpu, "input": rs[0]["input"],
            "runs": f"{len(clean)}/{len(allr)}" + ("" if rs is clean else " (all used)"),
            "dirty": rs is not clean, "failed": len(allr) - len(ok)}


# ------------------------------------------------------------------ agreement checks
class Checks:
    def __init__(self):
        self.rows = []  # (label, subject, what, compared, mismatches, informational)
        self.informational = False  # set while checks are reported but not failed on

    def add(self, label, subject, what, compared, mismatches, total=None):
        """MISMATCHES: messages (the first 10 are printed); TOTAL: their number if more were found."""
        n = len(mismatches) if total is None else total
        self.rows.append((label, subject, what, compared, n, self.informational))
        status = "ok" if not n else f"MISMATCH ({n})"
        if n and self.informational:
            status = f"differ ({n}), not failed on"
        print(f"  [{status}] {subject}: {what} ({compared})")
        for m in mismatches[:10]:
            print(f"      {m}")
        if n > 10:
            print(f"      ... and {n - 10} more")

    @property
    def failed(self):
        return sum(1 for r in self.rows if r[4] and not r[5])


def load_ht(con, name, path):
    """hashtrend's CSV (bucket,tag,posts,occurrences,authors) as table NAME(day, tag, ...)."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return f"no output ({path} missing or empty)"
    con.execute(f"""CREATE OR REPLACE TABLE {name} AS
        SELECT bucket, CAST(left(bucket, 10) AS DATE) AS day, tag, posts, occurrences, authors
        FROM read_csv({q(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
             columns = {{'bucket': 'VARCHAR', 'tag': 'VARCHAR', 'posts': 'BIGINT',
                         'occurrences': 'BIGINT', 'authors': 'BIGINT'}})""")
    return None


def check_truth(con, ck, label, subject, t, truth):
    tot, tags, pairs = con.execute(f"SELECT sum(occurrences), count(DISTINCT tag), count(*) FROM {t}").fetchone()
    mm = []
    for what, got, want in [("total occurrences", tot, truth["total_hashtag_occurrences"]),
                            ("distinct tags", tags, truth["distinct_hashtags"]),
                            ("(day, tag) pairs", pairs, truth["distinct_day_tag_pairs"])]:
        if got != want:
            mm.append(f"{what}: hashtrend {got:,} vs truth {want:,}")
    totals = con.execute(f"SELECT tag, sum(occurrences) FROM {t} GROUP BY tag").fetchall()
    top = sorted(((tag, int(n)) for tag, n in totals), key=lambda kv: (-kv[1], kv[0]))[:100]
    want_top = [(tag, n) for tag, n in truth["top100"]]
    for i, (w, g) in enumerate(zip(want_top, top + [("-", 0)] * (100 - len(top)))):
        if w != g:
            mm.append(f"top-100 rank {i + 1}: hashtrend #{g[0]} {g[1]:,} vs truth #{w[0]} {w[1]:,}")
    cells = [(tag, day, n) for tag, series in truth["daily"].items() for day, n in series.items()]
    con.execute("CREATE OR REPLACE TEMP TABLE truth_daily(tag VARCHAR, day DATE, n BIGINT)")
    con.executemany("INSERT INTO truth_daily VALUES (?, ?, ?)", cells)
    bad = con.execute(f"""
        SELECT coalesce(w.day, h.day) AS day, coalesce(w.tag, h.tag) AS tag, h.occurrences, w.n
        FROM truth_daily w FULL JOIN (SELECT * FROM {t} WHERE tag IN (SELECT tag FROM truth_daily)) h
          USING (day, tag)
        WHERE coalesce(h.occurrences, 0) <> coalesce(w.n, 0) ORDER BY 1, 2""").fetchall()
    mm += [f"{d} #{tag}: hashtrend {h or 0:,} vs truth {w or 0:,}" for d, tag, h, w in bad]
    ck.add(label, subject, "= generator truth: totals, distinct tags, pairs, top 100, daily cells",
           f"{tot or 0:,} occurrences, {len(cells):,} daily cells of {len(truth['daily'])} tags", mm)


def check_pairs(con, ck, label, subject, t, other, cols, what):
    """Full outer join of T and OTHER on (day, tag); COLS: list of (hashtrend column, other column)."""
    cond = " OR ".join(f"coalesce(h.{a}, -1) <> coalesce(o.{b}, -1)" for a, b in cols)
    sel = ", ".join(f"h.{a}, o.{b}" for a, b in cols)
    n = con.execute(f"SELECT count(*) FROM {other}").fetchone()[0]
    bad = con.execute(f"""SELECT coalesce(h.day, o.day), coalesce(h.tag, o.tag), {sel}
        FROM {t} h FULL JOIN {other} o USING (day, tag) WHERE {cond} ORDER BY 1, 2 LIMIT 10""").fetchall()
    nbad = con.execute(f"SELECT count(*) FROM {t} h FULL JOIN {other} o USING (day, tag) WHERE {cond}").fetchone()[0]
    mm = []
    for row in bad:
        d, tag, vals = row[0], row[1], row[2:]
        parts = [f"{a} {vals[2 * i] if vals[2 * i] is not None else '-'} vs {vals[2 * i + 1] if vals[2 * i + 1] is not None else '-'}"
                 for i, (a, _) in enumerate(cols)]
        mm.append(f"{d} #{tag}: " + ", ".join(parts) + " (hashtrend vs duckdb)")
    ck.add(label, subject, what, f"{n:,} pairs", mm, total=nbad)


def run_checks(a, labels, recs):
    import duckdb
    regex = duckdb_q_regex(a.shared)
    ck = Checks()
    out = os.path.join(a.data_dir, "out")
    info = []
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET TimeZone = 'UTC'")
    for lab in labels:
        print(f"\n== agreement checks, {lab}")
        csv_path = os.path.join(a.data_dir, f"posts_{lab}.csv")
        ddir = os.path.join(out, f"duckdb_{lab}", "daily.parquet")
        have_dd = os.path.exists(ddir)
        if have_dd:
            con.execute(f"CREATE OR REPLACE TABLE dd AS SELECT CAST(day AS DATE) AS day, tag, n::BIGINT AS n "
                        f"FROM read_parquet({q(ddir)})")
        else:
            ck.add(lab, "duckdb", "peers/duckdb_q.py output", ddir, ["missing: DuckDB's per-day table was not written"])
        # posts and authors: distinct ids and authors per (day, tag), same regex as peers/duckdb_q.py
        con.execute(f"""CREATE OR REPLACE TABLE pa AS
            SELECT CAST(date_trunc('day', created_at) AS DATE) AS day, lower(tag) AS tag,
                   count(DISTINCT id) AS posts, count(*) AS occurrences, count(DISTINCT author_id) AS authors
            FROM (SELECT id, author_id, created_at, unnest(regexp_extract_all(text, {q(regex)}, 1)) AS tag
                  FROM read_csv({q(csv_path)}))
            GROUP BY ALL""")
        digests = {}
        for name, fmt in [("hashtrend", "csv"), ("hashtrend_t1", "csv"), ("hashtrend_jsonl", "jsonl")]:
            path = os.path.join(out, f"{name}_{lab}.csv")
            if (name, lab) not in recs:  # not run this time
                continue
            subject = {"hashtrend": "hashtrend (CSV)", "hashtrend_t1": "hashtrend --threads 1 (CSV)",
                       "hashtrend_jsonl": "hashtrend (JSON lines)"}[name]
            err = load_ht(con, "ht", path)
            if err:
                ck.add(lab, subject, "output", path, [err])
                continue
            digests[name] = hashlib.sha256(open(path, "rb").read()).hexdigest()
            errf = path[:-4] + ".err"
            if os.path.exists(errf):
                last = [ln for ln in open(errf, encoding="utf-8", errors="replace").read().splitlines() if ln.strip()]
                if last:
                    info.append(f"{lab} {name} (its stderr): {last[-1]}")
            badb = con.execute("SELECT count(*) FROM ht WHERE bucket NOT LIKE '____-__-__T00:00:00Z'").fetchone()[0]
            if badb:
                ck.add(lab, subject, "buckets are UTC days", "bucket column", [f"{badb} buckets not of the form YYYY-MM-DDT00:00:00Z"])
            truth_path = os.path.join(a.data_dir, f"posts_{lab}.{fmt}.truth.json")
            if os.path.exists(truth_path):
                check_truth(con, ck, lab, subject, "ht", json.load(open(truth_path, encoding="utf-8")))
            # hashtrend sample's data plant duplicate ids and NFKC variants (#ＢＣＳＭ, a decomposed
            # #café) that regex + lower() count apart: there the DuckDB comparisons only inform
            ck.informational = a.peers_informational
            if have_dd:
                check_pairs(con, ck, lab, subject, "ht", "dd", [("occurrences", "n")],
                            "= DuckDB per-day table (peers/duckdb_q.py), occurrences pair for pair")
            check_pairs(con, ck, lab, subject, "ht", "pa",
                        [("posts", "posts"), ("occurrences", "occurrences"), ("authors", "authors")],
                        "= DuckDB distinct ids and authors per (day, tag), same regex")
            ck.informational = False
        # outputs that must equal another's byte for byte
        for name, ref, subject, what in [
                ("hashtrend_t1", "hashtrend", "hashtrend --threads 1 (CSV)",
                 "byte-identical to the default-threads output"),
                ("hashtrend_base", "hashtrend", f"hashtrend_base ({a.baseline})",
                 "byte-identical to hashtrend's output"),
                ("hashtrend_base_jsonl", "hashtrend_jsonl", f"hashtrend_base_jsonl ({a.baseline})",
                 "byte-identical to hashtrend_jsonl's output"),
                ("hashtrend_pgo", "hashtrend", "hashtrend_pgo (profile-guided build)",
                 "byte-identical to hashtrend's output"),
                ("hashtrend_pgo_t1", "hashtrend", "hashtrend_pgo --threads 1",
                 "byte-identical to hashtrend's output"),
                ("hashtrend_pgo_jsonl", "hashtrend_jsonl", "hashtrend_pgo_jsonl (profile-guided build)",
                 "byte-identical to hashtrend_jsonl's output")]:
            path = os.path.join(out, f"{name}_{lab}.csv")
            if (name, lab) in recs and ref in digests and os.path.exists(path):
                same = hashlib.sha256(open(path, "rb").read()).hexdigest() == digests[ref]
                ck.add(lab, subject, what, "sha256", [] if same else ["outputs differ"])
        # peers other than DuckDB: reported, not failed on (pandas is known to cut #स्वास्थ्य)
        if have_dd:
            for p in ["polars", "pandas", "polars_jsonl"]:
                pq = os.path.join(out, f"{p}_{lab}", "daily.parquet")
                if os.path.exists(pq):
                    n = con.execute(f"""SELECT count(*) FROM dd a FULL JOIN
                        (SELECT CAST(day AS DATE) AS day, tag, n::BIGINT AS n FROM read_parquet({q(pq)})) b
                        USING (day, tag) WHERE coalesce(a.n, -1) <> coalesce(b.n, -1)""").fetchone()[0]
                    info.append(f"{lab} {p}: {n} (day, tag) pairs differ from DuckDB's table (informational)")
    return ck, info


# ------------------------------------------------------------------ the report
def machine_lines(shared):
    try:
        sys.path.insert(0, shared)
        import report  # ../shared/bench/report.py: machine() names CPU, RAM, versions
        return report.machine()
    except Exception as e:  # noqa: BLE001
        return [f"- nproc: {os.cpu_count()}; {platform.platform()} (report.machine() failed: {e})"]


def desc(name, nproc, baseline=None):
    d = {
        "hashtrend_base": f"the baseline build ({baseline}), same command on the CSV",
        "hashtrend_base_jsonl": f"the baseline build ({baseline}) on the JSON lines",
        "hashtrend": f"`hashtrend count --bucket day --output csv` (default: {nproc} threads)",
        "hashtrend_t1": "same, `--threads 1`",
        "hashtrend_pgo": "the profile-guided build (scripts/build-pgo.sh), same command on the CSV",
        "hashtrend_pgo_t1": "the profile-guided build, `--threads 1`",
        "hashtrend_pgo_jsonl": "the profile-guided build on the JSON lines",
        "hashtrend_jsonl": f"`hashtrend count --bucket day --output csv` on the JSON lines ({nproc} threads)",
        "floor_memchr": "memchr count of `#` and `\\n`, 1 thread (../shared/bench/floor)",
        "duckdb_scan": "DuckDB read_csv only (no regex), 2 threads",
        "duckdb": "DuckDB read_csv + regexp_extract_all + GROUP BY, 2 threads",
        "polars": "polars scan_csv + str.extract_all + group_by, 2 threads",
        "pandas": "pandas read_csv + str.findall + groupby, 1 thread",
        "polars_jsonl": "polars scan_ndjson, same query (scripts/polars_jsonl_q.py)",
    }
    return d.get(name, name)


def fmt_ratio(x):
    return "-" if x is None else (f"{x:.1f}x" if x >= 9.95 else f"{x:.2f}x")


def build_report(a, labels, recs, ck, info):
    nproc = os.cpu_count()
    now = datetime.datetime.now()
    commit = sh("git rev-parse --short HEAD", cwd=a.repo) or "unknown"
    dirty = sh("git status --porcelain --untracked-files=no", cwd=a.repo)
    L = [f"## {now:%Y-%m-%d}, scripts/bench.sh ({', '.join(labels)})", ""]
    L += ["Machine:", ""] + machine_lines(a.shared) + [""]
    L += [f"Commit {commit}" + (" plus uncommitted changes" if dirty else "") + f"; run started {a.run_id}. "
          f"Data: `{a.generator}`. Command:", "", "```sh", a.command, "```", ""]
    st = {k: stats(v) for k, v in recs.items()}
    failed = [(k, len(recs[k]) if s is None else s["failed"]) for k, s in st.items() if s is None or s["failed"]]
    # datasets
    L += ["| label | rows | CSV bytes | JSON lines bytes | occurrences (truth) | distinct tags | (day, tag) pairs |",
          "|---|---|---|---|---|---|---|"]
    for lab in labels:
        c = os.path.join(a.data_dir, f"posts_{lab}.csv")
        j = os.path.join(a.data_dir, f"posts_{lab}.jsonl")
        tp = c + ".truth.json"
        t = json.load(open(tp, encoding="utf-8")) if os.path.exists(tp) else None
        rows = f"{t['rows']:,}" if t else "?"
        L.append(f"| {lab} | {rows} | {os.path.getsize(c):,} | "
                 f"{os.path.getsize(j) if os.path.exists(j) else 0:,} | "
                 + (f"{t['total_hashtag_occurrences']:,} | {t['distinct_hashtags']:,} | {t['distinct_day_tag_pairs']:,} |"
                    if t else "- | - | - |"))
    L += ["", "Median wall of the runs (end to end, page cache warm), MB/s = input bytes / median, "
          "peak RSS = max over runs (`/usr/bin/time -v`), CPU = (user+sys)/wall of the median run. "
          "**hashtrend ×** = this command's median / hashtrend's median on the same input "
          "(how many times faster hashtrend is; below 1, the command is faster). "
          "runs = clean/total: clean when other processes used < 0.1 core during the run "
          "(harness foreign CPU); medians use the clean runs when there are at least 3 (or all, if fewer runs).", ""]
    dirty_any = False
    med = {}
    for lab in labels:
        L += [f"### {lab}", "",
              "| command | input | runs | median s | min s | max s | MB/s | peak RSS MB | CPU | hashtrend × |",
              "|---|---|---|---|---|---|---|---|---|---|"]
        for name in ORDER + sorted({p for p, l in st if l == lab} - set(ORDER)):
            s = st.get((name, lab))
            if not s:
                continue
            fmt = "jsonl" if s["input"].endswith(".jsonl") else "csv"
            ref = st.get((REF[fmt], lab))
            ratio = s["median"] / ref["median"] if ref else None
            med[(name, lab)] = s["median"]
            dirty_any |= s["dirty"]
            size = os.path.getsize(s["input"])
            cpu = "-" if s["cpu"] is None else f"{s['cpu']:.2f}"
            L.append(f"| {name} | {desc(name, nproc, a.baseline)} | {s['runs']} | {s['median']:.3f} | {s['min']:.3f} | "
                     f"{s['max']:.3f} | {size / 1e6 / s['median']:.0f} | {s['rss']:.0f} | {cpu} | "
                     f"{'1 (reference)' if name == REF[fmt] else fmt_ratio(ratio)} |")
        L.append("")
        h, h1, fl = med.get(("hashtrend", lab)), med.get(("hashtrend_t1", lab)), med.get(("floor_memchr", lab))
        if h and h1:
            L.append(f"- threads: `--threads 1` {h1:.3f} s, default ({nproc} threads) {h:.3f} s: "
                     f"speed-up {h1 / h:.2f}x (issue 4: at least 1.8x for 2 threads)")
        if h and fl:
            L.append(f"- hashtrend takes {h / fl:.2f}x the single-thread memchr floor "
                     "(issue 4, 1M CSV: 2.5x; ambition 2x)")
        p, p1 = med.get(("hashtrend_pgo", lab)), med.get(("hashtrend_pgo_t1", lab))
        if p and p1:
            L.append(f"- profile-guided build: `--threads 1` {p1:.3f} s, default {p:.3f} s: "
                     f"speed-up {p1 / p:.2f}x")
        for peer, goal in [("polars", "8x at 1M, 5x at 10M"), ("duckdb", "20x at 1M"), ("polars_jsonl", "8x")]:
            for ref in (["hashtrend_jsonl", "hashtrend_pgo_jsonl"] if peer.endswith("jsonl")
                        else ["hashtrend", "hashtrend_pgo"]):
                if med.get((peer, lab)) and med.get((ref, lab)):
                    L.append(f"- {ref} is {med[(peer, lab)] / med[(ref, lab)]:.1f}x faster than {peer} "
                             f"(issue 4: {goal})")
        for pgo, ref in [("hashtrend_pgo", "hashtrend"), ("hashtrend_pgo_t1", "hashtrend_t1"),
                         ("hashtrend_pgo_jsonl", "hashtrend_jsonl")]:
            if med.get((pgo, lab)) and med.get((ref, lab)):
                L.append(f"- {pgo} against {ref}: {med[(ref, lab)]:.3f} -> {med[(pgo, lab)]:.3f} s, "
                         f"{med[(ref, lab)] / med[(pgo, lab)]:.2f}x faster")
        for base, ref in [("hashtrend_base", "hashtrend"), ("hashtrend_base_jsonl", "hashtrend_jsonl")]:
            if med.get((base, lab)) and med.get((ref, lab)):
                L.append(f"- {ref} against the baseline ({a.baseline}): {med[(base, lab)]:.3f} -> "
                         f"{med[(ref, lab)]:.3f} s, {med[(base, lab)] / med[(ref, lab)]:.2f}x faster")
        for name in ["hashtrend", "hashtrend_pgo"]:
            s10 = st.get((name, lab))
            if lab == "10m" and s10:
                L.append(f"- {name} peak RSS at 10m: {s10['rss']:.0f} MB (issue 4: under 400 MB)")
        L.append("")
    if "1m" in labels and "10m" in labels:
        L += ["10m / 1m median time:", ""]
        for name in ORDER:
            if med.get((name, "1m")) and med.get((name, "10m")):
                goal = " (issue 4: at most 10.5x)" if name in ("hashtrend", "hashtrend_pgo") else ""
                L.append(f"- {name}: {med[(name, '10m')] / med[(name, '1m')]:.2f}x{goal}")
        L.append("")
    if dirty_any:
        L += ["Note: some commands had fewer than 3 clean runs (the machine was busy); "
              "their medians use all runs and are not comparable with quiet-machine figures.", ""]
    L += ["Agreement (not timed): hashtrend's per-(day, tag) table against the generator's truth, "
          "DuckDB's per-day table (peers/duckdb_q.py) and a DuckDB count of distinct ids and authors "
          "per (day, tag) with the same regex:", "",
          "| label | output | check | compared | result |", "|---|---|---|---|---|"]
    for lab, subject, what, compared, n, inf in ck.rows:
        res = "ok" if not n else f"{n:,} differ" + (" (not failed on)" if inf else "")
        L.append(f"| {lab} | {subject} | {what} | {compared} | {res} |")
    L.append("")
    if a.peers_informational:
        L += ["The data come from `hashtrend sample`, not ../shared/bench/gen_posts.py: no truth file, and "
              "its planted duplicate ids and NFKC variants are counted apart by DuckDB's regex + lower(), "
              "so the DuckDB comparisons are shown but not failed on.", ""]
    if info:
        L += ["Notes:", ""] + [f"- {x}" for x in info] + [""]
    if failed:
        L += ["Failed commands: " + ", ".join(f"{k[0]} ({k[1]}): {n} run(s)" for k, n in failed), ""]
    return "\n".join(L) + "\n", failed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("progress")
    r = sub.add_parser("report")
    r.add_argument("--repo", required=True)
    r.add_argument("--shared", required=True)
    r.add_argument("--data-dir", required=True)
    r.add_argument("--labels", required=True)
    r.add_argument("--log", required=True)
    r.add_argument("--log-offset", type=int, default=0)
    r.add_argument("--run-id", default="")
    r.add_argument("--generator", default="")
    r.add_argument("--command", default="scripts/bench.sh")
    r.add_argument("--md", required=True)
    r.add_argument("--baseline", default=None, help="name of the baseline build timed beside hashtrend")
    r.add_argument("--peers-informational", action="store_true",
                   help="report DuckDB differences without failing (data from hashtrend sample)")
    a = ap.parse_args()
    if a.cmd == "progress":
        progress()
        return 0
    labels = a.labels.split()
    recs = load_timings(a.log, a.log_offset)
    ck, info = run_checks(a, labels, recs)
    md, failed = build_report(a, labels, recs, ck, info)
    with open(a.md, "w", encoding="utf-8") as f:
        f.write(md)
    print("\n" + md)
    print(f"(also written to {a.md})")
    if ck.failed or failed:
        print(f"bench: {ck.failed} agreement check(s) failed, {len(failed)} command(s) failed", file=sys.stderr)
        return 1
    inf = sum(1 for r in ck.rows if r[4] and r[5])
    print(f"bench: {len(ck.rows) - inf} agreement checks passed"
          + (f"; {inf} DuckDB comparison(s) differ, shown only (data from hashtrend sample)" if inf else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
