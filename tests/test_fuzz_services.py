"""Bad input to the services: every call succeeds or raises CdsError, and a refused
call writes nothing.

Hypothesis builds units and tasks from hostile text (control characters, NUL,
right-to-left marks, emoji, combining marks, 25,000-character contents) and
dates from year 1 to year 9999. After each write the register must still read:
the task's detail, the task list and the figures as of an arbitrary day. Runs on
every backend the ``register`` fixture offers (SQLite, and PostgreSQL when
configured). ``CDSDESK_FUZZ_EXAMPLES`` raises the number of examples per test;
``bench/fuzz_long.py`` runs them longer and prints the counts.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from cdsdesk.domain.enums import DeadlineKind, Recurrence, StoredStatus, TaskGroup
from cdsdesk.domain.models import Base
from cdsdesk.errors import CdsError
from cdsdesk.services.queries import TaskQuery, get_task, query_tasks
from cdsdesk.services.stats import compute_stats
from cdsdesk.services.tasks import (
    TaskInput,
    add_note,
    create_task,
    extend_deadline,
    update_task,
)
from cdsdesk.services.units import create_unit, get_unit, list_units, rename_unit
from cdsdesk.storage.db import Register
from cdsdesk.textvi import normalize_spaces

# CDSDESK_FUZZ_SERVICES (or CDSDESK_FUZZ_EXAMPLES for every fuzzer) sets the examples per test.
EXAMPLES = int(
    os.environ.get("CDSDESK_FUZZ_SERVICES") or os.environ.get("CDSDESK_FUZZ_EXAMPLES") or 0
)
TRIED: Counter[str] = Counter()


def fuzz_settings(ci_examples: int, register: Register) -> settings:
    # Every call is several round trips to a server: fewer examples there in CI.
    return settings(
        max_examples=EXAMPLES or (ci_examples * 3 // 8 if register.on_server else ci_examples),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


# --- strategies ---------------------------------------------------------------

# fmt: off
NASTY = [
    "\x00", "\x01", "\x07", "\x08", "\t", "\n", "\r", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f",
    "\x85", "\x9f", "\u00a0", "\u200b", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e",
    "\u2028", "\u2029", "\u2066", "\u3000", "\ufeff", "\ufffd", "\ufffe", "\U0010ffff",
    "e\u0302\u0323", "\u0301", "😀", "👩‍👩‍👧", "🇻🇳", "ệ", "Ư", "đ", "Đ", "ﬃ", "Ⅻ",
    "'", '"', "\\", "%", "_", "--", ";", "/*", "'; DROP TABLE tasks; --",
]
# fmt: on
nasty_char = st.sampled_from(NASTY)
any_char = st.characters(exclude_categories=("Cs",))  # no lone surrogates: not text
piece = st.one_of(
    nasty_char,
    st.text(any_char, max_size=8),
    st.text(st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậ ,.-0123456789"), max_size=20),
)
hostile_text = st.lists(piece, max_size=30).map("".join)
# Long texts: a short hostile run repeated up to and past the 20,000-character limit.
long_text = st.builds(
    lambda s, n: (s * n)[:25_000], hostile_text.filter(bool), st.integers(1, 25_000)
)
content_text = st.one_of(hostile_text, hostile_text, long_text)

# fmt: off
edge_dates = st.sampled_from(
    [date.min, date(1, 1, 2), date(1899, 12, 31), date(1900, 1, 1), date(2024, 2, 29),
     date(2999, 12, 31), date(3000, 1, 1), date(9999, 12, 30), date.max]
)
# fmt: on
any_date = st.one_of(edge_dates, st.dates(), st.dates(date(2020, 1, 1), date(2030, 12, 31)))
maybe_date = st.one_of(st.none(), any_date)


def _ids(known: st.SearchStrategy[int]) -> st.SearchStrategy[list[int]]:
    return st.lists(st.one_of(known, known, st.integers(-3, 10**6)), max_size=4)


def task_inputs(unit_ids: list[int], task_ids: list[int]) -> st.SearchStrategy[TaskInput]:
    """Mostly tasks an officer could mean (hostile text, extreme dates), one in four
    with every field drawn at random (unknown ids, contradictory dates...)."""
    known_units = st.sampled_from(unit_ids)
    plausible = st.builds(
        _plausible,
        content=content_text.filter(str.strip),
        ref=hostile_text,
        lead=st.lists(known_units, min_size=1, max_size=2),
        cooperating=st.lists(known_units, max_size=2),
        kind=st.sampled_from(DeadlineKind),
        deadline=any_date,
        start=any_date,
        recurrence=st.sampled_from(Recurrence),
        status=st.sampled_from(StoredStatus),
        done_on=any_date,
        text=hostile_text,
        result=content_text,
        parent=st.one_of(st.none(), st.none(), st.sampled_from(task_ids)),
    )
    chaotic = st.builds(
        TaskInput,
        content=content_text,
        ref=hostile_text,
        parent_id=st.one_of(st.none(), st.sampled_from(task_ids), st.integers(-3, 10**6)),
        document_id=st.one_of(st.none(), st.integers(-3, 10**6)),
        task_group=st.one_of(st.none(), st.sampled_from(TaskGroup)),
        assigned_on=maybe_date,
        deadline_kind=st.sampled_from(DeadlineKind),
        deadline=maybe_date,
        period_start=maybe_date,
        recurrence=st.one_of(st.none(), st.sampled_from(Recurrence)),
        deadline_text=hostile_text,
        urgent=st.booleans(),
        lead_ids=_ids(known_units),
        cooperating_ids=_ids(known_units),
        informed_ids=_ids(known_units),
        status=st.sampled_from(StoredStatus),
        completed_on=maybe_date,
        cancelled_on=maybe_date,
        status_reason=hostile_text,
        result=content_text,
        evidence=hostile_text,
        keep_deadline_as_written=st.booleans(),
    )
    return st.one_of(plausible, plausible, plausible, chaotic)


def _plausible(
    content: str,
    ref: str,
    lead: list[int],
    cooperating: list[int],
    kind: DeadlineKind,
    deadline: date,
    start: date,
    recurrence: Recurrence,
    status: StoredStatus,
    done_on: date,
    text: str,
    result: str,
    parent: int | None,
) -> TaskInput:
    dated = kind in (DeadlineKind.DATE, DeadlineKind.PERIOD)
    return TaskInput(
        content=content,
        ref=ref,
        parent_id=parent,
        lead_ids=lead,
        cooperating_ids=cooperating,
        deadline_kind=kind,
        deadline=deadline if dated else None,
        period_start=min(start, deadline) if kind is DeadlineKind.PERIOD else None,
        recurrence=recurrence if kind is DeadlineKind.RECURRING else None,
        deadline_text=text,
        status=status,
        completed_on=done_on if status is StoredStatus.DONE else None,
        cancelled_on=done_on if status is StoredStatus.CANCELLED else None,
        status_reason=(text.strip() or "Lý do") if status is StoredStatus.CANCELLED else "",
        result=result,
    )


# --- helpers ------------------------------------------------------------------


def row_counts(register: Register) -> dict[str, int]:
    with register.engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in Base.metadata.sorted_tables
        }


def reads_still_work(register: Register, task_id: int | None, as_of: date) -> None:
    """The register must still show itself after whatever was just stored."""
    for day in (as_of, date.today()):
        try:
            if task_id is not None:
                get_task(register, task_id, as_of=day)
            query_tasks(register, TaskQuery(as_of=day))
            compute_stats(register, day)
        except CdsError:
            pass  # a clear refusal (e.g. an as-of day out of range) is fine


@pytest.fixture
def units(register: Register) -> Iterator[list[int]]:
    ids = [
        create_unit(register, "Sở Thông tin và Truyền thông").id,
        create_unit(register, "Sở Khoa học và Công nghệ").id,
    ]
    ids.append(create_unit(register, "Phòng Chuyển đổi số", parent_id=ids[1]).id)
    yield ids


def report(capsys: pytest.CaptureFixture[str], name: str, register: Register) -> None:
    """Print this test's counts (and start them afresh for the next backend)."""
    where = "PostgreSQL" if register.on_server else "SQLite"
    with capsys.disabled():
        print(
            f"\n{name} ({where}): {TRIED[name]} inputs tried ({TRIED[name + ' refused']} refused)"
        )
    TRIED[name] = TRIED[name + " refused"] = 0


