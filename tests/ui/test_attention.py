"""The start-of-day attention panel, on the demo register as of 31/03/2024."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QToolButton
from pytestqt.qtbot import QtBot

from cdsdesk.services.stats import compute_stats
from cdsdesk.storage.db import Register
from ui.dialogs.attention import (
    TOP,
    Attention,
    AttentionPanel,
    load_attention,
    when_text,
)

AS_OF = date(2024, 3, 31)


def flush_deletes() -> None:
    """Run the deleteLater of the panel's previous contents, as the event loop would."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def panel(qtbot: QtBot, demo: Register) -> AttentionPanel:
    widget = AttentionPanel(demo, AS_OF)
    qtbot.addWidget(widget)
    widget.resize(1000, 300)
    widget.show()
    return widget


def test_counts_match_the_statistics(panel: AttentionPanel, demo: Register) -> None:
    stats = compute_stats(demo, AS_OF)
    attention = panel.attention
    assert len(attention.overdue) == stats.by_status["open_overdue"] > 0
    assert len(attention.due_soon) == stats.due_soon > 0
    assert all(not row.has_children for row in attention.overdue + attention.due_soon)
    overdue_header = panel.findChild(QLabel, "overdueHeader")
    assert overdue_header.text().startswith(f"{len(attention.overdue)} nhiệm vụ quá hạn")
    long = sum(row.days_overdue > 90 for row in attention.overdue)
    assert f"trong đó {long} nhiệm vụ quá hạn hơn 90 ngày" in overdue_header.text()
    assert panel.findChild(QLabel, "dueSoonHeader").text().startswith(
        f"{len(attention.due_soon)} nhiệm vụ sắp đến hạn (trong 7 ngày tới)"
    )
    expected = min(TOP, len(attention.overdue)) + min(TOP, len(attention.due_soon))
    assert len(panel.lines()) == expected
    assert "31/03/2024" in panel.findChild(QLabel, "attentionTitle").text()


def test_order_worst_first_then_soonest(demo: Register) -> None:
    attention = load_attention(demo, AS_OF)
    days = [row.days_overdue for row in attention.overdue]
    assert days == sorted(days, reverse=True)
    deadlines = [row.deadline for row in attention.due_soon]
    assert deadlines == sorted(deadlines)  # type: ignore[type-var]
    assert when_text(attention.overdue[0], AS_OF) == f"quá hạn {days[0]} ngày"


def test_click_or_enter_opens_the_task(panel: AttentionPanel, qtbot: QtBot) -> None:
    opened: list[int] = []
    panel.taskActivated.connect(opened.append)
    first, second = panel.lines()[:2]
    qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    second.setFocus()
    qtbot.keyClick(second, Qt.Key.Key_Return)
    assert opened == [first.task_id, second.task_id]
    assert first.task_id == panel.attention.overdue[0].id


def test_links_show_the_whole_list(panel: AttentionPanel, qtbot: QtBot) -> None:
    shown: list[str] = []
    panel.showStatus.connect(shown.append)
    qtbot.mouseClick(panel.findChild(QPushButton, "showOverdueButton"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.findChild(QPushButton, "showDueSoonButton"), Qt.MouseButton.LeftButton)
    assert shown == ["open_overdue", "due_soon"]


def test_close_button_and_escape_dismiss(panel: AttentionPanel, qtbot: QtBot) -> None:
    with qtbot.waitSignal(panel.dismissed, timeout=1000):
        qtbot.mouseClick(panel.findChild(QToolButton, "dismissButton"), Qt.MouseButton.LeftButton)
    assert panel.isHidden()
    panel.show()
    line = panel.lines()[0]
    line.setFocus()
    with qtbot.waitSignal(panel.dismissed, timeout=1000):
        qtbot.keyClick(line, Qt.Key.Key_Escape)
    assert panel.isHidden()


def test_nothing_to_do_says_so(panel: AttentionPanel) -> None:
    panel.reload(date(2023, 1, 1))
    flush_deletes()
    assert panel.attention.is_empty
    assert panel.lines() == []
    empty = panel.findChild(QLabel, "attentionEmpty")
    assert empty.text() == "Không có nhiệm vụ quá hạn hay sắp đến hạn."
    assert panel.findChild(QPushButton, "showOverdueButton") is None


def test_long_lists_show_five_and_count_the_rest(panel: AttentionPanel) -> None:
    sample = panel.attention.overdue[0]
    many = tuple(sample.changed(id=1000 + i, days_overdue=300 - i) for i in range(TOP + 4))
    panel.show_attention(Attention(AS_OF, 7, many, ()))
    flush_deletes()
    assert [line.task_id for line in panel.lines()] == [1000 + i for i in range(TOP)]
    assert panel.findChild(QLabel, "attentionMore").text() == "… và 4 nhiệm vụ khác"
    assert panel.findChild(QPushButton, "showDueSoonButton") is None


def test_reload_from_a_line_click_is_safe(panel: AttentionPanel, qtbot: QtBot) -> None:
    """The window reloads the panel after the task a line opened was edited."""
    panel.taskActivated.connect(lambda _id: panel.reload(AS_OF))
    qtbot.mouseClick(panel.lines()[0], Qt.MouseButton.LeftButton)
    flush_deletes()
    assert len(panel.lines()) == min(TOP, len(panel.attention.overdue)) + min(
        TOP, len(panel.attention.due_soon)
    )
