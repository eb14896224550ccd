"""Where Backline keeps its data and how it is reached, read from the environment.

Kept in one place so the CLI, the dashboard and the tests agree on the same defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB = Path.home() / ".local" / "share" / "backline" / "backline.duckdb"


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The DuckDB file to use: an explicit path, else ``BACKLINE_DB``, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("BACKLINE_DB")
    if env:
        return Path(env).expanduser()
    return DEFAULT_DB


def base_url() -> str | None:
    """Public base URL for share links (``BACKLINE_BASE_URL``), without a trailing slash."""
    url = os.environ.get("BACKLINE_BASE_URL", "").strip()
    return url.rstrip("/") or None


def owner_password() -> str | None:
    """Password protecting owner pages (``BACKLINE_OWNER_PASSWORD``); None when unset."""
    return os.environ.get("BACKLINE_OWNER_PASSWORD") or None


def owner_session_days() -> int:
    """How long a sign-in is remembered (``BACKLINE_OWNER_SESSION_DAYS``, default 30)."""
    raw = os.environ.get("BACKLINE_OWNER_SESSION_DAYS", "").strip()
    if not raw:
        return 30
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(
            f"BACKLINE_OWNER_SESSION_DAYS must be a whole number of days, not {raw!r}"
        ) from None
    if days < 1:
        raise ValueError(f"BACKLINE_OWNER_SESSION_DAYS must be at least 1, not {days}")
    return days


def prefetch() -> bool:
    """Whether the dashboard computes the next pages' data in the background while it is
    idle (``BACKLINE_PREFETCH``, default on; ``0`` turns it off, e.g. on a one-core host
    where any background work slows the page being drawn)."""
    return os.environ.get("BACKLINE_PREFETCH", "1").strip().lower() not in ("0", "false",
                                                                             "no", "off")
