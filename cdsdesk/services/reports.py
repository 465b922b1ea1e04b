"""Issued reports: the frozen figures of each report the office has issued.

Issuing a report (chốt số liệu) stores its :class:`ReportData` as it stands;
printing that report again reads the stored figures and never recomputes
them, so the page stays the same however the tasks change later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsdesk.domain.models import ReportSnapshot, Unit
from cdsdesk.errors import NotFoundError, ValidationError
from cdsdesk.exporting.report_data import ReportData
from cdsdesk.i18n import tr
from cdsdesk.storage.db import Register
from cdsdesk.textvi import format_date

QUARTERLY = "quarterly"
_NUMBER_RE = re.compile(r"\d{1,6}")


@dataclass(frozen=True)
class ReportInfo:
    id: int
    kind: str
    title: str
    number: str  # "12", or "" when the number is left for the office to fill in
    period_label: str  # "quý I năm 2024"
    as_of: date
    unit_id: int | None
    unit_name: str  # "" for the whole register
    issued_at: datetime


def report_title(data: ReportData) -> str:
    """The snapshot title: "Báo cáo kết quả thực hiện ... quý I năm 2024"."""
    return tr("Báo cáo {title}").format(title=data.title[:1].lower() + data.title[1:])


def _clean_number(number: str) -> str:
    text = number.strip()
    if not text:
        return ""
    if not _NUMBER_RE.fullmatch(text) or int(text) == 0:
        raise ValidationError(
            tr("Số báo cáo “{number}” không hợp lệ: chỉ ghi phần số (ví dụ 12).").format(
                number=number
            )
        )
    return str(int(text))


def issue_report(register: Register, data: ReportData, number: str = "") -> int:
    """Store ``data`` as an issued quarterly report; return its id.

    ``number`` is the report's number in the office's register of outgoing
    documents ("12" of "12/BC-SKHCN"); it may be left blank and written by
    hand. Figures of a day still to come are refused: they could change.
    """
    clean = _clean_number(number)
    now = datetime.now().replace(microsecond=0)
    if data.as_of > now.date():
        raise ValidationError(
            tr(
                "Không thể chốt số liệu tính đến ngày {day}: ngày này chưa đến. "
                "Hãy chọn ngày chốt từ hôm nay trở về trước."
            ).format(day=format_date(data.as_of))
        )
    frozen = replace(data, number=clean, issued_on=now.date())
    with register.transaction() as session:
        if data.unit_id is not None and session.get(Unit, data.unit_id) is None:
            raise NotFoundError(tr("Không có đơn vị mã {id}.").format(id=data.unit_id))
        if clean:
            _check_number_free(session, clean, now.year)
        snapshot = ReportSnapshot(
            kind=QUARTERLY,
            title=report_title(frozen),
            number=clean,
            period_label=frozen.quarter_label,
            as_of=frozen.as_of,
            unit_id=frozen.unit_id,
            issued_at=now,
            payload=frozen.to_json(),
        )
        session.add(snapshot)
        session.flush()
        return snapshot.id


def _check_number_free(session: Session, number: str, year: int) -> None:
    """Numbers start again each year (Nghị định 30/2020): one number, one report a year."""
    same = session.scalars(
        select(ReportSnapshot).where(
            ReportSnapshot.kind == QUARTERLY, ReportSnapshot.number == number
        )
    )
    for other in same:
        if other.issued_at.year == year:
            raise ValidationError(
                tr("Số {number} đã dùng cho “{title}” phát hành ngày {day}.").format(
                    number=number, title=other.title, day=format_date(other.issued_at.date())
                )
            )


def list_reports(register: Register) -> list[ReportInfo]:
    """Every issued report, the newest first."""
    with register.transaction() as session:
        rows = session.execute(
            select(ReportSnapshot, Unit.name)
            .outerjoin(Unit, Unit.id == ReportSnapshot.unit_id)
            .order_by(ReportSnapshot.issued_at.desc(), ReportSnapshot.id.desc())
        ).all()
        return [_info(snapshot, unit_name or "") for snapshot, unit_name in rows]


def _info(snapshot: ReportSnapshot, current_unit_name: str) -> ReportInfo:
    # The unit as it was named in the issued report; a later rename does not change it.
    frozen_name = snapshot.payload.get("unit_name") if isinstance(snapshot.payload, dict) else None
    return ReportInfo(
        id=snapshot.id,
        kind=snapshot.kind,
        title=snapshot.title,
        number=snapshot.number,
        period_label=snapshot.period_label,
        as_of=snapshot.as_of,
        unit_id=snapshot.unit_id,
        unit_name=frozen_name if isinstance(frozen_name, str) else current_unit_name,
        issued_at=snapshot.issued_at,
    )


def get_report(register: Register, report_id: int) -> ReportData:
    """An issued report's figures, exactly as they were frozen."""
    with register.transaction() as session:
        snapshot = session.get(ReportSnapshot, report_id)
        if snapshot is None:
            raise NotFoundError(tr("Không có báo cáo đã phát hành mã {id}.").format(id=report_id))
        payload = snapshot.payload
    return ReportData.from_json(payload)


def delete_report(register: Register, report_id: int) -> None:
    with register.transaction() as session:
        snapshot = session.get(ReportSnapshot, report_id)
        if snapshot is None:
            raise NotFoundError(tr("Không có báo cáo đã phát hành mã {id}.").format(id=report_id))
        session.delete(snapshot)
