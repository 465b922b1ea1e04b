"""The main window: a table of contents that wires the parts together."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from cdsdesk.services.queries import TaskQuery, query_tasks
from cdsdesk.storage.db import Register
from ui.models.task_table import COL_CONTENT, SORT_ROLE, TaskTableModel
from ui.models.unit_tree import UNIT_ID_ROLE, UnitTreeModel

SEARCH_DEBOUNCE_MS = 200


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    def __init__(self, db_path: Path | str) -> None:
        super().__init__()
        self.register = Register(db_path)
        self.setWindowTitle(tr("CĐS Desk – Sổ theo dõi nhiệm vụ chuyển đổi số"))
        self.query = TaskQuery()

        self.unit_model = UnitTreeModel(self)
        self.unit_tree = QTreeView(objectName="unitTree")
        self.unit_tree.setModel(self.unit_model)
        self.unit_tree.setHeaderHidden(True)
        self.unit_tree.selectionModel().currentChanged.connect(self._unit_chosen)

        self.task_model = TaskTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.task_model)
        self.proxy.setSortRole(SORT_ROLE)
        self.task_table = QTableView(objectName="taskTable")
        self.task_table.setModel(self.proxy)
        self.task_table.setSortingEnabled(True)
        self.task_table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.task_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.task_table.setAlternatingRowColors(True)
        self.task_table.verticalHeader().hide()
        header = self.task_table.horizontalHeader()
        header.setSectionResizeMode(COL_CONTENT, QHeaderView.ResizeMode.Stretch)

        self.search_box = QLineEdit(objectName="searchBox")
        self.search_box.setPlaceholderText(tr("Tìm nhiệm vụ (gõ không dấu cũng được)…"))
        self.search_box.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_box.textChanged.connect(self._search_timer.start)

        self.calendar = QCalendarWidget(objectName="deadlineCalendar")
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)

        centre = QWidget()
        layout = QVBoxLayout(centre)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.task_table)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.unit_tree)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.calendar)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 800, 300])
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel()
        self.statusBar().addPermanentWidget(self.count_label)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search_box.setFocus)
        QShortcut(QKeySequence("F5"), self, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.unit_model.reload(self.register, date.today())
        self.unit_tree.expandToDepth(1)
        self.reload_tasks()

    def reload_tasks(self) -> None:
        rows = query_tasks(self.register, self.query)
        self.task_model.set_rows(rows)
        self.count_label.setText(tr("{n} nhiệm vụ").format(n=len(rows)))

    def _apply_search(self) -> None:
        self.query.search = self.search_box.text()
        self.reload_tasks()

    def _unit_chosen(self) -> None:
        index = self.unit_tree.currentIndex()
        self.query.unit_id = index.data(UNIT_ID_ROLE) if index.isValid() else None
        self.reload_tasks()

    def closeEvent(self, event: object) -> None:
        self.register.dispose()
        super().closeEvent(event)  # type: ignore[arg-type]
