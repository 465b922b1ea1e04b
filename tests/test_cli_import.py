"""``python -m cdsdesk parse FILE --json`` and ``python -m cdsdesk --db PATH import FILE``."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest

from cdsdesk import cli, cli_import
from cdsdesk.importing.parser import parse_notice
from cdsdesk.importing.reading import read_text

SAMPLES = sorted((Path(__file__).parent / "data" / "samples").glob("*.txt"))
TB36 = Path(__file__).parent / "data" / "samples" / "quang-ngai-tb-36-ubnd-2023.txt"
DOCUMENT_KEYS = {
    "number", "type", "issuer", "place", "issued_on", "title", "meeting_on", "chair", "signer",
    "recipients",
}  # fmt: skip
TASK_KEYS = {
    "ref", "parent_ref", "content", "lead_units", "cooperating_units", "deadline",
    "deadline_text", "recurrence", "urgent", "flags", "line",
}  # fmt: skip
RECURRENCES = {"monthly", "quarterly", "half_yearly", "yearly", "ongoing", None}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(autouse=True)
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """The two commands in ``cdsdesk.cli``, whether or not it lists them yet."""
    build = cli.build_parser

    def build_with_import() -> argparse.ArgumentParser:
        parser = build()
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "import" not in sub.choices:
            cli_import.add_parsers(sub)
        return parser

    monkeypatch.setattr(cli, "build_parser", build_with_import)
    monkeypatch.setattr(cli, "COMMANDS", {**cli.COMMANDS, **cli_import.COMMANDS})


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def tasks_of(capsys: pytest.CaptureFixture[str], db: Path) -> list[dict[str, Any]]:
    code, out, err = run(capsys, "--db", str(db), "tasks", "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


# -- parse -----------------------------------------------------------------------------


def _check_shape(data: dict[str, Any]) -> None:
    document = data["document"]
    assert set(document) >= DOCUMENT_KEYS
    for key in DOCUMENT_KEYS - {"recipients"}:
        assert document[key] is None or isinstance(document[key], str), key
    assert isinstance(document["recipients"], list)
    for key in ("issued_on", "meeting_on"):
        assert document[key] is None or ISO_DATE.match(document[key])
    assert data["tasks"], "every sample assigns work"
    for task in data["tasks"]:
        assert set(task) >= TASK_KEYS
        assert isinstance(task["ref"], str) and task["ref"]
        assert task["parent_ref"] is None or isinstance(task["parent_ref"], str)
        assert isinstance(task["content"], str) and task["content"]
        assert all(isinstance(u, str) for u in task["lead_units"] + task["cooperating_units"])
        assert task["deadline"] is None or ISO_DATE.match(task["deadline"])
        assert task["deadline_text"] is None or isinstance(task["deadline_text"], str)
        assert task["recurrence"] in RECURRENCES
        assert isinstance(task["urgent"], bool)
        assert isinstance(task["flags"], list)
        assert isinstance(task["line"], int) and task["line"] >= 1


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_parse_json_prints_exactly_the_parsed_notice(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "parse", str(sample), "--json")
    assert code == 0, err
    data = json.loads(out)
    _check_shape(data)
    assert data == parse_notice(read_text(sample).text).to_json()


def test_parse_json_of_tb36(capsys: pytest.CaptureFixture[str]) -> None:
    data = json.loads(run(capsys, "parse", str(TB36), "--json")[1])
    document = data["document"]
    assert document["number"] == "36/TB-UBND"
    assert document["type"] == "TB"
    assert document["place"] == "Quảng Ngãi"
    assert (document["issued_on"], document["meeting_on"]) == ("2023-02-03", "2023-01-31")
    task = next(t for t in data["tasks"] if t["ref"] == "II.2.1")
    assert task["parent_ref"] == "II.2"
    assert task["lead_units"] == ["Sở Thông tin và Truyền thông"]
    assert (task["deadline"], task["deadline_text"]) == ("2023-02-04", "trước ngày 04/02/2023")
    assert task["recurrence"] is None and task["urgent"] is True and task["flags"] == []


def test_parse_needs_no_register(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_register(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("parse opened a register")

    monkeypatch.setattr("cdsdesk.storage.db.Register", no_register)
    code, out, _err = run(capsys, "parse", str(TB36))
    assert code == 0
    assert "36/TB-UBND" in out and "II.2.1" in out and "Chủ trì" in out


# -- import ----------------------------------------------------------------------------


def test_import_writes_sure_units_and_lists_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "so.cdsdb"
    code, out, err = run(capsys, "--db", str(db), "import", str(TB36))
    assert code == 0, err
    assert "Đã nhập văn bản 36/TB-UBND" in out and "19 nhiệm vụ" in out
    assert "Đơn vị chưa xác định" in out and "Sở Thông tin và Truyền thông" in out
    tasks = tasks_of(capsys, db)
    assert len(tasks) == 19
    assert all(t["lead_units"] == [] for t in tasks)  # an empty register: nothing guessed
    assert any(t["deadline"] == "2023-02-04" for t in tasks)


def test_import_into_a_register_with_the_units_sets_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cdsdesk.services.units import create_unit
    from cdsdesk.storage.db import Register

    db = tmp_path / "so.cdsdb"
    with Register(db) as register:
        create_unit(register, "Sở Thông tin và Truyền thông")
        create_unit(register, "Văn phòng UBND tỉnh")
    code, out, err = run(capsys, "--db", str(db), "import", "--yes", str(TB36))
    assert code == 0, err
    tasks = {t["ref"]: t for t in tasks_of(capsys, db)}
    assert tasks["II.2.1"]["lead_units"] == ["Sở Thông tin và Truyền thông"]
    assert tasks["II.3.2"]["lead_units"] == ["Văn phòng UBND tỉnh"]
    assert "Sở Thông tin và Truyền thông (nhiệm vụ" not in out  # sure: not listed


def test_importing_again_is_refused_then_updated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "so.cdsdb"
    assert run(capsys, "--db", str(db), "import", str(TB36))[0] == 0
    code, out, err = run(capsys, "--db", str(db), "import", str(TB36))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "36/TB-UBND" in err and "đã có trong sổ" in err and "--update" in err
    assert len(tasks_of(capsys, db)) == 19

    code, out, err = run(capsys, "--db", str(db), "import", "--update", str(TB36))
    assert code == 0, err
    assert "Đã cập nhật văn bản 36/TB-UBND" in out
    assert "0 nhiệm vụ mới" in out and "19 nhiệm vụ không đổi" in out
    assert len(tasks_of(capsys, db)) == 19


def test_update_of_a_notice_not_yet_in_the_register_imports_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "so.cdsdb"
    code, out, _err = run(capsys, "--db", str(db), "import", "--update", str(TB36))
    assert code == 0 and "nhập mới" in out
    assert len(tasks_of(capsys, db)) == 19


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.txt", b"", "trống"),
        ("binary.txt", bytes(range(256)) * 40, "nhị phân"),
        ("broken.docx", b"PK\x03\x04 not really a zip", ""),
        ("no-tasks.txt", "Hôm nay trời đẹp.\nKhông có gì.\n".encode(), "Không tìm thấy nhiệm vụ"),
        ("missing.txt", None, "Không tìm thấy tệp"),
    ],
)
def test_a_bad_file_is_one_vietnamese_line_and_writes_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    words: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    db = tmp_path / "so.cdsdb"
    code, out, err = run(capsys, "--db", str(db), "import", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("Lỗi: ")
    assert words in err
    assert not db.exists()  # the register was not even opened
    code, out, err = run(capsys, "parse", str(path))
    if name == "no-tasks.txt":  # read fine: the summary says there is nothing to import
        assert code == 0 and "Không tìm thấy nhiệm vụ nào" in out
    else:
        assert code == 2 and len(err.strip().splitlines()) == 1
