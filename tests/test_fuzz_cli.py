"""Bad input to the command line: generated arguments and bad register files.

``cdsdesk.cli.main`` runs in-process on a private copy of the demo register with
argument lists built from the real commands and options (read from the parser,
so a new command is fuzzed too) mixed with junk: impossible dates, years 0 and
9999, huge numbers, control characters, right-to-left marks, 10,000-character
values, unknown options, missing values. Every run must end with exit code 0
or 2, never a traceback; an error is one line starting ``Lỗi: ``; the register
is intact afterwards (integrity ``ok``, the same tasks) and nothing is written
outside the test's folder (the working folder, ``--out`` and the error log all
point into ``tmp_path``).

Then every kind of bad register file: random bytes, a zip, a text file, a
directory, a truncated database, a register from a newer version. Each is
refused with its reason in Vietnamese and left byte for byte as it was.

``CDSDESK_FUZZ_EXAMPLES`` raises the number of examples; ``bench/fuzz_long.py``
runs the long version and prints the counts.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cdsdesk.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
# CDSDESK_FUZZ_CLI_READS / CDSDESK_FUZZ_CLI_WRITES (or CDSDESK_FUZZ_EXAMPLES for
# every fuzzer) set the examples per test.
EXAMPLES = int(os.environ.get("CDSDESK_FUZZ_EXAMPLES") or 0)
TRIED: Counter[str] = Counter()


def fuzz_settings(ci_examples: int, area: str = "") -> settings:
    wanted = int(os.environ.get(f"CDSDESK_FUZZ_{area}") or 0) if area else 0
    return settings(
        max_examples=wanted or EXAMPLES or ci_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )


# --- the commands, read from the parser ---------------------------------------


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    options: tuple[argparse.Action, ...]


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ()) -> list[Command]:
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        options = tuple(a for a in parser._actions if not isinstance(a, argparse._HelpAction))
        return [Command(words, options)]
    found = []
    for name, sub in subs[0].choices.items():
        found.extend(_commands(sub, (*words, name)))
    return found


COMMANDS = _commands(build_parser())
EXPORTS = [c for c in COMMANDS if c.words[0] in ("export", "demo", "backup", "restore")]
READS = [c for c in COMMANDS if c not in EXPORTS]
assert READS and EXPORTS

# --- values -------------------------------------------------------------------

# fmt: off
NASTY = [
    "\x01", "\x07", "\x08", "\t", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\u00a0",
    "\u200b", "\u200e", "\u200f", "\u202e", "\u2066", "\u3000", "\ufeff", "\ufffd", "😀",
    "🇻🇳", "e\u0302\u0323", "ệ", "Đ", "'", '"', "\\", "%", "_", "*", "?", "$(ls)", "`id`",
    "'; DROP TABLE tasks; --", "-", "--", "-1", "=", "@", "&", "|", "NULL", "None", "nan",
]
# fmt: on
# Inputs that hit an open bug are left to the xfail tests at the end of this file,
# so that this fuzzer guards everything else meanwhile. When a bug is fixed, remove
# its xfail mark and set its entry here to False: the fuzzer then covers it too.
KNOWN_BUGS = {
    "non-utf8 bytes": False,  # test_bytes_that_are_not_utf8_in_an_argument
    "line breaks": False,  # test_an_error_is_one_line_even_when_the_input_has_line_breaks
    "huge ids": False,  # test_an_id_too_big_for_the_register_is_refused_clearly
    "quarter years": False,  # test_a_quarter_in_year_0_or_9999_is_refused_clearly
    "export over the register": False,  # test_an_export_never_overwrites_the_register
}
# What a command line can carry: no NUL (no OS passes one). Lone surrogates are how
# Python hands over bytes that are not UTF-8 (a file name in an old code page).
CLI_CHARS = st.characters(
    exclude_categories=("Cs",) if KNOWN_BUGS["non-utf8 bytes"] else (),
    exclude_characters="\x00" + ("\n\r\x85\u2028\u2029" if KNOWN_BUGS["line breaks"] else ""),
)
junk_text = st.lists(
    st.one_of(
        st.sampled_from(NASTY),
        st.text(CLI_CHARS, max_size=6),
        st.text("aăđêôơư 0123-/.", max_size=12),
    ),
    max_size=12,
).map("".join)
long_text = st.builds(
    lambda s, n: (s * n)[:12_000], junk_text.filter(bool), st.integers(100, 12_000)
)
free_text = st.one_of(junk_text, junk_text, junk_text, long_text)

# fmt: off
DATE_WORDS = [
    "31/02/2024", "30/02/2024", "29/02/2023", "29/02/2024", "0000-01-01", "0001-01-01",
    "9999-12-31", "10000-01-01", "2024-13-01", "2024-00-10", "00/01/2024", "32/01/2024",
    "1899-12-31", "1900-01-01", "2999-12-31", "3000-01-01", "2024-1-1", "1/1/2024",
    "01.03.2024", "2024/03/01", "31-12-2024", "-2024-01-01", "2024-01-01T00:00", "20240101",
    "hôm nay", "", " ", "٢٠٢٤-٠١-٠١", "２０２４-０１-０１", "2024-01-01 ",
]
# fmt: on
# Each value strategy mixes plausible values (so that most lists reach the command's
# own work) with the hostile ones.
plausible_dates = st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(date.isoformat)
dates = st.one_of(
    plausible_dates,
    st.sampled_from(DATE_WORDS),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).flatmap(
        lambda d: st.sampled_from([d.isoformat(), f"{d.day:02d}/{d.month:02d}/{d.year:04d}"])
    ),
    junk_text,
)
quarters = st.one_of(
    st.builds(lambda y, q: f"{y}-Q{q}", st.integers(2019, 2026), st.integers(1, 4)),
    st.builds(
        lambda y, q: f"{y:04d}-Q{q}",
        st.integers(1, 9998) if KNOWN_BUGS["quarter years"] else st.integers(0, 10_000),
        st.integers(-1, 6),
    ),
    st.sampled_from(
        ["2024-Q1", "2024-q4", "Q1-2024", "I/2024", "2024-Q", "2024", "2999-Q4", "-1-Q1"]
    ),
    junk_text,
)
ids = st.one_of(
    st.integers(1, 6),
    st.integers(1, 6),
    st.integers(-(2**63) + 1, 2**63 - 1)
    if KNOWN_BUGS["huge ids"]
    else st.integers(-(10**30), 10**30),
    st.sampled_from(["0", "-1", "1.5", "1e3", "0x10", "١", "", "ba"]),
)
# fmt: off
UNIT_WORDS = [
    "Sở Thông tin và Truyền thông", "so thong tin", "Sở", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "UBND",
    "Sở KH&CN", "  ", "%", "_", "Sở Khoa học và Công nghệ", "Văn phòng Ủy ban nhân dân tỉnh",
]
# fmt: on
units = st.one_of(st.sampled_from(UNIT_WORDS), st.sampled_from(UNIT_WORDS), free_text)
# fmt: off
STATUS_WORDS = [
    "done_on_time", "done_late", "open_in_time", "open_overdue", "no_deadline", "due_soon",
    "cancelled", "DONE_LATE", "done", "",
]
# fmt: on
statuses = st.one_of(st.sampled_from(STATUS_WORDS), junk_text)


def _safe(value: str) -> str:
    """A value that, used as a path by mistake, still lands inside the working folder."""
    return "x" + value if value.startswith(("/", "~", "\\")) or ":" in value[:3] else value


@dataclass
class Places:
    """Where the fuzzer may point paths: all inside tmp_path."""

    work: Path
    out: Path
    bad_files: list[Path]

    def out_paths(self) -> st.SearchStrategy[str]:
        names = st.one_of(
            st.sampled_from(
                [
                    "r.docx",
                    "r.pdf",
                    "t.xlsx",
                    "b.cdsdb",
                    "x.txt",
                    "noext",
                    "R.DOCX",
                    ".docx",
                    "a.b.pdf",
                ]
            ),
            st.builds(
                lambda s, e: s + e,
                st.text("abcđ xyz-_ệ😀", min_size=1, max_size=30),
                st.sampled_from(["", ".docx", ".pdf", ".xlsx", ".cdsdb", ".doc"]),
            ),
        )
        return st.one_of(
            names.map(lambda n: str(self.out / n)),
            st.just(str(self.out)),  # a folder
            st.just(str(self.out / "khong-co" / "r.docx")),  # a missing folder
            st.sampled_from([str(p) for p in self.bad_files]),  # an existing file
            st.sampled_from(self.register_files()),
        )

    def register_files(self) -> list[str]:
        """The register itself and its companions: an --out there must be refused."""
        register = self.work / "so.cdsdb"
        if KNOWN_BUGS["export over the register"]:
            return [str(register) + "-shm", str(register) + "-journal"]
        return [str(register), str(register) + "-wal", str(register) + "-shm"]

    def in_paths(self) -> st.SearchStrategy[str]:
        return st.one_of(
            st.sampled_from([str(p) for p in self.bad_files]),
            st.just(str(self.work / "khong-co.cdsdb")),
            junk_text.map(_safe),
        )


def option_values(action: argparse.Action, places: Places) -> st.SearchStrategy[list[str]]:
    flag = st.sampled_from(action.option_strings) if action.option_strings else st.just(None)
    if action.nargs == 0:
        value: st.SearchStrategy[list[str]] = st.just([])
    else:
        dest = action.dest
        if dest == "out":
            raw = places.out_paths()
        elif dest == "file":
            raw = places.in_paths()
        elif "as_of" in dest:
            raw = dates
        elif dest == "quarter":
            raw = quarters
        elif action.type is int:
            raw = ids.map(str)
        elif action.choices:
            choices = st.sampled_from(list(action.choices))
            raw = st.one_of(choices, choices, junk_text)
        elif dest == "unit":
            raw = units
        elif dest == "status":
            raw = statuses
        else:
            raw = free_text
        one = raw.map(lambda v: [_safe(v)] if dest not in ("out", "file") else [v])
        value = (
            st.one_of(one, one, one, one, one, st.just([]))
            if action.nargs != "?"
            else st.one_of(one, st.just([]))
        )
    return st.builds(lambda f, v: ([f] if f else []) + v, flag, value)


JUNK_TOKENS = [
    "--json",
    "--nope",
    "-x",
    "--",
    "-",
    "--out",
    "--as-of",
    "--unit=",
    "--as-of=2024-01-01",
    "-h",
]


def argv_for(commands: list[Command], places: Places) -> st.SearchStrategy[list[str]]:
    @st.composite
    def build(draw: st.DrawFn) -> list[str]:
        command = draw(st.sampled_from(commands))
        words = list(command.words)
        if draw(st.integers(0, 9)) == 9:  # a misspelt or missing command word
            words[-1] = draw(
                st.sampled_from([words[-1].upper(), words[-1][:-1], "", "xuat", "--json"])
            )
        # Required options are there four times in five, so that most lists reach
        # the command itself rather than stop at argparse.
        required = [a for a in command.options if a.required]
        if required and draw(st.integers(0, 4)) == 4:
            required = []
        extra = (
            draw(st.lists(st.sampled_from(command.options), max_size=len(command.options) + 1))
            if command.options
            else []
        )
        chosen = draw(st.permutations(required + extra))
        parts = [draw(option_values(action, places)) for action in chosen]
        tokens = [t for part in parts for t in part]
        for _ in range(max(0, draw(st.integers(-3, 2)))):  # junk in one list of three
            junk = draw(st.one_of(st.sampled_from(JUNK_TOKENS), junk_text.map(_safe)))
            tokens.insert(draw(st.integers(0, len(tokens))), junk)
        return words + tokens

    return build()


# --- the run and its checks ---------------------------------------------------


def fingerprint(path: Path) -> tuple[object, ...]:
    with sqlite3.connect(path) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        tasks = sorted(
            conn.execute("SELECT ref, content, status, deadline, assigned_on FROM tasks").fetchall()
        )
        units = sorted(conn.execute("SELECT name, active FROM units").fetchall())
        notes = conn.execute("SELECT count(*) FROM progress_notes").fetchone()
    conn.close()
    return (integrity, tasks, units, notes)


@dataclass
class Arena:
    places: Places
    pristine: Path
    expected: tuple[object, ...]
    capsys: pytest.CaptureFixture[str]

    def run(self, argv: list[str]) -> tuple[int, str, str]:
        db = self.places.work / "so.cdsdb"
        for side in db.parent.glob("so.cdsdb*"):
            side.unlink()
        shutil.copy(self.pristine, db)
        self.capsys.readouterr()
        try:
            code = main(["--db", str(db), *argv])
        except SystemExit as exc:  # argparse's --help
            code = exc.code if isinstance(exc.code, int) else 0
        out, err = self.capsys.readouterr()
        assert code in (0, 2), f"exit {code} for {argv!r}: {err[-2000:]}"
        assert "Traceback" not in err, err[-3000:]
        if code == 2:
            assert err.startswith("Lỗi: "), f"{argv!r} → {err[:500]!r}"
        # demo, restore and report --issue may write, but the tasks, units and notes
        # must come out the same (the demo again, a backup of this very register).
        assert fingerprint(db) == self.expected, f"register changed by {argv!r}"
        return code, out, err


@pytest.fixture
def arena(
    demo_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Arena:
    work, out, xdg = tmp_path / "work", tmp_path / "out", tmp_path / "xdg"
    for folder in (work, out, xdg):
        folder.mkdir()
    # Relative paths, the error log and the default register all stay in tmp_path.
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    monkeypatch.setenv("HOME", str(xdg))
    monkeypatch.delenv("CDSDESK_DB", raising=False)
    pristine = tmp_path / "pristine.cdsdb"
    shutil.copy(demo_file, pristine)
    bad = make_bad_files(tmp_path / "bad", demo_file)
    backup = tmp_path / "bad" / "good-backup.cdsdb"
    shutil.copy(demo_file, backup)
    places = Places(work, out, [*bad.values(), backup])
    return Arena(places, pristine, fingerprint(pristine), capsys)


def _summary(capsys: pytest.CaptureFixture[str], name: str) -> None:
    with capsys.disabled():
        print(
            f"\n{name}: {TRIED[name]} argument lists tried "
            f"({TRIED[name + ' ok']} ran, {TRIED[name + ' refused']} refused with a message)"
        )


def _fuzz(arena: Arena, name: str, commands: list[Command], examples: int, area: str) -> None:
    @fuzz_settings(examples, area)
    @given(argv=argv_for(commands, arena.places))
    def run(argv: list[str]) -> None:
        TRIED[name] += 1
        code, _out, err = arena.run(argv)
        TRIED[name + (" ok" if code == 0 else " refused")] += 1
        if code == 2:
            assert "không mong đợi" not in err, f"{argv!r} → {err}"

    run()


def test_generated_arguments_to_reading_commands(
    arena: Arena, capsys: pytest.CaptureFixture[str]
) -> None:
    _fuzz(arena, "cli reads", READS, 80, "CLI_READS")
    _summary(capsys, "cli reads")
    out_files = list(arena.places.out.rglob("*"))
    assert all(p.is_relative_to(arena.places.out) for p in out_files)


def test_generated_arguments_to_exports_backup_restore_demo(
    arena: Arena, capsys: pytest.CaptureFixture[str]
) -> None:
    _fuzz(arena, "cli writes", EXPORTS, 15, "CLI_WRITES")
    _summary(capsys, "cli writes")
    # Every file an export wrote is a whole one: no temporary leftovers.
    assert not [p for p in arena.places.out.rglob(".cdsdesk-*")]


@pytest.mark.parametrize(
    "argv",
    [
        ["tasks", "--as-of", d]
        for d in ("31/02/2024", "0000-01-01", "9999-12-31", "2024-13-01", "29/02/2023")
    ]
    + [
        ["stats", "--as-of", "9999-12-31"],
        ["export", "report", "--quarter", "2024-Q5", "--out", "r.docx"],
        ["export", "report", "--quarter", "0-Q1", "--out", "r.pdf"],
        ["export", "report", "--quarter", "0001-Q1", "--out", "r.pdf"],
        ["tasks", "--unit", "Phòng\x1b[2J\x07 Văn hóa"],
        ["tasks", "--search", "chuyển đổi số " * 800],
        ["export", "notice", "--document", "-1", "--out", "n.docx"],
        ["export", "letter", "--unit", "\u202eSở", "--out", "l.pdf"],
    ],
)
def test_the_named_bad_arguments(arena: Arena, argv: list[str]) -> None:
    code, _out, err = arena.run(argv)
    if argv[-1] in ("31/02/2024", "0000-01-01", "9999-12-31", "2024-13-01", "29/02/2023"):
        assert code == 2 and "Ngày không hợp lệ" in err


# --- bad bytes, line breaks, huge ids: known bugs -----------------------------


@fuzz_settings(20)
@given(
    value=st.text(st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF), min_size=1, max_size=3)
)
@example(value="\udcff")
def test_bytes_that_are_not_utf8_in_an_argument(arena: Arena, value: str) -> None:
    arena.run(["tasks", "--unit", value])
    arena.run(["tasks", "--as-of", value])


@fuzz_settings(20)
@given(
    before=st.sampled_from(["2024", "31/02", ""]),
    brk=st.sampled_from(["\n", "\r", "\r\n", "\u2028", "\x85"]),
)
@example(before="2024", brk="\n")
def test_an_error_is_one_line_even_when_the_input_has_line_breaks(
    arena: Arena, before: str, brk: str
) -> None:
    _code, _out, err = arena.run(["tasks", "--as-of", f"{before}{brk}01-01"])
    assert len(err.splitlines()) == 1, err


@fuzz_settings(20)
@given(big=st.integers(2**63, 10**30))
@example(big=99999999999999999999)
def test_an_id_too_big_for_the_register_is_refused_clearly(arena: Arena, big: int) -> None:
    out = str(arena.places.out / "n.docx")
    for argv in (
        ["export", "notice", "--document", str(big), "--out", out],
        ["export", "report", "--issued", str(big), "--out", out],
    ):
        code, _out, err = arena.run(argv)
        assert code == 2 and "không mong đợi" not in err, err


def test_bytes_that_are_not_utf8_in_a_real_process(tmp_path: Path, demo_file: Path) -> None:
    """The same, as an officer's shell would run it: never a traceback on screen."""
    db = tmp_path / "so.cdsdb"
    shutil.copy(demo_file, db)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("CDSDESK_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "cdsdesk", "--db", str(db), "tasks", "--unit", b"S\xf6"],
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
    assert done.returncode == 2 and done.stderr.startswith("Lỗi: ".encode())


@pytest.mark.parametrize("quarter", ["0000-Q1", "9999-Q3", "9999-Q4"])
def test_a_quarter_in_year_0_or_9999_is_refused_clearly(arena: Arena, quarter: str) -> None:
    out = str(arena.places.out / "r.pdf")
    code, _out, err = arena.run(["export", "report", "--quarter", quarter, "--out", out])
    assert code == 2 and "không mong đợi" not in err, err


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "report", "--quarter", "2024-Q1", "--format", "pdf", "--out"],
        ["export", "notice", "--document", "1", "--format", "docx", "--out"],
        ["export", "letter", "--unit", "Sở Khoa học và Công nghệ", "--format", "pdf", "--out"],
    ],
)
def test_an_export_never_overwrites_the_register(arena: Arena, argv: list[str]) -> None:
    code, _out, _err = arena.run([*argv, str(arena.places.work / "so.cdsdb")])
    assert code == 2, "the register was replaced by the export"


