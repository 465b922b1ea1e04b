"""CĐS Desk core: the register of digital-transformation tasks.

This package never imports Qt; the window in ``ui/`` calls its services.
"""

__version__ = "0.1.0"
