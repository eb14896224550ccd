"""What the tests share: the repository's paths and a fresh store file per test.

``pyproject.toml`` puts the repository root on ``sys.path`` (``pythonpath = ["."]``), so
``import ui`` and ``from tests... import`` work the same under plain ``pytest`` and
``python -m pytest``, as ``app.py``'s own folder is on the path when Streamlit runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
DATA = ROOT / "tests" / "data"
EXPORTS = DATA / "exports"
BAD = DATA / "bad"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store file that does not exist yet, also named by ``BACKLINE_DB`` (the app opens it)."""
    path = tmp_path / "backline.duckdb"
    monkeypatch.setenv("BACKLINE_DB", str(path))
    return path
