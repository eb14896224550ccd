"""``backline`` command line: a thin layer over the same library the dashboard uses.

Every command opens the store, calls one library function and prints its result, as text
for people or as JSON (``--json``) for scripts. Errors a user can fix are printed as one
line on stderr with exit code 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from . import config, serialise
from .errors import BacklineError
from .filters import FORMULAS, Filters
from .ingest import FORMATS, IngestError, import_file
from .sample import SAMPLE_ATHLETE, load_sample
from .store import Store, StoreError

DASHBOARD = "backline_dashboard.server"
"""The dashboard's server script, installed with the package (see pyproject.toml):
``server.py``, an ``st.App`` that serves ``app.py`` plus the owner's HTTP sign-in."""


def _store(args: argparse.Namespace) -> Store:
    return Store(config.db_path(args.db))


def _print_json(value: Any) -> None:
    print(serialise.dumps(value))


def _progress_printer(quiet: bool) -> Callable[[str, float], None]:
    started = time.perf_counter()

    def show(stage: str, fraction: float) -> None:
        if not quiet:
            elapsed = time.perf_counter() - started
            print(f"[{fraction:4.0%}] {stage} ({elapsed:.1f}s)", file=sys.stderr, flush=True)

    return show


def _parse_mapping(pairs: Sequence[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip():
            raise IngestError(f"--map takes FIELD=COLUMN (e.g. date=Day), not {pair!r}.")
        mapping[field.strip()] = column.strip()
    return mapping


def cmd_import(args: argparse.Namespace) -> int:
    mapping = _parse_mapping(args.map or [])
    if args.weight_unit:
        mapping["weight_unit"] = args.weight_unit
    date_format = args.date_format
    if date_format and mapping:  # a column mapping carries its own date layout
        mapping["date_format"] = date_format
        date_format = None
    results, refused = [], []
    with _store(args) as store:
        # Each file is its own transaction: a refused file is reported and the others
        # still import, as on the dashboard's Import page.
        for path in args.files:
            try:
                results.append(import_file(
                    store, path, athlete=args.athlete, unit=args.unit, fmt=args.format,
                    mapping=mapping or None,
                    progress=_progress_printer(args.quiet or args.json),
                    distance_unit=args.distance_unit, date_format=date_format,
                    time_zone=args.time_zone,
                ))
            except IngestError as exc:
                refused.append(str(exc))
    if args.json:
        payload = [
            {key: getattr(r, key) for key in (
                "format", "rows_read", "imported", "duplicates", "skipped", "rejected",
                "athlete", "file_name", "variant", "unit", "import_id", "seconds",
                "columns_not_read", "distance_unit", "time_zone", "rejects")}
            for r in results
        ]
        if payload:
            _print_json(payload[0] if len(args.files) == 1 else payload)
    else:
        for r in results:
            print(
                f"{r.file_name}: {r.format} ({r.variant}) for {r.athlete}"
                f"{f', weights in {r.unit}' if r.unit else ''}\n"
                f"  rows read {r.rows_read}: imported {r.imported}, duplicates {r.duplicates}, "
                f"skipped {r.skipped}, rejected {r.rejected}  [{r.seconds:.2f}s]"
            )
            if r.columns_not_read:
                print(f"  columns not read: {', '.join(r.columns_not_read)}")
            if r.distance_unit or r.time_zone:
                read = [f"distances in {r.distance_unit}" if r.distance_unit else "",
                        f"times converted to {r.time_zone}" if r.time_zone else ""]
                print(f"  {'; '.join(part for part in read if part)}")
            if r.rejected and r.import_id is not None:
                print(f"  see the rejected rows: backline rejects --import {r.import_id}")
            elif r.import_id is None:
                print(f"  nothing was stored (no athlete {r.athlete!r} was created); the "
                      "rejected rows:")
                for reject in r.rejects:
                    column = f", column {reject['column']}" if reject["column"] else ""
                    print(f"    line {reject['line']}{column}: {reject['reason']}")
    for message in refused:
        print(f"backline: {message}", file=sys.stderr)
    if refused:
        return 2
    return 0 if any(r.imported or r.duplicates for r in results) else 1


def cmd_rejects(args: argparse.Namespace) -> int:
    with _store(args) as store:
        if args.import_id is not None and not store.has_import(args.import_id):
            raise StoreError(
                f"No import {args.import_id} in {store.path} (list them: backline imports)."
            )
        frame = store.rejected_rows([args.import_id] if args.import_id is not None else None)
    if args.json:
        _print_json(frame)
    elif frame.empty:
        print("No rejected rows.")
    else:
        for row in frame.itertuples():
            column = f", column {row.column_name}" if row.column_name else ""
            print(f"{row.file_name}: line {row.line}{column}: {row.reason}")
    return 0


def _show_table(args: argparse.Namespace, frame: pd.DataFrame, empty: str) -> int:
    """Print a listing as JSON records or as a text table (``empty`` when it has no rows)."""
    if args.json:
        _print_json(frame)
    else:
        print(frame.to_string(index=False) if not frame.empty else empty)
    return 0


def cmd_imports(args: argparse.Namespace) -> int:
    with _store(args) as store:
        frame = store.imports()
    return _show_table(args, frame, "No imports yet.")


def cmd_athletes(args: argparse.Namespace) -> int:
    with _store(args) as store:
        frame = store.athletes()
    return _show_table(args, frame, "No athletes yet.")


def cmd_delete_import(args: argparse.Namespace) -> int:
    with _store(args) as store:
        removed = store.delete_import(args.import_id)
    print(f"Import {args.import_id} removed ({removed} sets).")
    return 0


def cmd_load_sample(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = load_sample(store)
    if result is None:
        print(f"The sample athlete {SAMPLE_ATHLETE!r} is already loaded.")
    else:
        print(f"Loaded {result.imported} sets for {SAMPLE_ATHLETE!r}.")
    return 0


def _report_filters(store: Store, args: argparse.Namespace) -> tuple[str, Filters]:
    """The athlete named by --athlete (or the only one) and the period/unit/formula flags."""
    athlete = args.athlete or _only_athlete(store)
    athlete_id = store.athlete_id(athlete)
    return athlete, Filters(
        athlete_id=athlete_id, start=args.from_date, end=args.to_date,
        unit=args.unit or store.display_unit(athlete_id), formula=args.formula,
        today=date.today(),  # "now", as on the dashboard (--to moves it to that day)
    )


def _on_athlete(
    args: argparse.Namespace, build: Callable[[Any, Filters], Any]
) -> tuple[str, Any]:
    """Run ``build(cursor, filters)`` for the athlete and period the flags name."""
    with _store(args) as store:
        athlete, filters = _report_filters(store, args)
        cur = store.cursor()
        try:
            return athlete, build(cur, filters)
        finally:
            cur.close()


def cmd_report(args: argparse.Namespace) -> int:
    from .report import build_report, render_text

    _athlete, report = _on_athlete(args, build_report)
    if args.json:
        print(serialise.encode(report.as_json()))  # already JSON-safe: no second pass
    else:
        print(render_text(report))
    return 0


def _only_athlete(store: Store) -> str:
    names = store.athletes()["name"].tolist()
    real = [n for n in names if n != SAMPLE_ATHLETE]
    if len(real) == 1 or (not real and len(names) == 1):
        return (real or names)[0]
    if not names:
        raise StoreError("The store has no athletes yet; import a file first.")
    raise StoreError(f"Several athletes in the store ({', '.join(names)}); pass --athlete NAME.")


def dashboard_script() -> Path:
    """Where the installed dashboard server script (``server.py``, beside ``app.py``) is.

    Looked up as a module of the installed package, never relative to this file, so it is
    found in a wheel install as well as in a source checkout; nothing is imported or run.
    """
    spec = importlib.util.find_spec(DASHBOARD)
    if spec is None or not spec.origin:
        raise BacklineError(
            f"The dashboard ({DASHBOARD}) is not installed with this copy of Backline; "
            "reinstall it (pip install backline)."
        )
    return Path(spec.origin)


def cmd_serve(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    # Streamlit runs in the dashboard's folder (where its .streamlit/config.toml is), so
    # a relative store path is made absolute against the caller's folder first.
    env["BACKLINE_DB"] = str(config.db_path(args.db).resolve())
    app = dashboard_script()
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port), "--server.address", args.address,
        "--server.headless", "true",
    ]
    return subprocess.call(command, env=env, cwd=app.parent)


def cmd_share_create(args: argparse.Namespace) -> int:
    from .sharing import create_link, link_url

    days = None if args.never else args.days
    with _store(args) as store:
        athlete = args.athlete or _only_athlete(store)
        token, path = create_link(store, store.athlete_id(athlete), args.label, days)
    base = args.base_url or config.base_url()
    url = link_url(token, base)
    if args.json:
        _print_json({"athlete": athlete, "label": args.label, "days": days, "url": url,
                     "token": token})
    else:
        expiry = "never expires" if days is None else f"expires in {days} days"
        print(f"Read-only link for {athlete} ({expiry}). It is shown only once:\n{url}")
        if not base:
            print("Prefix it with the address the dashboard is reached at, or set "
                  "BACKLINE_BASE_URL.", file=sys.stderr)
    return 0


def cmd_share_list(args: argparse.Namespace) -> int:
    from .sharing import list_links

    with _store(args) as store:
        athlete_id = store.athlete_id(args.athlete) if args.athlete else None
        frame = list_links(store, athlete_id).drop(columns=["token_hash", "athlete_id"])
    if args.json:
        _print_json(frame)
    elif frame.empty:
        print("No share links.")
    else:
        shown = frame.copy()
        for column in ("created_at", "expires_at", "revoked_at", "last_viewed_at"):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d %H:%M").fillna("-")
        shown["label"] = shown["label"].fillna("")
        print(shown.to_string(index=False))
        print("(times in UTC)")
    return 0


def cmd_share_revoke(args: argparse.Namespace) -> int:
    from .sharing import revoke

    with _store(args) as store:
        token_hash = revoke(store, args.link_id)
    print(f"Link {token_hash[:12]} revoked.")
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    from .html_report import build_html_report

    athlete, document = _on_athlete(args, build_html_report)
    out = Path(args.out).expanduser()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(document, encoding="utf-8")
    except OSError as exc:
        raise BacklineError(
            f"Cannot write the report to {out}: {exc.strerror or exc}. Give a file path "
            "you can write to, e.g. --out report.html."
        ) from exc
    if args.json:
        _print_json({"athlete": athlete, "out": str(out), "bytes": out.stat().st_size})
    else:
        print(f"Report for {athlete} written to {out} ({out.stat().st_size / 1e6:.1f} MB, "
              "opens offline in any browser).")
    return 0


def _iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2025-03-31") from exc


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage problem said in one ``backline:`` line (exit 2), as every
    other problem a user can fix is."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"backline: {message} (see {self.prog} --help)\n")


def _port(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (1-65535)")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="backline", description="Posterior-chain training analytics from workout exports."
    )
    common = _Parser(add_help=False)
    common.add_argument("--db", help="DuckDB file (default: $BACKLINE_DB or "
                        f"{config.DEFAULT_DB})")
    common.add_argument("--json", action="store_true", help="print JSON")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("import", parents=[common], help="import CSV exports")
    p.add_argument("files", nargs="+", help="CSV files exported from Strong, Hevy, FitNotes...")
    p.add_argument("--athlete", default="me", help="whose log this is (default: me)")
    p.add_argument("--unit", choices=["kg", "lb"], help="weight unit, for exports that "
                   "do not say (classic Strong); remembered per athlete")
    p.add_argument("--format", default="auto", choices=["auto", *FORMATS])
    p.add_argument("--map", action="append", metavar="FIELD=COLUMN",
                   help="generic CSV: which column holds a field (repeat), e.g. date=Day")
    p.add_argument("--weight-unit", choices=["kg", "lb"], help="generic CSV: unit of weights")
    p.add_argument("--date-format", help="the layout of the dates, in strptime codes, e.g. "
                   "%%d/%%m/%%Y (only that layout is read)")
    p.add_argument("--distance-unit", help="unit of distances the export does not name "
                   "(km, mi, m; default: km for a kg account, mi for lb); remembered")
    p.add_argument("--time-zone", help="the athlete's time zone, e.g. Europe/Berlin: dates "
                   "with an offset are converted to it (default: the athlete's, else this "
                   "computer's); remembered")
    p.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("rejects", parents=[common], help="list rows an import rejected")
    p.add_argument("--import", dest="import_id", type=int, help="only this import id")
    p.set_defaults(func=cmd_rejects)

    p = sub.add_parser("imports", parents=[common], help="list imports")
    p.set_defaults(func=cmd_imports)

    p = sub.add_parser("athletes", parents=[common], help="list athletes")
    p.set_defaults(func=cmd_athletes)

    p = sub.add_parser("delete-import", parents=[common], help="undo one import")
    p.add_argument("import_id", type=int)
    p.set_defaults(func=cmd_delete_import)

    p = sub.add_parser("load-sample", parents=[common], help="load the sample athlete")
    p.set_defaults(func=cmd_load_sample)

    reporting = _Parser(add_help=False)
    reporting.add_argument("--athlete", help="athlete name (default: the only athlete)")
    reporting.add_argument("--from", dest="from_date", type=_iso_date,
                           help="first day, YYYY-MM-DD")
    reporting.add_argument("--to", dest="to_date", type=_iso_date, help="last day, YYYY-MM-DD")
    reporting.add_argument("--unit", choices=["kg", "lb"],
                           help="display unit (default: the athlete's own unit)")
    reporting.add_argument("--formula", default="epley", choices=list(FORMULAS),
                           help="e1RM formula")

    p = sub.add_parser("report", parents=[common, reporting],
                       help="progress report for one athlete")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export-report", parents=[common, reporting],
                       help="one athlete's report as a self-contained HTML file")
    p.add_argument("--out", required=True, help="file to write, e.g. report.html")
    p.set_defaults(func=cmd_export_report)

    share = sub.add_parser("share", help="read-only links for a coach")
    share_sub = share.add_subparsers(dest="share_command", required=True,
                                     metavar="create|list|revoke")
    p = share_sub.add_parser("create", parents=[common], help="create a link (shown once)")
    p.add_argument("--athlete", help="athlete name (default: the only athlete)")
    p.add_argument("--label", help="who the link is for, e.g. 'Coach Sam'")
    p.add_argument("--days", type=int, default=30, choices=[7, 30, 90],
                   help="days until it expires (default 30)")
    p.add_argument("--never", action="store_true", help="the link never expires")
    p.add_argument("--base-url", help="address of the dashboard (default: $BACKLINE_BASE_URL)")
    p.set_defaults(func=cmd_share_create)
    p = share_sub.add_parser("list", parents=[common], help="list links and their use")
    p.add_argument("--athlete", help="only this athlete's links")
    p.set_defaults(func=cmd_share_list)
    p = share_sub.add_parser("revoke", parents=[common], help="revoke a link")
    p.add_argument("link_id", help="link id from 'share list' (6+ characters) or the token")
    p.set_defaults(func=cmd_share_revoke)

    p = sub.add_parser("serve", parents=[common], help="start the dashboard")
    p.add_argument("--port", type=_port, default=8501)
    p.add_argument("--address", default="localhost",
                   help="bind address (0.0.0.0 to reach it from other machines)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BacklineError as exc:
        print(f"backline: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # Output piped into `head` or a pager that closed early: stop quietly, and point
        # stdout at /dev/null so the interpreter's final flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
