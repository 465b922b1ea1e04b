"""Domain types: enums, value types and the SQLAlchemy models."""

# Every table must be on Base.metadata wherever the models are compared or created.
import cdsdesk.domain.audit  # noqa: F401
