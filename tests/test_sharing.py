"""Share links: token strength, hash-only storage, expiry, revocation, scope, view counts."""

from __future__ import annotations

import hashlib
import json
import math
import string
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from analytics import sharing
from analytics.sample import SAMPLE_ATHLETE, load_sample
from analytics.sharing import (
    INVALID_MESSAGE,
    SharingError,
    check_password,
    create_link,
    hash_token,
    link_url,
    list_links,
    resolve,
    revoke,
)
from analytics.store import Store
from tests.conftest import APP

URLSAFE = set(string.ascii_letters + string.digits + "-_")
NOW = datetime(2025, 3, 1, 12, 0, 0)


@pytest.fixture()
def store() -> Store:
    store = Store(":memory:")
    yield store
    store.close()


@pytest.fixture()
def athletes(store: Store) -> tuple[int, int]:
    return store.athlete_id("Alice", create=True), store.athlete_id("Bob", create=True)


# -- tokens -----------------------------------------------------------------------------


def test_token_length_alphabet_and_entropy() -> None:
    tokens = [sharing.new_token() for _ in range(2000)]
    assert all(len(t) == 43 for t in tokens)  # 32 bytes, base64 without padding
    assert all(set(t) <= URLSAFE for t in tokens)
    assert len(set(tokens)) == len(tokens)
    # every character of the alphabet turns up, and roughly evenly (not a short alphabet)
    chars = "".join(tokens)
    counts = {c: chars.count(c) for c in URLSAFE}
    assert min(counts.values()) > 0
    entropy = -sum(n / len(chars) * math.log2(n / len(chars)) for n in counts.values())
    assert entropy > 5.95  # log2(64) = 6 bits per character at most


def test_created_tokens_are_unique(store: Store, athletes: tuple[int, int]) -> None:
    tokens = {create_link(store, athletes[0], None, 30, now=NOW)[0] for _ in range(300)}
    assert len(tokens) == 300
    assert store.query_one("SELECT count(DISTINCT token_hash) FROM share_links") == 300


def test_create_link_returns_token_and_path(store: Store, athletes: tuple[int, int]) -> None:
    token, path = create_link(store, athletes[0], "Coach Sam", 30, now=NOW)
    assert path == f"/?share={token}"
    assert link_url(token, "https://backline.example.org/") == (
        f"https://backline.example.org/?share={token}"
    )
    assert link_url(token, None) == path


def test_create_link_for_unknown_athlete_fails(store: Store) -> None:
    with pytest.raises(SharingError):
        create_link(store, 999, "x", 30)


# -- storage --------------------------------------------------------------------------


