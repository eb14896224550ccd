"""The benchmark scripts still run, on small sizes (their numbers are not checked here).

Performance is measured by ``python benchmarks/run.py``, not asserted in tests; these
only keep the scripts working as the library changes under them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _run(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCHMARKS / script), *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_import_benchmark_prints_its_ratio_and_reference_steps() -> None:
    rows = json.loads(_run("bench_import.py", "--json", "--rows", "3000",
                           "--rounds", "1").splitlines()[-1])
    by_measure = {row["measure"].strip(): row for row in rows}
    assert by_measure["import / DuckDB read"]["value"] > 0
    assert "target" in by_measure["peak RSS of the import process"]
    import_row = next(row for row in rows if row["measure"].startswith("Backline import"))
    assert "3,000 rows" in import_row["note"]
    assert any(measure.startswith("reference: every cell") for measure in by_measure)


def test_report_benchmark_times_every_metric_and_rendering() -> None:
    out = _run("bench_report.py", "--sets", "2000", "--runs", "1")
    assert "build_report: median" in out
    for name in ("trends", "milestones", "as_json", "render_text", "render_html"):
        assert f"  {name} " in out
    assert "generated 2,000 sets" in out
