"""The core must work on a machine where PySide6 cannot be imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BLOCKER = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6.") or name == "shiboken6":
            raise ImportError("PySide6 is blocked for this test")
sys.meta_path.insert(0, Block())
import pkgutil, importlib, cdsdesk
names = [m.name for m in pkgutil.walk_packages(cdsdesk.__path__, "cdsdesk.")
         if m.name != "cdsdesk.__main__" and ".migrations" not in m.name]
for name in names:
    importlib.import_module(name)
assert "PySide6" not in sys.modules
print(len(names))
"""


def test_every_core_module_imports_without_pyside6() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) >= 10  # the walk really found the modules


FRESH_IMPORTS = """
import importlib, pkgutil, sys
import cdsdesk
names = [m.name for m in pkgutil.walk_packages(cdsdesk.__path__, "cdsdesk.")
         if m.name != "cdsdesk.__main__" and ".migrations" not in m.name]
failed = []
for name in names:
    for loaded in [m for m in sys.modules if m == "cdsdesk" or m.startswith("cdsdesk.")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed.append(f"{name}: {exc}")
print("\\n".join(failed))
print(len(names))
"""


def test_every_core_module_imports_first_without_a_cycle() -> None:
    """Each module imported on its own, in a fresh interpreter state: no import cycle."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_IMPORTS], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    *failed, count = done.stdout.strip().splitlines()
    assert failed == [] and int(count) >= 10
