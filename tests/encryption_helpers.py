"""Databases whose notes are sealed with given keys, and what an attacker with a copy of the
database sees: the raw SQLite file bytes, a `pg_dump` of the test's schema, raw column values."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import migrate
from bot.store.db import Database
from bot.store.encryption import NoteCipher
from bot.store.models import Base

PG_DUMP = "/usr/bin/pg_dump"


def new_key() -> str:
    return Fernet.generate_key().decode()


@contextmanager
def keyed_database(url: str, keys: Sequence[str], *, migrated: bool = True) -> Iterator[Database]:
    """A Database on `url` sealing notes with `keys` (none: plaintext), emptied afterwards on
    PostgreSQL as the `db` fixture does (one schema serves the session)."""
    database = Database(url, cipher=NoteCipher(keys))
    if migrated:
        migrate.upgrade(database.engine)
    try:
        yield database
    finally:
        if migrated and database.engine.dialect.name == "postgresql":
            with database.engine.begin() as connection:
                tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        database.dispose()


@contextmanager
def reader(url: str, keys: Sequence[str]) -> Iterator[Database]:
    """Another Database on the same data, with other keys (nothing migrated or emptied)."""
    database = Database(url, cipher=NoteCipher(keys))
    try:
        yield database
    finally:
        database.dispose()


def raw_database_bytes(db: Database) -> bytes:
    """Everything a copy of the database holds: the SQLite file and its write-ahead log as
    they are (no checkpoint first: a copy of the volume is taken as it is), or a `pg_dump`
    of the test's schema."""
    url = make_url(db.url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        files = [path, *(path.with_name(path.name + s) for s in ("-wal", "-journal"))]
        return b"".join(f.read_bytes() for f in files if f.exists())
    options = str(url.query.get("options", ""))
    schema = options.removeprefix("-csearch_path=")
    assert schema and schema != options, f"no private schema in {options!r}"
    server = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    dumped = subprocess.run(
        [PG_DUMP, "--no-owner", "-n", schema, "-d", server],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return dumped.stdout


def raw_notes(db: Database) -> list[str]:
    """Every stored note column value as the database holds it (not decrypted)."""
    with db.engine.connect() as connection:
        answers = connection.execute(text("SELECT answer FROM reflection ORDER BY id")).scalars()
        values = list(answers)
        for subject, body in connection.execute(
            text("SELECT subject, body FROM draft ORDER BY id")
        ):
            values += [v for v in (subject, body) if v is not None]
    return values
