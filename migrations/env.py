"""Alembic environment: the bot's metadata, batch mode for SQLite, a caller's connection."""

from __future__ import annotations

import os

from alembic import context

from bot.store.db import create_engine_for
from bot.store.models import Base

config = context.config
target_metadata = Base.metadata


def _cli_database_url() -> str:
    """For the alembic CLI: the bot's own DATABASE_URL wins over alembic.ini's example."""
    return os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url")


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
        compare_type=True,
    )


def run_migrations_offline() -> None:
    context.configure(
        url=_cli_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine_for(_cli_database_url())
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
