"""An error nobody caught: shown in Vietnamese, its traceback in the log, never lost."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from cdsdesk import errorlog
from cdsdesk.errors import ValidationError
from ui.error_hook import ErrorHook


@pytest.fixture
def log(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "data" / errorlog.LOG_NAME
    monkeypatch.setattr(errorlog, "error_log_path", lambda: path)
    return path


def raised(error: BaseException) -> tuple[type[BaseException], BaseException, Any]:
    try:
        raise error
    except BaseException:  # the point is to capture it
        kind, value, trace = sys.exc_info()
    assert kind is not None and value is not None
    return kind, value, trace


def test_an_unexpected_error_is_logged_and_said_in_one_line(
    qapp: Any, no_blocking_dialogs: list[Any], log: Path
) -> None:
    ErrorHook()(*raised(ZeroDivisionError("division by zero")))
    assert len(no_blocking_dialogs) == 1
    message = no_blocking_dialogs[0]
    assert "lỗi ngoài dự kiến (ZeroDivisionError)" in message
    assert str(log) in message and "Traceback" not in message
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError: division by zero" in text
    assert "test_error_hook.py" in text  # where it happened, for whoever fixes it


def test_a_known_error_is_shown_as_worded_and_not_logged(
    qapp: Any, no_blocking_dialogs: list[Any], log: Path
) -> None:
    ErrorHook()(*raised(ValidationError("Thời hạn không hợp lệ.")))
    assert no_blocking_dialogs == ["Thời hạn không hợp lệ."]
    assert not log.exists()


def test_the_hook_is_installed_and_removed(qapp: Any) -> None:
    before = sys.excepthook
    hook = ErrorHook()
    hook.install()
    try:
        assert sys.excepthook is hook
    finally:
        hook.uninstall()
    assert sys.excepthook is before


def test_the_command_line_logs_to_the_same_file(log: Path, tmp_path: Path) -> None:
    try:
        raise RuntimeError("hỏng")
    except RuntimeError:
        assert errorlog.log_unexpected() == log
    assert "RuntimeError: hỏng" in log.read_text(encoding="utf-8")
