"""Domain types: enums, value types and the SQLAlchemy models.

Importing this package must stay cheap (no SQLAlchemy): the window's first paint
needs only the enums and labels. ``models`` registers every table itself.
"""
