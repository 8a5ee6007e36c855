"""Alembic compares only the gateway's tables: Rasa's tracker table in the same database stays."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.storage.models import Base, only_gateway_tables


def test_autogenerate_leaves_rasas_events_table_alone(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'shared.db'}")
    Base.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT)")
    with engine.connect() as connection:
        scoped = MigrationContext.configure(connection, opts={"include_name": only_gateway_tables})
        unscoped = MigrationContext.configure(connection)
        assert compare_metadata(scoped, Base.metadata) == []
        assert [diff[0] for diff in compare_metadata(unscoped, Base.metadata)] == ["remove_table"]
