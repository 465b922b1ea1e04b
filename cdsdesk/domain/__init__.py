"""Domain types: enums, value types and the SQLAlchemy models."""
