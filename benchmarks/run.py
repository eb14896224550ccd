"""Run every benchmark script in benchmarks/ and print one table.

    python benchmarks/run.py                  # every benchmarks/bench_*.py
    python benchmarks/run.py import report    # only bench_import.py and bench_report.py
    python benchmarks/run.py --skip dashboard # all but bench_dashboard.py

Each ``bench_*.py`` runs in its own process, one after the other (so they do not compete for
the CPU), with its default arguments. How its numbers reach the table:

* A script that takes ``--json`` is run with it and prints, as the last line of stdout, a
  JSON list of rows: ``{"measure": str, "value": number, "unit": str}`` plus optional
  ``"target"`` (text such as ``"<= 2"``), ``"ok"`` (bool) and ``"note"``. This is the
  protocol to use in a new benchmark.
* Other scripts are run as they are, and their output is read for measurement lines:
  markdown table rows (``| name | median | best | ...``: value = the median, the other
  numbers as a note) and lines like ``name: median 12 ms, best 10 ms`` / ``name median
  12.0 ms  best 10.0 ms``. Lines that are neither are shown under the table.
* A script that fails gets a row saying so, with the last line it wrote to stderr.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TIMEOUT_S = 3600

MEDIAN_LINE = re.compile(
    r"^\s*(?P<name>[^|]+?):?\s+median\s+(?P<median>[\d.,]+)\s*(?P<unit>[a-zµ]+)?"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)


@dataclass
class Row:
    benchmark: str
    measure: str
    value: str
    unit: str = ""
    target: str = ""
    result: str = ""
    note: str = ""


@dataclass
class Outcome:
    rows: list[Row] = field(default_factory=list)
    other_output: list[str] = field(default_factory=list)


def scripts(only: list[str], skip: list[str]) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    names = {path: path.stem.removeprefix("bench_") for path in found}
    chosen = [p for p in found if (not only or names[p] in only) and names[p] not in skip]
    unknown = set(only) - set(names.values())
    if unknown:
        raise SystemExit(f"no benchmark called {', '.join(sorted(unknown))}; "
                         f"have: {', '.join(sorted(names.values()))}")
    return chosen


def _number(text: str) -> str:
    return text.replace(",", "")


def _from_json(name: str, stdout: str) -> Outcome:
    lines = [line for line in stdout.strip().splitlines() if line.strip()]
    data = json.loads(lines[-1])
    outcome = Outcome(other_output=lines[:-1])
    for item in data:
        ok = item.get("ok")
        outcome.rows.append(Row(
            benchmark=name, measure=str(item["measure"]), value=str(item["value"]),
            unit=str(item.get("unit", "")), target=str(item.get("target", "")),
            result="" if ok is None else ("ok" if ok else "MISSED"),
            note=str(item.get("note", "")),
        ))
    return outcome


def _from_text(name: str, stdout: str) -> Outcome:
    outcome = Outcome()
    headers: list[str] | None = None
    unit = ""
    for line in stdout.splitlines():
        if not line.strip():
            continue
        if "(times in ms)" in line:
            unit = "ms"
        if line.lstrip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue  # the |---|---| rule
            numbers = [_number(c) for c in cells[1:]]
            if headers is None or not all(re.fullmatch(r"[\d.]+", n) for n in numbers if n):
                headers = cells
                continue
            notes = [f"{h} {v}" for h, v in zip(headers[2:], cells[2:], strict=False) if v]
            outcome.rows.append(Row(name, cells[0], numbers[0], unit,
                                    note=f"{headers[1]}; " + ", ".join(notes)))
            continue
        match = MEDIAN_LINE.match(line)
        if match:
            rest = " ".join(match["rest"].split()).strip(" ,;")
            outcome.rows.append(Row(name, match["name"].strip(), _number(match["median"]),
                                    match["unit"] or "", note="median; " + rest if rest
                                    else "median"))
            continue
        outcome.other_output.append(line)
    return outcome


def run_script(path: Path) -> Outcome:
    name = path.stem.removeprefix("bench_")
    takes_json = '"--json"' in path.read_text(encoding="utf-8")
    command = [sys.executable, str(path)] + (["--json"] if takes_json else [])
    print(f"running {path.name} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                              cwd=HERE.parent)
    except subprocess.TimeoutExpired:
        return Outcome([Row(name, "(did not finish)", "", result="FAILED",
                            note=f"stopped after {TIMEOUT_S} s")])
    print(f"  {path.name} took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return Outcome([Row(name, "(failed)", "", result="FAILED",
                            note=f"exit {done.returncode}: {last[:160]}")])
    try:
        return _from_json(name, done.stdout) if takes_json else _from_text(name, done.stdout)
    except (ValueError, KeyError, IndexError):
        return Outcome(other_output=done.stdout.splitlines())


def render(rows: list[Row]) -> str:
    titles = ("benchmark", "measurement", "value", "unit", "target", "result", "note")
    table = [titles] + [(r.benchmark, r.measure, r.value, r.unit, r.target, r.result, r.note)
                        for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(titles))]
    out = []
    for number, line in enumerate(table):
        cells = [cell.rjust(widths[i]) if i == 2 else cell.ljust(widths[i])
                 for i, cell in enumerate(line)]
        out.append("| " + " | ".join(cells) + " |")
        if number == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="benchmark names (bench_NAME.py); default all")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME")
    args = parser.parse_args(argv)
    rows: list[Row] = []
    extra: dict[str, list[str]] = {}
    for path in scripts(args.only, args.skip):
        outcome = run_script(path)
        rows.extend(outcome.rows)
        if outcome.other_output:
            extra[path.name] = outcome.other_output
    print(render(rows))
    for name, lines in extra.items():
        print(f"\n{name}:")
        print("\n".join(f"  {line}" for line in lines))
    return 1 if any(r.result in ("FAILED", "MISSED") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
