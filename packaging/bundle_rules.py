"""What goes into the one-folder build, and what is left out (used by ``pyinstaller.spec``).

Kept apart from the spec so that ``tests/test_packaging.py`` checks the rules
without PyInstaller. Load it by path: this folder is not a Python package.

What the program uses of Qt (``grep -rh "from PySide6" ui main.py``): QtCore,
QtGui, QtWidgets, QtPrintSupport, and QtNetwork for the single-instance guard's
local socket. Everything else of PySide6 is excluded by name (a test fails when
the program starts importing one of them), and of Qt's plugins only what a
widgets program needs is kept (not tls or networkinformation: a local socket
needs neither):

* platforms: the real screen (windows, xcb, cocoa) and offscreen (``--selftest``
  in CI). Not minimal/direct2d/eglfs/linuxfb/vnc/wayland: on a Wayland desktop
  Linux falls back to xcb through XWayland.
* styles (Windows 11 look), printsupport (CUPS on Linux), platforminputcontexts
  (Linux input methods such as ibus-unikey; Windows needs none).
* imageformats: ico and jpeg only (PNG is built into QtGui).
* platformthemes on Linux: the portal one (native file dialogs under Flatpak/KDE),
  not gtk3 (it needs GTK's libraries, which we do not ship).

Qt's own translations are dropped: Qt has none for Vietnamese and we ship ours
(``resources/i18n/qtbase_vi.qm``). So are the software OpenGL renderer and the
Direct3D shader compiler of the Windows wheel (20+4 MB): widgets paint with the
raster engine and never load them.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "CDSDesk"  # the folder and the executable: ASCII, see README
ICON = ROOT / "resources" / "icons" / "cdsdesk.ico"

QT_MODULES_USED = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtNetwork")
QT_MODULES_EXCLUDED = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAxContainer", "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent", "QtDBus",
    "QtDataVisualization", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp",
    "QtHttpServer", "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetworkAuth",
    "QtNfc", "QtOpenGL", "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning",
    "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
    "QtSpatialAudio", "QtSql", "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest",
    "QtTextToSpeech", "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineQuick",
    "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
)  # fmt: skip

PYTHON_EXCLUDED = (
    # Never used by the program; pulled in by optional imports of its libraries.
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "test", "lib2to3",
    "unittest", "doctest", "pdb", "pydoc", "pydoc_data", "xmlrpc", "curses",
    "distutils", "setuptools", "pkg_resources", "ensurepip", "venv",
    "numpy", "yaml", "jinja2", "pygments", "IPython", "matplotlib", "pytest", "_pytest",
    # pypdf's optional AES decryption: not a pinned dependency, so not in the bundle
    # either (the importer says that such a PDF cannot be read, and why).
    "cryptography", "Crypto", "Cryptodome",
    # Database drivers SQLAlchemy knows about; we ship SQLite's and psycopg 3 only.
    "psycopg2", "pymysql", "MySQLdb", "pysqlite2", "asyncpg", "aiosqlite", "pyodbc",
    "cx_Oracle", "oracledb", "pg8000", "sqlalchemy.testing",
    # Pillow: only PNG out (the report's chart); no AVIF, WebP, Tk or Qt bridges.
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin",
    "PIL.ImageTk", "PIL._imagingtk", "PIL.ImageQt", "PIL.ImageShow",
    # lxml: python-docx uses lxml.etree only.
    "lxml.html", "lxml.objectify", "lxml.isoschematron", "lxml.cssselect",
    "lxml.doctestcompare", "lxml.usedoctest", "lxml.html5parser",
)  # fmt: skip

EXCLUDED_MODULES = (*(f"PySide6.{name}" for name in QT_MODULES_EXCLUDED), *PYTHON_EXCLUDED)

# python-docx opens its templates as ``docx/parts/../templates/...``: on Linux that path
# needs a real ``docx/parts`` folder, which a bundle keeping modules in its archive lacks
# (python-docx PR #1310). Its sources beside the archive make the folder.
MODULE_COLLECTION_MODE = {"docx.parts": "pyz+py"}

QT_PLUGINS_KEPT: dict[str, frozenset[str] | None] = {
    # plugin folder -> plugin names kept (None: all of them)
    "platforms": frozenset({"qwindows", "qxcb", "qcocoa", "qoffscreen"}),
    "styles": None,
    "printsupport": None,
    "platforminputcontexts": None,
    "imageformats": frozenset({"qico", "qjpeg"}),
    "platformthemes": frozenset({"qxdgdesktopportal"}),
}
# Qt libraries only the dropped plugins or modules load.
QT_LIBS_DROPPED = (
    "Qt6OpenGL", "Qt6Svg", "Qt6WaylandClient", "Qt6WaylandEglClientHwIntegration",
    "Qt6WlShellIntegration", "Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport", "Qt6Pdf",
    "Qt6Qml", "Qt6Quick", "Qt6VirtualKeyboard",
)  # fmt: skip
WINDOWS_GL_DLLS = ("opengl32sw.dll", "d3dcompiler_47.dll", "libegl.dll", "libglesv2.dll")


def qt_relative(dest: str) -> PurePosixPath | None:
    """``plugins/...``, ``translations/...`` or a library name, for a file under PySide6."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if not parts or parts[0] != "PySide6":
        return None
    rest = parts[1:]
    if rest[:1] == ("Qt",):  # Linux and macOS wheels keep Qt under PySide6/Qt
        rest = rest[1:]
    if rest[:1] == ("lib",):
        rest = rest[1:]
    return PurePosixPath(*rest) if rest else None


