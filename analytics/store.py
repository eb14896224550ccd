"""All access to the DuckDB file goes through :class:`Store`.

One read-write connection per process; readers take a cursor each, writers also take the
process-wide write lock, so writes are serialised (DuckDB allows one writing process per
file, and inside it we keep one writer at a time to make import counts exact). A second
process that finds the file locked gets :class:`StoreInUseError` with a message a person
can act on, never a DuckDB traceback.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import catalog, config
from .errors import BacklineError
from .schema import MIGRATIONS

CATALOG_SETTING = "catalog_fingerprint"
"""Store setting: the catalog (:func:`analytics.catalog.fingerprint`) its names were
last matched with."""


class StoreError(BacklineError):
    """A problem with the store that the user should read (never a traceback)."""


class StoreInUseError(StoreError):
    """Another process holds the DuckDB file open for writing."""


class Store:
    """The Backline database: schema, migrations, serialised writes, cursors for reads."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = config.db_path(path) if path != ":memory:" else Path(":memory:")
        self.read_only = read_only
        self._write_lock = threading.RLock()
        self._data_version = 0
        if str(self.path) != ":memory:":
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder for the store {self.path}: "
                    f"{exc.strerror or exc}. Point --db / BACKLINE_DB at a file you can write."
                ) from exc
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" in message.lower():
                raise StoreInUseError(
                    f"The store {self.path} is in use by another Backline process "
                    "(the dashboard or another import). Close it, or point --db / "
                    "BACKLINE_DB at a different file."
                ) from exc
            raise StoreError(f"Cannot open the store {self.path}: {message}") from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.path} is not a Backline store DuckDB can open: {exc}"
            ) from exc
        if str(self.path) != ":memory:" and not self._file_backed():
            self._con.close()
            raise StoreError(
                f"{self.path} is not a Backline store: DuckDB reads it as a "
                f"{self.path.suffix.lstrip('.').upper() or 'data'} file, not a database, so "
                "nothing would be saved. Pass the store with --db (e.g. backline.duckdb) and "
                "the export as the file to import."
            )
        if not read_only:
            self.migrate()
            if self.get_setting(CATALOG_SETTING) != catalog.fingerprint():
                self.rematch_exercises()

    def _file_backed(self) -> bool:
        """True when the connection writes to the file (DuckDB opens a .csv or .parquet
        path as an in-memory database with views over it: writes would be lost)."""
        path = self._con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
        return bool(path and path[0])

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply the migrations this file has not seen yet; return the schema version."""
        with self._write_lock:
            cur = self._con.cursor()
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, description VARCHAR,"
                " applied_at TIMESTAMP DEFAULT current_timestamp)"
            )
            done = {row[0] for row in cur.execute("SELECT version FROM schema_version").fetchall()}
            for version, description, ddl in MIGRATIONS:
                if version in done:
                    continue
                cur.execute("BEGIN TRANSACTION")
                try:
                    cur.execute(ddl)
                    cur.execute(
                        "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                        [version, description],
                    )
                    cur.execute("COMMIT")
                except Exception:
                    cur.execute("ROLLBACK")
                    raise
            return max((v for v, _, _ in MIGRATIONS), default=0)

    # -- access ----------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one unit of reading (one script run, one CLI command)."""
        return self._con.cursor()

    @contextlib.contextmanager
    def transaction(
        self, cursor: duckdb.DuckDBPyConnection | None = None, *, analytics_data: bool = True
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """Serialised write transaction: commit on success, roll back on any error.

        Pass ``cursor`` to write from a cursor that already holds temp tables (an import
        stages its rows on its own cursor, outside the lock, then writes from it).
        ``analytics_data=False`` marks bookkeeping no metric reads (a share link's view
        count): it leaves :attr:`data_version` alone, so dashboards keep their caches.
        """
        if self.read_only:
            raise StoreError(f"The store {self.path} was opened read-only.")
        with self._write_lock:
            cur = cursor or self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                # A failed rollback (a closed or interrupted connection) must not hide the
                # error that caused it; DuckDB discards an unfinished transaction anyway.
                with contextlib.suppress(duckdb.Error):
                    cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
                if analytics_data:
                    self._data_version += 1
            finally:
                if cursor is None:
                    cur.close()

    @property
    def data_version(self) -> int:
        """Bumped after every committed write; dashboards key their caches on it."""
        return self._data_version

    def query_df(self, sql: str,
                 params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a read query on a fresh cursor and return a DataFrame."""
        cur = self.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def query_one(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> Any:
        """The first column of the first row, or None."""
        cur = self.cursor()
        try:
            row = cur.execute(sql, params or []).fetchone()
        finally:
            cur.close()
        return row[0] if row else None

    # -- athletes --------------------------------------------------------------------
    def athlete_id(self, name: str, *, create: bool = False, is_sample: bool = False) -> int:
        """The id of athlete ``name``; created when ``create`` is true and it is new."""
        name = name.strip()
        if not name:
            raise StoreError("The athlete name is empty.")
        found = self.query_one("SELECT athlete_id FROM athletes WHERE name = ?", [name])
        if found is not None:
            return int(found)
        if not create:
            raise StoreError(f"No athlete called {name!r} in {self.path}.")
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO athletes (name, is_sample) VALUES (?, ?) "
                "ON CONFLICT (name) DO NOTHING",
                [name, is_sample],
            )
            return int(
                cur.execute("SELECT athlete_id FROM athletes WHERE name = ?", [name]).fetchone()[0]
            )

    def athletes(self) -> pd.DataFrame:
        """All athletes with their set counts and date range, by name."""
        return self.query_df(
            """
            SELECT a.athlete_id, a.name, a.unit, a.is_sample, a.program, a.program_start,
                   count(s.set_index) AS sets, min(s.performed_at) AS first_session,
                   max(s.performed_at) AS last_session
            FROM athletes a LEFT JOIN sets s USING (athlete_id)
            GROUP BY ALL ORDER BY a.name
            """
        )

    def athlete_name(self, athlete_id: int) -> str | None:
        return self.query_one("SELECT name FROM athletes WHERE athlete_id = ?", [athlete_id])

    def athlete(self, athlete_id: int) -> dict[str, Any]:
        """One athlete's profile (see :func:`athlete_profile`); StoreError if unknown."""
        cur = self.cursor()
        try:
            return athlete_profile(cur, athlete_id)
        finally:
            cur.close()

    def has_athlete(self, name: str) -> bool:
        return bool(self.query_one("SELECT count(*) FROM athletes WHERE name = ?",
                                   [name.strip()]))

    def athlete_count(self) -> int:
        return int(self.query_one("SELECT count(*) FROM athletes"))

    def known_unit(self, athlete: int | str) -> str | None:
        """The weight unit Backline knows an athlete logs in, by id or name, or None.

        The one rule every part of Backline uses: the unit remembered for the athlete (the
        first one an import learned: a unit the user chose, or one an export's header
        states), else the unit of their latest import that had one. None when nothing is
        known yet (a unit-less export must then ask).
        """
        column = "name" if isinstance(athlete, str) else "athlete_id"
        found = self.query_one(
            "SELECT coalesce(a.unit, (SELECT i.unit FROM imports i "
            "WHERE i.athlete_id = a.athlete_id AND i.unit IN ('kg', 'lb') "
            "ORDER BY i.imported_at DESC, i.import_id DESC LIMIT 1)) "
            f"FROM athletes a WHERE a.{column} = ?",
            [athlete.strip() if isinstance(athlete, str) else athlete],
        )
        return found if found in ("kg", "lb") else None

    def display_unit(self, athlete_id: int) -> str:
        """The unit an athlete's numbers are shown in by default: :meth:`known_unit`, else kg."""
        return self.known_unit(athlete_id) or "kg"

    def update_athlete(self, athlete_id: int, **fields: Any) -> None:
        """Set unit / program / program_start / bodyweight_kg for one athlete."""
        allowed = {"unit", "program", "program_start", "bodyweight_kg", "name"}
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"Unknown athlete fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{key} = ?" for key in fields)
        with self.transaction() as cur:
            cur.execute(
                f"UPDATE athletes SET {assignments} WHERE athlete_id = ?",
                [*fields.values(), athlete_id],
            )

    def delete_athlete(self, athlete_id: int) -> None:
        """Remove an athlete and everything stored for them, in one transaction.

        Deleting an athlete that is already gone does nothing (two sessions may both ask).
        """
        with self.transaction() as cur:
            imports = "SELECT import_id FROM imports WHERE athlete_id = ?"
            cur.execute(f"DELETE FROM rejected_rows WHERE import_id IN ({imports})", [athlete_id])
            for table in ("sets", "session_details", "exercise_notes", "imports",
                          "share_links", "athletes"):
                cur.execute(f"DELETE FROM {table} WHERE athlete_id = ?", [athlete_id])

    def delete_import(self, import_id: int) -> int:
        """Undo one import: its sets (and the session notes it stored), its rejects and its
        record. Returns sets removed."""
        with self.transaction() as cur:
            if not cur.execute(
                "SELECT count(*) FROM imports WHERE import_id = ?", [import_id]
            ).fetchone()[0]:
                raise StoreError(
                    f"No import {import_id} in {self.path} (list them: backline imports)."
                )
            removed = cur.execute(
                "SELECT count(*) FROM sets WHERE import_id = ?", [import_id]
            ).fetchone()[0]
            for table in ("sets", "session_details", "exercise_notes", "rejected_rows",
                          "imports"):
                cur.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
        return int(removed)

    def athlete_settings(self, name: str) -> dict[str, str | None]:
        """What an import remembers about an athlete besides the unit: ``distance_unit``
        and ``time_zone`` (None when not learned yet, or for a new athlete)."""
        frame = self.query_df(
            "SELECT distance_unit, time_zone FROM athletes WHERE name = ?", [name.strip()])
        row = frame.iloc[0].tolist() if len(frame) else [None, None]
        return {key: None if pd.isna(value) else str(value)
                for key, value in zip(("distance_unit", "time_zone"), row, strict=True)}

    # -- an import's writes: called inside its transaction (``tx``), holding the write lock
    @staticmethod
    def import_athlete(tx: duckdb.DuckDBPyConnection, name: str, *,
                       create: bool) -> int | None:
        """The id of athlete ``name``; a new athlete is created when ``create``, else None.

        (An upsert would use up an id of the sequence on every import of a known athlete.)
        """
        found = tx.execute("SELECT athlete_id FROM athletes WHERE name = ?", [name]).fetchall()
        if not found and create:
            found = tx.execute(
                "INSERT INTO athletes (name) VALUES (?) RETURNING athlete_id", [name]
            ).fetchall()
        return int(found[0][0]) if found else None

    @staticmethod
    def new_import_id(tx: duckdb.DuckDBPyConnection) -> int:
        return int(tx.execute("SELECT nextval('import_id_seq')").fetchone()[0])

    @staticmethod
    def record_import(tx: duckdb.DuckDBPyConnection, *, import_id: int, athlete_id: int,
                      file_name: str, sha256: str, format: str, unit: str | None,
                      rows_read: int, imported: int, duplicates: int, skipped: int,
                      rejected: int) -> None:
        """The import's record with its counts (they add up to ``rows_read``)."""
        tx.execute(
            """
            INSERT INTO imports (import_id, athlete_id, file_name, sha256, format, unit,
                                 rows_read, imported, duplicates, skipped, rejected)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [import_id, athlete_id, file_name, sha256, format, unit, rows_read, imported,
             duplicates, skipped, rejected],
        )

    @staticmethod
    def learn_athlete_defaults(tx: duckdb.DuckDBPyConnection, athlete_id: int, *,
                               unit: str | None = None, distance_unit: str | None = None,
                               time_zone: str | None = None) -> None:
        """Remember a unit, distance unit or time zone where none is remembered yet: the
        first one Backline learns for an athlete stays (a later import may still give
        another for itself)."""
        for column, value in (("unit", unit), ("distance_unit", distance_unit),
                              ("time_zone", time_zone)):
            if value is not None:
                tx.execute(f"UPDATE athletes SET {column} = ? WHERE athlete_id = ? "
                           f"AND {column} IS NULL", [value, athlete_id])

    @staticmethod
    def add_rejects(tx: duckdb.DuckDBPyConnection, import_id: int,
                    rejects: pd.DataFrame) -> None:
        """Store an import's rejected rows: ``line, column_name, message, raw`` and the
        natural key its set will have once fixed (``session_id, exercise_key, set_index``)."""
        tx.register("new_rejects", rejects)
        try:
            tx.execute(
                "INSERT INTO rejected_rows (import_id, line, column_name, reason, raw, "
                "session_id, exercise_key, set_index) SELECT ?, line, column_name, message, "
                "left(raw, 2000), session_id, exercise_key, set_index FROM new_rejects",
                [import_id],
            )
        finally:
            tx.unregister("new_rejects")

    @staticmethod
    def settle_rejects(tx: duckdb.DuckDBPyConnection, athlete_id: int, import_id: int,
                       csv_path: Path) -> None:
        """Drop earlier rejects of this athlete that import ``import_id`` has settled.

        A reject is settled when a set with its natural key is now stored (the row was
        fixed in the app and exported again), when this import rejects the same row again
        (only the newest copy is listed), for a malformed row (its set number unknown) when
        this import adds a set to its session, or, for a reject whose key is unknown (its
        date or exercise could not be read, or it predates keys), when this import's file
        (``csv_path``) holds its text as a row that was not rejected this time.
        """
        earlier = "SELECT import_id FROM imports WHERE athlete_id = $athlete"
        tx.execute(
            f"""
            DELETE FROM rejected_rows r
            WHERE r.import_id IN ({earlier}) AND r.import_id <> $import AND (
                (r.set_index IS NOT NULL AND EXISTS (
                    SELECT 1 FROM sets s WHERE s.athlete_id = $athlete
                      AND s.session_id = r.session_id AND s.set_index = r.set_index
                      AND lower(s.exercise_raw) = r.exercise_key))
                OR (r.set_index IS NULL AND r.session_id IS NOT NULL AND EXISTS (
                    SELECT 1 FROM sets s WHERE s.import_id = $import
                      AND s.session_id = r.session_id))
                OR EXISTS (
                    SELECT 1 FROM rejected_rows n WHERE n.import_id = $import AND (
                        n.raw = r.raw OR (n.set_index = r.set_index
                                          AND n.session_id = r.session_id
                                          AND n.exercise_key = r.exercise_key)))
            )
            """,
            {"athlete": athlete_id, "import": import_id},
        )
        keyless = tx.execute(
            f"SELECT count(*) FROM rejected_rows WHERE import_id IN ({earlier}) "
            "AND set_index IS NULL AND raw IS NOT NULL", {"athlete": athlete_id}
        ).fetchone()[0]
        if not keyless:
            return
        # A record's first line stands for it (a note may run over several lines).
        path = str(csv_path).replace("'", "''")
        tx.execute(
            f"""
            DELETE FROM rejected_rows r
            WHERE r.import_id IN ({earlier}) AND r.set_index IS NULL
              AND split_part(r.raw, chr(10), 1) IN (
                SELECT rtrim(line, chr(13)) FROM (
                    SELECT unnest(string_split(content, chr(10))) AS line
                    FROM read_text('{path}'))
                EXCEPT SELECT split_part(raw, chr(10), 1) FROM rejected_rows
                       WHERE import_id = $import AND raw IS NOT NULL)
            """,
            {"athlete": athlete_id, "import": import_id},
        )

    # -- share links (only token hashes are stored; see analytics.sharing) --------------------
    _LINK_STATUS = (
        "CASE WHEN l.revoked_at IS NOT NULL THEN 'revoked' "
        "WHEN l.expires_at IS NOT NULL AND l.expires_at <= $now THEN 'expired' "
        "ELSE 'active' END"
    )

    def add_share_link(self, token_hash: str, athlete_id: int, *, label: str | None,
                       created_at: datetime, expires_at: datetime | None,
                       unit: str | None, formula: str | None) -> None:
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO share_links (token_hash, athlete_id, label, created_at, "
                "expires_at, unit, formula) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [token_hash, athlete_id, label, created_at, expires_at, unit, formula],
            )

    def share_links(self, now: datetime, athlete_id: int | None = None) -> pd.DataFrame:
        """Links, newest first, with a short id (hash prefix), athlete, status at ``now``
        (active | expired | revoked) and use; of one athlete or all."""
        where = "WHERE l.athlete_id = $athlete" if athlete_id is not None else ""
        return self.query_df(
            f"""
            SELECT substr(l.token_hash, 1, 12) AS link_id, l.athlete_id, a.name AS athlete,
                   l.label, l.created_at, l.expires_at, l.revoked_at, l.last_viewed_at,
                   l.view_count, {self._LINK_STATUS} AS status, l.unit, l.formula,
                   l.token_hash
            FROM share_links l LEFT JOIN athletes a USING (athlete_id)
            {where}
            ORDER BY l.created_at DESC, l.token_hash
            """,
            {"now": now, **({"athlete": athlete_id} if athlete_id is not None else {})},
        )

    def share_link(self, token_hash: str, now: datetime) -> dict[str, Any] | None:
        """One link with its athlete's name and its status at ``now``, or None."""
        frame = self.query_df(
            f"""
            SELECT l.token_hash, l.athlete_id, a.name AS athlete, l.label, l.expires_at,
                   {self._LINK_STATUS} AS status, l.unit, l.formula
            FROM share_links l JOIN athletes a USING (athlete_id)
            WHERE l.token_hash = $hash
            """,
            {"now": now, "hash": token_hash},
        )
        if frame.empty:
            return None
        row = frame.astype(object).where(frame.notna(), None).iloc[0]
        return row.to_dict()

    def share_link_hashes(self, prefix: str) -> list[str]:
        """Stored link hashes starting with ``prefix`` (a link id the owner typed)."""
        cur = self.cursor()
        try:
            return [row[0] for row in cur.execute(
                "SELECT token_hash FROM share_links WHERE starts_with(token_hash, ?)",
                [prefix]).fetchall()]
        finally:
            cur.close()

    def revoke_share_link(self, token_hash: str, when: datetime) -> None:
        """Revoke one link; revoking again keeps the first revocation time."""
        with self.transaction() as cur:
            cur.execute(
                "UPDATE share_links SET revoked_at = coalesce(revoked_at, ?) "
                "WHERE token_hash = ?", [when, token_hash],
            )

    def record_share_view(self, token_hash: str, when: datetime) -> None:
        """Count one use of a link (bookkeeping no metric reads: caches stay warm)."""
        with self.transaction(analytics_data=False) as cur:
            cur.execute(
                "UPDATE share_links SET view_count = view_count + 1, last_viewed_at = ? "
                "WHERE token_hash = ?", [when, token_hash],
            )

    # -- owner sessions (remembered sign-ins; only token hashes are stored) -------------------
    def add_owner_session(self, token_hash: str, created_at: datetime,
                          expires_at: datetime) -> None:
        with self.transaction(analytics_data=False) as cur:
            cur.execute(
                "INSERT INTO owner_sessions (token_hash, created_at, expires_at) "
                "VALUES (?, ?, ?)", [token_hash, created_at, expires_at],
            )

    def owner_session_hash(self, token_hash: str, now: datetime) -> str | None:
        """The stored hash of a live (unexpired, unrevoked) owner session, or None."""
        return self.query_one(
            "SELECT token_hash FROM owner_sessions WHERE token_hash = ? "
            "AND revoked_at IS NULL AND expires_at > ?", [token_hash, now],
        )

    def end_owner_session(self, token_hash: str, when: datetime) -> None:
        with self.transaction(analytics_data=False) as cur:
            cur.execute(
                "UPDATE owner_sessions SET revoked_at = coalesce(revoked_at, ?) "
                "WHERE token_hash = ?", [when, token_hash],
            )

    def live_owner_sessions(self, now: datetime) -> int:
        return int(self.query_one(
            "SELECT count(*) FROM owner_sessions WHERE revoked_at IS NULL AND expires_at > ?",
            [now],
        ) or 0)

    def end_owner_sessions(self, when: datetime) -> int:
        """End every owner session; returns how many were still live."""
        with self.transaction(analytics_data=False) as cur:
            live = int(cur.execute(
                "SELECT count(*) FROM owner_sessions WHERE revoked_at IS NULL "
                "AND expires_at > ?", [when]).fetchone()[0])
            cur.execute("UPDATE owner_sessions SET revoked_at = ? WHERE revoked_at IS NULL",
                        [when])
        return live

    # -- the user's exercise aliases (normalised name -> catalog id) --------------------------
    @staticmethod
    def user_aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
        """The aliases the user confirmed, read on ``con`` (an import's own cursor)."""
        rows = con.execute("SELECT alias_norm, exercise_id FROM exercise_aliases").fetchall()
        return {alias: exercise_id for alias, exercise_id in rows}

    def save_aliases(self, aliases: dict[str, str],
                     rename: Callable[[str], str | None]) -> int:
        """Store ``aliases`` (normalised name -> id) and re-file the logged sets whose name
        ``rename`` maps to an id, in one transaction; returns the set rows changed."""
        with self.transaction() as cur:
            cur.executemany(
                "INSERT INTO exercise_aliases (alias_norm, exercise_id) VALUES (?, ?) "
                "ON CONFLICT (alias_norm) DO UPDATE SET exercise_id = excluded.exercise_id",
                list(aliases.items()),
            )
            targets: dict[str, list[str]] = {}
            for (raw,) in cur.execute("SELECT DISTINCT exercise_raw FROM sets").fetchall():
                exercise_id = rename(raw)
                if exercise_id:
                    targets.setdefault(exercise_id, []).append(raw)
            updated = 0
            for exercise_id, raws in targets.items():
                ((count,),) = cur.execute(
                    "UPDATE sets SET exercise_id = ? WHERE list_contains(?, exercise_raw)",
                    [exercise_id, raws],
                ).fetchall()
                updated += int(count)
        return updated

    # -- imports and their rejects ------------------------------------------------------------
    def imports(self) -> pd.DataFrame:
        """Every import with its athlete and counts, oldest first."""
        return self.query_df(
            """
            SELECT i.import_id, a.name AS athlete, i.file_name, i.format, i.unit, i.rows_read,
                   i.imported, i.duplicates, i.skipped, i.rejected, i.imported_at
            FROM imports i JOIN athletes a USING (athlete_id) ORDER BY i.import_id
            """
        )

    def has_import(self, import_id: int) -> bool:
        return bool(self.query_one("SELECT count(*) FROM imports WHERE import_id = ?",
                                   [import_id]))

    def rejected_rows(self, import_ids: list[int] | None = None) -> pd.DataFrame:
        """Rejected rows (``import_id, file_name, line, column_name, reason, raw``), of the
        given imports or of all, in import and line order."""
        where = "WHERE list_contains(?, r.import_id)" if import_ids is not None else ""
        return self.query_df(
            f"""
            SELECT r.import_id, i.file_name, r.line, r.column_name, r.reason, r.raw
            FROM rejected_rows r JOIN imports i USING (import_id) {where}
            ORDER BY r.import_id, r.line
            """,
            [list(import_ids)] if import_ids is not None else [],
        )

    # -- exercise names ------------------------------------------------------------------------
    def rematch_exercises(self) -> int:
        """Match every logged name again with today's catalog; return the sets changed.

        Runs when a store is opened with a catalog (or matching rules) it has not seen:
        sets imported earlier would otherwise keep the ids an older catalog gave them (an
        assisted pull-up filed as a pull-up), and a lift's history would split between two
        ids. The user's own aliases are re-keyed with today's name normaliser first (they
        still win), and any pointing at an id the catalog no longer has are dropped, so
        those names fall back to the catalog. One transaction.
        """
        known = set(catalog.load_catalog()["id"])
        with self.transaction() as cur:
            aliases: dict[str, str] = {}
            for key, exercise_id in cur.execute(
                "SELECT alias_norm, exercise_id FROM exercise_aliases ORDER BY created_at"
            ).fetchall():
                if exercise_id in known:  # a later alias for the same key wins
                    aliases[catalog.normalise_name(key) or key] = exercise_id
            cur.execute("DELETE FROM exercise_aliases")
            if aliases:
                cur.executemany(
                    "INSERT INTO exercise_aliases (alias_norm, exercise_id) VALUES (?, ?)",
                    list(aliases.items()),
                )
            names = [row[0] for row in cur.execute(
                "SELECT DISTINCT exercise_raw FROM sets").fetchall()]
            resolved = catalog.resolve_many(names, aliases)
            cur.register("rematched", pd.DataFrame(
                {"exercise_raw": list(resolved), "exercise_id": list(resolved.values())},
                columns=["exercise_raw", "exercise_id"],
            ).astype(object))
            ((changed,),) = cur.execute(
                "UPDATE sets SET exercise_id = m.exercise_id FROM rematched m "
                "WHERE sets.exercise_raw = m.exercise_raw "
                "AND sets.exercise_id IS DISTINCT FROM m.exercise_id"
            ).fetchall()
            cur.unregister("rematched")
            cur.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                [CATALOG_SETTING, catalog.fingerprint(), catalog.fingerprint()],
            )
        return int(changed)

    # -- settings --------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        value = self.query_one("SELECT value FROM settings WHERE key = ?", [key])
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO settings VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = ?",
                [key, value, value],
            )

    # -- backup ----------------------------------------------------------------------
    def export_parquet(self, directory: str | Path) -> Path:
        """Write every table to ``directory`` as Parquet (DuckDB's EXPORT DATABASE)."""
        target = Path(directory)
        target.mkdir(parents=True, exist_ok=True)
        cur = self.cursor()
        try:
            escaped = str(target).replace("'", "''")
            cur.execute(f"EXPORT DATABASE '{escaped}' (FORMAT parquet)")
        finally:
            cur.close()
        return target


def athlete_profile(con: duckdb.DuckDBPyConnection, athlete_id: int) -> dict[str, Any]:
    """``athlete_id, name, unit, is_sample, program, program_start, bodyweight_kg`` of one
    athlete, read on ``con`` (analytics read it inside their own batch of queries).

    Raises :class:`StoreError` for an unknown id.
    """
    rows = con.execute(
        "SELECT athlete_id, name, unit, is_sample, program, program_start, bodyweight_kg "
        "FROM athletes WHERE athlete_id = ?",
        [athlete_id],
    ).fetchall()  # read to the end: a half-read result blocks the connection
    if not rows:
        raise StoreError(f"No athlete with id {athlete_id}.")
    row = rows[0]
    names = ("athlete_id", "name", "unit", "is_sample", "program", "program_start",
             "bodyweight_kg")
    return dict(zip(names, row, strict=True))
