"""Owner sign-in: remembered sessions, the limit on guessing, and the HTTP gate in server.py."""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from datetime import datetime, timedelta

import pytest

from analytics import owner_auth, sharing
from analytics.owner_auth import AttemptLimiter, safe_next
from analytics.store import Store

NOW = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def store(tmp_path) -> Store:  # type: ignore[no-untyped-def]
    with Store(tmp_path / "auth.duckdb") as opened:
        yield opened


def test_session_is_valid_until_it_expires(store: Store) -> None:
    token = owner_auth.start_session(store, days=30, now=NOW)
    assert len(token) == 43
    assert owner_auth.session_valid(store, token, now=NOW + timedelta(days=29, hours=23))
    assert not owner_auth.session_valid(store, token, now=NOW + timedelta(days=30))
    # only the hash is stored
    assert store.query_one("SELECT count(*) FROM owner_sessions WHERE token_hash = ?",
                           [token]) == 0


def test_unknown_or_malformed_tokens_are_refused(store: Store) -> None:
    token = owner_auth.start_session(store, now=NOW)
    for bad in (None, "", "short", token[:-1] + ("A" if token[-1] != "A" else "B"),
                "x" * 43 + "\n"):
        assert not owner_auth.session_valid(store, bad, now=NOW)


def test_sign_out_everywhere_ends_every_session(store: Store) -> None:
    first = owner_auth.start_session(store, now=NOW)
    second = owner_auth.start_session(store, now=NOW)
    assert owner_auth.active_sessions(store, now=NOW) == 2
    owner_auth.end_session(store, first, now=NOW)
    assert not owner_auth.session_valid(store, first, now=NOW)
    assert owner_auth.session_valid(store, second, now=NOW)
    assert owner_auth.revoke_sessions(store, now=NOW) == 1
    assert not owner_auth.session_valid(store, second, now=NOW)
    assert owner_auth.active_sessions(store, now=NOW) == 0


def test_a_remembered_session_skips_the_login(store: Store) -> None:
    assert sharing.session_access(store, {}, None, "pw").mode == "login"
    assert sharing.session_access(store, {}, None, "pw", owner_session=True).mode == "owner"
    # a share link stays a share session, signed in or not
    assert sharing.session_access(store, {}, "bad", "pw", owner_session=True).mode == "invalid"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_locks_after_five_failures_from_any_session(caplog) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    limiter = AttemptLimiter(max_failures=5, window_s=900, clock=clock)
    caplog.set_level(logging.INFO, logger="backline.auth")
    for i in range(5):  # five different "sessions" (clients) share one limiter
        assert limiter.attempt("guess", "secret", client=f"10.0.0.{i}") == "wrong"
        clock.now += 1
    # now even the right password is refused, without being compared
    assert limiter.attempt("secret", "secret", client="owner") == "locked"
    assert limiter.wait_seconds() == 900 - 5
    clock.now += 900 - 5  # the first failure leaves the window
    assert limiter.wait_seconds() == 0
    assert limiter.attempt("secret", "secret", client="owner") == "ok"
    messages = [r.getMessage() for r in caplog.records if r.name == "backline.auth"]
    assert sum("failed from 10.0.0." in m for m in messages) == 5
    assert any("refused (too many failures) from owner" in m for m in messages)
    assert any(m == "owner sign-in from owner" for m in messages)


def test_limiter_needs_a_configured_password() -> None:
    limiter = AttemptLimiter(clock=Clock())
    assert limiter.attempt("", None) == "wrong"
    assert limiter.attempt(None, "secret") == "wrong"


