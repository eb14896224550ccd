"""How long does the full report take for one athlete with 100,000 logged sets?

Generates a deterministic log in DuckDB SQL (no randomness: every value is a hash of its
position), then times :func:`analytics.report.build_report`, each of its metrics alone, and
each rendering of the one report it returns (JSON, text, HTML), and prints the medians.
The target is < 300 ms for the whole report.

    python benchmarks/bench_report.py [--sets 100000] [--runs 7] [--db PATH]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.catalog import resolve_many  # noqa: E402
from analytics.filters import Filters, materialised  # noqa: E402
from analytics.html_report import render_html  # noqa: E402
from analytics.report import METRICS, Report, build_report, render_text  # noqa: E402
from analytics.store import Store  # noqa: E402

EXERCISES_PER_SESSION = 10
SETS_PER_EXERCISE = 5  # the first is a warm-up

# (name as an app logs it, starting working load in kg or None for bodyweight, timed)
LOG_NAMES: list[tuple[str, float | None, bool]] = [
    ("Romanian Deadlift (Barbell)", 60.0, False),
    ("Hip Thrust (Barbell)", 80.0, False),
    ("Bent Over Row (Barbell)", 50.0, False),
    ("Kettlebell Swing", 24.0, False),
    ("Single Leg Romanian Deadlift (Dumbbell)", 16.0, False),
    ("Bulgarian Split Squat", 20.0, False),
    ("Face Pull (Cable)", 20.0, False),
    ("Deadlift (Barbell)", 100.0, False),
    ("Lat Pulldown (Cable)", 45.0, False),
    ("Glute Bridge", None, False),
    ("Pull Up", None, False),
    ("Wall Sit", None, True),
    ("Superman", None, True),
    ("Back Extension", None, False),
    ("Lying Leg Curl (Machine)", 35.0, False),
    ("Jefferson Squat", 10.0, False),  # not in the catalog: exercises the unmapped path
]


def _sql_text(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def _sql_number(value: float | None) -> str:
    return "NULL" if value is None else repr(value)


def generate(store: Store, athlete_id: int, total_sets: int) -> int:
    """Insert ``total_sets`` sets for the athlete in one SQL statement; returns the count."""
    per_session = EXERCISES_PER_SESSION * SETS_PER_EXERCISE
    sessions = -(-total_sets // per_session)
    ids = resolve_many(name for name, _, _ in LOG_NAMES)
    catalog_rows = ", ".join(
        f"({i}, {_sql_text(name)}, {_sql_text(ids[name])}, {_sql_number(load)}, {timed})"
        for i, (name, load, timed) in enumerate(LOG_NAMES)
    )
    with store.transaction() as cur:
        cur.execute(
            f"""
            INSERT INTO sets (athlete_id, performed_at, session_id, workout_name,
                              exercise_raw, exercise_id, set_index, set_type, weight_kg, reps,
                              rpe, duration_s, source_format, import_id)
            WITH names(idx, raw, exercise_id, load, timed) AS (VALUES {catalog_rows}),
            grid AS (
                SELECT s.range AS k, e.range AS e, n.range AS n,
                       hash(s.range, e.range, n.range) AS h
                FROM range({sessions}) s, range({EXERCISES_PER_SESSION}) e,
                     range({SETS_PER_EXERCISE}) n
            ),
            rows AS (
                SELECT g.*, names.*,
                       TIMESTAMP '2012-01-02 17:00:00'
                           + to_hours(CAST(g.k * 60 + hash(g.k) % 9 AS BIGINT)) AS performed,
                       -- slow progress with a plateau every few months, +/- daily noise
                       1 + 0.0008 * g.k + 0.03 * sin(g.k / 40.0)
                           + ((g.h % 7)::DOUBLE - 3) / 200 AS form
                FROM grid g JOIN names ON names.idx = (g.k * 3 + g.e * 5) % {len(LOG_NAMES)}
                WHERE g.k * {per_session} + g.e * {SETS_PER_EXERCISE} + g.n < {total_sets}
            )
            SELECT $athlete, performed, 'bench-' || k, 'Session ' || (k % 3 + 1), raw, exercise_id,
                   n + 1, CASE WHEN n = 0 THEN 'warmup' ELSE 'working' END,
                   CASE WHEN load IS NULL THEN NULL
                        WHEN n = 0 THEN round(load * form * 0.5 / 2.5) * 2.5
                        ELSE round(load * form / 2.5) * 2.5 END,
                   CASE WHEN timed THEN NULL ELSE 5 + CAST(h % 8 AS INTEGER) END,
                   CASE WHEN h % 3 = 0 THEN 7 + CAST(h % 4 AS INTEGER) END,
                   CASE WHEN timed THEN 20 + CAST(h % 30 AS INTEGER) END,
                   'benchmark', 0
            FROM rows
            """,
            {"athlete": athlete_id},
        )
    return int(store.query_one("SELECT count(*) FROM sets WHERE athlete_id = ?", [athlete_id]))


def _timed_ms(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """(median, best) wall-clock milliseconds of ``runs`` calls."""
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        func()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), min(times)


def _materialise_once(cur: duckdb.DuckDBPyConnection, flt: Filters) -> None:
    with materialised(cur, flt):
        pass


def _in_batch(cur, flt: Filters, metric) -> None:  # type: ignore[no-untyped-def]
    """One metric in a batch of its own (the shared scan is timed apart, above)."""
    with materialised(cur, flt):
        metric(cur, flt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", help="DuckDB file to use (default: a temporary file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(args.db or Path(tmp) / "bench.duckdb")
        athlete_id = store.athlete_id("Benchmark athlete", create=True)
        store.update_athlete(athlete_id, program="intermediate", bodyweight_kg=80.0)
        began = time.perf_counter()
        count = generate(store, athlete_id, args.sets)
        print(f"generated {count:,} sets in {time.perf_counter() - began:.2f} s")
        flt = Filters(athlete_id)
        cur = store.cursor()
        build_report(cur, flt)  # warm-up: first-query planning, catalog caches
        cpu_began = time.process_time()
        median, best = _timed_ms(lambda: build_report(cur, flt), args.runs)
        cpu = (time.process_time() - cpu_began) * 1000 / args.runs
        print(
            f"build_report: median {median:.0f} ms, best {best:.0f} ms wall; "
            f"{cpu:.0f} ms CPU per report, all threads ({args.runs} runs)"
        )
        median, best = _timed_ms(lambda: _materialise_once(cur, flt), args.runs)
        print(f"  {'(shared scan)':<14} median {median:6.1f} ms  best {best:6.1f} ms")
        print("  each metric alone, in a batch of its own (so including the shared scan):")
        for name, metric in METRICS.items():
            median, best = _timed_ms(lambda metric=metric: _in_batch(cur, flt, metric),
                                     args.runs)
            print(f"  {name:<14} median {median:6.1f} ms  best {best:6.1f} ms")
        report = build_report(cur, flt)
        for name, render in (("as_json", lambda: Report.as_json(report)),
                             ("render_text", lambda: render_text(report)),
                             ("render_html", lambda: render_html(report))):
            median, best = _timed_ms(render, args.runs)
            print(f"  {name:<14} median {median:6.1f} ms  best {best:6.1f} ms  (rendering)")
        cur.close()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
