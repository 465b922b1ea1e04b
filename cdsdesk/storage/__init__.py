"""Storage: the register file, sessions and migrations."""

from cdsdesk.storage.db import Register, default_register_path

__all__ = ["Register", "default_register_path"]

# The audit trail records every write of every session (installed once, on import).
import cdsdesk.services.audit  # noqa: F401
