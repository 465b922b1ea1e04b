"""Core modules the window needs only once the user acts, imported on first use.

The services that write (tasks, units, documents, history, audit) bring in
SQLAlchemy and the ORM models: about a third of a second to import on an old
PC. The window paints its task table without them (the register view reads
through ``sqlite3``); a module named here is executed on its first attribute
access, typically the first edit or the deferred loading of the side panels.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """``name`` as a module object that is executed on its first attribute access."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(importlib.import_module(parent), child, module)
    return module
