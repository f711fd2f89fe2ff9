"""Alembic environment: the bot's metadata, batch mode for SQLite, a caller's connection."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection

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


@contextmanager
def _sqlite_foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite's own procedure for changing a table: foreign keys off while batch mode copies
    it (dropping the old `interview` would otherwise cascade to its nudges and notes), and
    `foreign_key_check` before the migration commits. The pragma is a no-op inside a
    transaction, so it is set on the driver's connection before the migration begins one."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
        # SQLite's DDL is not transactional for alembic, which leaves the transaction open:
        # end it here, or the pragma below would be a no-op and the pooled connection would
        # keep foreign keys off.
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        raw.execute("PRAGMA foreign_keys=ON")


def _migrate(connection: Connection) -> None:
    _configure(connection)
    with _sqlite_foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"the migration broke {len(broken)} foreign key(s)")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine_for(_cli_database_url())
    with engine.connect() as connection:
        _migrate(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
