"""SQLAlchemy 2 typed models of the register.

The schema is owned by the Alembic migrations in ``cdsdesk/storage/migrations``;
these classes must describe the same tables (a test compares them).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class Unit(Base):
    """An organisation in the tree: a department, a division, a district..."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    retired_on: Mapped[date | None] = mapped_column(Date)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    name_folded: Mapped[str] = mapped_column(String(300), default="")

    parent: Mapped[Unit | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Unit]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Unit.sort_order"
    )


class Document(Base):
    """A source document: usually a conclusion notice (Thông báo kết luận)."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), default="")
    doc_type: Mapped[str] = mapped_column(String(10), default="TB")
    issuer_code: Mapped[str] = mapped_column(String(40), default="")
    issuer: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str] = mapped_column(Text, default="")
    meeting_on: Mapped[date | None] = mapped_column(Date)
    chair: Mapped[str] = mapped_column(String(300), default="")
    signer: Mapped[str] = mapped_column(String(200), default="")
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    original_text: Mapped[str] = mapped_column(Text, default="")
    source_file: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    tasks: Mapped[list[Task]] = relationship(back_populates="document")


class Task(Base):
    """A task assigned in a document; ``parent_id`` makes sub-tasks."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_deadline", "deadline"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="RESTRICT"), index=True
    )
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT"), index=True
    )
    ref: Mapped[str] = mapped_column(String(40), default="")
    content: Mapped[str] = mapped_column(Text)
    task_group: Mapped[str | None] = mapped_column(String(30))
    assigned_on: Mapped[date | None] = mapped_column(Date)
    deadline_kind: Mapped[str] = mapped_column(String(12), default="none")
    # For DATE and PERIOD: the due date in force (after extensions).
    deadline: Mapped[date | None] = mapped_column(Date)
    # For PERIOD: the first day of the period ("trong quý II/2024").
    period_start: Mapped[date | None] = mapped_column(Date)
    # The due date as first assigned, before any extension.
    original_deadline: Mapped[date | None] = mapped_column(Date)
    recurrence: Mapped[str | None] = mapped_column(String(12))
    deadline_text: Mapped[str] = mapped_column(String(300), default="")
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(12), default="not_started")
    completed_on: Mapped[date | None] = mapped_column(Date)
    cancelled_on: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Folded (no diacritics, lower case) ref + content, for instant search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=_now, onupdate=_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__: dict[str, Any] = {"version_id_col": version}  # noqa: RUF012

    parent: Mapped[Task | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id], back_populates="children"
    )
    children: Mapped[list[Task]] = relationship(
        foreign_keys=[parent_id], back_populates="parent", order_by="Task.sort_order"
    )
    document: Mapped[Document | None] = relationship(back_populates="tasks")
    units: Mapped[list[TaskUnit]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskUnit.position"
    )
    notes: Mapped[list[ProgressNote]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="ProgressNote.noted_on"
    )
    extensions: Mapped[list[TaskExtension]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskExtension.decided_on"
    )
    occurrences: Mapped[list[TaskOccurrence]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskOccurrence.period_start"
    )


class TaskUnit(Base):
    """A unit's role on a task: lead (chủ trì), cooperating, for information."""

    __tablename__ = "task_units"
    __table_args__ = (
        UniqueConstraint("task_id", "unit_id", "role"),
        Index("ix_task_units_unit_role", "unit_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer, default=0)

    task: Mapped[Task] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()


class ProgressNote(Base):
    """A dated note of progress; it may also set the task's stored status."""

    __tablename__ = "progress_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status_set: Mapped[str | None] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=_now)

    task: Mapped[Task] = relationship(back_populates="notes")


class TaskExtension(Base):
    """A deadline extension (gia hạn): the old and new date, when and why."""

    __tablename__ = "task_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    decided_on: Mapped[date] = mapped_column(Date)
    old_deadline: Mapped[date | None] = mapped_column(Date)
    new_deadline: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(300), default="")

    task: Mapped[Task] = relationship(back_populates="extensions")


class Setting(Base):
    """One typed setting, stored as JSON; declared in ``cdsdesk.settings``."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class TaskOccurrence(Base):
    """One period of a recurring task ("hằng quý"), with its own completion."""

    __tablename__ = "task_occurrences"
    __table_args__ = (UniqueConstraint("task_id", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    period_start: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    task: Mapped[Task] = relationship(back_populates="occurrences")


class TaskLink(Base):
    """A later task that repeats, reassigns or closes an earlier one."""

    __tablename__ = "task_links"
    __table_args__ = (UniqueConstraint("from_task_id", "to_task_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_task_id: Mapped[int] = mapped_column(
        ForeignKey("tasks.id", ondelete="CASCADE"), index=True
    )
    to_task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))


class ReportSnapshot(Base):
    """The frozen figures of an issued report (chốt số liệu)."""

    __tablename__ = "report_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(40), default="")
    period_label: Mapped[str] = mapped_column(String(40), default="")
    as_of: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=_now)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


# Every table must be on Base.metadata wherever the models are compared or created.
import cdsdesk.domain.audit  # noqa: E402, F401  (it subclasses Base, defined above)
