"""Alembic environment: always run on a connection handed in by ``migrate``."""

from __future__ import annotations

from alembic import context

from cdsdesk.domain.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Migrations run through cdsdesk.storage.migrate.upgrade().")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things in place
)
with context.begin_transaction():
    context.run_migrations()
