"""The owner's sign-in: remembered sessions the owner can revoke, and a limit on guessing.

With ``BACKLINE_OWNER_PASSWORD`` set, the owner pages sit behind a password. A correct
password starts an **owner session**: a random token (``secrets.token_urlsafe(32)``) that
the browser keeps in an HttpOnly cookie (:data:`COOKIE_NAME`, see ``server.py``) for
``BACKLINE_OWNER_SESSION_DAYS`` days (30 by default), so a reload or a new tab does not ask
again. The store keeps only the token's SHA-256 with its expiry, as it does for share links:
a copy of the database holds no usable session, and :func:`revoke_sessions` ("Sign out
everywhere" on the Share page) ends every session at once.

Why a server-side session rather than a signed cookie (``itsdangerous``): a signed cookie
stays valid until it expires unless the server keeps state to refuse it, and keeping that
state is all a stored session is — the token machinery already exists for share links.

**Guessing is limited across sessions.** :class:`AttemptLimiter` is process-wide (every
browser session and the sign-in route share one), counts failed passwords in a sliding
window and refuses every attempt — right or wrong — for the rest of the window once
:data:`MAX_FAILURES` have failed, so parallel sessions cannot multiply the rate. Every
attempt is logged on the ``backline.auth`` logger with the client address.

No Streamlit here: ``server.py`` (the HTTP sign-in) and ``app.py`` (the in-page fallback)
both call these functions.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta

from .sharing import utcnow
from .store import Store

COOKIE_NAME = "backline_owner"
DEFAULT_SESSION_DAYS = 30
MAX_FAILURES = 5
"""Failed passwords allowed per :data:`WINDOW_S`, from all sessions together."""
WINDOW_S = 15 * 60
SIGN_IN_PATH = "/backline-auth/sign-in"
"""Where ``server.py`` serves the sign-in form (and takes its POST)."""
SIGN_OUT_PATH = "/backline-auth/sign-out"

log = logging.getLogger("backline.auth")

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")

_cookie_signin = False


def enable_cookie_signin() -> None:
    """Called by ``server.py``: the HTTP sign-in route exists in this process."""
    global _cookie_signin
    _cookie_signin = True


def cookie_signin_enabled() -> bool:
    """Whether the dashboard runs behind ``server.py`` (remembered sign-in available)."""
    return _cookie_signin


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(store: Store, days: int = DEFAULT_SESSION_DAYS,
                  now: datetime | None = None) -> str:
    """A new owner session valid for ``days``; returns the token (the cookie's value)."""
    created = now or utcnow()
    token = secrets.token_urlsafe(32)
    store.add_owner_session(_hash(token), created, created + timedelta(days=days))
    return token


def session_valid(store: Store, token: str | None, now: datetime | None = None) -> bool:
    """Whether ``token`` is a stored, unexpired, unrevoked owner session."""
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return False
    wanted = _hash(token)
    found = store.owner_session_hash(wanted, now or utcnow())
    return bool(found) and hmac.compare_digest(str(found), wanted)


def end_session(store: Store, token: str | None, now: datetime | None = None) -> None:
    """Revoke one session (signing out in this browser)."""
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return
    store.end_owner_session(_hash(token), now or utcnow())


def revoke_sessions(store: Store, now: datetime | None = None) -> int:
    """End every owner session; returns how many were still valid."""
    return store.end_owner_sessions(now or utcnow())


def active_sessions(store: Store, now: datetime | None = None) -> int:
    """Owner sessions that would still let a browser in."""
    return store.live_owner_sessions(now or utcnow())


class AttemptLimiter:
    """Failed passwords in a sliding window, shared by every session of the process."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: deque[float] = deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        while self._failures and now - self._failures[0] >= self.window_s:
            self._failures.popleft()

    def wait_seconds(self) -> int:
        """0 when an attempt may be made now, else the seconds until one may."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if len(self._failures) < self.max_failures:
                return 0
            return max(1, int(self._failures[0] + self.window_s - now + 0.999))

    def attempt(self, given: str | None, expected: str | None, client: str = "?") -> str:
        """Check one password: ``"ok"``, ``"wrong"`` or ``"locked"`` (too many failures;
        the password was not even compared). Every outcome is logged."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if len(self._failures) >= self.max_failures:
                log.warning("owner sign-in refused (too many failures) from %s", client)
                return "locked"
            ok = bool(expected) and given is not None and hmac.compare_digest(
                given.encode("utf-8"), expected.encode("utf-8"))  # type: ignore[union-attr]
            if ok:
                log.info("owner sign-in from %s", client)
                return "ok"
            self._failures.append(now)
            log.warning("owner sign-in failed from %s (%d of %d in %d min)", client,
                        len(self._failures), self.max_failures, int(self.window_s // 60))
            return "wrong"


LIMITER = AttemptLimiter()
"""The process-wide limiter the sign-in route and the in-page form both use."""


def safe_next(target: str | None) -> str:
    """A same-site path to return to after sign-in (anything else becomes ``/``)."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ch < " " for ch in target):
        return "/"
    return target
