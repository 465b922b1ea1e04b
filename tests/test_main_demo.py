"""`python main.py --demo` opens the demo register, written once beside the user's own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parent.parent


def test_demo_flag_writes_and_opens_the_demo(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_DATA_HOME": str(tmp_path),
           "HOME": str(tmp_path)}
    shot = tmp_path / "shot.png"
    for _ in range(2):  # the second run reuses the demo written by the first
        done = subprocess.run(
            [sys.executable, "main.py", "--demo", "--screenshot", str(shot)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
    demos = list(tmp_path.rglob("so-mau.cdsdb"))
    assert len(demos) == 1
    assert not list(tmp_path.rglob("so-nhiem-vu.cdsdb"))  # the user's register untouched
    assert not QImage(str(shot)).isNull()
