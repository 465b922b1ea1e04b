"""Calendar periods: quarters, months and the periods of recurring deadlines."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from cdsdesk.domain.enums import Recurrence
from cdsdesk.errors import ValidationError
from cdsdesk.i18n import tr


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_containing(day: date, recurrence: Recurrence) -> Period:
    """The period of a recurring deadline that ``day`` falls in.

    Periods are aligned on the calendar year: quarters start in January, April,
    July and October; half-years in January and July.
    """
    size = recurrence.months
    first_month = (day.month - 1) // size * size + 1
    last_month = first_month + size - 1
    return Period(date(day.year, first_month, 1), month_end(day.year, last_month))


def periods_between(start: date, end: date, recurrence: Recurrence) -> list[Period]:
    """Every period of ``recurrence`` that overlaps [start, end], in order."""
    periods: list[Period] = []
    current = period_containing(start, recurrence)
    while current.start <= end:
        periods.append(current)
        nxt = current.end.toordinal() + 1
        current = period_containing(date.fromordinal(nxt), recurrence)
    return periods


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return month_end(self.year, 3 * self.number)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    @property
    def code(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def label(self) -> str:
        roman = ("I", "II", "III", "IV")[self.number - 1]
        return tr("quý {roman} năm {year}").format(roman=roman, year=self.year)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)


_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)


def parse_quarter(text: str) -> Quarter:
    """Read ``2024-Q1`` (also ``2024Q1``, ``2024-q1``)."""
    match = _QUARTER_RE.match(text)
    if not match:
        raise ValidationError(
            tr("Quý không hợp lệ: “{text}” (dùng dạng 2024-Q1).").format(text=text)
        )
    year = int(match.group(1))
    if not 1900 <= year <= 2999:
        raise ValidationError(
            tr("Quý không hợp lệ: “{text}” (năm phải từ 1900 đến 2999).").format(text=text)
        )
    return Quarter(year, int(match.group(2)))
