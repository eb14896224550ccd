"""The dashboard's web server: ``streamlit run server.py`` (what ``backline serve`` runs).

``st.App`` serves ``app.py`` as ``streamlit run app.py`` would, plus the owner's HTTP
sign-in, which a Streamlit script cannot do itself: only an HTTP response can set an
HttpOnly cookie (``st.context.cookies`` only reads). With ``BACKLINE_OWNER_PASSWORD`` set:

* a browser asking for a dashboard page without a valid owner session (and without a
  ``?share=`` link) is sent to :data:`~analytics.owner_auth.SIGN_IN_PATH` with the page it
  asked for, so a deep link such as ``/share`` shows only the sign-in form, then that page;
* the form's POST checks the password through the process-wide
  :data:`~analytics.owner_auth.LIMITER` (logged, limited across sessions) and sets the
  session cookie: HttpOnly, SameSite=Lax, ``Secure`` over HTTPS, for
  ``BACKLINE_OWNER_SESSION_DAYS`` days;
* ``app.py`` checks the same cookie on every script run, so a revoked session ends at the
  next click.

Without a password nothing here changes a request.
"""

from __future__ import annotations

import contextlib
import gzip
import html
import re
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from analytics import config, owner_auth

owner_auth.enable_cookie_signin()

# Requests that are never a page a person opens: Streamlit's API, assets, our own route.
_PASS_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/backline-auth/",
                  "/favicon", "/manifest", "/robots")


def _store():  # type: ignore[no-untyped-def]
    """The dashboard's store. ``ui`` is imported here, once the runtime exists: imported
    with this module, its caches would be declared before it and Streamlit warns."""
    import ui

    return ui.get_store()


def _note_activity() -> None:
    """A browser is loading the app: the background prefetch (:func:`ui.prefetch`) waits."""
    import ui

    ui.note_activity()


def _client(request: Request) -> str:
    """Who tried, for the log: the proxy's forwarded address, else the connection's."""
    forwarded = request.headers.get("x-forwarded-for")
    return forwarded or (request.client.host if request.client else "?")


def _signed_in(cookie: str | None) -> bool:
    try:
        return owner_auth.session_valid(_store(), cookie)
    except Exception:  # a locked or broken store signs nobody in
        return False


class OwnerGate:
    """ASGI middleware: page requests without an owner session go to the sign-in form."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http" or scope.get("method") != "GET" or not config.owner_password():
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = request.url.path
        wants_page = "text/html" in request.headers.get("accept", "")
        if (not wants_page or path.startswith(_PASS_PREFIXES) or "share" in request.query_params
                or await run_in_threadpool(_signed_in,
                                           request.cookies.get(owner_auth.COOKIE_NAME))):
            await self.app(scope, receive, send)
            return
        target = path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(
            f"{owner_auth.SIGN_IN_PATH}?next={quote(target, safe='')}", status_code=303)
        await response(scope, receive, send)


_FORM = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Backline — sign in</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; background: #fafafa; color: #262730; }}
main {{ max-width: 22rem; margin: 12vh auto; padding: 1.5rem; }}
h1 {{ font-size: 1.8rem; margin: 0 0 1rem; }}
label {{ display: block; font-size: .9rem; margin-bottom: .3rem; }}
input {{ width: 100%; box-sizing: border-box; font-size: 1rem; padding: .55rem;
         border: 1px solid #ccc; border-radius: .4rem; }}
button {{ margin-top: 1rem; font-size: 1rem; padding: .5rem 1.2rem; border: 0;
          border-radius: .4rem; background: #b4532a; color: white; cursor: pointer; }}
.error {{ background: #fde8e8; color: #8a1c1c; padding: .6rem .8rem; border-radius: .4rem;
          margin-bottom: 1rem; }}
</style></head>
<body><main>
<h1>Backline</h1>
{message}
<form method="post" action="{action}">
<input type="hidden" name="next" value="{next}">
<label for="password">Owner password</label>
<input id="password" name="password" type="password" autocomplete="current-password"
       autofocus required>
<button type="submit">Sign in</button>
</form>
</main></body></html>
"""


def _form(next_path: str, message: str = "", status: int = 200) -> HTMLResponse:
    box = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    return HTMLResponse(
        _FORM.format(message=box, action=owner_auth.SIGN_IN_PATH,
                     next=html.escape(next_path, quote=True)),
        status_code=status,
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"},
    )