def test_only_the_sha256_is_stored(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], "Coach", 30, now=NOW)
    row = store.query_df("SELECT * FROM share_links").iloc[0]
    assert row["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert len(row["token_hash"]) == 64
    for value in row.tolist():
        assert token not in str(value)


def test_token_is_nowhere_in_the_database_file(tmp_path) -> None:
    db = tmp_path / "backline.duckdb"
    tokens = []
    with Store(db) as store:
        alice = store.athlete_id("Alice", create=True)
        for days in (7, 30, None):
            tokens.append(create_link(store, alice, "Coach", days)[0])
        resolve(store, tokens[0])
        revoke(store, hash_token(tokens[1])[:12])
        # every column of every table, as text
        tables = store.query_df("SHOW TABLES")["name"].tolist()
        for table in tables:
            frame = store.query_df(f"SELECT * FROM {table}")
            text = frame.astype(str).to_string()
            for token in tokens:
                assert token not in text, table
    blobs = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    # the search is meaningful: the stored hashes are readable in the same bytes
    assert hash_token(tokens[2]).encode() in blobs
    for token in tokens:
        assert token.encode() not in blobs
        assert token[:20].encode() not in blobs


# -- resolve ------------------------------------------------------------------------------


def test_resolve_gives_the_links_athlete(store: Store, athletes: tuple[int, int]) -> None:
    alice, bob = athletes
    token_a, _ = create_link(store, alice, "for Sam", 30, now=NOW)
    token_b, _ = create_link(store, bob, "for Kim", None, now=NOW)
    scope_a = resolve(store, token_a, now=NOW + timedelta(days=1))
    scope_b = resolve(store, token_b, now=NOW + timedelta(days=1))
    assert scope_a is not None and scope_b is not None
    assert (scope_a.athlete_id, scope_a.athlete_name, scope_a.label) == (alice, "Alice", "for Sam")
    assert scope_a.expires_at == NOW + timedelta(days=30)
    assert (scope_b.athlete_id, scope_b.athlete_name, scope_b.expires_at) == (bob, "Bob", None)


@pytest.mark.parametrize(
    "token",
    ["", None, "abc", "x" * 43, "x" * 500, "' OR 1=1 --", "../../etc/passwd", "é" * 43],
)
def test_resolve_rejects_garbage(store: Store, athletes: tuple[int, int], token) -> None:
    create_link(store, athletes[0], None, 30, now=NOW)
    assert resolve(store, token, now=NOW) is None


def test_tampered_token_is_invalid(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 30, now=NOW)
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert resolve(store, flipped, now=NOW) is None
    assert resolve(store, token[:-1], now=NOW) is None
    assert resolve(store, token + "A", now=NOW) is None
    # the hash itself is not a token
    assert resolve(store, hash_token(token), now=NOW) is None


def test_expiry(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 7, now=NOW)
    assert resolve(store, token, now=NOW + timedelta(days=6, hours=23)) is not None
    assert resolve(store, token, now=NOW + timedelta(days=7)) is None
    assert resolve(store, token, now=NOW + timedelta(days=100)) is None
    never, _ = create_link(store, athletes[0], None, None, now=NOW)
    assert resolve(store, never, now=NOW + timedelta(days=3650)) is not None


def test_past_expiry_is_expired_now(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], "old", -1)
    assert resolve(store, token) is None
    assert list_links(store)["status"].tolist() == ["expired"]


def test_default_expiry_is_30_days(store: Store, athletes: tuple[int, int]) -> None:
    create_link(store, athletes[0], now=NOW)
    assert list_links(store)["expires_at"].iloc[0] == NOW + timedelta(days=30)


