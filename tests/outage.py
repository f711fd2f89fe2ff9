"""A database the bot really cannot reach, and can again once a test says so."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.store import migrate
from bot.store.db import Database


@dataclass
class Outage:
    """`database` cannot be opened until `restore()`: SQLite's file lies in a folder that does
    not exist yet; PostgreSQL's database has not been created yet. Either way every
    connection fails as it would with the server gone, and works once restored."""

    database: Database
    make_reachable: Callable[[], None]

    def restore(self) -> None:
        """Make the database reachable, with the schema migrated."""
        self.make_reachable()
        migrate.upgrade(self.database.engine)


@contextmanager
def database_outage(postgres_url: str | None, tmp_path: Path) -> Iterator[Outage]:
    """An Outage on the backend the tests run on; cleaned up afterwards."""
    if postgres_url is None:
        folder = tmp_path / "not-there-yet"
        database = Database(f"sqlite:///{folder / 'coach.db'}")
        try:
            yield Outage(database, lambda: folder.mkdir())
        finally:
            database.dispose()
        return
    server = make_url(os.environ["TEST_DATABASE_URL"])
    name = f"ic_down_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")

    def create() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))

    database = Database(server.set(database=name).render_as_string(hide_password=False))
    try:
        yield Outage(database, create)
    finally:
        database.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
