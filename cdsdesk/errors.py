"""Errors the core reports to the user, always with a Vietnamese message."""

from __future__ import annotations


class CdsError(Exception):
    """A problem the user can understand and fix; ``str(err)`` is the message."""


class ValidationError(CdsError):
    """Input that breaks a rule of the register (empty content, bad dates...)."""


class NotFoundError(CdsError):
    """A unit, task or document id that does not exist."""


class RegisterError(CdsError):
    """The register file cannot be opened or upgraded."""
