"""Read-only share links: one athlete, an expiry, revocation, view counts.

A link is ``BASE_URL/?share=TOKEN``. The token is ``secrets.token_urlsafe(32)`` (256 random
bits, 43 URL-safe characters) and is shown to the owner exactly once; the store keeps only
its SHA-256 (hex), so a copy of the database file does not contain a usable link. A token
is looked up by its hash, and the stored hash is compared with :func:`hmac.compare_digest`.

Every way a link can fail — malformed, unknown, expired, revoked, athlete deleted — gives
the same answer (``None``), so a visitor learns nothing about which links or athletes
exist. The scope of a valid link comes only from the stored row.

Times are stored as naive UTC timestamps. No Streamlit here: the dashboard and the CLI
both call these functions.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pandas as pd

from .errors import BacklineError
from .store import Store

TOKEN_BYTES = 32
"""Random bytes per token; ``token_urlsafe(32)`` gives 43 characters."""

EXPIRY_CHOICES: dict[str, int | None] = {
    "7 days": 7,
    "30 days": 30,
    "90 days": 90,
    "Never": None,
}
"""Expiry options offered to the owner, label -> days (None = never expires)."""

DEFAULT_DAYS = 30

INVALID_MESSAGE = "This link is not valid. Ask the athlete for a new one."
"""The one message every unusable link gets (invalid, expired, revoked alike)."""

SHARE_PARAM = "share"
"""Query parameter carrying the token."""

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
_HASH_PREFIX_MIN = 6


class SharingError(BacklineError):
    """A share-link request the owner should read (unknown or ambiguous link id...)."""


@dataclass(frozen=True)
class ShareScope:
    """What a valid link grants: one athlete, read-only."""

    athlete_id: int
    athlete_name: str
    label: str | None
    expires_at: datetime | None
    token_hash: str
    unit: str | None = None
    formula: str | None = None


def utcnow() -> datetime:
    """Now as a naive UTC timestamp (how share times are stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _naive_utc(value: datetime | None) -> datetime:
    if value is None:
        return utcnow()
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def new_token() -> str:
    """A fresh random token (URL-safe base64, 43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """SHA-256 of the token as 64 lowercase hex characters: the only thing stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def link_path(token: str) -> str:
    """The link relative to the app root: ``/?share=TOKEN``."""
    return f"/?{SHARE_PARAM}={token}"


def link_url(token: str, base_url: str | None) -> str:
    """The full link: ``BASE_URL/?share=TOKEN`` (the path alone when no base is known)."""
    base = (base_url or "").strip().rstrip("/")
    return f"{base}{link_path(token)}"


def create_link(
    store: Store,
    athlete_id: int,
    label: str | None = None,
    days: int | None = DEFAULT_DAYS,
    now: datetime | None = None,
    *,
    unit: str | None = None,
    formula: str | None = None,
) -> tuple[str, str]:
    """Create a read-only link for one athlete; returns ``(token, url_path)``.

    ``days`` None means the link never expires; a negative ``days`` makes a link that is
    already expired (tests use it). ``unit`` / ``formula`` are the owner's display settings
    the coach will see (None: the athlete's unit, the default formula). The token itself
    is never stored: keep it now or make a new link.
    """
    if unit not in (None, "kg", "lb"):
        raise SharingError(f"unit must be 'kg' or 'lb', not {unit!r}")
    if store.athlete_name(athlete_id) is None:
        raise SharingError(f"No athlete with id {athlete_id}.")
    created = _naive_utc(now)
    expires = None if days is None else created + timedelta(days=days)
    label = (label or "").strip() or None
    token = new_token()
    store.add_share_link(hash_token(token), athlete_id, label=label, created_at=created,
                         expires_at=expires, unit=unit, formula=formula)
    return token, link_path(token)


def list_links(
    store: Store, athlete_id: int | None = None, now: datetime | None = None
) -> pd.DataFrame:
    """Links (newest first) with a short id (hash prefix), athlete, status and use.

    Columns: link_id, athlete_id, athlete, label, created_at, expires_at, revoked_at,
    last_viewed_at, view_count, status (active | expired | revoked), unit, formula,
    token_hash.
    """
    return store.share_links(_naive_utc(now), athlete_id)


def revoke(store: Store, token_hash_or_prefix: str, now: datetime | None = None) -> str:
    """Revoke one link by its hash, a unique hash prefix (>= 6 chars) or its token.

    Returns the full token hash. Revoking twice keeps the first revocation time.
    """
    key = (token_hash_or_prefix or "").strip()
    candidates: list[str] = []
    if len(key) >= _HASH_PREFIX_MIN and re.fullmatch(r"[0-9a-f]{1,64}", key):
        candidates = store.share_link_hashes(key)
    if not candidates and _TOKEN_RE.match(key):
        hashed = hash_token(key)
        if store.share_link_hashes(hashed):
            candidates = [hashed]
    if not candidates:
        raise SharingError(f"No share link matches {key!r}.")
    if len(candidates) > 1:
        raise SharingError(
            f"{len(candidates)} share links start with {key!r}; give more characters."
        )
    token_hash = candidates[0]
    store.revoke_share_link(token_hash, _naive_utc(now))
    return token_hash


def resolve(
    store: Store, token: str | None, now: datetime | None = None, count_view: bool = True
) -> ShareScope | None:
    """The scope a token grants, or None for any unusable token (one answer for all).

    With ``count_view`` the link's ``last_viewed_at`` and ``view_count`` are updated; the
    dashboard passes it once per browser session.
    """
    if not token or not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    wanted = hash_token(token)
    when = _naive_utc(now)
    link = store.share_link(wanted, when)
    if link is None:
        return None
    stored_hash, athlete_id = str(link["token_hash"]), int(link["athlete_id"])
    if not hmac.compare_digest(stored_hash.encode("ascii"), wanted.encode("ascii")):
        return None
    if link["status"] != "active":
        return None
    if count_view and not store.read_only:
        record_view(store, stored_hash, now=when)
    return ShareScope(
        athlete_id=athlete_id,
        athlete_name=str(link["athlete"]),
        label=link["label"],
        expires_at=link["expires_at"],
        token_hash=stored_hash,
        unit=link["unit"] or store.display_unit(athlete_id),
        formula=link["formula"],
    )


def record_view(store: Store, token_hash: str, now: datetime | None = None) -> None:
    """Count one use of a link and remember when it happened (no metric changes)."""
    store.record_share_view(token_hash, _naive_utc(now))


def check_password(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison of an entered owner password with the configured one."""
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


# -- one browser session -------------------------------------------------------------------
# The dashboard passes ``st.session_state`` (any mutable mapping works, so this is tested
# without Streamlit) and the ``share`` query parameter.

SESSION_TOKEN_KEY = "_backline_share_token"
SESSION_COUNTED_KEY = "_backline_share_counted"
OWNER_OK_KEY = "_backline_owner_ok"


@dataclass(frozen=True)
class Access:
    """What one script run may show.

    ``mode``: ``"owner"`` (everything), ``"shared"`` (``scope`` only, read-only),
    ``"invalid"`` (the neutral message, nothing else) or ``"login"`` (the owner password
    form, nothing else). ``token`` is the share token to keep in the URL.
    """

    mode: Literal["owner", "shared", "invalid", "login"]
    scope: ShareScope | None = None
    token: str | None = None


def session_access(
    store: Store,
    state: MutableMapping[str, Any],
    query_token: str | None,
    password: str | None,
    now: datetime | None = None,
    *,
    owner_session: bool = False,
) -> Access:
    """Decide, for one run of one browser session, who is looking.

    A session that arrives with ``?share=`` (any value) becomes a share session for its
    lifetime: it keeps the token in ``state``, later URL parameters cannot change its
    scope, and it never falls back to the owner's view — an unusable token shows the
    neutral message only. The token is re-checked on every run (a revocation or expiry
    takes effect on the next click) but counted as a view once per session. Otherwise
    the session is the owner's, behind ``password`` when one is configured: a valid
    remembered sign-in (``owner_session``, see :mod:`analytics.owner_auth`) or a sign-in
    earlier in this session lets it in.
    """
    token = state.get(SESSION_TOKEN_KEY)
    if token is None and query_token is not None:
        token = str(query_token)
        state[SESSION_TOKEN_KEY] = token
    if token is not None:
        counted = bool(state.get(SESSION_COUNTED_KEY))
        scope = resolve(store, token, now=now, count_view=not counted)
        if scope is None:
            return Access("invalid")
        state[SESSION_COUNTED_KEY] = True
        return Access("shared", scope, token)
    if password and not (owner_session or state.get(OWNER_OK_KEY)):
        return Access("login")
    return Access("owner")


def mark_owner(state: MutableMapping[str, Any]) -> None:
    """Remember for this browser session that the owner signed in."""
    state[OWNER_OK_KEY] = True
