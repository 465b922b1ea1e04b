"""Qt tests: offscreen, and no modal dialog may block a test run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def no_blocking_dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Record errors and refuse confirmations unless a test says otherwise."""
    shown: list[Any] = []
    monkeypatch.setattr("ui.dialogs.common.show_error", lambda _p, text, title=None: shown.append(text))
    monkeypatch.setattr("ui.dialogs.common.show_info", lambda _p, text, title=None: shown.append(text))
    monkeypatch.setattr("ui.dialogs.common.confirm", lambda _p, _t, _x: False)
    monkeypatch.setattr("ui.dialogs.common.exec_dialog", lambda dlg: 0)
    yield shown
