"""The static HTML report: self-contained, escaped, with the same charts as the dashboard.

The browser test (``tests/e2e/test_share.py::test_html_report_opens_offline``) opens the
file in headless Chromium with every network request aborted and checks that each chart
was drawn with data points (screenshot in test-artifacts/).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from plotly.offline import get_plotlyjs

from analytics.filters import Filters
from analytics.html_report import build_html_report, esc
from analytics.sample import SAMPLE_ATHLETE, load_sample
from analytics.store import Store

HOSTILE = "<img src=x onerror=alert(1)> & \"Jo\" </script><script>alert('x')</script>"
CHARTS = ("chart-sessions", "chart-e1rm", "chart-e1rm-change", "chart-tonnage",
          "chart-hard-sets", "chart-back-front", "chart-milestones")


@pytest.fixture(scope="module")
def sample() -> tuple[Store, int]:
    store = Store(":memory:")
    load_sample(store, today=date(2025, 6, 1))
    athlete_id = store.athlete_id(SAMPLE_ATHLETE)
    store.update_athlete(athlete_id, name=HOSTILE)
    yield store, athlete_id
    store.close()


@pytest.fixture(scope="module")
def document(sample: tuple[Store, int]) -> str:
    store, athlete_id = sample
    cur = store.cursor()
    try:
        return build_html_report(cur, Filters(athlete_id, unit="kg"))
    finally:
        cur.close()


def test_plotly_js_is_inline_once(document: str) -> None:
    plotly_js = get_plotlyjs()
    assert document.count(plotly_js) == 1
    head, _, _ = document.partition("</head>")
    assert plotly_js in head
    # no file, script, style sheet, font or image is fetched from anywhere
    without_js = document.replace(plotly_js, "")
    assert not re.search(r"<script[^>]+src=", without_js, re.I)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", without_js, re.I)
    assert "@import" not in without_js and "url(" not in without_js
    assert "cdn" not in without_js.lower()


def test_every_section_and_chart(document: str) -> None:
    for section in ("overview", "strength", "volume", "milestones"):
        assert f'<section id="{section}">' in document
    for div_id in CHARTS:
        assert f'id="{div_id}"' in document
    assert document.count("Plotly.newPlot") == len(CHARTS)
    assert "Romanian Deadlift" in document
    assert "posture &amp; back-pain relief" in document


def test_user_text_is_escaped(document: str) -> None:
    without_js = document.replace(get_plotlyjs(), "")
    assert HOSTILE not in without_js
    assert "<img src=x" not in without_js
    assert "alert('x')</script>" not in without_js
    assert esc(HOSTILE) in without_js  # the name is shown, as text
    # the only script blocks are plotly.js and one per chart
    assert without_js.count("<script") == 1 + len(CHARTS)


def test_unit_and_formula_follow_the_filters(sample: tuple[Store, int]) -> None:
    store, athlete_id = sample
    cur = store.cursor()
    try:
        document = build_html_report(cur, Filters(athlete_id, unit="lb", formula="brzycki"))
    finally:
        cur.close()
    assert "loads in\nlb" in document and "e1RM by Brzycki" in document
    assert "e1RM (lb)" in document or "tonnage (lb)" in document


def test_empty_period_still_renders(sample: tuple[Store, int]) -> None:
    store, athlete_id = sample
    cur = store.cursor()
    try:
        document = build_html_report(
            cur, Filters(athlete_id, start=date(2001, 1, 1), end=date(2001, 2, 1))
        )
    finally:
        cur.close()
    assert "No training logged in this period." in document
    assert document.rstrip().endswith("</html>")


def test_cli_export_report(tmp_path, capsys) -> None:
    from analytics.cli import main

    db = str(tmp_path / "cli.duckdb")
    with Store(db) as store:
        load_sample(store, today=date(2025, 6, 1))
    out = tmp_path / "out" / "report.html"
    assert main(["export-report", "--db", db, "--athlete", SAMPLE_ATHLETE,
                 "--out", str(out), "--unit", "lb"]) == 0
    assert "written to" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "Backline report — Sample athlete" in text
    assert main(["export-report", "--db", db, "--athlete", "Nobody", "--out",
                 str(out)]) == 2
