"""The SQL piece builder: pieces combine text and parameters, clashes are refused, and a
piece that reads the catalog or a frame registers it itself."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics.filters import Filters, history, scope, weeks
from analytics.sql import ParameterClash, Piece, catalog, cte, registered
from analytics.volume import hard_sets_by_muscle
from tests.analytics_helpers import Row, add_sets, new_store


def test_pieces_combine_their_ctes_in_order_and_their_parameters() -> None:
    base = cte("base", "SELECT $x AS x", x=2)
    doubled = cte("doubled", "SELECT x * $factor AS y FROM base", factor=3)
    whole = base + doubled
    assert [name for name, _ in whole.ctes] == ["base", "doubled"]
    assert dict(whole.params) == {"x": 2, "factor": 3}
    con = duckdb.connect()
    # 2 * 3 + 4 (the final SELECT's own parameter)
    assert whole.query(con, "SELECT y + $extra FROM doubled", extra=4).fetchall() == [(10,)]


def test_a_piece_included_twice_is_defined_once() -> None:
    base = cte("base", "SELECT $x AS x", x=2)
    doubled = base + cte("doubled", "SELECT 2 * x AS y FROM base")
    whole = base + doubled  # doubled brings base again, with the same text and value
    assert [name for name, _ in whole.ctes] == ["base", "doubled"]
    assert whole.query(duckdb.connect(), "SELECT y FROM doubled").fetchall() == [(4,)]


def test_one_name_bound_to_two_values_is_refused() -> None:
    period = cte("a", "SELECT $start AS s", start=date(2025, 1, 1))
    whole_history = cte("b", "SELECT $start AS s", start=date(1900, 1, 1))
    with pytest.raises(ParameterClash, match=r"\$start .*2025, 1, 1.*1900, 1, 1"):
        period + whole_history


def test_the_final_select_cannot_rebind_a_pieces_parameter() -> None:
    piece = cte("a", "SELECT $x AS x", x=1)
    with pytest.raises(ParameterClash, match=r"\$x"):
        piece.query(duckdb.connect(), "SELECT x + $x FROM a", x=2)


def test_equal_values_of_another_type_still_clash() -> None:
    # True == 1 in Python, but SQL binds a BOOLEAN and an INTEGER differently
    with pytest.raises(ParameterClash):
        Piece(params={"flag": True}) + Piece(params={"flag": 1})


def test_one_cte_defined_two_ways_is_refused() -> None:
    with pytest.raises(ParameterClash, match="'totals' differently"):
        cte("totals", "SELECT 1") + cte("totals", "SELECT 2")


def test_a_pieces_parameters_cannot_be_changed() -> None:
    piece = cte("a", "SELECT $x", x=1)
    with pytest.raises(TypeError):
        piece.params["x"] = 2  # type: ignore[index]


def test_without_ctes_the_query_is_the_select_alone() -> None:
    assert Piece(params={"x": 1}).sql("SELECT $x") == "SELECT $x"
    assert cte("a", "SELECT 1").sql("SELECT * FROM a") == (
        "WITH a AS (\nSELECT 1\n)\nSELECT * FROM a")


def test_the_scope_binds_the_athlete_and_the_range_with_an_exclusive_end() -> None:
    con = duckdb.connect()
    piece = scope(con, Filters(7, start=date(2025, 1, 1), end=date(2025, 1, 31)))
    assert [name for name, _ in piece.ctes] == ["scoped", "working"]
    assert dict(piece.params) == {"athlete": 7, "start": date(2025, 1, 1),
                                  "end": date(2025, 2, 1)}


def test_the_period_and_its_history_cannot_share_one_query() -> None:
    # the mistake the pieces exist to stop: the period's $start bound where the whole
    # history's was meant (or the other way round)
    con = duckdb.connect()
    flt = Filters(7, start=date(2025, 1, 1))
    with pytest.raises(ParameterClash, match=r"\$start"):
        scope(con, flt) + scope(con, history(flt))


def test_weeks_cover_every_monday_of_the_bounds() -> None:
    # Wed 1 Jan 2025 to Mon 13 Jan 2025: the weeks of 30 Dec, 6 Jan and 13 Jan
    piece = weeks((date(2025, 1, 1), date(2025, 1, 13)))
    rows = piece.query(duckdb.connect(), "SELECT week_start FROM weeks").fetchall()
    assert rows == [(date(2024, 12, 30),), (date(2025, 1, 6),), (date(2025, 1, 13),)]


def test_the_catalog_piece_registers_the_catalog_on_a_fresh_connection() -> None:
    con = duckdb.connect()  # nothing registered on it
    rows = catalog(con).query(
        con, "SELECT muscle, weight FROM catalog_muscles WHERE exercise_id = $id "
        "ORDER BY weight DESC, muscle", id="romanian-deadlift").fetchall()
    # as in test_volume: the RDL trains hamstrings and glutes (1.0), erectors (0.5)
    assert rows == [("glutes", 1.0), ("hamstrings", 1.0), ("erector_spinae", 0.5)]


def test_a_metric_needing_the_catalog_runs_on_a_fresh_cursor() -> None:
    store, athlete = new_store()
    add_sets(store, athlete, [Row("2025-01-06 18:00", "Romanian Deadlift (Barbell)", 100, 5)])
    frame = hard_sets_by_muscle(store.cursor(), Filters(athlete))  # no register call first
    got = dict(zip(frame["muscle"], frame["hard_sets"], strict=True))
    assert (got["hamstrings"], got["glutes"], got["erector_spinae"], got["quads"]) == (
        1.0, 1.0, 0.5, 0.0)


def test_registering_finishes_a_half_read_result_first() -> None:
    con = duckdb.connect()
    con.execute("SELECT * FROM range(10)").fetchone()  # the caller stops after one row
    piece = catalog(con) + registered(con, "plan", pd.DataFrame({"week": [1, 2]}))
    assert piece.query(con, "SELECT sum(week) FROM plan").fetchall() == [(3,)]
