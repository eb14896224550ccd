"""Import every CSV under a folder into a throw-away store and print what happened to each.

    python scripts/survey_exports.py /work/corpus/exports          # a table
    python scripts/survey_exports.py /work/corpus/exports --json   # one JSON object per file

A check of the importer against real exports, not a test: the files are other people's
data and stay outside the repository. Each file goes into its own new store, as a new
user's first import would. A file that needs an answer the export does not give (the
weight unit of classic Strong) is imported again with ``--unit kg`` and says so, as the
user would answer the question. Per file: the format detected, rows read / imported /
duplicates / skipped / rejected, the most common reject reasons and the columns Backline
did not read; a refused file shows the first line of its message.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analytics.ingest import IngestError, import_file  # noqa: E402
from analytics.store import Store  # noqa: E402

COUNTS = ("rows_read", "imported", "duplicates", "skipped", "rejected")


def _reason_kind(reason: str) -> str:
    """A reject reason without the quoted value, so equal problems count together."""
    return re.sub(r'"[^"]*"', '"…"', reason)[:90]


def survey(path: Path, work: Path) -> dict[str, object]:
    row: dict[str, object] = {"file": str(path)}
    answers: dict[str, str] = {}
    for _attempt in range(3):
        store_path = work / f"{path.stem}-{len(answers)}.duckdb"
        with Store(store_path) as store:
            try:
                result = import_file(store, path, athlete="survey", **answers)
            except IngestError as exc:
                message = str(exc)
                if "kg or lb" in message and "unit" not in answers:
                    answers["unit"] = "kg"
                    continue
                row["refused"] = message.splitlines()[0][:200]
                break
            reasons = Counter(
                _reason_kind(reason) for (reason,) in store.cursor().execute(
                    "SELECT reason FROM rejected_rows").fetchall()
            )
            row.update({name: getattr(result, name) for name in COUNTS})
            row["format"] = f"{result.format} ({result.variant})"
            row["answers"] = answers
            row["top_rejects"] = reasons.most_common(3)
            row["columns_not_read"] = getattr(result, "columns_not_read", None)
            for optional in ("distance_unit", "time_zone", "encoding"):
                if getattr(result, optional, None) is not None:
                    row[optional] = getattr(result, optional)
        break
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    with tempfile.TemporaryDirectory(prefix="backline-survey-") as work:
        for path in files:
            row = survey(path, Path(work))
            row["file"] = str(path.relative_to(args.folder))
            if args.json:
                print(json.dumps(row, ensure_ascii=False, default=str))
                continue
            if "refused" in row:
                print(f"{row['file']}: REFUSED: {row['refused']}")
                continue
            counts = " ".join(f"{name.split('_')[0]}={row[name]}" for name in COUNTS)
            extra = f" answers={row['answers']}" if row["answers"] else ""
            print(f"{row['file']}: {row['format']}: {counts}{extra}")
            for reason, count in row["top_rejects"]:  # type: ignore[attr-defined]
                print(f"    {count:>6} x {reason}")
            if row.get("columns_not_read"):
                print(f"    columns not read: {', '.join(row['columns_not_read'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
