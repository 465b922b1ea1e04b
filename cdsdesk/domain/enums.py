"""Enumerations of the register, each with its Vietnamese label."""

from __future__ import annotations

from enum import StrEnum

from cdsdesk.i18n import tr


class StoredStatus(StrEnum):
    """What the officer records about a task."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    PAUSED = "paused"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            StoredStatus.NOT_STARTED: tr("Chưa triển khai"),
            StoredStatus.IN_PROGRESS: tr("Đang thực hiện"),
            StoredStatus.DONE: tr("Đã hoàn thành"),
            StoredStatus.PAUSED: tr("Tạm dừng"),
            StoredStatus.CANCELLED: tr("Đã hủy"),
        }[self]


class StatusClass(StrEnum):
    """How a task is counted as of a day: the five classes of every report."""

    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    OPEN_IN_TIME = "open_in_time"
    OPEN_OVERDUE = "open_overdue"
    NO_DEADLINE = "no_deadline"

    @property
    def label(self) -> str:
        return {
            StatusClass.DONE_ON_TIME: tr("Đã hoàn thành đúng hạn"),
            StatusClass.DONE_LATE: tr("Đã hoàn thành quá hạn"),
            StatusClass.OPEN_IN_TIME: tr("Chưa hoàn thành, trong hạn"),
            StatusClass.OPEN_OVERDUE: tr("Chưa hoàn thành, quá hạn"),
            StatusClass.NO_DEADLINE: tr("Không thời hạn / thường xuyên"),
        }[self]

    @property
    def short_label(self) -> str:
        """For narrow table columns."""
        return {
            StatusClass.DONE_ON_TIME: tr("Xong đúng hạn"),
            StatusClass.DONE_LATE: tr("Xong quá hạn"),
            StatusClass.OPEN_IN_TIME: tr("Trong hạn"),
            StatusClass.OPEN_OVERDUE: tr("Quá hạn"),
            StatusClass.NO_DEADLINE: tr("Không thời hạn"),
        }[self]

    @property
    def is_done(self) -> bool:
        return self in (StatusClass.DONE_ON_TIME, StatusClass.DONE_LATE)


class DeadlineKind(StrEnum):
    NONE = "none"
    DATE = "date"
    PERIOD = "period"
    RECURRING = "recurring"
    ONGOING = "ongoing"

    @property
    def label(self) -> str:
        return {
            DeadlineKind.NONE: tr("Không thời hạn"),
            DeadlineKind.DATE: tr("Ngày cụ thể"),
            DeadlineKind.PERIOD: tr("Trong một khoảng thời gian"),
            DeadlineKind.RECURRING: tr("Định kỳ"),
            DeadlineKind.ONGOING: tr("Thường xuyên"),
        }[self]


class Recurrence(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    HALF_YEARLY = "half_yearly"
    YEARLY = "yearly"

    @property
    def label(self) -> str:
        return {
            Recurrence.MONTHLY: tr("Hằng tháng"),
            Recurrence.QUARTERLY: tr("Hằng quý"),
            Recurrence.HALF_YEARLY: tr("6 tháng"),
            Recurrence.YEARLY: tr("Hằng năm"),
        }[self]

    @property
    def months(self) -> int:
        return {
            Recurrence.MONTHLY: 1,
            Recurrence.QUARTERLY: 3,
            Recurrence.HALF_YEARLY: 6,
            Recurrence.YEARLY: 12,
        }[self]


class UnitRole(StrEnum):
    LEAD = "lead"
    COOPERATING = "cooperating"
    INFORMED = "informed"

    @property
    def label(self) -> str:
        return {
            UnitRole.LEAD: tr("Chủ trì"),
            UnitRole.COOPERATING: tr("Phối hợp"),
            UnitRole.INFORMED: tr("Nhận để biết"),
        }[self]


class TaskGroup(StrEnum):
    """The pillars tasks are counted by ("11/21 nhiệm vụ chính quyền số")."""

    AWARENESS = "awareness"
    INSTITUTIONS = "institutions"
    INFRASTRUCTURE = "infrastructure"
    DATA = "data"
    HUMAN_RESOURCES = "human_resources"
    CYBERSECURITY = "cybersecurity"
    GOVERNMENT = "government"
    ECONOMY = "economy"
    SOCIETY = "society"

    @property
    def label(self) -> str:
        return {
            TaskGroup.AWARENESS: tr("Nhận thức số"),
            TaskGroup.INSTITUTIONS: tr("Thể chế số"),
            TaskGroup.INFRASTRUCTURE: tr("Hạ tầng số"),
            TaskGroup.DATA: tr("Dữ liệu số"),
            TaskGroup.HUMAN_RESOURCES: tr("Nhân lực số"),
            TaskGroup.CYBERSECURITY: tr("An toàn thông tin mạng"),
            TaskGroup.GOVERNMENT: tr("Chính quyền số"),
            TaskGroup.ECONOMY: tr("Kinh tế số"),
            TaskGroup.SOCIETY: tr("Xã hội số"),
        }[self]


class LinkKind(StrEnum):
    """How a later task relates to an earlier one."""

    REPEATS = "repeats"
    REASSIGNS = "reassigns"
    CLOSES = "closes"

    @property
    def label(self) -> str:
        return {
            LinkKind.REPEATS: tr("Nhắc lại"),
            LinkKind.REASSIGNS: tr("Giao lại"),
            LinkKind.CLOSES: tr("Kết thúc"),
        }[self]


DOCUMENT_TYPES: dict[str, str] = {
    "TB": tr("Thông báo"),
    "BC": tr("Báo cáo"),
    "KH": tr("Kế hoạch"),
    "QĐ": tr("Quyết định"),
    "NQ": tr("Nghị quyết"),
    "CT": tr("Chỉ thị"),
    "TTr": tr("Tờ trình"),
    "GM": tr("Giấy mời"),
    "CV": tr("Công văn"),
}
