"""The sample athlete: loaded into an empty store so a first visit shows real charts.

The demo log is generated for fixed dates; on loading, it is moved forward by whole weeks
so its last session falls within the last seven days. Weekdays and times stay as generated,
so streaks, "this week" and milestones look like a live athlete's, not a log from the past.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from importlib import resources

from .ingest import ImportResult, import_file
from .store import Store

SAMPLE_ATHLETE = "Sample athlete"
SAMPLE_FILE = resources.files("analytics.sample_data").joinpath("demo_athlete.csv")
"""The demo log, shipped inside the package (the repository's ``sample_data/`` folder)."""
_DATE_LAYOUT = "%Y-%m-%d %H:%M"


def shifted_sample(today: date) -> bytes:
    """The demo CSV with every date moved by the whole weeks that bring it up to ``today``."""
    with SAMPLE_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    last = max(datetime.strptime(row["date"], _DATE_LAYOUT).date() for row in rows)
    weeks = max(0, (today - last).days // 7)
    offset = timedelta(weeks=weeks)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        moved = datetime.strptime(row["date"], _DATE_LAYOUT) + offset
        writer.writerow({**row, "date": moved.strftime(_DATE_LAYOUT)})
    return out.getvalue().encode("utf-8")


def load_sample(store: Store, today: date | None = None) -> ImportResult | None:
    """Import the demo log as the sample athlete; None when it is already there."""
    if store.has_athlete(SAMPLE_ATHLETE):
        return None
    store.athlete_id(SAMPLE_ATHLETE, create=True, is_sample=True)
    return import_file(
        store, shifted_sample(today or date.today()), athlete=SAMPLE_ATHLETE, unit="kg",
        file_name=SAMPLE_FILE.name,
    )


def ensure_not_empty(store: Store) -> ImportResult | None:
    """First run: load the sample athlete when the store has no athletes at all."""
    if store.athlete_count():
        return None
    return load_sample(store)
