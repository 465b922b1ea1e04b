"""The PyInstaller spec and its rules, checked without building (a build takes minutes).

The spec is executed with stand-ins for PyInstaller's Analysis/PYZ/EXE/COLLECT that
record what they are given. The real build and its self-test run in CI
(packaging/ci_build_and_selftest.sh).
"""

from __future__ import annotations

import importlib.util
import re
import struct
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from cdsdesk import __version__

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "pyinstaller.spec"


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


rules = load("cdsdesk_bundle_rules_test", ROOT / "packaging" / "bundle_rules.py")
version_info = load("cdsdesk_version_info_test", ROOT / "packaging" / "version_info.py")


class FakeAnalysis:
    def __init__(self, scripts: list[str], **kwargs: Any) -> None:
        self.args = kwargs
        self.entry_scripts = scripts
        self.binaries: list[tuple[str, str, str]] = []
        self.datas: list[tuple[str, str, str]] = []
        self.pure: list[Any] = []
        self.scripts: list[Any] = []


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the spec hands to PyInstaller."""
    seen: dict[str, Any] = {"workpath": tmp_path_factory.mktemp("work")}

    def analysis(scripts: list[str], **kwargs: Any) -> FakeAnalysis:
        seen["Analysis"] = FakeAnalysis(scripts, **kwargs)
        return seen["Analysis"]

    def record(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> str:
            seen[name] = (args, kwargs)
            return name

        return call

    namespace = {
        "Analysis": analysis,
        "PYZ": record("PYZ"),
        "EXE": record("EXE"),
        "COLLECT": record("COLLECT"),
        "SPECPATH": str(ROOT),
        "workpath": str(seen["workpath"]),
        "__file__": str(SPEC),
    }
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    return seen


def test_one_folder_build_without_upx(built: dict[str, Any]) -> None:
    exe_args, exe = built["EXE"]
    collect_args, collect = built["COLLECT"]
    assert exe["exclude_binaries"] is True  # the libraries go beside the executable...
    assert collect_args[0] == "EXE"  # ...collected into one folder
    assert exe["upx"] is False and collect["upx"] is False
    assert exe["console"] is False
    assert exe["name"] == collect["name"] == "CDSDesk"
    assert ("X utf8", None, "OPTION") in exe_args[2]
    assert built["Analysis"].entry_scripts == [str(ROOT / "main.py")]


def test_migrations_and_resources_travel_as_files(built: dict[str, Any]) -> None:
    datas = {
        (Path(src).relative_to(ROOT).as_posix(), dest)
        for src, dest in built["Analysis"].args["datas"]
    }
    migrations = "cdsdesk/storage/migrations"
    assert (f"{migrations}/env.py", migrations) in datas
    assert (f"{migrations}/script.py.mako", migrations) in datas
    versions = sorted((ROOT / migrations / "versions").glob("*.py"))
    assert versions
    for script in versions:
        assert (f"{migrations}/versions/{script.name}", f"{migrations}/versions") in datas
    for resource in (
        "resources/demo/demo.json",
        "resources/i18n/qtbase_vi.qm",
        "resources/icons/cdsdesk.png",
        "resources/samples/quang-ngai-tb-36-ubnd-2023.txt",
    ):
        assert (resource, str(Path(resource).parent.as_posix())) in datas, resource
    assert not any("__pycache__" in src or src.endswith(".pyc") for src, _dest in datas)


def test_migration_scripts_imports_are_hidden_imports(built: dict[str, Any]) -> None:
    hidden = set(built["Analysis"].args["hiddenimports"])
    assert {"alembic", "sqlalchemy", "cdsdesk.domain.models"} <= hidden


def test_modules_loaded_on_first_use_are_hidden_imports(built: dict[str, Any]) -> None:
    """``ui.lazy.lazy_module("…")`` imports by name at run time: PyInstaller's analysis
    cannot see it, so the spec names every such module (the frozen window failed without)."""
    hidden = set(built["Analysis"].args["hiddenimports"])
    named = set(re.findall(r'lazy_module\("([\w.]+)"\)', (ROOT / "ui" / "operations.py").read_text(
        encoding="utf-8")))
    assert "cdsdesk.services.audit_revert" in named
    assert named <= hidden
    for path in (ROOT / "ui").rglob("*.py"):
        for name in re.findall(r'lazy_module\("([\w.]+)"\)', path.read_text(encoding="utf-8")):
            assert name in hidden, (path.name, name)
            assert importlib.util.find_spec(name) is not None, name


def test_unused_qt_modules_are_excluded_by_name(built: dict[str, Any]) -> None:
    excludes = set(built["Analysis"].args["excludes"])
    for name in (
        "QtWebEngineCore", "QtWebEngineWidgets", "Qt3DCore", "QtQml", "QtQuick", "QtMultimedia",
        "QtCharts", "QtDataVisualization", "QtPdf", "QtSql", "QtTest", "QtBluetooth",
        "QtPositioning", "QtSensors", "QtSerialPort", "QtWebSockets", "QtDesigner", "QtHelp",
        "QtOpenGL", "QtXml", "QtConcurrent", "QtSvg",
    ):  # fmt: skip
        assert f"PySide6.{name}" in excludes
    for name in rules.QT_MODULES_USED:
        assert f"PySide6.{name}" not in excludes
    assert "tkinter" in excludes


def test_the_program_imports_only_the_qt_modules_the_bundle_carries() -> None:
    """A new ``from PySide6.QtSvg import ...`` would work from source and crash the bundle."""
    pattern = re.compile(r"(?:from|import)\s+PySide6\.(Qt\w+)")
    sources = [ROOT / "main.py", *(ROOT / "ui").rglob("*.py"), *(ROOT / "cdsdesk").rglob("*.py")]
    used = {name for path in sources for name in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used  # the scan found the imports
    assert used <= set(rules.QT_MODULES_USED), used
    assert not used & set(rules.QT_MODULES_EXCLUDED)


VERSION_NODES = (
    "VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
    "VarFileInfo", "VarStruct",
)  # fmt: skip


class Node:
    """A stand-in for PyInstaller's version resource classes: remembers its arguments."""

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.kind, self.args, self.kwargs = kind, args, kwargs

    def find(self, kind: str) -> list[Node]:
        found = [self] if self.kind == kind else []
        children: list[Any] = [*self.args, *self.kwargs.values()]
        while children:
            child = children.pop(0)
            if isinstance(child, Node):
                found += child.find(kind)
            elif isinstance(child, list):
                children[:0] = child
        return found


