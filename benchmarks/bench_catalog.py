"""How fast are suggestions, the report and the Import page with 20,000 unknown names?

A log where every name is new to the catalog is the worst case for the unmapped list:
each name is listed with a suggestion, and each is its own lift with an e1RM trend. The
names are built from catalog words with typos and a unique word (``Paused Romanain
Deadlift Qx123``), so every lookup path runs. Times, in seconds (median of ``--runs``):

* ``suggest`` for every name, caches cleared first (the Import page and the report share
  these results afterwards);
* the Import page's mapping section: count the unmapped lifts and build its first page;
* ``build_report`` and its JSON (``backline report --json`` without printing), caches
  cleared first.

Target: report and Import page both under 3 s.

    python benchmarks/bench_catalog.py [--names 20000] [--runs 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics import catalog, serialise  # noqa: E402
from analytics.catalog import matching  # noqa: E402
from analytics.filters import Filters  # noqa: E402
from analytics.report import build_report  # noqa: E402
from analytics.store import Store  # noqa: E402

TARGET_S = 3.0
_STEMS = ("Romanain Deadlift", "Paused Bench Press", "Lat Pulldown Wide", "Curl Strict",
          "Cable Row Neutral", "Shoulder Press", "Split Squat Tempo", "Hip Thrust Slow",
          "Lateral Raies", "Leg Extension Partial")


def names(count: int) -> list[str]:
    return [f"{_STEMS[i % len(_STEMS)]} Qx{i}" for i in range(count)]


def _clear_caches() -> None:
    catalog.suggest.cache_clear()
    matching.tokens.cache_clear()


def build_store(path: Path, count: int) -> tuple[Store, int]:
    store = Store(path)
    athlete = store.athlete_id("Bench athlete", create=True)
    logged = names(count)
    with store.transaction() as cur:
        cur.execute(
            """INSERT INTO sets (athlete_id, performed_at, session_id, workout_name,
                                 exercise_raw, exercise_id, set_index, set_type, weight_kg,
                                 reps, source_format, import_id)
            SELECT $athlete, TIMESTAMP '2025-01-06 18:00' + INTERVAL (i // 10) DAY,
                   'bench-' || (i // 10), 'Workout', n.name, NULL, s, 'working',
                   40 + s * 2.5, 8, 'bench', 0
            FROM (SELECT unnest($names) AS name, generate_subscripts($names, 1) AS i) n,
                 range(3) r(s)""",
            {"athlete": athlete, "names": logged},
        )
    return store, athlete


def _median(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        _clear_caches()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logged = names(args.names)
    with tempfile.TemporaryDirectory() as tmp:
        store, athlete = build_store(Path(tmp) / "bench.duckdb", args.names)
        cur = store.cursor()
        flt = Filters(athlete)
        suggest_s = _median(lambda: [catalog.suggest(n) for n in logged], args.runs)
        suggested = sum(1 for n in logged if catalog.suggest(n))

        def import_page() -> None:
            catalog.unmapped_count(cur, athlete)
            catalog.unmapped(cur, athlete, limit=25)

        page_s = _median(import_page, args.runs)
        # what `backline report --json` does: the report, then its JSON text
        report_s = _median(lambda: serialise.encode(build_report(cur, flt).as_json()),
                           args.runs)
        report = build_report(cur, flt).as_json()
    rows = [
        {"measure": f"suggest {args.names:,} unknown names", "value": round(suggest_s, 3),
         "unit": "s", "note": f"{suggested:,} got a suggestion"},
        {"measure": "Import page mapping section", "value": round(page_s, 3), "unit": "s",
         "target": f"< {TARGET_S:g}", "ok": page_s < TARGET_S},
        {"measure": f"report with {args.names:,} unmapped names", "value": round(report_s, 3),
         "unit": "s", "target": f"< {TARGET_S:g}", "ok": report_s < TARGET_S,
         "note": f"{len(report['unmapped']):,} unmapped listed, "
                 f"{len(report['exercises']):,} lifts trended"},
    ]
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            print(f"{row['measure']}: median {row['value']} s  {row.get('note', '')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
