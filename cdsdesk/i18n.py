"""Translation hook for user-facing strings in the core.

The core never imports Qt, so it cannot use ``QCoreApplication.translate``.
Every Vietnamese string the user may see goes through :func:`tr` so that a
translation catalogue can be plugged in later without touching call sites.
"""

from __future__ import annotations

from collections.abc import Callable

_translator: Callable[[str], str] | None = None


def set_translator(translator: Callable[[str], str] | None) -> None:
    """Install a function that maps a source string to its translation."""
    global _translator
    _translator = translator


def tr(text: str) -> str:
    """Return ``text`` translated for the current user (Vietnamese by default)."""
    if _translator is None:
        return text
    return _translator(text)