def test_windows_version_resource(built: dict[str, Any]) -> None:
    path = Path(built["EXE"][1]["version"])
    assert path.is_file() and path.is_relative_to(built["workpath"])
    classes = {kind: (lambda *a, k=kind, **kw: Node(k, *a, **kw)) for kind in VERSION_NODES}
    resource = eval(path.read_text(encoding="utf-8"), classes)  # as PyInstaller reads it
    assert resource.kind == "VSVersionInfo"
    fixed = resource.find("FixedFileInfo")[0].kwargs
    numbers = tuple(int(n) for n in __version__.split(".")[:3])
    assert fixed["filevers"][:3] == numbers and fixed["prodvers"] == fixed["filevers"]
    strings = dict(node.args for node in resource.find("StringStruct"))
    assert strings["FileDescription"] == "CĐS Desk – Sổ theo dõi nhiệm vụ chuyển đổi số"
    assert strings["ProductName"] == "CĐS Desk"
    assert strings["CompanyName"]
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["OriginalFilename"] == "CDSDesk.exe"


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.1.0", (0, 1, 0, 0)), ("1.2", (1, 2, 0, 0)), ("2.0.1rc1", (2, 0, 1, 0))],
)
def test_version_numbers(version: str, expected: tuple[int, ...]) -> None:
    assert version_info.version_tuple(version) == expected


