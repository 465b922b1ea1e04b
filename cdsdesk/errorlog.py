"""The log of unexpected errors: what the user is told in one line, in full for a developer."""

from __future__ import annotations

import traceback
from datetime import datetime
from pathlib import Path
from types import TracebackType

LOG_NAME = "cdsdesk-loi.log"


def error_log_path() -> Path:
    """Beside the default register, in the user's data folder."""
    from cdsdesk.storage.db import default_register_path

    return default_register_path().with_name(LOG_NAME)


def log_unexpected(
    kind: type[BaseException] | None = None,
    error: BaseException | None = None,
    trace: TracebackType | None = None,
) -> Path:
    """Append the traceback (the one being handled when none is given) to the log;
    return the log's path, written or not (a full disk must not raise here)."""
    log = error_log_path()
    details = (
        "".join(traceback.format_exception(kind, error, trace))
        if error is not None
        else traceback.format_exc()
    )
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now().isoformat(timespec='seconds')}\n{details}\n")
    except OSError:
        pass
    return log
