"""Choosing several units by typing part of a name, with or without diacritics.

A search box with a completion popup over every unit (a register holds a few
hundred at most, so matching runs in Python on each keystroke); the chosen
units are shown under it as removable chips, in the order they were chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCompleter,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.textvi import fold

if TYPE_CHECKING:
    from cdsdesk.services.units import UnitInfo

UNIT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
RETIRED = QColor("#757575")
_WORD_SPLIT = re.compile(r"[^0-9a-z]+")
_Index = QModelIndex | QPersistentModelIndex


def tr(text: str) -> str:
    return QCoreApplication.translate("UnitPicker", text)


@dataclass(frozen=True)
class UnitChoice:
    """One unit as the picker offers it, with its folded search texts."""

    unit: UnitInfo
    label: str  # shown in the popup: name, parent, retired mark
    chip: str  # shown on a chosen chip: the short name
    name: str  # folded full name
    haystack: tuple[str, ...]  # folded name, short name and initials


def _initials(folded: str) -> list[str]:
    words = [w for w in _WORD_SPLIT.split(folded) if w]
    return ["".join(w[0] for w in words), "".join(w[0] for w in words if w != "va")]


def make_choices(units: list[UnitInfo]) -> list[UnitChoice]:
    by_id = {u.id: u for u in units}
    retired = tr("(ngừng hoạt động)")
    choices = []
    for unit in units:
        parent = by_id.get(unit.parent_id) if unit.parent_id is not None else None
        label = unit.name
        if parent is not None:
            label += " — " + (parent.short_name or parent.name)
        chip = unit.short_name or unit.name
        if not unit.active:
            label += " " + retired
            chip += " " + retired
        name, short = fold(unit.name), fold(unit.short_name)
        choices.append(UnitChoice(unit, label, chip, name, (name, short, *_initials(name))))
    return choices


def match_units(
    choices: list[UnitChoice], text: str, exclude: set[int] | frozenset[int] = frozenset()
) -> list[UnitChoice]:
    """Units whose name, short name or initials contain every typed word.

    Best first: the name starts with the text, then a word of it does, then
    the rest; active units before retired ones; tree order otherwise.
    """
    query = fold(text)
    words = query.split()
    found: list[tuple[int, int, int, UnitChoice]] = []
    for order, choice in enumerate(choices):
        if choice.unit.id in exclude:
            continue
        if not all(any(w in h for h in choice.haystack) for w in words):
            continue
        if not query or choice.name.startswith(query):
            rank = 0
        elif (" " + query) in (" " + choice.name) or any(
            h.startswith(query) for h in choice.haystack[1:]
        ):
            rank = 1
        else:
            rank = 2
        found.append((0 if choice.unit.active else 1, rank, order, choice))
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found]


class UnitMatchModel(QAbstractListModel):
    """The units matching the text typed so far."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UnitChoice] = []

    def set_rows(self, rows: list[UnitChoice]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        choice = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return choice.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return choice.unit.name
        if role == UNIT_ID_ROLE:
            return choice.unit.id
        if role == Qt.ItemDataRole.ForegroundRole and not choice.unit.active:
            return RETIRED
        return None


class FlowLayout(QLayout):
    """Lays chips out left to right, wrapping onto new lines.

    Its size hint is the height needed at the width it was last given; when a
    new width needs another height it asks to be laid out again. (It does not
    override ``hasHeightForWidth``: a Python override of that const virtual
    upsets PySide 6.12's reference count of ``True`` and crashes at exit.)
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._width = 0  # 0: not laid out yet, hint one line
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        needed = self._arrange(rect, move=True)
        if rect.width() != self._width:
            self._width = rect.width()
            if needed != rect.height():
                self.invalidate()  # re-query sizeHint at the new width

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        width = 0
        for item in self._items:
            width = max(width, item.minimumSize().width())
        height = self._arrange(QRect(0, 0, self._width or 10_000, 0), move=False)
        return QSize(width, height)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height > 0:
                x, y = rect.x(), y + line_height + self._spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class _Chip(QFrame):
    removed = Signal(int)

    def __init__(self, choice: UnitChoice) -> None:
        super().__init__(objectName="unitChip")
        self.unit_id = choice.unit.id
        self.setToolTip(choice.unit.name)
        label = QLabel(choice.chip)
        if not choice.unit.active:
            font = QFont(label.font())
            font.setItalic(True)
            label.setFont(font)
        button = QToolButton(objectName="removeUnitButton")
        button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_LineEditClearButton))
        button.setIconSize(QSize(12, 12))
        button.setAutoRaise(True)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setToolTip(tr("Bỏ “{name}”").format(name=choice.unit.name))
        button.clicked.connect(lambda: self.removed.emit(self.unit_id))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 1, 1)
        layout.setSpacing(2)
        layout.addWidget(label)
        layout.addWidget(button)
        colour = "#eeeeee" if not choice.unit.active else "#e3f2fd"
        self.setStyleSheet(
            f"#unitChip {{ background: {colour}; border: 1px solid #b0bec5; border-radius: 9px; }}"
        )


class _SearchEdit(QLineEdit):
    """The search box: Down opens the full list, Backspace on empty drops the last chip."""

    browse = Signal()
    drop_last = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.browse.emit()
            return
        if event.key() == Qt.Key.Key_Backspace and not self.text():
            self.drop_last.emit()
            return
        super().keyPressEvent(event)


class UnitPicker(QWidget):
    """Several units, chosen by type-ahead. ``changed`` fires when the choice changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, placeholder: str = "") -> None:
        super().__init__(parent)
        self._choices: list[UnitChoice] = []
        self._by_id: dict[int, UnitChoice] = {}
        self._selected: list[int] = []

        self.search = _SearchEdit(objectName="unitSearch")
        self.search.setPlaceholderText(placeholder or tr("Gõ tên hoặc tên viết tắt đơn vị…"))
        self.search.setClearButtonEnabled(True)
        self.matches = UnitMatchModel(self)
        self.completer = QCompleter(self)
        self.completer.setModel(self.matches)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(10)
        self.completer.setWidget(self.search)
        self.completer.activated[QModelIndex].connect(self._activated)  # type: ignore[index]
        self.search.textEdited.connect(self._show_matches)
        self.search.returnPressed.connect(self._return_pressed)
        self.search.browse.connect(self._show_matches)
        self.search.drop_last.connect(self._drop_last)

        self._chips_box = QWidget(objectName="unitChips")
        self._chips = FlowLayout(self._chips_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.search)
        layout.addWidget(self._chips_box)
        self._chips_box.hide()
        self.setFocusProxy(self.search)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # -- public API -------------------------------------------------------

    def set_units(self, units: list[UnitInfo]) -> None:
        """The units to offer, in tree order (retired ones included, marked)."""
        self._choices = make_choices(units)
        self._by_id = {c.unit.id: c for c in self._choices}
        self._rebuild_chips()

    def selected_ids(self) -> list[int]:
        return list(self._selected)

    def set_selected_ids(self, ids: list[int] | tuple[int, ...]) -> None:
        wanted = list(dict.fromkeys(ids))
        if wanted == self._selected:
            return
        self._selected = wanted
        self._rebuild_chips()
        self.changed.emit()

    def add_unit(self, unit_id: int) -> None:
        if unit_id not in self._selected:
            self.set_selected_ids([*self._selected, unit_id])

    def remove_unit(self, unit_id: int) -> None:
        self.set_selected_ids([u for u in self._selected if u != unit_id])

    def pending_text(self) -> str:
        """Text typed in the search box but not chosen yet (it would be lost)."""
        return self.search.text().strip()

    def current_matches(self) -> list[UnitInfo]:
        """The units offered for the text typed so far (what the popup lists)."""
        return [c.unit for c in match_units(self._choices, self.search.text(), set(self._selected))]

    # -- typing -----------------------------------------------------------

    def _show_matches(self) -> None:
        rows = match_units(self._choices, self.search.text(), set(self._selected))
        self.matches.set_rows(rows)
        if not rows:
            self.completer.popup().hide()
            return
        popup = self.completer.popup()
        popup.setMinimumWidth(max(self.search.width(), 420))
        self.completer.complete()
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        unit_id = index.data(UNIT_ID_ROLE)
        if unit_id is not None:
            self._choose(int(unit_id))

    def _return_pressed(self) -> None:
        popup = self.completer.popup()
        if popup.isVisible():
            # The completer would activate the row too; choosing twice is harmless.
            popup.hide()
            if popup.currentIndex().isValid():
                self._activated(popup.currentIndex())
            return
        rows = match_units(self._choices, self.search.text(), set(self._selected))
        if self.search.text().strip() and rows:
            self._choose(rows[0].unit.id)

    def _choose(self, unit_id: int) -> None:
        self.search.clear()
        self.add_unit(unit_id)

    def _drop_last(self) -> None:
        if self._selected:
            self.remove_unit(self._selected[-1])

    # -- chips ------------------------------------------------------------

    def _rebuild_chips(self) -> None:
        while (item := self._chips.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        for unit_id in self._selected:
            choice = self._by_id.get(unit_id)
            if choice is None:
                continue
            chip = _Chip(choice)
            chip.removed.connect(self.remove_unit)
            self._chips.addWidget(chip)
        self._chips_box.setVisible(bool(self._selected))
        self._chips.invalidate()
        self.updateGeometry()
