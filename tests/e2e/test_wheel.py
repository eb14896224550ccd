"""A normal install works: the wheel, in a fresh virtualenv, run from another folder.

Builds the wheel from this checkout, installs it into a new venv (no editable install, no
repository on ``sys.path``), then, from an empty temporary folder: ``backline load-sample``,
``backline report --json``, and ``backline serve`` — checked with ``/_stcore/health`` and a
real Chromium that opens a page URL first (a fresh server's first request for a page) and
waits for its charts to be drawn.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.e2e.helpers import ROOT, streamlit_server, wait_for_charts, wait_for_title

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INSTALL_TIMEOUT = 900
LEFT_OUT = (".git", "build", "dist", "*.egg-info", ".venv", "__pycache__", "test-artifacts",
            ".data", ".pytest_cache", ".ruff_cache", "*.duckdb", "*.duckdb.wal")


def _run(command: list[str], cwd: Path, timeout: float = 300) -> str:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env={k: v for k, v in os.environ.items() if k != "BACKLINE_DB"})
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv holding only the wheel and its dependencies."""
    work = tmp_path_factory.mktemp("wheel")
    # Built from a copy: setuptools keeps a build/ folder in the source tree, whose stale
    # files would end up in the next wheel (and the checkout stays untouched).
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w",
          str(work / "dist"), str(source)], work, INSTALL_TIMEOUT)
    wheels = list((work / "dist").glob("backline-*.whl"))
    assert len(wheels) == 1, wheels
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    for needed in ("backline_dashboard/app.py", "backline_dashboard/ui.py",
                   "backline_dashboard/pages/overview.py",
                   "backline_dashboard/.streamlit/config.toml",
                   "analytics/sample_data/demo_athlete.csv",
                   "analytics/catalog/exercises.csv", "analytics/programs.toml"):
        assert needed in names, f"{needed} is missing from {wheels[0].name}"
    _run([sys.executable, "-m", "venv", str(work / "venv")], work)
    bin_dir = work / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet",
          "--disable-pip-version-check", str(wheels[0])], work, INSTALL_TIMEOUT)
    return bin_dir


def test_installed_package_runs_from_another_folder(installed: Path, tmp_path: Path) -> None:
    where = _run([str(installed / "python"), "-c",
                  "import analytics, importlib.util as u; print(analytics.__file__); "
                  "print(u.find_spec('backline_dashboard.app').origin)"], tmp_path)
    assert str(ROOT) not in where and str(installed.parent) in where, where

    db = tmp_path / "store.duckdb"
    out = _run([str(installed / "backline"), "load-sample", "--db", str(db)], tmp_path)
    assert "Loaded 1255 sets" in out
    report = json.loads(_run([str(installed / "backline"), "report", "--json", "--db",
                              str(db)], tmp_path))
    assert report["athlete"]["name"] == "Sample athlete"
    assert report["sessions"] > 30 and report["period"]["unit"] == "kg"


def test_installed_serve_answers_and_draws_a_chart(installed: Path, tmp_path: Path,
                                                   browser) -> None:  # type: ignore[no-untyped-def]
    serve = [str(installed / "backline"), "serve", "--address", "127.0.0.1"]
    with streamlit_server(tmp_path, serve=serve) as url:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            # The first request of a fresh server is a page URL, not the root.
            page.goto(f"{url}/strength")
            wait_for_title(page, "Strength", timeout_ms=60_000)
            wait_for_charts(page, 1, timeout_ms=60_000)
            assert "Page not found" not in page.inner_text("body")
        finally:
            page.close()
