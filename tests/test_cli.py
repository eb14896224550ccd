"""``backline`` import commands: JSON keys, exit codes, rejects, imports, undo."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import BAD, EXPORTS, ROOT
from tests.ingest_helpers import run_cli, snapshot, template_csv

IMPORT_KEYS = {"format", "rows_read", "imported", "duplicates", "skipped", "rejected",
               "athlete"}


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_bytes(template_csv(rows))
    return path


def test_import_json_has_the_counts_and_adds_up(db: Path) -> None:
    code, out, err = run_cli(["import", str(EXPORTS / "backline_template.csv"), "--db",
                              str(db), "--json", "--athlete", "Ana"])
    assert code == 0, err
    assert err == ""  # --json is quiet: no progress lines
    result = json.loads(out)
    assert set(result) >= IMPORT_KEYS
    assert result["format"] == "backline" and result["athlete"] == "Ana"
    assert result["rows_read"] == (result["imported"] + result["duplicates"]
                                   + result["skipped"] + result["rejected"])
    assert result["imported"] > 0

    again = json.loads(run_cli(["import", str(EXPORTS / "backline_template.csv"), "--db",
                                str(db), "--json", "--athlete", "Ana"])[1])
    assert (again["imported"], again["duplicates"]) == (0, result["imported"])


def test_import_several_files_prints_a_list_and_text_mode_explains(db: Path,
                                                                   tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", ["2025-01-06 07:00,Hip Thrust,1,80,kg,10,,,,,A"])
    b = write(tmp_path, "b.csv", ["2025-01-09 07:00,Hip Thrust,1,80,kg,ten,,,,,B",
                                  "2025-01-09 07:00,Hip Thrust,2,80,kg,10,,,,,B"])
    code, out, _ = run_cli(["import", str(a), str(b), "--db", str(db), "--json"])
    assert code == 0
    results = json.loads(out)
    assert [r["file_name"] for r in results] == ["a.csv", "b.csv"]
    assert [r["rejected"] for r in results] == [0, 1]

    c = write(tmp_path, "c.csv", ["2025-01-12 07:00,Hip Thrust,1,85,kg,nine,,,,,C",
                                  "2025-01-12 07:00,Hip Thrust,2,85,kg,9,,,,,C"])
    code, out, err = run_cli(["import", str(c), "--db", str(db)])
    assert code == 0
    assert "c.csv: backline (template) for me" in out
    assert "rows read 2: imported 1, duplicates 0, skipped 0, rejected 1" in out
    assert "see the rejected rows: backline rejects --import 3" in out
    assert "[  0%] reading file" in err and "done" in err  # progress on stderr


def test_exit_code_1_when_nothing_could_be_imported(db: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", ["someday,Hip Thrust,1,80,kg,10,,,,,A",
                                      "2025-01-06 07:00,,1,80,kg,10,,,,,A"])
    code, out, _ = run_cli(["import", str(bad), "--db", str(db), "--json"])
    assert code == 1
    assert json.loads(out)["imported"] == 0 and json.loads(out)["rejected"] == 2


def test_exit_code_2_and_one_line_for_a_refused_file_store_unchanged(db: Path,
                                                                      tmp_path: Path) -> None:
    run_cli(["import", str(EXPORTS / "backline_template.csv"), "--db", str(db), "--json"])
    before = snapshot(db)
    for args, message in [
        (["import", str(EXPORTS / "strong_classic.csv"), "--athlete", "new"],
         "does not say whether weights are in kg or lb"),
        (["import", str(tmp_path / "missing.csv")], "missing.csv: no such file"),
        (["import", str(EXPORTS / "generic_custom.csv")], "header row is not one Backline"),
        (["import", str(EXPORTS / "generic_custom.csv"), "--map", "date"],
         "--map takes FIELD=COLUMN"),
        (["import", str(EXPORTS / "hevy_kg.csv"), "--format", "strong"],
         "you chose format 'strong', but the header is a hevy (metric) export"),
        (["delete-import", "999"], "No import 999"),
    ]:
        quiet = ["--quiet"] if args[0] == "import" else []
        code, out, err = run_cli([*args, *quiet, "--db", str(db)])
        assert code == 2, (args, out, err)
        assert err.count("\n") == 1 and err.startswith("backline: ") and message in err, err
        assert snapshot(db) == before


def test_unit_is_remembered_per_athlete(db: Path) -> None:
    strong = str(EXPORTS / "strong_classic.csv")
    code, out, _ = run_cli(["import", strong, "--db", str(db), "--json", "--unit", "lb"])
    assert code == 0 and json.loads(out)["unit"] == "lb"
    code, out, _ = run_cli(["import", strong, "--db", str(db), "--json"])  # no --unit now
    assert code == 0 and json.loads(out)["duplicates"] > 0
    athletes = json.loads(run_cli(["athletes", "--db", str(db), "--json"])[1])
    assert [(a["name"], a["unit"]) for a in athletes] == [("me", "lb")]


def test_unit_stated_by_the_header_is_remembered_for_unitless_exports(db: Path) -> None:
    # Hevy's weight_lbs header says lb; a later classic Strong file (no unit) uses it.
    hevy = str(EXPORTS / "hevy_lbs.csv")
    assert run_cli(["import", hevy, "--db", str(db), "--json"])[0] == 0
    strong = str(EXPORTS / "strong_classic.csv")
    code, out, err = run_cli(["import", strong, "--db", str(db), "--json"])
    assert code == 0, err
    assert json.loads(out)["unit"] == "lb"


def test_generic_mapping_flags(db: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Day,Lift,Load,Reps\n15/03/2025,RDL,60,10\n16/03/2025,RDL,62.5,8\n")
    code, out, err = run_cli([
        "import", str(sheet), "--db", str(db), "--json", "--map", "date=Day",
        "--map", "exercise=Lift", "--map", "weight=Load", "--map", "reps=Reps",
        "--weight-unit", "kg", "--date-format", "%d/%m/%Y",
    ])
    assert code == 0, err
    result = json.loads(out)
    assert (result["format"], result["imported"], result["unit"]) == ("generic", 2, "kg")


def test_rejects_lists_line_column_reason(db: Path, tmp_path: Path) -> None:
    assert run_cli(["rejects", "--db", str(db)])[1].strip() == "No rejected rows."
    bad = write(tmp_path, "week.csv", [
        "2025-01-06 07:00,Hip Thrust,1,80,kg,10,,,,,A",
        "2025-01-06 07:00,Hip Thrust,2,-80,kg,10,,,,,A",
        "2099-01-06 07:00,Hip Thrust,1,80,kg,10,,,,,A",
    ])
    other = write(tmp_path, "other.csv", ["2025-01-07 07:00,Glute Bridge,1,40,kg,x,,,,,A"])
    run_cli(["import", str(bad), "--db", str(db), "--json"])
    run_cli(["import", str(other), "--db", str(db), "--json"])
    code, out, _ = run_cli(["rejects", "--db", str(db)])
    assert code == 0
    assert out.splitlines() == [
        "week.csv: line 3, column weight: weight -80 is negative",
        'week.csv: line 4, column date: date "2099-01-06 07:00" is in the future',
        'other.csv: line 2, column reps: reps "x" is not a whole number',
    ]
    rows = json.loads(run_cli(["rejects", "--db", str(db), "--import", "1", "--json"])[1])
    assert [(r["line"], r["column_name"]) for r in rows] == [(3, "weight"), (4, "date")]
    assert rows[0]["raw"] == "2025-01-06 07:00,Hip Thrust,2,-80,kg,10,,,,,A"


def test_rejects_json_is_strict_json_when_a_column_is_unknown(db: Path) -> None:
    # A row with extra fields has no single column to blame: column_name is null, and
    # the output must stay strict JSON (no bare NaN that jq and browsers refuse).
    run_cli(["import", str(BAD / "ragged_rows.csv"), "--db", str(db), "--json"])
    out = run_cli(["rejects", "--db", str(db), "--json"])[1]

    def refuse(constant: str) -> None:
        raise AssertionError(f"non-standard JSON constant {constant}")

    rows = json.loads(out, parse_constant=refuse)
    assert None in [row["column_name"] for row in rows]


def test_one_refused_file_does_not_hide_the_others(db: Path, tmp_path: Path) -> None:
    good = write(tmp_path, "good.csv", ["2025-01-06 07:00,Hip Thrust,1,80,kg,10,,,,,A"])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out, err = run_cli(["import", str(empty), str(good), "--db", str(db), "--json"])
    assert code == 2
    assert [r["file_name"] for r in json.loads(out)] == ["good.csv"]
    assert err.startswith("backline: empty.csv is empty")


def test_imports_and_delete_import(db: Path, tmp_path: Path) -> None:
    a = write(tmp_path, "a.csv", ["2025-01-06 07:00,Hip Thrust,1,80,kg,10,,,,,A"])
    b = write(tmp_path, "b.csv", ["2025-01-09 07:00,Hip Thrust,1,80,kg,10,,,,,B",
                                  "2025-01-09 07:00,Hip Thrust,2,80,kg,10,,,,,B"])
    run_cli(["import", str(a), str(b), "--db", str(db), "--json"])
    listed = json.loads(run_cli(["imports", "--db", str(db), "--json"])[1])
    assert [(i["file_name"], i["imported"]) for i in listed] == [("a.csv", 1), ("b.csv", 2)]
    code, out, _ = run_cli(["delete-import", "2", "--db", str(db)])
    assert (code, out.strip()) == (0, "Import 2 removed (2 sets).")
    listed = json.loads(run_cli(["imports", "--db", str(db), "--json"])[1])
    assert [i["file_name"] for i in listed] == ["a.csv"]
    assert "a.csv" in run_cli(["imports", "--db", str(db)])[1]


def test_load_sample_once(db: Path) -> None:
    code, out, _ = run_cli(["load-sample", "--db", str(db)])
    assert code == 0 and out.startswith("Loaded ")
    code, out, _ = run_cli(["load-sample", "--db", str(db)])
    assert code == 0 and "already loaded" in out


def test_installed_entry_point_runs_without_traceback(db: Path) -> None:
    """The real process: `python -m analytics.cli` (what the `backline` script runs);
    the refusal is the last line, after the progress lines."""
    done = subprocess.run(
        [sys.executable, "-m", "analytics.cli", "import", str(EXPORTS / "strong_classic.csv"),
         "--db", str(db)], capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1:] == [
        "backline: strong_classic.csv is a strong (classic) export, which does not say "
        "whether weights are in kg or lb. Choose the unit your app is set to (--unit kg or "
        "--unit lb)."
    ]


def test_report_judges_at_today_like_the_dashboard_and_says_how_current(
        db: Path, tmp_path: Path) -> None:
    from datetime import date

    old = write(tmp_path, "old.csv", [f"2025-02-{day:02d} 07:00,Hip Thrust,1,80,kg,10,,,,,A"
                                      for day in (3, 6, 10, 13, 17)])
    assert run_cli(["import", str(old), "--db", str(db), "--quiet"])[0] == 0
    code, out, _ = run_cli(["report", "--db", str(db), "--json"])
    period = json.loads(out)["period"]
    assert code == 0
    assert period["as_of"] == date.today().isoformat()
    assert (period["data_up_to"], period["stale"]) == ("2025-02-17", True)
    text = run_cli(["report", "--db", str(db)])[1]
    assert f"As of {date.today():%a %d %b %Y}: data up to Mon 17 Feb 2025" in text
    assert "No session logged since Mon 17 Feb 2025" in text  # one plain notice
    assert "Fit in" not in text  # no advice for a week long gone
    # --to moves "now" to that day: the export reads as it did then
    then = json.loads(run_cli(["report", "--db", str(db), "--json", "--to",
                               "2025-02-17"])[1])["period"]
    assert (then["as_of"], then["stale"]) == ("2025-02-17", False)
