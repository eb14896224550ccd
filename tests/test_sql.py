"""The SQL piece builder: pieces combine text and parameters, clashes are refused, and a
piece that reads the catalog or a frame registers it itself."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics.sql import ParameterClash, Piece, catalog, cte, registered


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





def test_the_catalog_piece_registers_the_catalog_on_a_fresh_connection() -> None:
    con = duckdb.connect()  # nothing registered on it
    rows = catalog(con).query(
        con, "SELECT muscle, weight FROM catalog_muscles WHERE exercise_id = $id "
        "ORDER BY weight DESC, muscle", id="romanian-deadlift").fetchall()
    # as in test_volume: the RDL trains hamstrings and glutes (1.0), erectors (0.5)
    assert rows == [("glutes", 1.0), ("hamstrings", 1.0), ("erector_spinae", 0.5)]



def test_registering_finishes_a_half_read_result_first() -> None:
    con = duckdb.connect()
    con.execute("SELECT * FROM range(10)").fetchone()  # the caller stops after one row
    piece = catalog(con) + registered(con, "plan", pd.DataFrame({"week": [1, 2]}))
    assert piece.query(con, "SELECT sum(week) FROM plan").fetchall() == [(3,)]