@pytest.mark.parametrize(("given", "expected"), [
    ("/share", "/share"),
    ("/strength?x=1", "/strength?x=1"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil", "/"),
    ("", "/"),
    (None, "/"),
    ("/a\r\nSet-Cookie: x", "/"),
])
def test_safe_next_stays_on_this_site(given: str | None, expected: str) -> None:
    assert safe_next(given) == expected


# -- the HTTP gate (server.py), driven as raw ASGI ----------------------------------------


def _request(asgi, path: str, headers: list[tuple[bytes, bytes]], query: str = ""):  # type: ignore[no-untyped-def]
    """One GET through ``asgi``: (status, headers, body)."""
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "headers": headers, "scheme": "http",
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 5000), "root_path": ""}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    # in a thread of its own: a browser test earlier in the session may have left this
    # thread inside a running event loop (Playwright's sync API)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asgi(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict((k.decode(), v.decode()) for k, v in start["headers"]), body


def _call(asgi, path: str, query: str = "", accept: str = "text/html", cookie: str = ""):  # type: ignore[no-untyped-def]
    headers = [(b"accept", accept.encode()), (b"host", b"127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    status, sent_headers, _ = _request(asgi, path, headers, query)
    return status, sent_headers


@pytest.fixture
def gate(store: Store, monkeypatch):  # type: ignore[no-untyped-def]
    """server.OwnerGate around an app that answers 200, with the store above."""
    import server

    monkeypatch.setattr(server, "_store", lambda: store)
    monkeypatch.setenv("BACKLINE_OWNER_PASSWORD", "pw")

    async def page(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"page"})

    yield server.OwnerGate(page)
    owner_auth._cookie_signin = False  # importing server turned it on for this process


def test_gate_sends_a_deep_link_to_the_sign_in_form(gate) -> None:  # type: ignore[no-untyped-def]
    status, headers = _call(gate, "/share")
    assert status == 303
    assert headers["location"] == f"{owner_auth.SIGN_IN_PATH}?next=%2Fshare"
    status, headers = _call(gate, "/strength", query="unit=kg")
    assert headers["location"].endswith("next=%2Fstrength%3Funit%3Dkg")


def test_gate_lets_through_sessions_links_and_assets(gate, store: Store) -> None:  # type: ignore[no-untyped-def]
    token = owner_auth.start_session(store)
    assert _call(gate, "/share", cookie=f"{owner_auth.COOKIE_NAME}={token}")[0] == 200
    assert _call(gate, "/strength", query="share=whatever")[0] == 200
    assert _call(gate, "/_stcore/health")[0] == 200
    assert _call(gate, "/static/js/main.js", accept="*/*")[0] == 200
    owner_auth.revoke_sessions(store)
    assert _call(gate, "/share", cookie=f"{owner_auth.COOKIE_NAME}={token}")[0] == 303


def test_gate_is_off_without_a_password(gate, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("BACKLINE_OWNER_PASSWORD")
    assert _call(gate, "/share")[0] == 200


# -- compressed assets (server.py) ---------------------------------------------------------


def _body(asgi, path: str, encoding: str = "gzip"):  # type: ignore[no-untyped-def]
    return _request(asgi, path, [(b"accept-encoding", encoding.encode()),
                                 (b"host", b"127.0.0.1")])


def test_streamlits_bundles_are_served_compressed() -> None:
    import gzip

    import server

    async def passthrough(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"streamlit"})

    assets = server.CompressedAssets(passthrough)
    owner_auth._cookie_signin = False  # importing server turned it on for this process
    (bundle,) = server._chart_bundles()
    status, headers, body = _body(assets, bundle)
    original = (server._STATIC_ROOT / bundle.lstrip("/")).read_bytes()
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == original and len(body) < len(original) / 2
    assert "immutable" in headers["cache-control"]
    # no gzip asked, a path outside the bundles, a traversal: all left to Streamlit
    assert _body(assets, bundle, encoding="identity")[0] == 299
    assert _body(assets, "/static/js/missing.js")[0] == 299
    assert _body(assets, "/static/../../config.py")[0] == 299
    assert _body(assets, "/static/js/..%2f..%2fconfig.js")[0] == 299
    assert _body(assets, "/static/../../../../../etc/hostname.js")[0] == 299  # outside