def test_aware_times_are_stored_as_utc(store: Store, athletes: tuple[int, int]) -> None:
    from datetime import UTC, timezone

    aware = datetime(2025, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    token, _ = create_link(store, athletes[0], None, 1, now=aware)
    assert list_links(store)["created_at"].iloc[0] == datetime(2025, 3, 1, 12, 0)
    assert resolve(store, token, now=datetime(2025, 3, 2, 11, 59, tzinfo=UTC)) is not None
    assert resolve(store, token, now=datetime(2025, 3, 2, 12, 0, tzinfo=UTC)) is None


def test_revocation(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 30, now=NOW)
    other, _ = create_link(store, athletes[0], None, 30, now=NOW)
    full = revoke(store, hash_token(token)[:8], now=NOW + timedelta(hours=1))
    assert full == hash_token(token)
    assert resolve(store, token, now=NOW + timedelta(hours=2)) is None
    assert resolve(store, other, now=NOW + timedelta(hours=2)) is not None
    # revoking again keeps the first time
    revoke(store, full, now=NOW + timedelta(days=3))
    links = list_links(store, now=NOW).set_index("token_hash")
    assert links.loc[full, "revoked_at"] == NOW + timedelta(hours=1)
    assert links.loc[full, "status"] == "revoked"
    assert links.loc[hash_token(other), "status"] == "active"


def test_revoke_by_token(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 30, now=NOW)
    revoke(store, token)
    assert resolve(store, token) is None


def test_revoke_unknown_or_ambiguous(store: Store, athletes: tuple[int, int]) -> None:
    with pytest.raises(SharingError, match="No share link"):
        revoke(store, "deadbeef")
    with pytest.raises(SharingError, match="No share link"):
        revoke(store, "")
    token, _ = create_link(store, athletes[0], None, 30, now=NOW)
    # fewer than 6 characters is too short to be an id, even when it matches
    with pytest.raises(SharingError, match="No share link"):
        revoke(store, hash_token(token)[:5])
    assert resolve(store, token, now=NOW) is not None


def test_revoke_ambiguous_prefix(store: Store, athletes: tuple[int, int]) -> None:
    for h in ("abcdef01" + "0" * 56, "abcdef02" + "0" * 56):
        with store.transaction() as cur:
            cur.execute(
                "INSERT INTO share_links (token_hash, athlete_id, created_at) VALUES (?, ?, ?)",
                [h, athletes[0], NOW],
            )
    with pytest.raises(SharingError, match="2 share links"):
        revoke(store, "abcdef")
    assert revoke(store, "abcdef02") == "abcdef02" + "0" * 56


def test_deleted_athlete_invalidates_links(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[1], None, 30, now=NOW)
    store.delete_athlete(athletes[1])
    assert resolve(store, token, now=NOW) is None


# -- scope -------------------------------------------------------------------------------


def test_token_of_a_never_resolves_to_b(store: Store, athletes: tuple[int, int]) -> None:
    alice, bob = athletes
    tokens_a = [create_link(store, alice, None, 30, now=NOW)[0] for _ in range(50)]
    create_link(store, bob, None, 30, now=NOW)
    for token in tokens_a:
        scope = resolve(store, token, now=NOW, count_view=False)
        assert scope is not None
        assert scope.athlete_id == alice and scope.athlete_name == "Alice"


def test_list_links_filters_by_athlete(store: Store, athletes: tuple[int, int]) -> None:
    alice, bob = athletes
    create_link(store, alice, "a1", 30, now=NOW)
    create_link(store, alice, "a2", 7, now=NOW + timedelta(minutes=1))
    create_link(store, bob, "b1", None, now=NOW)
    assert sorted(list_links(store, alice)["label"]) == ["a1", "a2"]
    assert list_links(store, bob)["athlete"].tolist() == ["Bob"]
    everything = list_links(store, now=NOW)
    assert len(everything) == 3
    assert list_links(store, alice)["label"].iloc[0] == "a2"  # newest first
    assert set(everything.columns) >= {
        "link_id", "athlete", "label", "created_at", "expires_at", "revoked_at",
        "last_viewed_at", "view_count", "status",
    }


# -- views ---------------------------------------------------------------------------------


def test_view_counting(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 30, now=NOW)
    row = list_links(store).iloc[0]
    assert row["view_count"] == 0
    assert pd.isna(row["last_viewed_at"])
    resolve(store, token, now=NOW + timedelta(hours=1))
    resolve(store, token, now=NOW + timedelta(hours=2))
    resolve(store, token, now=NOW + timedelta(hours=3), count_view=False)
    row = list_links(store).iloc[0]
    assert row["view_count"] == 2
    assert row["last_viewed_at"] == NOW + timedelta(hours=2)


def test_a_view_leaves_the_dashboards_caches_alone(
    store: Store, athletes: tuple[int, int]
) -> None:
    # Dashboards key cached metrics on data_version; a coach opening a link changes no
    # metric, so it must not bump it (that would recompute every chart for everyone).
    token, _ = create_link(store, athletes[0], None, 30, now=NOW)
    before = store.data_version
    assert resolve(store, token, now=NOW + timedelta(hours=1)) is not None
    assert store.data_version == before
    assert list_links(store)["view_count"].iloc[0] == 1


def test_failed_uses_are_not_counted(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 1, now=NOW)
    resolve(store, token, now=NOW + timedelta(days=2))
    revoke(store, token)
    resolve(store, token, now=NOW)
    assert list_links(store)["view_count"].iloc[0] == 0


# -- password ------------------------------------------------------------------------------


def test_check_password() -> None:
    assert check_password("s3cret pass", "s3cret pass")
    assert not check_password("s3cret pas", "s3cret pass")
    assert not check_password("", "s3cret pass")
    assert not check_password(None, "s3cret pass")
    assert not check_password("anything", None)
    assert check_password("päss", "päss")


def test_invalid_message_is_neutral() -> None:
    assert INVALID_MESSAGE == "This link is not valid. Ask the athlete for a new one."


# -- command line --------------------------------------------------------------------------


def test_cli_share_create_list_revoke(tmp_path, capsys, monkeypatch) -> None:
    from analytics.cli import main

    db = str(tmp_path / "cli.duckdb")
    with Store(db) as store:
        store.athlete_id("Alice", create=True)
        store.athlete_id("Bob", create=True)
    monkeypatch.setenv("BACKLINE_BASE_URL", "https://coach.example.org/")
    assert main(["share", "create", "--db", db, "--athlete", "Alice", "--label", "Sam"]) == 0
    out = capsys.readouterr().out
    url = out.strip().splitlines()[-1]
    assert url.startswith("https://coach.example.org/?share=")
    token = url.split("share=")[1]
    assert main(["share", "list", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["athlete"], r["label"], r["status"]) for r in listed] == [("Alice", "Sam", "active")]
    assert token not in json.dumps(listed)
    assert main(["share", "revoke", "--db", db, listed[0]["link_id"][:8]]) == 0
    capsys.readouterr()
    with Store(db) as store:
        assert resolve(store, token) is None
    assert main(["share", "revoke", "--db", db, "ffffffffff"]) == 2
    assert "No share link" in capsys.readouterr().err
    assert main(["share", "create", "--db", db, "--athlete", "Nobody"]) == 2


# -- owner settings and sessions -----------------------------------------------------------


def test_link_keeps_the_owners_display_settings(store: Store, athletes: tuple[int, int]) -> None:
    alice, bob = athletes
    store.update_athlete(bob, unit="lb")
    token_a, _ = create_link(store, alice, None, 30, unit="lb", formula="brzycki")
    token_b, _ = create_link(store, bob, None, 30)
    scope_a, scope_b = resolve(store, token_a), resolve(store, token_b)
    assert (scope_a.unit, scope_a.formula) == ("lb", "brzycki")
    assert (scope_b.unit, scope_b.formula) == ("lb", None)  # the athlete's own unit
    with pytest.raises(SharingError):
        create_link(store, alice, None, 30, unit="stone")


def test_session_access_counts_once_and_sticks(store: Store, athletes: tuple[int, int]) -> None:
    alice, bob = athletes
    token, _ = create_link(store, alice, "Sam", 30)
    state: dict = {}
    for _ in range(5):  # reruns and page switches of one browser session
        access = sharing.session_access(store, state, token, None)
        assert access.mode == "shared" and access.scope.athlete_id == alice
        assert access.token == token
    assert list_links(store)["view_count"].iloc[0] == 1
    # the query string may lose or change the token; the session keeps its scope
    other, _ = create_link(store, bob, None, 30)
    assert sharing.session_access(store, state, None, None).scope.athlete_id == alice
    assert sharing.session_access(store, state, other, None).scope.athlete_id == alice
    # a second browser session counts again
    sharing.session_access(store, {}, token, None)
    assert list_links(store, alice)["view_count"].iloc[0] == 2


def test_session_access_revoked_mid_session(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 30)
    state: dict = {}
    assert sharing.session_access(store, state, token, None).mode == "shared"
    revoke(store, token)
    assert sharing.session_access(store, state, token, None) == sharing.Access("invalid")
    # and it never falls back to the owner's view, even without the parameter
    assert sharing.session_access(store, state, None, None).mode == "invalid"


@pytest.mark.parametrize("query", ["", "nonsense", "A" * 43])
def test_bad_token_never_gives_owner_access(store: Store, query: str) -> None:
    state: dict = {}
    assert sharing.session_access(store, state, query, None) == sharing.Access("invalid")
    assert sharing.session_access(store, state, None, None) == sharing.Access("invalid")


def test_owner_password_gate(store: Store) -> None:
    state: dict = {}
    assert sharing.session_access(store, state, None, None).mode == "owner"
    assert sharing.session_access(store, state, None, "pw").mode == "login"
    assert not sharing.check_password("PW", "pw")
    assert sharing.session_access(store, state, None, "pw").mode == "login"
    sharing.mark_owner(state)  # the sign-in form, once the password checked out
    assert sharing.session_access(store, state, None, "pw").mode == "owner"
    # a fresh session has to log in again
    assert sharing.session_access(store, {}, None, "pw").mode == "login"


def test_share_session_skips_the_password(store: Store, athletes: tuple[int, int]) -> None:
    token, _ = create_link(store, athletes[0], None, 30)
    assert sharing.session_access(store, {}, token, "pw").mode == "shared"
    assert sharing.session_access(store, {}, "bad", "pw").mode == "invalid"


def test_migration_adds_settings_columns(tmp_path) -> None:
    db = tmp_path / "old.duckdb"
    import duckdb

    from analytics.schema import MIGRATIONS

    con = duckdb.connect(str(db))  # a file made before share links had settings
    con.execute(
        "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, description VARCHAR,"
        " applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    con.execute(MIGRATIONS[0][2])
    con.execute("INSERT INTO schema_version (version, description) VALUES (1, 'initial')")
    con.execute("INSERT INTO athletes (name) VALUES ('Old')")
    con.execute(
        "INSERT INTO share_links (token_hash, athlete_id, created_at) "
        "VALUES (?, 1, current_timestamp)", [hash_token("t" * 43)],
    )
    con.close()
    with Store(db) as store:
        scope = resolve(store, "t" * 43)
        # no unit stored with the link: the athlete's display unit (nothing known: kg)
        assert scope is not None and scope.unit == "kg" and scope.formula is None


# -- the app (AppTest): share mode, scope, owner password, share and coach pages -----------
# Each test has its own DuckDB file (BACKLINE_DB); the app caches one store per path.

DASHBOARD_PAGES = ["pages/overview.py", "pages/strength.py", "pages/volume.py",
                   "pages/consistency.py", "pages/programme.py"]
OWNER_ONLY_PAGES = ["pages/import_log.py", "pages/share.py", "pages/coach.py"]
OTHER = "Zed Bravo-Secret"


@pytest.fixture()
def two_athletes(tmp_path, monkeypatch) -> tuple[Path, int, int]:
    """A store file with the sample athlete (A) and another athlete with sets (B)."""
    from analytics_helpers import add_sets, sets_of

    db = tmp_path / "app.duckdb"
    monkeypatch.setenv("BACKLINE_DB", str(db))
    monkeypatch.delenv("BACKLINE_OWNER_PASSWORD", raising=False)
    monkeypatch.delenv("BACKLINE_BASE_URL", raising=False)
    with Store(db) as store:
        load_sample(store)
        alice = store.athlete_id(SAMPLE_ATHLETE)
        bob = store.athlete_id(OTHER, create=True)
        rows = []
        for week in range(6):
            day = date.today() - timedelta(days=7 * week + 1)
            rows += sets_of(f"{day} 18:00", "Hip Thrust", 180 + week, [5, 5, 5])
        add_sets(store, bob, rows)
    return db, alice, bob


def _app():  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=90)


def _texts(at) -> str:  # type: ignore[no-untyped-def]
    """Every piece of text the run rendered (main area and sidebar)."""
    parts = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "info", "success",
                 "warning", "error", "metric", "text", "code"):
        for element in at.get(kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "label", "")))
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    return "\n".join(parts)


