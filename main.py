"""CĐS Desk: start-up only. Parse arguments, open the register, show the window."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdsdesk.selftest import SelfTestContext


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="cdsdesk", description="CĐS Desk")
    parser.add_argument(
        "--db", metavar="PATH", help="register file (default: the user's data folder)"
    )
    parser.add_argument(
        "--screenshot",
        metavar="FILE.png",
        help="render the window at 1366x768 to FILE.png and exit",
    )
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="check that this copy carries everything it needs (exit code 0 or 1)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the demo register (written to the data folder the first time)",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.version or args.selftest:
        _ensure_output()
    if args.version:
        from cdsdesk import __version__

        print(f"CĐS Desk {__version__}")
        return 0
    if args.selftest:
        from cdsdesk.i18n import tr
        from cdsdesk.selftest import Step, run_selftest

        return run_selftest(extra_steps=[Step(tr("Dựng cửa sổ chính"), _build_window)])
    from ui.app import run

    if args.demo and not args.db:
        args.db = str(_demo_register())
    # A file path or a postgresql:// address: passed on as written.
    return run(args.db, screenshot=args.screenshot)


def _demo_register() -> object:
    """The demo register beside the user's own, written once (never over their data)."""
    from cdsdesk.demo import write_demo
    from cdsdesk.storage.db import Register, default_register_path

    path = default_register_path().with_name("so-mau.cdsdb")
    if not path.exists():
        with Register(path) as register:
            write_demo(register)
    return path


def _build_window(ctx: SelfTestContext) -> str:
    """The self-test's window step: Qt, its plugins and our translation are in this copy."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from cdsdesk.i18n import tr
    from cdsdesk.selftest import StepFailed
    from ui.app import SCREENSHOT_SIZE, make_app
    from ui.main_window import MainWindow

    app = make_app()
    settings = QSettings(str(ctx.folder / "cua-so.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx.register_path, settings=settings)
    try:
        window.resize(*SCREENSHOT_SIZE)
        picture = window.grab()
        if picture.isNull() or not picture.save(str(ctx.folder / "cua-so.png"), "PNG"):
            raise StepFailed(tr("không vẽ được cửa sổ."))
    finally:
        window.close()
    if QCoreApplication.translate("QProgressDialog", "Cancel") != "Hủy":
        raise StepFailed(tr("thiếu bản dịch tiếng Việt của Qt (resources/i18n)."))
    return tr("Qt {qt}, nền {platform}, {width}×{height}").format(
        qt=_qt_version(),
        platform=app.platformName(),
        width=picture.width(),
        height=picture.height(),
    )


def _qt_version() -> str:
    from PySide6.QtCore import qVersion

    return str(qVersion())


def _ensure_output() -> None:
    """Give a windowed build somewhere to print.

    The Windows build has no console of its own, so ``sys.stdout`` is None; when it
    is started from a command prompt we write to that prompt's console instead.
    """
    if sys.stdout is not None and sys.stderr is not None:
        return
    stream = None
    if sys.platform == "win32":
        import ctypes

        attach_parent_process = -1
        if ctypes.windll.kernel32.AttachConsole(attach_parent_process):
            stream = open("CONOUT$", "w", encoding="utf-8", errors="replace")  # noqa: SIM115
    if stream is None:
        stream = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    sys.stdout = sys.stdout or stream
    sys.stderr = sys.stderr or stream


if __name__ == "__main__":
    sys.exit(main())