# --- units --------------------------------------------------------------------


def test_unit_names_are_stored_clean_or_refused(
    register: Register, units: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    @fuzz_settings(80, register)
    @given(
        name=st.one_of(hostile_text, long_text),
        short=hostile_text,
        parent=st.one_of(st.none(), st.sampled_from(units), st.integers(-3, 10**6)),
        rename=st.booleans(),
    )
    def run(name: str, short: str, parent: int | None, rename: bool) -> None:
        TRIED["units"] += 1
        before = row_counts(register)
        generation = register.generation
        try:
            if rename:
                info = rename_unit(register, units[0], name, short)
            else:
                info = create_unit(register, name, short_name=short, parent_id=parent)
        except CdsError as exc:
            TRIED["units refused"] += 1
            assert str(exc).strip(), "a refusal says why"
            assert row_counts(register) == before
            if not rename:
                assert register.generation == generation
            return
        cleaned = normalize_spaces(name)
        assert info.name == cleaned == get_unit(register, info.id).name
        assert info.short_name == normalize_spaces(short)
        assert unicodedata.is_normalized("NFC", info.name)
        assert not any(unicodedata.category(c) == "Cc" for c in info.name)
        assert info.id in {u.id for u in list_units(register)}
        if rename:
            rename_unit(register, units[0], "Sở Thông tin và Truyền thông", "")

    run()
    report(capsys, "units", register)


# --- tasks --------------------------------------------------------------------


def test_tasks_are_stored_as_given_or_refused(
    register: Register, units: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    parents = [create_task(register, TaskInput(content="Nhiệm vụ cha", lead_ids=[units[0]]))]

    @fuzz_settings(80, register)
    @given(data=st.data(), as_of=any_date)
    def run(data: st.DataObject, as_of: date) -> None:
        TRIED["tasks"] += 1
        task = data.draw(task_inputs(units, parents))
        before = row_counts(register)
        try:
            task_id = create_task(register, task)
        except CdsError as exc:
            TRIED["tasks refused"] += 1
            assert str(exc).strip()
            assert row_counts(register) == before, "a refused task left rows behind"
            return
        detail = get_task(register, task_id)
        assert detail.row.content == task.content.strip()
        assert detail.row.ref == task.ref.strip()
        assert detail.result == task.result.strip()
        assert set(detail.lead_ids) == set(task.lead_ids)
        reads_still_work(register, task_id, as_of)

    run()
    report(capsys, "tasks", register)


def test_edits_notes_and_extensions_apply_whole_or_not_at_all(
    register: Register, units: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    base = [
        create_task(
            register,
            TaskInput(
                content="Số hóa hồ sơ",
                lead_ids=[units[0]],
                assigned_on=date(2024, 1, 5),
                deadline_kind=DeadlineKind.DATE,
                deadline=date(2024, 6, 30),
            ),
        ),
        create_task(
            register,
            TaskInput(
                content="Báo cáo hằng quý",
                lead_ids=[units[1]],
                deadline_kind=DeadlineKind.RECURRING,
                recurrence=Recurrence.QUARTERLY,
            ),
        ),
    ]

    @fuzz_settings(80, register)
    @given(
        data=st.data(),
        which=st.sampled_from(["update", "note", "extend"]),
        target=st.sampled_from(base),
        text=content_text,
        day=any_date,
        status=st.one_of(st.none(), st.sampled_from(StoredStatus)),
    )
    def run(
        data: st.DataObject,
        which: str,
        target: int,
        text: str,
        day: date,
        status: StoredStatus | None,
    ) -> None:
        TRIED["edits"] += 1
        before_rows = row_counts(register)
        before = get_task(register, target)
        try:
            if which == "update":
                task = data.draw(task_inputs(units, base))
                update_task(register, target, task, expected_version=before.version)
            elif which == "note":
                add_note(register, target, text, noted_on=day, status=status)
            else:
                extend_deadline(register, target, day, reason=text, decided_on=day)
        except CdsError as exc:
            TRIED["edits refused"] += 1
            assert str(exc).strip()
            assert row_counts(register) == before_rows
            after = get_task(register, target)
            assert after.version == before.version
            assert after.row == before.row
            return
        reads_still_work(register, target, day)

    run()
    report(capsys, "edits", register)


def test_the_named_bad_inputs(register: Register, units: list[int]) -> None:
    """The issue's list, one by one: each a clear refusal or stored intact."""
    long_content = "Triển khai nền tảng số " * 435  # 10,005 characters
    assert len(long_content) > 10_000
    task_id = create_task(register, TaskInput(content=long_content, lead_ids=[units[0]]))
    assert get_task(register, task_id).row.content == long_content.strip()
    with pytest.raises(CdsError, match="dài quá"):
        create_task(register, TaskInput(content="x" * 20_001, lead_ids=[units[0]]))
    info = create_unit(register, "Phòng\x00 Văn\x1b[31m hóa\r\n xã\x7f hội")
    assert info.name == "Phòng Văn[31m hóa xã hội"
    for day in (date(1, 1, 1), date(9999, 12, 31)):
        made = create_task(
            register,
            TaskInput(
                content=f"Hạn {day}",
                lead_ids=[units[1]],
                deadline_kind=DeadlineKind.DATE,
                deadline=day,
            ),
        )
        reads_still_work(register, made, day)