def _shared(token: str):  # type: ignore[no-untyped-def]
    at = _app()
    at.query_params[sharing.SHARE_PARAM] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_app_share_mode_shows_only_the_links_athlete(two_athletes) -> None:  # type: ignore[no-untyped-def]
    db, alice, bob = two_athletes
    with Store(db) as store:
        token, _ = create_link(store, alice, "Coach Sam", 30, unit="lb")
    at = _shared(token)
    assert any(f"Shared by **{SAMPLE_ATHLETE}** — read-only" in i.value for i in at.info)
    assert at.session_state["_backline_filters"].athlete_id == alice
    assert at.session_state["_backline_filters"].unit == "lb"  # the owner's setting
    assert not [s for s in at.sidebar.selectbox if s.label == "Athlete"]
    assert at.query_params[sharing.SHARE_PARAM] == token
    # other URL parameters and session keys cannot move the scope to athlete B
    at.query_params["athlete"] = str(bob)
    at.session_state["athlete_id"] = bob
    at.session_state["_backline_select_athlete"] = bob
    for page in DASHBOARD_PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.session_state["_backline_filters"].athlete_id == alice, page
        assert at.get("plotly_chart"), f"{page} draws the athlete's charts"
        text = _texts(at)
        assert OTHER not in text and "Zed" not in text, page
        assert not at.get("file_uploader"), page
        assert not [b for b in at.button if "revoke" in b.label.lower()
                    or "delete" in b.label.lower() or "create link" in b.label.lower()], page
        assert at.query_params[sharing.SHARE_PARAM] == token, page
    # owner pages do not exist for this session
    for page in OWNER_ONLY_PAGES:
        with pytest.raises(ValueError, match="navigation page"):
            at.switch_page(page)