def _plugin_name(filename: str) -> str:
    stem = filename.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def keep(dest: str) -> bool:
    """Whether the file PyInstaller would put at ``dest`` (inside the bundle) is kept."""
    path = PurePosixPath(dest.replace("\\", "/"))
    if path.name.lower() in WINDOWS_GL_DLLS:
        return False
    if "__pycache__" in path.parts:
        return False
    qt = qt_relative(dest)
    if qt is None:
        return True
    if qt.parts[0] == "translations":
        return False
    if qt.parts[0] == "plugins" and len(qt.parts) >= 3:
        folder = qt.parts[1]
        if folder not in QT_PLUGINS_KEPT:
            return False
        names = QT_PLUGINS_KEPT[folder]
        return names is None or _plugin_name(qt.parts[-1]) in names
    stem = _plugin_name(qt.name)
    return not any(stem == lib or stem.startswith(lib + "_") for lib in QT_LIBS_DROPPED)


Entry = tuple[str, str, str]  # PyInstaller's TOC entry: (path in the bundle, source, kind)


def filter_toc(entries: Iterable[Entry]) -> list[Entry]:
    """``a.binaries`` or ``a.datas`` without what :func:`keep` drops.

    A symbolic link (``kind`` SYMLINK, ``source`` is the path it points to in the
    bundle) goes with its target.
    """
    return [
        (dest, source, kind)
        for dest, source, kind in entries
        if keep(dest) and (kind != "SYMLINK" or keep(source))
    ]


def _prunable(entry: Entry) -> bool:
    """A library PyInstaller put at the top only because another binary loads it."""
    dest, _source, kind = entry
    name = dest.lower()
    return (
        kind == "BINARY"
        and "/" not in dest.replace("\\", "/")
        and not (name.startswith("libpython") or name.startswith("python"))
    )


def without_unneeded_libraries(
    binaries: Iterable[Entry], imports_of: Callable[[str], Iterable[str]]
) -> list[Entry]:
    """Drop the libraries that nothing kept loads any more.

    They came with a plugin :func:`keep` dropped (GTK's for the gtk3 theme,
    Wayland's...). ``imports_of(source)`` names the libraries a binary links to
    (PyInstaller's ``bindepend.get_imports``). Libraries inside a package folder,
    Python extension modules and the Python library itself are never dropped:
    they are loaded by import or by the bootloader, not by another binary.
    """
    kept = list(binaries)
    imports = {source: {name.lower() for name in imports_of(source)} for _d, source, _k in kept}
    while True:
        needed = set().union(*(imports[source] for _d, source, _k in kept))
        orphans = {entry for entry in kept if _prunable(entry) and entry[0].lower() not in needed}
        if not orphans:
            return kept
        kept = [entry for entry in kept if entry not in orphans]


def without_dangling_links(datas: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """Drop the symbolic links whose target is no longer in the bundle."""
    present = {dest for dest, _s, _k in binaries} | {dest for dest, _s, _k in datas}
    return [
        (dest, source, kind)
        for dest, source, kind in datas
        if kind != "SYMLINK" or source in present
    ]


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for ``Analysis(datas=...)``.

    The migration scripts travel as source: Alembic loads them from the folder
    (``env.py``, ``script.py.mako``, ``versions/*.py``). ``resources/`` holds the
    demo register, the Vietnamese Qt texts, the icons and the self-test's sample.
    """
    pairs = []
    for folder in (root / "resources", root / "cdsdesk" / "storage" / "migrations"):
        for path in _files(folder):
            if path.suffix == ".ts":  # Qt Linguist source of the shipped .qm
                continue
            pairs.append((str(path), path.parent.relative_to(root).as_posix()))
    return pairs


def lazy_imports(root: Path = ROOT) -> list[str]:
    """Modules the window loads on first use (``ui.lazy.lazy_module("name")``): imported
    by name at run time, so PyInstaller's analysis cannot see them."""
    found: set[str] = set()
    for folder in ("ui", "cdsdesk"):
        for path in _files(root / folder):
            if path.suffix != ".py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "lazy_module"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found.add(node.args[0].value)
    return sorted(found)


def migration_imports(root: Path = ROOT) -> list[str]:
    """Modules the migration scripts import: they are not reachable from ``main.py``."""
    found: set[str] = set()
    for path in _files(root / "cdsdesk" / "storage" / "migrations"):
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    found.discard("__future__")
    return sorted(found)