def _wait_message(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return (f"Too many wrong passwords. Try again in {minutes} minute"
            f"{'' if minutes == 1 else 's'}.")


async def sign_in(request: Request) -> Response:
    """GET: the form. POST: check the password, start a session, go where asked."""
    if request.method == "GET":
        next_path = owner_auth.safe_next(request.query_params.get("next"))
        wait = owner_auth.LIMITER.wait_seconds()
        return _form(next_path, _wait_message(wait) if wait else "")
    fields = parse_qs((await request.body()).decode("utf-8", "replace"))
    next_path = owner_auth.safe_next((fields.get("next") or ["/"])[0])
    given = (fields.get("password") or [""])[0]
    outcome = owner_auth.LIMITER.attempt(given, config.owner_password(), _client(request))
    if outcome == "locked":
        return _form(next_path, _wait_message(owner_auth.LIMITER.wait_seconds()), 429)
    if outcome == "wrong":
        return _form(next_path, "Wrong password.", 401)
    days = config.owner_session_days()
    token = await run_in_threadpool(owner_auth.start_session, _store(), days)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(owner_auth.COOKIE_NAME, token, max_age=days * 86400, path="/",
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response


async def sign_out(request: Request) -> Response:
    """End this browser's session and forget the cookie."""
    token = request.cookies.get(owner_auth.COOKIE_NAME)
    await run_in_threadpool(owner_auth.end_session, _store(), token)
    response = RedirectResponse(owner_auth.SIGN_IN_PATH, status_code=303)
    response.delete_cookie(owner_auth.COOKIE_NAME, path="/")
    return response


def _same_origin(request: Request) -> bool:
    """A sign-out POST must come from our own page (no cross-site sign-out)."""
    origin = request.headers.get("origin") or request.headers.get("referer") or ""
    return not origin or urlsplit(origin).netloc == request.url.netloc


async def _sign_out_checked(request: Request) -> Response:
    if not _same_origin(request):
        return Response("Cross-site request refused.", status_code=403)
    return await sign_out(request)


_STATIC_ROOT = (Path(st.__file__).parent / "static").resolve()
_ASSET_RE = re.compile(r"^/static/(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]+\.(js|css)$")
_ASSET_TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}


class CompressedAssets:
    """ASGI middleware: Streamlit's JS and CSS bundles gzip-compressed, from memory.

    Streamlit sends its bundles uncompressed (its gzip middleware skips static files, to
    spare the CPU of compressing them per request); the chart bundle alone is 4.7 MB, the
    largest part of a newcomer's first page load, and on a phone's connection the biggest
    cost by far. Here each file is compressed once (level 6: 4.7 MB to about 1.4 MB) and
    kept in memory; the file names carry a content hash, so browsers may cache them
    forever. Anything else, or a client that does not accept gzip, goes to Streamlit.
    Being the outermost middleware, it also tells the background prefetch of every HTTP
    request (:func:`ui.note_activity`).
    """

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self._compressed: dict[str, bytes | None] = {}
        self._lock = threading.Lock()

    def compressed(self, path: str) -> bytes | None:
        """The gzip bytes of the static file at URL ``path`` (None: not a static file)."""
        with self._lock:
            if path not in self._compressed:
                # URL /static/js/x.js is the file static/static/js/x.js of Streamlit's package
                file = (_STATIC_ROOT / path.lstrip("/")).resolve()
                inside = file.is_relative_to(_STATIC_ROOT) and file.is_file()
                self._compressed[path] = (gzip.compress(file.read_bytes(), compresslevel=6)
                                          if inside else None)
            return self._compressed[path]

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path:
            _note_activity()
        match = _ASSET_RE.match(path) if scope.get("method") in ("GET", "HEAD") else None
        if match is None or "gzip" not in Request(scope).headers.get("accept-encoding", ""):
            await self.app(scope, receive, send)
            return
        body = await run_in_threadpool(self.compressed, path)
        if body is None:
            await self.app(scope, receive, send)
            return
        response = Response(
            body if scope["method"] == "GET" else b"", media_type=_ASSET_TYPES[match.group(1)],
            headers={"Content-Encoding": "gzip", "Vary": "Accept-Encoding",
                     "Content-Length": str(len(body)),
                     "Cache-Control": "public, max-age=31536000, immutable"},
        )
        await response(scope, receive, send)


ASSETS: CompressedAssets | None = None


def _chart_bundles() -> list[str]:
    """URL paths of the plotly chart bundle(s): compressed ahead, at start-up."""
    return [f"/static/js/{f.name}"
            for f in (_STATIC_ROOT / "static" / "js").glob("PlotlyChart*.js")]


@asynccontextmanager
async def _lifespan(_app):  # type: ignore[no-untyped-def]
    """In the background at start-up: open the store (loading the sample athlete into an
    empty one), import what the pages use, compress the chart bundle and compute the
    landing page's data for the filters a new session opens with, so the first visitor
    waits for none of it (a newcomer's first chart: 3.9 s to 3.4 s, median of 5 fresh
    servers). Only the landing page's: computing every page's data here too made the
    first load and the Coach view 0.3-1 s slower, with the browser on the same two cores;
    the rest is prefetched once the visitor reads the page.
    """

    def warm() -> None:
        try:
            store = _store()
        except Exception:  # a locked store is reported on first visit
            store = None
        # what the first script run imports besides (0.3-0.5 s on a fresh process)
        import analytics.charts  # noqa: F401
        import analytics.html_report  # noqa: F401
        import app  # the router (importing it runs nothing)
        import ui

        if store is not None:
            with contextlib.suppress(Exception):  # the first visit computes it instead
                flt = ui.opening_filters(store)
                if flt is not None:  # the landing page's data only (see below)
                    ui.prefetch(store, flt, app.PAGES[app.DEFAULT_PAGE].data)
        for path in _chart_bundles():
            if ASSETS is not None:
                ASSETS.compressed(path)

    threading.Thread(target=warm, name="backline-warm-up", daemon=True).start()
    yield


class _AssetsMiddleware(CompressedAssets):
    """Registers itself as :data:`ASSETS` so the start-up warm-up fills its cache."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        super().__init__(app)
        global ASSETS
        ASSETS = self


app = st.App(
    "app.py",
    routes=[
        Route(owner_auth.SIGN_IN_PATH, sign_in, methods=["GET", "POST"]),
        Route(owner_auth.SIGN_OUT_PATH, _sign_out_checked, methods=["POST"]),
    ],
    middleware=[Middleware(_AssetsMiddleware), Middleware(OwnerGate)],
    lifespan=_lifespan,
)
