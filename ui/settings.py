"""The window's own settings (per PC, per user), declared once with typed defaults.

The register's settings (agency name, signer…) live in the register itself;
these are about this window: its layout, columns, filters and text size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T

    def read(self, store: QSettings) -> T:
        value = store.value(self.key, self.default)
        if value is None:
            return self.default
        kind = type(self.default)
        try:
            if kind is bool and isinstance(value, str):
                return cast(T, value.lower() in ("true", "1"))
            if kind is list:
                if isinstance(value, str):
                    return cast(T, [value] if value else [])
                return cast(T, list(value))  # type: ignore[call-overload]
            if kind is QByteArray:
                return cast(T, value if isinstance(value, QByteArray) else QByteArray())
            return cast(T, kind(value))  # type: ignore[call-arg]
        except (TypeError, ValueError):
            return self.default

    def write(self, store: QSettings, value: T) -> None:
        store.setValue(self.key, value)


GEOMETRY = Setting("window/geometry", QByteArray())
WINDOW_STATE = Setting("window/state", QByteArray())
SPLITTER = Setting("window/splitter", QByteArray())
TABLE_HEADER = Setting("table/header", QByteArray())
HIDDEN_COLUMNS = Setting[list[str]]("table/hiddenColumns", [])
FONT_POINT_SIZE = Setting("view/fontPointSize", 0.0)  # 0: the system's size
FILTER_STATUS = Setting("filter/status", "")
FILTER_GROUP = Setting("filter/group", "")
FILTER_DOCUMENT = Setting("filter/document", 0)
FILTER_QUARTER = Setting("filter/quarter", "")
FILTER_SEARCH = Setting("filter/search", "")
LAST_REGISTER = Setting("register/last", "")