def test_app_token_of_b_never_shows_a(two_athletes) -> None:  # type: ignore[no-untyped-def]
    db, alice, bob = two_athletes
    with Store(db) as store:
        token, _ = create_link(store, bob, None, 7)
    at = _shared(token)
    assert at.session_state["_backline_filters"].athlete_id == bob
    assert SAMPLE_ATHLETE not in _texts(at)


@pytest.mark.parametrize("kind", ["garbage", "tampered", "revoked", "expired", "empty"])
def test_app_unusable_link_shows_the_neutral_message_only(two_athletes, kind) -> None:  # type: ignore[no-untyped-def]
    db, alice, _ = two_athletes
    with Store(db) as store:
        token, _ = create_link(store, alice, "Coach", -1 if kind == "expired" else 30)
        if kind == "revoked":
            revoke(store, token)
    token = {"garbage": "not-a-token", "tampered": token[:-2] + "xx", "empty": ""}.get(
        kind, token
    )
    at = _shared(token)
    assert [i.value for i in at.info] == [INVALID_MESSAGE]
    assert not at.get("plotly_chart") and not at.dataframe
    assert not at.sidebar.selectbox and not at.sidebar.markdown and not at.sidebar.radio
    text = _texts(at)
    assert SAMPLE_ATHLETE not in text and OTHER not in text
    # reruns (and dropping the parameter) never fall back to the owner's dashboard
    del at.query_params[sharing.SHARE_PARAM]
    at.run()
    assert [i.value for i in at.info] == [INVALID_MESSAGE]
    assert not at.get("plotly_chart")


