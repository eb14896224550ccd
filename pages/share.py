"""Share page (owner only): read-only links for a coach — create, list, revoke.

A new link is shown once, with a copy button: Backline keeps only its SHA-256, so it cannot
show the link again later. The link carries the picked athlete's own unit, and the
sidebar's e1RM formula when the sidebar shows that athlete (else Epley). Revoking asks
first. With an owner password, "Sign out everywhere" ends every remembered sign-in.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from analytics import config, owner_auth, sharing
from analytics.filters import formula_label

NEW_LINK_KEY = "_backline_new_share_link"
SHARE_URL_PATH = "share"


def request_base_url() -> str | None:
    """The app's root URL as the browser reached it (this page's path removed)."""
    url = st.context.url
    if not url:
        return None
    url = url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    suffix = "/" + SHARE_URL_PATH
    return url[: -len(suffix)] if url.endswith(suffix) else url


def _is_local(url: str | None) -> bool:
    host = (url or "").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return host in ("", "localhost", "127.0.0.1", "0.0.0.0", "[::1]")


def _when(value: object, empty: str = "-") -> str:
    if value is None or pd.isna(value):
        return empty
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


store = ui.get_store()
frame = ui.require_athletes(store, "There is no athlete to share yet: import a workout log first.")

ids = [int(v) for v in frame["athlete_id"]]
names = dict(zip(ids, frame["name"].astype(str), strict=True))
flt = ui.current_filters()
current = flt.athlete_id if flt is not None and flt.athlete_id in ids else ids[0]

# -- create --------------------------------------------------------------------------------
st.subheader("New link")
# outside the form, so the unit shown (and stored) is the picked athlete's own
athlete_id = int(st.selectbox(
    "Athlete", ids, index=ids.index(current), format_func=lambda i: names[i],
    key="share-athlete",
))
# the picked athlete's unit; the formula is the sidebar's only when it shows that athlete
unit = ui.athlete_unit(store, athlete_id)
formula = flt.formula if flt is not None and flt.athlete_id == athlete_id else "epley"
with st.form("create-share-link", clear_on_submit=True, border=True):
    label = st.text_input(
        "Label", max_chars=80, placeholder="e.g. Coach Sam",
        help="Who the link is for; only you see it, in the list below.",
    )
    expiry = st.radio(
        "Expires after", list(sharing.EXPIRY_CHOICES), horizontal=True,
        index=list(sharing.EXPIRY_CHOICES).index("30 days"),
    )
    st.caption(
        f"The coach sees weights in {unit} ({ui.escape_md(names[athlete_id])}'s unit) and "
        f"e1RM by {formula_label(formula)}."
    )
    created = st.form_submit_button("Create link", type="primary", icon=":material/link:")

if created:
    token, path = sharing.create_link(
        store, int(athlete_id), label, sharing.EXPIRY_CHOICES[expiry],
        unit=unit, formula=formula,
    )
    ui.clear_caches()
    st.session_state[NEW_LINK_KEY] = {
        "token": token, "athlete": names[int(athlete_id)], "label": label.strip(),
        "expiry": expiry, "unit": unit,
    }

new_link = st.session_state.get(NEW_LINK_KEY)
if new_link:
    base = config.base_url() or request_base_url()
    url = sharing.link_url(new_link["token"], base)
    expires = (
        "never expires" if new_link["expiry"] == "Never" else f"expires after {new_link['expiry']}"
    )
    with st.container(border=True):
        st.success(
            f"Link for **{ui.escape_md(new_link['athlete'])}** created ({expires}, weights "
            f"in {new_link['unit']}). "
            "Copy it now: Backline keeps only a fingerprint of it and cannot show it again.",
            icon=":material/check_circle:",
        )
        st.code(url, language=None, wrap_lines=True)
        if not config.base_url() and _is_local(base):
            st.warning(
                "This address only works on this computer. A coach can open the link only "
                "when Backline runs where they can reach it — see *Sharing with a coach* in "
                "the README (`backline serve --address 0.0.0.0`, `BACKLINE_BASE_URL`, "
                "`BACKLINE_OWNER_PASSWORD`, HTTPS through a reverse proxy).",
                icon=":material/public_off:",
            )
        if st.button("Done, hide the link", key="hide-new-link"):
            st.session_state.pop(NEW_LINK_KEY, None)
            st.rerun()

# -- list and revoke -------------------------------------------------------------------------
st.subheader("Links")
links = sharing.list_links(store)
if links.empty:
    st.caption("No links yet.")
    st.stop()

table = pd.DataFrame(
    {
        # key columns first: a phone shows the first two or three
        "Label": links["label"].fillna(""),
        "Status": links["status"],
        "Athlete": links["athlete"],
        "Expires": links["expires_at"].map(lambda v: _when(v, "never")),
        "Last viewed": links["last_viewed_at"].map(lambda v: _when(v, "never")),
        "Views": links["view_count"].astype("int64"),
        "Created": links["created_at"].map(_when),
        "Id": links["link_id"],
    }
)
if frame.shape[0] == 1:
    table = table.drop(columns=["Athlete"])
ui.table(table, width="stretch", key="share-links-table")

active = links[links["status"] == "active"]
if active.empty:
    st.caption("No active links.")
else:
    st.markdown("**Revoke a link** — the coach sees a neutral message from their next click.")
    for row in active.itertuples():
        with st.container(border=True, key=f"link-{row.link_id}"):
            left, right = st.columns([5, 1], vertical_alignment="center")
            label_text = ui.escape_md(row.label) if isinstance(row.label, str) else "(no label)"
            left.markdown(
                f"**{label_text}** · {ui.escape_md(row.athlete)} · created "
                f"{_when(row.created_at)} · expires {_when(row.expires_at, 'never')} · "
                f"{int(row.view_count)} view{'' if int(row.view_count) == 1 else 's'} · "
                f"`{row.link_id}`"
            )
            if right.button("Revoke", key=f"revoke-{row.link_id}", icon=":material/link_off:"):
                ui.ask_confirmation(("revoke", row.token_hash))
            if ui.confirmed(("revoke", row.token_hash),
                       "Revoke this link? Whoever holds it sees a neutral message from their "
                       "next click. This cannot be undone.", "Revoke link", row.link_id):
                sharing.revoke(store, row.token_hash)
                ui.clear_caches()
                st.toast("Link revoked.", icon=":material/link_off:")
                st.rerun()

# -- owner sign-in -------------------------------------------------------------------------
if config.owner_password():
    st.subheader("Your sign-in")
    signed = owner_auth.active_sessions(store)
    st.caption(
        f"{signed} browser{'' if signed == 1 else 's'} signed in as the owner (a sign-in is "
        f"remembered for {config.owner_session_days()} days). Sign out everywhere if a "
        "device was lost or the password was shared."
    )
    if st.button("Sign out everywhere", icon=":material/logout:", key="sign-out-all"):
        ui.ask_confirmation(("sign-out",))
    if ui.confirmed(("sign-out",), "Every browser signed in as the owner, this one included, "
               "must enter the password again.", "Sign out everywhere", "sign-out"):
        owner_auth.revoke_sessions(store)
        st.rerun()
