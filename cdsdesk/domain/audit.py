"""The audit trail's table: one row per change of one record of the register.

Rows are written by ``cdsdesk.services.audit`` (never by hand) and are never
edited. ``task_id`` has no foreign key on purpose: the history of a deleted
task must outlive it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cdsdesk.domain.models import Base


class AuditLog(Base):
    """Who (operating-system user, computer) changed which record, when, and how."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user_name: Mapped[str] = mapped_column(String(100), default="")
    host: Mapped[str] = mapped_column(String(100), default="")
    # "task", "unit", "document", "note", "extension", "role", "report", "setting"
    entity: Mapped[str] = mapped_column(String(12))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    # The task a note, extension or role belongs to (a task's own id for a task).
    task_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(8))  # "create", "update", "delete"
    # "edit": an officer's edit; "restore": an undo or redo putting rows back.
    origin: Mapped[str] = mapped_column(String(8), default="edit")
    # field -> [old, new], JSON-safe (dates as ISO text).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # What changed, in Vietnamese, one line per change.
    summary: Mapped[str] = mapped_column(Text, default="")
