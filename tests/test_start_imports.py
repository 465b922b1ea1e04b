"""What the window's first paint may import: not SQLAlchemy, not Alembic.

SQLAlchemy takes about a third of a second to import on an old PC; a file
register at the newest schema opens, and its task list is read, through
``sqlite3``. The ORM comes with the first write (or the deferred side panels).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cdsdesk.settings import load_settings, save_settings
from cdsdesk.storage.db import Register

ROOT = Path(__file__).resolve().parent.parent
LATE = ("sqlalchemy", "alembic", "cdsdesk.domain.models")

CORE_READS = """
import json, sys
from datetime import date
from cdsdesk.storage.db import Register
from cdsdesk.settings import load_settings
from cdsdesk.services.queries import TaskQuery, filter_rows, view_rows
from cdsdesk.services.register_view import get_view

register = Register(sys.argv[1])
settings = load_settings(register)
view = get_view(register, date(2024, 3, 31), settings.due_soon_days)
rows = filter_rows(view_rows(view), TaskQuery(search="chuyen doi so"))
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "alembic")
                or m == "cdsdesk.domain.models")
print(json.dumps({"tasks": len(view.tasks), "found": len(rows), "loaded": loaded,
                  "agency": settings.agency_name}))
"""


def run_python(code: str, *args: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_task_list_of_a_file_register_is_read_without_the_orm(
    demo_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "copy.cdsdb"
    shutil.copy(demo_file, path)
    with Register(path) as register:
        save_settings(register, agency_name="SỞ THỬ NGHIỆM")
    result = run_python(CORE_READS, str(path))
    assert result["loaded"] == []
    assert result["tasks"] == 44
    assert isinstance(result["found"], int) and result["found"] > 0
    # The raw read decodes the stored JSON the ORM wrote.
    assert result["agency"] == "SỞ THỬ NGHIỆM"


def test_settings_read_raw_follow_a_save(register: Register) -> None:
    assert load_settings(register).due_soon_days == 7
    save_settings(register, due_soon_days=12, signer_name="Nguyễn Văn A")
    again = load_settings(register)
    assert (again.due_soon_days, again.signer_name) == (12, "Nguyễn Văn A")


def test_a_register_opens_and_migrates_with_the_engine_made_late(tmp_path: Path) -> None:
    with Register(tmp_path / "new.cdsdb") as register:
        with register.reading() as conn:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert {"tasks", "units", "alembic_version"} <= names


@pytest.mark.parametrize("late", LATE)
def test_names_checked_are_real_modules(late: str) -> None:
    """The list above must name modules that exist, or the check proves nothing."""
    import importlib

    assert importlib.import_module(late) is not None
