"""SQL pieces that carry their parameters and register the tables they read.

Every metric is one ``WITH ... SELECT`` over a few shared building blocks: the athlete's
sets in the period (:func:`analytics.filters.scope`), every week of the period
(:func:`analytics.filters.weeks`), the e1RM of each set (:func:`analytics.strength.e1rm`),
the measured work of each set (:func:`analytics.volume.work`)... When those blocks were
text, each caller had to know which ``$names`` they bound, merge the dictionaries by hand
(a wrong merge silently binds the period's start where the history's was meant), and
remember to register the catalog first. A :class:`Piece` is the text *and* its parameters,
so combining blocks combines both, and a block that reads a registered table (the catalog,
a programme's prescriptions) registers it when it is built: a query cannot be run with a
parameter or a table missing, nor with one name bound to two values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from . import catalog as _catalog

if TYPE_CHECKING:
    import duckdb
    import pandas as pd
    import pyarrow as pa


class ParameterClash(ValueError):
    """Two pieces bind one ``$name`` to different values, or define one CTE differently.

    A bug in the code that combined them (not a user's mistake, so no ``BacklineError``):
    one of the two must get another name.
    """


def _same(a: object, b: object) -> bool:
    # type first: True == 1 and date == datetime must not pass as the same value
    return a is b or (type(a) is type(b) and bool(a == b))


@dataclass(frozen=True)
class Piece:
    """Named CTEs, in the order they are defined, and the ``$parameters`` they bind.

    ``a + b`` is both pieces' CTEs (``a``'s first) and both parameter sets. A CTE both
    define with the same text is kept once, so a piece may include the pieces it builds on
    (:func:`analytics.volume.work` includes the scope) and still be combined with them. A
    name bound to two values, or a CTE defined two ways, raises :class:`ParameterClash`.
    """

    ctes: tuple[tuple[str, str], ...] = ()
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    def __add__(self, other: Piece) -> Piece:
        ctes = dict(self.ctes)
        for name, body in other.ctes:
            if name in ctes and ctes[name] != body:
                raise ParameterClash(
                    f"Two SQL pieces define the CTE {name!r} differently; rename one of them."
                )
            ctes.setdefault(name, body)
        params = dict(self.params)
        for name, value in other.params.items():
            if name in params and not _same(params[name], value):
                raise ParameterClash(
                    f"Two SQL pieces bind ${name} to different values ({params[name]!r} and "
                    f"{value!r}); rename one of them."
                )
            params[name] = value
        return Piece(tuple(ctes.items()), params)

    def sql(self, select: str) -> str:
        """The query text: ``WITH`` every CTE, then ``select``."""
        if not self.ctes:
            return select
        ctes = ",\n".join(f"{name} AS (\n{body}\n)" for name, body in self.ctes)
        return f"WITH {ctes}\n{select}"

    def query(self, con: duckdb.DuckDBPyConnection, select: str,
              **params: object) -> duckdb.DuckDBPyConnection:
        """Run ``select`` over the CTEs on ``con``; ``params`` are the ones the final
        ``select`` binds itself (refused, like a piece's, if they rebind a piece's name).
        Returns the connection with its result, to read with ``.df()``, ``.fetchall()``..."""
        whole = self + Piece(params=params)
        return con.execute(whole.sql(select), dict(whole.params))

    def relation(self, con: duckdb.DuckDBPyConnection, select: str,
                 **params: object) -> duckdb.DuckDBPyRelation:
        """As :meth:`query`, as a lazy relation (``con.sql``): for results read as Arrow."""
        whole = self + Piece(params=params)
        return con.sql(whole.sql(select), params=dict(whole.params))


def cte(name: str, body: str, **params: object) -> Piece:
    """One CTE ``name AS (body)`` and the ``$parameters`` its body binds."""
    return Piece(((name, body),), params)


def catalog(con: duckdb.DuckDBPyConnection) -> Piece:
    """The catalog's tables (``catalog_exercises``, ``catalog_muscles``), registered on
    ``con`` now: add this piece to the CTEs that join them, so the query that needs the
    catalog is the one that brings it (a fresh connection needs no other call)."""
    _catalog.register(con)  # finishes a caller's half-read result first
    return Piece()


def registered(con: duckdb.DuckDBPyConnection, name: str,
               frame: pd.DataFrame | pa.Table) -> Piece:
    """``frame``, queryable on ``con`` as ``name`` (a programme's prescriptions, the coach
    view's plan, a batch's sets): registered now, replacing a frame registered under that
    name before."""
    con.complete()  # registering fails while a caller's result is still half-read
    con.register(name, frame)
    return Piece()