def test_icon_is_a_windows_icon_with_small_and_large_sizes(built: dict[str, Any]) -> None:
    data = Path(built["EXE"][1]["icon"]).read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1) and count >= 4
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}  # a width of 0 means 256
    assert {16, 32, 48, 256} <= sizes
    assert (ROOT / "resources" / "icons" / "cdsdesk.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/plugins/platforms/qoffscreen.dll",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "PySide6/plugins/imageformats/qico.dll",
        "PySide6/Qt6Core.dll",
        "PySide6/Qt6PrintSupport.dll",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libicudata.so.73",
        "PySide6/QtWidgets.pyd",
        "docx/templates/default.docx",
        "cdsdesk/storage/migrations/env.py",
        "libpython3.11.so.1.0",
    ],
)
def test_kept(dest: str) -> None:
    assert rules.keep(dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/translations/qtbase_de.qm",
        "PySide6/Qt/translations/qt_fr.qm",
        "PySide6/opengl32sw.dll",
        "PySide6/d3dcompiler_47.dll",
        "PySide6/Qt6Svg.dll",
        "PySide6/Qt/lib/libQt6WaylandClient.so.6",
        "PySide6/plugins/platforms/qminimal.dll",
        "PySide6/plugins/platforms/qdirect2d.dll",
        "PySide6/plugins/imageformats/qsvg.dll",
        "PySide6/plugins/imageformats/qtiff.dll",
        "PySide6/plugins/iconengines/qsvgicon.dll",
        "PySide6/plugins/tls/qschannelbackend.dll",
        "PySide6/plugins/sqldrivers/qsqlite.dll",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so",
        "cdsdesk/storage/migrations/__pycache__/env.cpython-311.pyc",
    ],
)
def test_left_out(dest: str) -> None:
    assert not rules.keep(dest)


def test_a_link_goes_with_its_target() -> None:
    datas = [
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6Svg.so.6", "PySide6/Qt/lib/libQt6Svg.so.6", "SYMLINK"),
        ("libgone.so.1", "somewhere/libgone.so.1", "SYMLINK"),
    ]
    kept = rules.filter_toc(datas)
    assert [dest for dest, _s, _k in kept] == ["libQt6Core.so.6", "libgone.so.1"]
    binaries = [("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY")]
    assert rules.without_dangling_links(kept, binaries) == kept[:1]


def test_libraries_nothing_loads_any_more_are_dropped() -> None:
    binaries = [
        ("libpython3.11.so.1.0", "/py/libpython3.11.so.1.0", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/qt/libqxcb.so", "BINARY"),
        ("PIL/_imaging.so", "/pil/_imaging.so", "EXTENSION"),
        ("libxcb.so.1", "/usr/lib/libxcb.so.1", "BINARY"),  # needed by qxcb
        ("libXau.so.6", "/usr/lib/libXau.so.6", "BINARY"),  # needed by libxcb
        ("libgtk-3.so.0", "/usr/lib/libgtk-3.so.0", "BINARY"),  # its plugin was dropped
        ("libatk-1.0.so.0", "/usr/lib/libatk-1.0.so.0", "BINARY"),  # needed by gtk only
        ("pillow.libs/libjpeg.so", "/pil/libjpeg.so", "BINARY"),  # in a package: kept
    ]
    links = {
        "/qt/libqxcb.so": ["libxcb.so.1", "libc.so.6"],
        "/usr/lib/libxcb.so.1": ["libXau.so.6"],
        "/usr/lib/libgtk-3.so.0": ["libatk-1.0.so.0", "libxcb.so.1"],
    }
    kept = rules.without_unneeded_libraries(binaries, lambda source: links.get(source, []))
    assert [dest for dest, _s, _k in kept] == [
        "libpython3.11.so.1.0",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PIL/_imaging.so",
        "libxcb.so.1",
        "libXau.so.6",
        "pillow.libs/libjpeg.so",
    ]
