"""Storage: the register file, sessions and migrations."""

from cdsdesk.storage.db import Register, default_register_path

__all__ = ["Register", "default_register_path"]
