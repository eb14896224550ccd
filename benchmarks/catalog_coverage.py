"""What share of the sets in real exports map to a catalog exercise?

    python benchmarks/catalog_coverage.py [DIR] [--top 40] [--json]

Reads every CSV export under DIR (default ``/work/corpus/exports``, a local corpus of real
exports from public repositories, one folder per app; nothing of it is committed), takes
each file's exercise column and counts sets per logged name, then resolves the names with
:func:`analytics.catalog.resolve_many` — the same call the importer makes, with no user
aliases. It prints the share of sets mapped overall and per file, and the most-logged
names that are not mapped, with the suggestion Backline would offer.

A set is one data row in the row-per-set formats (Strong, Hevy, FitNotes, Fitbod, Lyfta,
Liftosaur, GymBook, spreadsheets); in StrongLifts' wide rows each filled ``Set N`` cell, in
JEFIT each ``weight x reps`` entry of ``logs``, and in Alpha Progression's block layout each
set line under a ``"N. Name"`` line. Rows with no exercise name are not sets. This is a
measurement script, not part of ``run.py``: it needs the uncommitted corpus.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from analytics.catalog import resolve_many, suggest  # noqa: E402

EXERCISE_COLUMNS = ("exercise_title", "Exercise Name", "Exercise", "Esercizio", "ename",
                    "種目", "Übung", "Exercice", "Ejercicio")
_ALPHA_NAME = re.compile(r'^"?\d+\.\s+(?P<name>[^"]+)"?')
_ALPHA_SET = re.compile(r"^\d+,")


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _dialect(line: str) -> str:
    counts = {sep: line.count(sep) for sep in (",", ";", "|", "\t")}
    return max(counts, key=counts.get)  # type: ignore[arg-type]


def _table_sets(text: str) -> Counter[str]:
    """Sets per name in a header + rows file (the header is the first line naming an
    exercise column; JEFIT's sections are found by their ``ename`` header)."""
    lines = text.splitlines()
    number, sep, cells, found = 0, ",", [], []
    for number, line in enumerate(lines):  # noqa: B007 - the header's line number is kept
        sep = _dialect(line)
        cells = [c.strip().strip('"').strip() for c in next(csv.reader([line], delimiter=sep))]
        found = [c for c in EXERCISE_COLUMNS if c in cells]
        if found:
            break
    if not found:
        return Counter()
    header = cells
    column = header.index(found[0])
    counts: Counter[str] = Counter()
    for row in csv.reader(io.StringIO("\n".join(lines[number + 1:])), delimiter=sep):
        if row and row[0].startswith("###"):
            break  # JEFIT: the next section starts
        if len(row) <= column:
            continue
        extra = len(row) - len(header)  # FitNotes writes commas inside names unquoted
        name = sep.join(row[column:column + extra + 1]) if extra > 0 else row[column]
        name = name.strip()
        if not name:
            continue
        if found[0] == "ename":  # JEFIT: "50.0x15,50.0x15" = two sets
            logs = row[header.index("logs")] if "logs" in header else ""
            counts[name] += max(1, len([s for s in logs.split(",") if s]))
        else:
            counts[name] += 1
    return counts


def _stronglifts_sets(text: str) -> Counter[str]:
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    starts = [i for i, h in enumerate(header) if re.fullmatch(r"Exercise \d+", h)]
    counts: Counter[str] = Counter()
    for row in rows[1:]:
        for start in starts:
            if start >= len(row) or not row[start].strip():
                continue
            stop = next((s for s in starts if s > start), len(header))
            cells = row[start + 1:stop]
            filled = sum(1 for h, v in zip(header[start + 1:stop], cells, strict=False)
                         if h.startswith("Set ") and v.strip())
            counts[row[start].strip()] += filled
    return counts


def _wide_sets(text: str, sep: str) -> Counter[str]:
    """Spreadsheets with one column per exercise (``Date|Squat|Bench|...``)."""
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    header = [h.strip() for h in rows[0]]
    counts: Counter[str] = Counter()
    for row in rows[1:]:
        for name, value in zip(header[1:], row[1:], strict=False):
            if name.lower() != "notes" and value.strip():
                counts[name] += 1
    return counts


def _alpha_sets(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    current = None
    for line in text.splitlines():
        match = _ALPHA_NAME.match(line.strip())
        if match:
            current = match["name"].split('","')[0].strip()
        elif current and _ALPHA_SET.match(line.strip()):
            counts[current] += 1
    return counts


def file_sets(path: Path) -> Counter[str]:
    """Sets per logged exercise name in one export (layout chosen from its first line)."""
    text = _text(path)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.startswith("Date,Note,") and "Exercise 1" in first:
        return _stronglifts_sets(text)
    if "|" in first and not any(c in first for c in EXERCISE_COLUMNS):
        return _wide_sets(text, "|")
    if path.parent.name == "alpha_progression":
        return _alpha_sets(text)
    return _table_sets(text)


def measure(root: Path) -> dict[str, object]:
    per_file = {}
    total: Counter[str] = Counter()
    for path in sorted(root.rglob("*.csv")):
        counts = file_sets(path)
        if not counts:
            continue
        resolved = resolve_many(counts)
        sets = sum(counts.values())
        mapped = sum(n for name, n in counts.items() if resolved[name])
        per_file[str(path.relative_to(root))] = {"sets": sets, "mapped": mapped,
                                                 "share": mapped / sets}
        total.update(counts)
    resolved = resolve_many(total)
    sets = sum(total.values())
    mapped = sum(n for name, n in total.items() if resolved[name])
    unmapped = [(name, n) for name, n in total.most_common() if not resolved[name]]
    return {"files": per_file, "sets": sets, "mapped": mapped,
            "share": mapped / sets if sets else 0.0, "names": len(total),
            "unmapped_names": len(unmapped), "unmapped": unmapped}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default="/work/corpus/exports", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.root)
    if args.json:
        result["unmapped"] = result["unmapped"][: args.top]  # type: ignore[index]
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for name, info in result["files"].items():  # type: ignore[union-attr]
        print(f"{info['share']:7.1%}  {info['mapped']:>7,} / {info['sets']:>7,}  {name}")
    print(f"\nall files: {result['share']:.1%} of {result['sets']:,} sets mapped "
          f"({result['names']:,} distinct names, {result['unmapped_names']:,} unmapped)\n")
    print(f"top {args.top} unmapped names (sets, suggestion):")
    for name, count in result["unmapped"][: args.top]:  # type: ignore[index]
        hint = suggest(name)
        print(f"  {count:>6,}  {name}" + (f"  -> {hint[0]} ({hint[1]})" if hint else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
