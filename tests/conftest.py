"""Shared fixtures. Qt runs offscreen so the suite works without a screen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cdsdesk.storage.db import Register


@pytest.fixture
def register(tmp_path: Path) -> Iterator[Register]:
    """An empty register file at the newest schema."""
    with Register(tmp_path / "register.cdsdb") as reg:
        yield reg


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo register written once per test session; copy it before writing to it."""
    from cdsdesk.demo import write_demo

    path = tmp_path_factory.mktemp("demo") / "demo.cdsdb"
    with Register(path) as reg:
        write_demo(reg)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Register]:
    """A private, writable copy of the demo register."""
    import shutil

    target = tmp_path / "demo.cdsdb"
    shutil.copy(demo_file, target)
    with Register(target) as reg:
        yield reg
