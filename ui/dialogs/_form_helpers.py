"""Small pieces shared by the two tabs of the task editor (task_editor.py, task_progress.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from cdsdesk.domain.enums import DeadlineKind
from cdsdesk.textvi import format_date
from ui.widgets.date_field import DateField

ERROR_STYLE = "color: #c62828;"
DATED = (DeadlineKind.DATE, DeadlineKind.PERIOD)


def day_text(value: date | None) -> str:
    """``dd/mm/yyyy``, or nothing for no date."""
    return format_date(value) if value else ""


def date_field(name: str, **kwargs: Any) -> DateField:
    field = DateField(**kwargs)
    field.setObjectName(name)
    return field


def error_label(name: str) -> QLabel:
    label = QLabel(objectName=name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
