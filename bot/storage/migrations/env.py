"""Alembic environment.

The gateway runs migrations itself (``Database.migrate``) and passes its connection in
``config.attributes["connection"]``. From the command line (``alembic -c alembic.ini ...``)
the URL comes from the settings object, like everywhere else.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.storage.models import Base, only_gateway_tables

target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode recreates tables
        compare_type=True,
        include_name=only_gateway_tables,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on the given connection, or on the configured database."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from bot.settings import get_settings

    engine = create_engine(get_settings().effective_database_url, future=True)
    with engine.begin() as own_connection:
        _run(own_connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run them against a database")
run_migrations_online()
