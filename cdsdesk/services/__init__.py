"""Services: every read and write the window, exports and command line make.

Each public function takes a :class:`~cdsdesk.storage.Register`, runs in one
transaction and returns plain dataclasses, never live ORM objects.
"""