def test_app_revocation_ends_an_open_session(two_athletes) -> None:  # type: ignore[no-untyped-def]
    db, alice, _ = two_athletes
    with Store(db) as store:
        token, _ = create_link(store, alice, None, 30)
    at = _shared(token)
    assert at.get("plotly_chart")
    with Store(db) as store:
        revoke(store, token)
    at.switch_page("pages/strength.py").run()
    assert [i.value for i in at.info] == [INVALID_MESSAGE]
    assert not at.get("plotly_chart")


def test_app_counts_one_view_per_session(two_athletes) -> None:  # type: ignore[no-untyped-def]
    db, alice, _ = two_athletes
    with Store(db) as store:
        token, _ = create_link(store, alice, None, 30)
    at = _shared(token)
    for page in DASHBOARD_PAGES[:3]:
        at.switch_page(page).run()
    at.run()
    with Store(db) as store:
        assert list_links(store)["view_count"].tolist() == [1]
    _shared(token)  # another browser session
    with Store(db) as store:
        row = list_links(store).iloc[0]
        assert row["view_count"] == 2 and not pd.isna(row["last_viewed_at"])


def test_app_owner_password(two_athletes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, alice, _ = two_athletes
    monkeypatch.setenv("BACKLINE_OWNER_PASSWORD", "correct horse")
    at = _app().run()
    assert [t.value for t in at.title] == ["Backline"]
    assert not at.get("plotly_chart") and not at.sidebar.selectbox
    assert SAMPLE_ATHLETE not in _texts(at)
    with pytest.raises(ValueError, match="navigation page"):
        at.switch_page("pages/share.py")
    at.text_input[0].input("correct hors")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Wrong password."]
    assert not at.get("plotly_chart")
    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    assert not at.exception and at.get("plotly_chart")
    assert [s for s in at.sidebar.selectbox if s.label == "Athlete"]
    at.switch_page("pages/share.py").run()
    assert not at.exception
    # a share link still works without the password, for its athlete only
    with Store(db) as store:
        token, _ = create_link(store, alice, None, 30)
    shared = _shared(token)
    assert shared.get("plotly_chart")
    assert shared.session_state["_backline_filters"].athlete_id == alice


def test_app_share_page_creates_lists_and_revokes(two_athletes, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, alice, bob = two_athletes
    monkeypatch.setenv("BACKLINE_BASE_URL", "https://backline.example.org/")
    with Store(db) as store:
        store.update_athlete(bob, unit="lb")  # the sidebar shows the sample athlete, in kg
    at = _app().run()
    at.switch_page("pages/share.py").run()
    assert not at.exception
    form_athlete = next(s for s in at.selectbox if s.label == "Athlete" and s not in
                        at.sidebar.selectbox)
    form_athlete.set_value(bob)
    at.text_input[0].input("Coach <Sam>")
    next(r for r in at.radio if r.label == "Expires after").set_value("7 days")
    next(b for b in at.button if b.label == "Create link").click().run()
    assert not at.exception
    url = at.code[0].value
    assert url.startswith("https://backline.example.org/?share=")
    token = url.split("share=", 1)[1]
    with Store(db) as store:
        scope = resolve(store, token, count_view=False)
        assert scope.athlete_id == bob and scope.label == "Coach <Sam>"
        # the unit is the picked athlete's own, not the sidebar athlete's kg
        assert scope.unit == "lb" and scope.formula == "epley"
        assert scope.expires_at - list_links(store)["created_at"].iloc[0] == timedelta(days=7)
    listed = at.dataframe[0].value
    assert listed["Label"].tolist() == ["Coach <Sam>"] and token not in listed.to_string()
    next(b for b in at.button if b.label == "Revoke").click().run()
    assert not at.exception
    with Store(db) as store:  # asked first: nothing revoked yet
        assert resolve(store, token, count_view=False) is not None
    next(b for b in at.button if b.label == "Revoke link").click().run()
    assert not at.exception
    with Store(db) as store:
        assert resolve(store, token) is None
    assert at.dataframe[0].value["Status"].tolist() == ["revoked"]


def test_app_coach_view_links_into_each_athlete(two_athletes) -> None:  # type: ignore[no-untyped-def]
    db, alice, bob = two_athletes
    at = _app().run()
    at.switch_page("pages/coach.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    # each name is a link to that athlete's dashboard, shown as the name
    assert sorted(table["Athlete"]) == sorted([
        f"./?athlete={alice}#{SAMPLE_ATHLETE} (sample)", f"./?athlete={bob}#{OTHER}"])
    assert list(table.columns) == ["Athlete", "This week", "Milestones", "Data up to",
                                   "Biggest e1RM change"]
    links = at.get("page_link")
    assert len(links) == 1  # one picker and one link, however many athletes
    # the owner opens athlete B's dashboard through ?athlete=ID
    at.query_params["athlete"] = str(bob)
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert at.session_state["_backline_filters"].athlete_id == bob
    assert "athlete" not in at.query_params  # applied once, the sidebar decides afterwards


@pytest.mark.parametrize("visitor", ["share link", "before sign-in"])
def test_app_locked_store_reveals_no_path_or_pages(tmp_path, monkeypatch, visitor) -> None:  # type: ignore[no-untyped-def]
    """Another process holds the file: anonymous visitors get a neutral sentence only."""
    import streamlit as st

    from analytics import store as store_module

    secret = tmp_path / "private-folder" / "backline.duckdb"
    monkeypatch.setenv("BACKLINE_DB", str(secret))

    def locked(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        raise store_module.StoreInUseError(f"The store {secret} is in use by another process.")

    monkeypatch.setattr(store_module.Store, "__init__", locked)
    st.cache_resource.clear()
    at = _app()
    if visitor == "share link":
        monkeypatch.delenv("BACKLINE_OWNER_PASSWORD", raising=False)
        at.query_params[sharing.SHARE_PARAM] = "A" * 43
    else:
        monkeypatch.setenv("BACKLINE_OWNER_PASSWORD", "pw")
    at.run()
    assert not at.exception
    shown = _texts(at)
    assert "not available right now" in shown
    assert "private-folder" not in shown and "duckdb" not in shown
    assert not at.error
    # Streamlit lists a pages/ folder's files in its own sidebar unless the app navigates
    assert "import_log" not in shown and "overview" not in shown.lower()
    st.cache_resource.clear()


def test_app_locked_store_tells_the_owner_why(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import streamlit as st

    from analytics import store as store_module

    monkeypatch.setenv("BACKLINE_DB", str(tmp_path / "x.duckdb"))
    monkeypatch.delenv("BACKLINE_OWNER_PASSWORD", raising=False)
    monkeypatch.setattr(store_module.Store, "__init__", lambda self, *a, **k: (_ for _ in ()).throw(
        store_module.StoreInUseError("The store x.duckdb is in use by another process.")))
    st.cache_resource.clear()
    at = _app().run()
    assert [e.value for e in at.error] == ["The store x.duckdb is in use by another process."]
    st.cache_resource.clear()


def test_app_judges_this_week_at_today(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A log that stopped on Mon 17 Feb 2025, seen on Mon 30 Nov 2026 (93 weeks on)."""
    from analytics_helpers import add_sets, sets_of

    import ui as ui_module

    db = tmp_path / "stale.duckdb"
    monkeypatch.setenv("BACKLINE_DB", str(db))
    monkeypatch.delenv("BACKLINE_OWNER_PASSWORD", raising=False)
    monkeypatch.setattr(ui_module, "today", lambda: date(2026, 11, 30))
    with Store(db) as store:
        athlete = store.athlete_id("Old Log", create=True)
        rows = []
        for week in range(3):  # Mon + Thu for three weeks, the last Monday 17 Feb 2025
            for offset in (0, 3):
                day = date(2025, 2, 3) + timedelta(days=7 * week + offset)
                if day <= date(2025, 2, 17):
                    rows += sets_of(f"{day} 18:00", "Hip Thrust", 100, [5, 5])
        add_sets(store, athlete, rows)
        store.set_setting("sample_deleted", "1")
    at = _app().run()
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "No session logged since Mon 17 Feb 2025 (93 weeks ago)" in warning
    this_week = next(m for m in at.metric if m.label == "This week")
    assert this_week.value == "0 of 2-3"
    streak = next(m for m in at.metric if m.label == "Weekly streak")
    assert streak.value == "0 wk"
    shown = _texts(at)
    assert "Fit in" not in shown  # no advice for a week long gone
    at.switch_page("pages/coach.py").run()
    row = at.dataframe[0].value.iloc[0]
    assert row["This week"] == "0 of 2-3"
    assert row["Data up to"] == "Mon 17 Feb 2025, 93 weeks ago"
    assert "on track" not in row["Milestones"]
