"""Engine and session setup for SQLite (the default) and PostgreSQL."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.store.encryption import PLAINTEXT, NoteCipher, bind_cipher

# Under Slack's 3 s ack window: a request that waits longer for SQLite's write lock would be
# answered "unhandled" by Bolt even if it then succeeded.
SQLITE_BUSY_TIMEOUT_MS = 2000
# A write no row matches: it still needs the write lock (SQLite, in BEGIN IMMEDIATE) and a
# writable server (PostgreSQL refuses UPDATE in a read-only transaction or on a standby).
_WRITE_PROBE = "UPDATE event_receipt SET event_id = event_id WHERE 1 = 0"

logger = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The database could not be reached, or stayed locked: worth trying again later."""


class _OutageLog:
    """One warning when the database stops answering and one when it answers again, however
    many requests and ticks meet the outage in between (each of those logs at most INFO)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down_since_failures = 0

    def failed(self, reason: str) -> None:
        with self._lock:
            self._down_since_failures += 1
            first = self._down_since_failures == 1
        if first:
            logger.warning("database unavailable: %s", reason)

    def succeeded(self) -> None:
        if not self._down_since_failures:  # the common case, without the lock
            return
        with self._lock:
            failures, self._down_since_failures = self._down_since_failures, 0
        if failures:
            logger.warning("database available again (%d failed transaction(s))", failures)

    @property
    def down(self) -> bool:
        return self._down_since_failures > 0


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, issue BEGIN, so a writer can ask for IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Overwrite what an update or delete frees: a note rewritten as ciphertext (rotate-key)
        # or deleted must not linger in the file's free space. Not every build defaults to on.
        cursor.execute("PRAGMA secure_delete=ON")
        # ... and that covers the file only: the write-ahead log keeps a copy of each page it
        # changed until it is written over. Emptied to nothing whenever SQLite starts it
        # afresh (after a checkpoint), rather than kept at its size for reuse; and emptied at
        # once after a deletion of notes (Database.scrub_journal).
        cursor.execute("PRAGMA journal_size_limit=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads then writes fails with "database is locked"
        # instead of waiting; writers that claim rows ask for IMMEDIATE.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_engine_for(database_url: str, **kwargs: Any) -> Engine:
    url = make_url(database_url)
    # A failed statement's error names its SQL but not its values: those can be a person's
    # reflection or draft, and errors end up in logs.
    kwargs.setdefault("hide_parameters", True)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, **{**_PRIVATE, **kwargs}
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **{**_PRIVATE, **kwargs})


# Bound parameters are people's answers and drafts: a failed statement must not log them.
_PRIVATE = {"hide_parameters": True}


class Database:
    """One engine and its session factory; `transaction()` is the unit of work.

    `cipher` encrypts and decrypts the notes this engine stores (reflection answers, drafts);
    the default stores plaintext (no DATA_ENCRYPTION_KEYS).
    """

    def __init__(
        self, database_url: str, *, cipher: NoteCipher = PLAINTEXT, **engine_kwargs: Any
    ) -> None:
        self.url = database_url
        self.engine = create_engine_for(database_url, **engine_kwargs)
        self.cipher = cipher
        bind_cipher(self.engine, cipher)  # per engine: each engine has a dialect of its own
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.outage = _OutageLog()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def scrub_journal(self) -> bool:
        """After notes were deleted or rewritten (a person's delete, an application's, the
        retention purge, rotate-key): copy SQLite's write-ahead log into the file and empty
        it, so the `-wal` file keeps no copy of the old pages (`secure_delete` has wiped
        them in the file itself). True once the log is empty; False if readers kept it in
        use past the busy timeout (SQLite empties it when it next starts the log afresh).
        PostgreSQL: nothing to do here (its dead rows go at the next VACUUM)."""
        if not self.is_sqlite:
            return True
        try:
            with self.engine.connect() as connection:
                # On the driver's connection, outside any transaction: one held open by this
                # connection would keep the log in use.
                driver = connection.connection.dbapi_connection
                assert driver is not None
                cursor = driver.cursor()
                try:
                    busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                finally:
                    cursor.close()
        except (OperationalError, sqlite3.Error) as exc:  # the file gone or locked
            logger.info("could not empty the write-ahead log now: %s", exc)
            return False
        if busy:
            logger.info("could not empty the write-ahead log now: a reader held it")
        return not busy

    @contextmanager
    def transaction(self, *, immediate: bool = False) -> Iterator[Session]:
        """A session committed on success, rolled back on error.

        `immediate` takes SQLite's write lock at BEGIN; PostgreSQL needs no such hint.
        """
        session = self._sessions()
        try:
            if immediate and self.is_sqlite:
                session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session
            session.commit()
        except (OperationalError, InterfaceError) as exc:
            session.rollback()
            reason = str(exc.orig or exc).splitlines()[0]
            self.outage.failed(reason)
            raise StoreUnavailable(reason) from exc
        except BaseException:
            session.rollback()
            raise
        else:
            self.outage.succeeded()
        finally:
            session.close()

    def ping(self) -> bool:
        """Whether the database takes a write now (nothing is written): a SQLite file that
        another process holds locked, or a read-only PostgreSQL, says no."""
        try:
            with self.transaction(immediate=True) as session:
                session.execute(text(_WRITE_PROBE))
                session.rollback()
        except Exception:
            return False
        return True

    def dispose(self) -> None:
        self.engine.dispose()