# --- bad register files -------------------------------------------------------


def make_bad_files(folder: Path, demo_file: Path) -> dict[str, Path]:
    """Every kind of file that is not a register this program can open."""
    import random

    folder.mkdir(exist_ok=True)
    rng = random.Random(6)
    made: dict[str, Path] = {}

    def put(name: str, data: bytes) -> None:
        made[name] = folder / f"{name}.cdsdb"
        made[name].write_bytes(data)

    put("random-bytes", rng.randbytes(8192))
    put("text", "Sổ theo dõi nhiệm vụ\nKhông phải cơ sở dữ liệu.\n".encode())
    zipped = folder / "zip.cdsdb"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    made["zip"] = zipped
    data = demo_file.read_bytes()
    put("header-only", data[:100])
    put("half-a-database", data[: len(data) // 2 + 17])
    put("sqlite-magic-then-junk", b"SQLite format 3\x00" + rng.randbytes(4000))
    newer = folder / "newer-version.cdsdb"
    shutil.copy(demo_file, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff9999'")
    conn.close()
    made["newer-version"] = newer
    directory = folder / "a-folder.cdsdb"
    directory.mkdir()
    made["directory"] = directory
    return made


BAD_FILE_REASONS = {
    "random-bytes": "không phải là sổ đăng ký",
    "text": "không phải là sổ đăng ký",
    "zip": "không phải là sổ đăng ký",
    "header-only": "hỏng",
    "half-a-database": "hỏng",
    "sqlite-magic-then-junk": "hỏng",
    "newer-version": "phiên bản CĐS Desk mới hơn",
    "directory": "thư mục",
}
FILE_COMMANDS: list[Callable[[Path], list[str]]] = [
    lambda out: ["units"],
    lambda out: ["tasks", "--json"],
    lambda out: ["stats", "--as-of", "2024-03-31"],
    lambda out: ["documents"],
    lambda out: ["export", "tasks", "--out", str(out / "t.xlsx")],
    lambda out: ["export", "report", "--quarter", "2024-Q1", "--out", str(out / "r.pdf")],
]


def _state(path: Path) -> object:
    if path.is_dir():
        return sorted(p.name for p in path.iterdir())
    return (path.read_bytes(), path.stat().st_mtime_ns)


@pytest.mark.parametrize("kind", sorted(BAD_FILE_REASONS))
def test_a_bad_register_file_is_refused_with_its_reason_and_left_untouched(
    kind: str,
    tmp_path: Path,
    demo_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    path = make_bad_files(tmp_path / "bad", demo_file)[kind]
    before = _state(path)
    out = tmp_path / "out"
    out.mkdir()
    for command in FILE_COMMANDS:
        capsys.readouterr()
        code = main(["--db", str(path), *command(out)])
        _out, err = capsys.readouterr()
        assert code == 2, f"{kind}: {command(out)} ran: {_out[:300]}"
        assert err.startswith("Lỗi: ") and len(err.splitlines()) == 1, err
        assert BAD_FILE_REASONS[kind] in err, err
        assert _state(path) == before, f"{kind} changed by {command(out)}"
    assert list(out.iterdir()) == []


def test_an_empty_file_becomes_a_new_register(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "empty.cdsdb"
    path.write_bytes(b"")
    assert main(["--db", str(path), "units"]) == 0
    assert main(["--db", str(path), "tasks"]) == 0
    assert "0 nhiệm vụ" in capsys.readouterr().out


@pytest.mark.parametrize("table", ["moz_places", "tasks"])
def test_another_programs_sqlite_database_is_refused_and_left_untouched(
    table: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "places.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute(f"INSERT INTO {table} (url) VALUES ('https://example.org')")
    conn.close()
    before = _state(path)
    code = main(["--db", str(path), "units"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("Lỗi: ") and "không phải" in err, err
    assert _state(path) == before
