"""The centre of the window: the filter bar over the task table."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.domain.enums import StatusClass, TaskGroup
from cdsdesk.periods import Quarter
from cdsdesk.services.queries import CANCELLED, DUE_SOON, TaskQuery, TaskRow, query_tasks
from cdsdesk.storage.db import Register
from ui.lazy import lazy_module
from ui.models.task_table import (
    COL_CONTENT,
    COL_COOPERATING,
    COL_DAYS_OVERDUE,
    COL_DEADLINE,
    COL_DOCUMENT,
    COL_LAST_NOTE,
    COL_LEAD,
    COL_REF,
    COL_STATUS,
    COLUMN_COUNT,
    TaskTableModel,
    headers,
)

# SQLAlchemy and the ORM: the document list is filled after the table has painted.
document_service = lazy_module("cdsdesk.services.documents")

SEARCH_DEBOUNCE_MS = 150
COLUMN_KEYS = [
    "ref",
    "content",
    "lead",
    "cooperating",
    "deadline",
    "status",
    "days_overdue",
    "last_note",
    "document",
]


def tr(text: str) -> str:
    return QCoreApplication.translate("TaskPanel", text)


class TaskTableView(QTableView):
    """Enter opens the task, like a double-click."""

    activatedByKey = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activatedByKey.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class TaskPanel(QWidget):
    taskActivated = Signal(int)
    countsChanged = Signal(object)  # (shown rows, all rows)
    asOfChanged = Signal(object)  # date
    filterChanged = Signal()

    def __init__(self, register: Register, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.register = register
        self.model = TaskTableModel(self)
        self._units: set[int] | None = None
        self._unit_query = TaskQuery()
        self._day_ids: frozenset[int] | None = None
        self._day: date | None = None

        self.search_box = QLineEdit(objectName="searchBox")
        self.search_box.setPlaceholderText(
            tr("Tìm nhiệm vụ, đơn vị (gõ không dấu cũng được)…  Ctrl+F")
        )
        self.search_box.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search_box.textChanged.connect(self._search_timer.start)

        self.status_combo = QComboBox(objectName="statusFilter")
        self.status_combo.addItem(tr("Mọi tình trạng"), "")
        for cls in StatusClass:
            self.status_combo.addItem(cls.label, cls.value)
        self.status_combo.addItem(tr("Sắp đến hạn"), DUE_SOON)
        self.status_combo.addItem(tr("Đã hủy"), CANCELLED)
        self.group_combo = QComboBox(objectName="groupFilter")
        self.group_combo.addItem(tr("Mọi nhóm nhiệm vụ"), "")
        for group in TaskGroup:
            self.group_combo.addItem(group.label, group.value)
        self.document_combo = QComboBox(objectName="documentFilter")
        self.document_combo.setMinimumContentsLength(14)
        self.document_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.document_combo.addItem(tr("Mọi văn bản"), 0)  # the list itself: reload_documents
        self._documents_loaded = False
        self.quarter_combo = QComboBox(objectName="quarterFilter")
        self.as_of_edit = QDateEdit(objectName="asOfDate")
        self.as_of_edit.setDisplayFormat("dd/MM/yyyy")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDate(QDate.currentDate())
        self.as_of_edit.setToolTip(tr("Tình trạng nhiệm vụ được tính tại ngày này"))
        self.as_of_edit.dateChanged.connect(self._as_of_changed)
        self.day_label = QPushButton(objectName="dayFilter")
        self.day_label.setFlat(True)
        self.day_label.setToolTip(tr("Bấm để bỏ lọc theo ngày"))
        self.day_label.clicked.connect(self.clear_day)
        self.day_label.hide()
        for combo in (self.status_combo, self.group_combo, self.document_combo, self.quarter_combo):
            combo.currentIndexChanged.connect(self.apply_filters)

        self.table = TaskTableView(objectName="taskTable")
        self.table.setModel(self.model)
        # No sort column at first: the register's own order, sub-tasks under parents.
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicatorShown(False)
        self.table.horizontalHeader().sortIndicatorChanged.connect(
            lambda *_: self.table.horizontalHeader().setSortIndicatorShown(True)
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.doubleClicked.connect(self._activated)
        self.table.activatedByKey.connect(self._activated)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (COL_REF, 52),
            (COL_LEAD, 115),
            (COL_COOPERATING, 115),
            (COL_DEADLINE, 94),
            (COL_STATUS, 104),
            (COL_DAYS_OVERDUE, 40),
            (COL_LAST_NOTE, 140),
            (COL_DOCUMENT, 96),
        ):
            header.resizeSection(col, width)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        self.table.setColumnHidden(COL_COOPERATING, True)
        self.table.setColumnHidden(COL_DOCUMENT, True)

        search_row = QHBoxLayout()
        search_row.setContentsMargins(0, 0, 0, 0)
        search_row.addWidget(self.search_box, 1)
        search_row.addWidget(QLabel(tr("Tính tại ngày:")))
        search_row.addWidget(self.as_of_edit)
        filter_row = QHBoxLayout()
        filter_row.setContentsMargins(0, 0, 0, 0)
        for combo in (self.status_combo, self.group_combo, self.document_combo, self.quarter_combo):
            # The four share the row and give way on a 1024-px screen; the open list shows
            # each choice in full.
            combo.setMinimumContentsLength(6)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            filter_row.addWidget(combo, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(search_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.day_label, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table)

    # -- loading ------------------------------------------------------------

    @property
    def as_of(self) -> date:
        return self.as_of_edit.date().toPython()  # type: ignore[no-any-return]

    def reload(self, *, documents: bool = True) -> None:
        """Read the register again, keeping the filters and the current task.

        ``documents=False`` leaves the document filter's list as it is: the window
        passes it when no document changed, or to fill that list after the first paint.
        """
        current = self.current_task_id()
        if documents:
            self.reload_documents()
        rows = query_tasks(self.register, TaskQuery(as_of=self.as_of))
        self._reload_quarters(rows)
        self.model.set_all_rows(rows, refilter=False)
        self.apply_filters()
        if current is not None:
            self.select_task(current)

    def documents_loaded(self) -> bool:
        return self._documents_loaded

    def reload_documents(self) -> None:
        """Fill the document filter's list again, keeping the chosen document."""
        documents = document_service.document_choices(self.register)
        chosen = self.document_combo.currentData()
        self.document_combo.blockSignals(True)
        self.document_combo.clear()
        self.document_combo.addItem(tr("Mọi văn bản"), 0)
        for doc in documents:
            self.document_combo.addItem(doc.label or doc.title[:30], doc.id)
            self.document_combo.setItemData(
                self.document_combo.count() - 1, doc.title, Qt.ItemDataRole.ToolTipRole
            )
        index = self.document_combo.findData(chosen)
        self.document_combo.setCurrentIndex(max(index, 0))
        self.document_combo.blockSignals(False)
        self._documents_loaded = True

    def _reload_quarters(self, rows: list[TaskRow]) -> None:
        chosen = self.quarter_combo.currentData()
        quarters = sorted(
            {Quarter.of(day) for day in {r.deadline for r in rows} if day},
            key=lambda q: (q.year, q.number),
            reverse=True,
        )
        self.quarter_combo.blockSignals(True)
        self.quarter_combo.clear()
        self.quarter_combo.addItem(tr("Mọi thời hạn"), "")
        for quarter in quarters:
            self.quarter_combo.addItem(
                tr("Hạn trong {label}").format(label=quarter.label), quarter.code
            )
        index = self.quarter_combo.findData(chosen)
        self.quarter_combo.setCurrentIndex(max(index, 0))
        self.quarter_combo.blockSignals(False)

    # -- filters ------------------------------------------------------------

    def set_unit_filter(self, unit_ids: set[int] | None, include_cooperating: bool) -> None:
        self._units = unit_ids
        self._unit_query = TaskQuery(include_cooperating=include_cooperating)
        self.apply_filters()

    def set_day_filter(self, day: date, task_ids: frozenset[int]) -> None:
        self._day, self._day_ids = day, task_ids
        self.day_label.setText(tr("Đến hạn ngày {day}  ✕").format(day=day.strftime("%d/%m/%Y")))
        self.day_label.show()
        self.apply_filters()

    def clear_day(self) -> None:
        self._day, self._day_ids = None, None
        self.day_label.hide()
        self.apply_filters()

    def show_status(self, status: str) -> None:
        index = self.status_combo.findData(status)
        if index >= 0:
            self.status_combo.setCurrentIndex(index)

    def current_query(self) -> TaskQuery:
        from cdsdesk.periods import parse_quarter

        quarter = self.quarter_combo.currentData()
        group = self.group_combo.currentData()
        return replace(
            self._unit_query,
            as_of=self.as_of,
            status=self.status_combo.currentData() or None,
            search=self.search_box.text(),
            document_id=self.document_combo.currentData() or None,
            task_group=TaskGroup(group) if group else None,
            due_in=parse_quarter(quarter) if quarter else None,
            task_ids=self._day_ids,
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_query(), self._units)
        self.countsChanged.emit((self.model.rows(), self.model.all_rows()))
        self.filterChanged.emit()

    def _as_of_changed(self) -> None:
        self.asOfChanged.emit(self.as_of)
        self.reload(documents=False)  # the documents do not depend on the day

    # -- selection ----------------------------------------------------------

    def current_task_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(index.row()).id

    def current_row(self) -> TaskRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select_task(self, task_id: int) -> bool:
        row = self.model.row_of_task(task_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, COL_CONTENT))
        return True

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.taskActivated.emit(self.model.row_at(index.row()).id)

    # -- columns ------------------------------------------------------------

    def hidden_columns(self) -> list[str]:
        return [COLUMN_KEYS[c] for c in range(COLUMN_COUNT) if self.table.isColumnHidden(c)]

    def set_hidden_columns(self, keys: list[str]) -> None:
        for col, key in enumerate(COLUMN_KEYS):
            self.table.setColumnHidden(col, key in keys and col != COL_CONTENT)

    def column_actions(self) -> list[QAction]:
        actions = []
        for col, title in enumerate(headers()):
            if col == COL_CONTENT:
                continue
            action = QAction(title, self, checkable=True)
            action.setChecked(not self.table.isColumnHidden(col))
            action.toggled.connect(lambda on, c=col: self.table.setColumnHidden(c, not on))
            actions.append(action)
        return actions

    def _column_menu(self, pos: object) -> None:
        menu = QMenu(self)
        menu.setTitle(tr("Cột hiển thị"))
        for action in self.column_actions():
            menu.addAction(action)
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))  # type: ignore[arg-type]
