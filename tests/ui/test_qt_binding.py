"""Guards the pinned Qt binding against a known class of crash.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` each time a Qt
signal calls a Python slot that returns None; after some thousands of calls the
interpreter aborts. The program emits that many signals in an ordinary
session, so the pin in requirements.txt must not be moved to such a release.
"""

from __future__ import annotations

import os
import subprocess
import sys

STRESS = """
from PySide6.QtWidgets import QApplication, QCheckBox
app = QApplication([])
box = QCheckBox()
calls = []
box.toggled.connect(lambda on: calls.append(on) and None)
def plain(on):
    pass
box.toggled.connect(plain)
for _ in range(30000):
    box.setChecked(not box.isChecked())
print(len(calls))
"""


def test_many_signals_to_python_slots_do_not_crash() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", STRESS], capture_output=True, text=True,
                          env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "30000"
