"""Import benchmark: Backline's import of a 1M-row Strong export vs DuckDB's plain CSV read.

    python benchmarks/bench_import.py            # table on stdout
    python benchmarks/bench_import.py --json     # rows for benchmarks/run.py

The file is generated deterministically (a fixed seed) and cached under benchmarks/.data/.
It is a classic Strong export (the most common one) of 1,000,000 rows with what real logs
hold: warm-up and drop sets, RPE, some notes, Rest Timer rows (skipped) and a few bad
cells (rejected), so every stage of the import does its work.

Each measurement runs in a fresh child process, so the peak RSS is that of one import and
nothing is cached between runs: DuckDB's baseline is ``CREATE TABLE t AS SELECT * FROM
read_csv(file)`` into a new database file; Backline's is ``import_file`` into a new store
(then a second import of the same file: every row a duplicate). Rounds alternate the two,
and the best time of each is compared, which is the fairest reading on a shared machine.

Two reference steps are timed the same way, to show where the import's time goes against
the baseline: the file read as text (every column VARCHAR, as the import reads it) into a
table, and Backline's parsing and checking of every cell (its staging statement) into a
table, without set numbering, duplicate check or bookkeeping. Last, a reject-heavy file
(the same rows, 88 % of them with day-first dates no Strong layout reads) is imported once:
it must be refused as a whole, storing no reject, within the same memory bound.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / ".data"
ROWS = 1_000_000
GENERATOR_VERSION = 1
TARGET_RATIO = 3.0
"""Import / DuckDB's read. An earlier 2x target was withdrawn once the reference rows showed
parsing and checking alone cost ~1.4x and the file-order set numbering a second pass."""
TARGET_RSS_MB = 600
#: Share of sessions with day-first dates in the reject-heavy file (issue 10: 882k of 1M).
REJECT_HEAVY_SHARE = 0.882

EXERCISES = (
    "Romanian Deadlift (Barbell)", "Hip Thrust (Barbell)", "Bent Over Row (Barbell)",
    "Kettlebell Swing", "Glute Bridge", "Back Extension", "Lat Pulldown (Cable)",
    "Seated Row (Cable)", "Good Morning (Barbell)", "Deadlift (Barbell)",
    "Single Leg Romanian Deadlift (Dumbbell)", "Face Pull (Cable)",
)
HEADER = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
          "Seconds,Notes,Workout Notes,RPE\n")


def dataset(rows: int = ROWS, *, day_first_share: float = 0.0) -> Path:
    """The cached benchmark file, generated on first use (same bytes every time).

    ``day_first_share``: the share of sessions whose date is written day-first
    (``31/12/1990 07:00:00``), which no Strong layout reads: the reject-heavy file.
    """
    suffix = f"_dayfirst{round(day_first_share * 1000)}" if day_first_share else ""
    path = DATA / f"strong_classic_{rows}{suffix}_v{GENERATOR_VERSION}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20251125)
    when = datetime(1990, 1, 1, 7, 0)
    partial = path.with_suffix(".partial")
    written = 0
    with partial.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        while written < rows:
            when += timedelta(hours=rng.randint(6, 10))
            layout = "%d/%m/%Y %H:%M:%S" if rng.random() < day_first_share \
                else "%Y-%m-%d %H:%M:%S"
            workout = f"Posterior chain {'AB'[rng.randint(0, 1)]}"
            duration = f"{rng.randint(30, 95)}min"
            for exercise in rng.sample(EXERCISES, 5):
                base = rng.randint(8, 80) * 2.5
                for set_order in range(1, 6):
                    if written >= rows:
                        break
                    roll = rng.random()
                    order = "W" if set_order == 1 and roll < 0.3 else str(set_order)
                    if set_order == 5 and roll < 0.05:
                        order = "D"
                    weight = f"{base:g}"
                    reps = str(rng.randint(3, 15))
                    if roll < 0.0005:
                        reps = "x"  # a bad cell: rejected with its line and column
                    note = "felt strong" if roll < 0.02 else ""
                    rpe = rng.choice(("", "", "7", "8", "8.5", "9"))
                    out.write(f"{when.strftime(layout)},{workout},{duration},{exercise},"
                              f"{order},{weight},{reps},0,0,{note},,{rpe}\n")
                    written += 1
                if written < rows and rng.random() < 0.05:
                    out.write(f"{when.strftime(layout)},{workout},{duration},{exercise},"
                              "Rest Timer,0,0,0,90,,,\n")
                    written += 1
    partial.replace(path)
    return path


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(kind: str, csv_path: str, workdir: str) -> dict[str, object]:
    """One measurement in this (fresh) process."""
    import duckdb

    work = Path(workdir)
    sys.path.insert(0, str(ROOT))
    if kind in ("duckdb", "text", "parse"):
        con = duckdb.connect(str(work / "raw.duckdb"))
        select = "SELECT * FROM read_csv(?)" if kind == "duckdb" else _reference_sql(
            con, kind, csv_path)
        started = time.perf_counter()
        con.execute(f"CREATE TABLE t AS {select}", [csv_path] if kind == "duckdb" else [])
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
        seconds = time.perf_counter() - started
        con.close()
        return {"seconds": seconds, "rows": rows, "rss_mb": _peak_rss_mb()}
    from analytics.ingest import IngestError, import_file
    from analytics.store import Store

    # "backline": a first import into a new store; "reimport": the same file again into
    # the store a "backline" child left in the same folder (every row a duplicate);
    # "refused": the reject-heavy file, which the import refuses as a whole.
    with Store(work / "store.duckdb") as store:
        started = time.perf_counter()
        try:
            result = import_file(store, csv_path, athlete="bench", unit="kg")
        except IngestError as refused:
            if kind != "refused":
                raise
            return {"seconds": time.perf_counter() - started, "rss_mb": _peak_rss_mb(),
                    "refused": str(refused), "rejects_stored": store.query_one(
                        "SELECT count(*) FROM rejected_rows")}
        seconds = time.perf_counter() - started
    if kind == "reimport":
        assert result.imported == 0 and result.duplicates > 0, result
    counts = {k: getattr(result, k) for k in
              ("rows_read", "imported", "duplicates", "skipped", "rejected")}
    return {"seconds": seconds, "rss_mb": _peak_rss_mb(), **counts}


def _reference_sql(con: object, kind: str, csv_path: str) -> str:
    """The statement of a reference step (built untimed: reading the header, the plan)."""
    import dataclasses

    from analytics.ingest.dates import plan_date_layouts
    from analytics.ingest.formats import plan_for
    from analytics.ingest.normalise import QUOTE_MACRO, Reading, read_csv_sql, staging_sql
    from analytics.ingest.reader import open_source

    source = open_source(csv_path)
    if kind == "text":
        return f"SELECT * FROM {read_csv_sql(len(source.header), csv_path, source.delimiter)}"
    plan = plan_for(source.header, source.name, "auto", None)
    con.execute(QUOTE_MACRO)  # type: ignore[attr-defined]
    layouts = plan_date_layouts(con, plan, csv_path, source.delimiter,  # type: ignore[arg-type]
                                source.name)
    plan = dataclasses.replace(plan, date_formats=layouts)
    return staging_sql(plan, csv_path, source.delimiter, Reading("kg", "km", "UTC", layouts))


def _run_child(kind: str, csv_path: Path, workdir: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="backline-bench-") as fresh:
        output = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(csv_path), workdir or fresh],
            check=True, capture_output=True, text=True,
        ).stdout
    return json.loads(output.strip().splitlines()[-1])


def measure(rounds: int, rows: int) -> list[dict[str, object]]:
    csv_path = dataset(rows)
    raw, imports, text, parse = [], [], [], []
    for _ in range(rounds):
        raw.append(_run_child("duckdb", csv_path))
        imports.append(_run_child("backline", csv_path))
        text.append(_run_child("text", csv_path))
        parse.append(_run_child("parse", csv_path))
    # Timed once (it is not the headline number), each import in its own process.
    with tempfile.TemporaryDirectory(prefix="backline-bench-") as workdir:
        _run_child("backline", csv_path, workdir)
        reimport = _run_child("reimport", csv_path, workdir)
    refused = _run_child("refused", dataset(rows, day_first_share=REJECT_HEAVY_SHARE))
    best_raw = min(r["seconds"] for r in raw)
    best_import = min(r["seconds"] for r in imports)
    best_text = min(r["seconds"] for r in text)
    best_parse = min(r["seconds"] for r in parse)
    ratio = best_import / best_raw
    rss = max(r["rss_mb"] for r in imports)
    first = imports[0]
    size_mb = csv_path.stat().st_size / 1e6
    counts = (f"{first['rows_read']:,} rows: {first['imported']:,} imported, "
              f"{first['skipped']:,} skipped, {first['rejected']:,} rejected")
    return [
        {"measure": f"DuckDB read_csv into a table ({size_mb:.0f} MB)",
         "value": round(best_raw, 2), "unit": "s",
         "note": f"best of {rounds}; median {statistics.median(r['seconds'] for r in raw):.2f}"},
        {"measure": "Backline import, new store", "value":
         round(best_import, 2), "unit": "s", "note": f"best of {rounds}; median "
         f"{statistics.median(r['seconds'] for r in imports):.2f}; {counts}"},
        {"measure": "import / DuckDB read", "value": round(ratio, 2),
         "unit": "x", "target": f"<= {TARGET_RATIO:g}", "ok": ratio <= TARGET_RATIO},
        {"measure": "  reference: file read as text into a table", "value": round(best_text, 2),
         "unit": "s", "note": f"best of {rounds}; {best_text / best_raw:.2f}x the DuckDB read"},
        {"measure": "  reference: every cell parsed and checked",
         "value": round(best_parse, 2), "unit": "s",
         "note": f"best of {rounds}; {best_parse / best_raw:.2f}x the DuckDB read; no set "
                 "numbering, duplicate check or bookkeeping"},
        {"measure": "peak RSS of the import process",
         "value": round(rss), "unit": "MB", "target": f"< {TARGET_RSS_MB}",
         "ok": rss < TARGET_RSS_MB,
         "note": f"DuckDB read alone: {max(r['rss_mb'] for r in raw):.0f} MB"},
        {"measure": "re-import of the same file (all duplicates)",
         "value": round(float(reimport["seconds"]), 2), "unit": "s",
         "note": f"one run; peak RSS {reimport['rss_mb']:.0f} MB"},
        {"measure": f"reject-heavy file ({REJECT_HEAVY_SHARE:.0%} day-first dates): refused",
         "value": round(float(refused["seconds"]), 2), "unit": "s",
         "note": f"one run; {refused['rejects_stored']} rejects stored; "
                 f"{str(refused.get('refused', 'NOT refused'))[:70]}..."},
        {"measure": "  peak RSS of the refused import",
         "value": round(float(refused["rss_mb"])), "unit": "MB", "target": f"< {TARGET_RSS_MB}",
         "ok": float(refused["rss_mb"]) < TARGET_RSS_MB},
    ]


def print_table(rows: list[dict[str, object]]) -> None:
    for row in rows:
        target = f"  target {row['target']} {'ok' if row.get('ok') else 'MISSED'}" \
            if "target" in row else ""
        note = f"  ({row['note']})" if row.get("note") else ""
        print(f"{row['measure']:<48} {row['value']:>8} {row['unit']:<2}{target}{note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print rows as JSON")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--child", nargs=3, metavar=("KIND", "CSV", "WORKDIR"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    rows = measure(args.rounds, args.rows)
    if args.json:
        print(json.dumps(rows))
    else:
        print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
