"""`interview-bot rotate-key`: every stored note re-encrypted under the newest key.

Rows go in primary-key order, a batch per short transaction, each row updated only if it
still holds what was read (compare-and-set), so replicas keep serving while it runs: a row a
person changed meanwhile keeps their write and is counted, never overwritten. A crash leaves
every row readable (each holds either its old or its new form, both opened by the configured
keys); running again skips rows already under the newest key, so it finishes the work and a
second full run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Text, column, select, table, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, TableClause

from bot.store.db import Database
from bot.store.encryption import NoteCipher, UnreadableNote

DEFAULT_BATCH_SIZE = 200


def _raw(name: str, *columns: str) -> TableClause:
    # Plain Text columns, not the models' EncryptedText: rotation reads and writes the stored
    # form itself.
    return table(name, column("id"), *(column(c, Text) for c in columns))


# Every column that holds a note, by table. A new encrypted column belongs here too.
NOTE_TABLES: tuple[tuple[TableClause, tuple[str, ...]], ...] = (
    (_raw("reflection", "answer"), ("answer",)),
    (_raw("draft", "subject", "body"), ("subject", "body")),
)


@dataclass
class TableProgress:
    """Counts for one table so far."""

    table: str
    checked: int = 0
    rewritten: int = 0
    changed_meanwhile: int = 0
    unreadable_ids: list[int] = field(default_factory=list)


@dataclass
class RotationReport:
    """What a run did, table by table."""

    tables: list[TableProgress] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """Every row is under the newest key (nothing unreadable, nothing changed under us)."""
        return not any(t.unreadable_ids or t.changed_meanwhile for t in self.tables)


def rotate_notes(
    db: Database,
    cipher: NoteCipher,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    after_batch: Callable[[TableProgress], None] = lambda _progress: None,
) -> RotationReport:
    """Re-encrypt every note under `cipher`'s newest key (plaintext ones are encrypted).

    `after_batch` is told the counts after each committed batch (the CLI prints them).
    """
    if not cipher.encrypts:
        raise ValueError("rotating needs DATA_ENCRYPTION_KEYS")
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = RotationReport()
    for raw, columns in NOTE_TABLES:
        progress = TableProgress(raw.name)
        report.tables.append(progress)
        last_id = 0
        while True:
            with db.transaction(immediate=True) as session:
                rows = session.execute(
                    select(raw.c.id, *(raw.c[c] for c in columns))
                    .where(raw.c.id > last_id)
                    .order_by(raw.c.id)
                    .limit(batch_size)
                ).all()
                for row in rows:
                    rotate_row(session, raw, columns, row, cipher, progress)
            if not rows:
                break
            last_id = rows[-1][0]
            after_batch(progress)
    db.scrub_journal()  # the plaintext pages rewritten above: no copy left in SQLite's log
    return report


def rotate_row(
    session: Session,
    raw: TableClause,
    columns: Sequence[str],
    row: Row[Any],
    cipher: NoteCipher,
    progress: TableProgress,
) -> None:
    """Bring one read `row` (id, then `columns`) under the newest key, counting in `progress`;
    the update applies only if the row still holds what was read."""
    row_id, values = row[0], dict(zip(columns, row[1:], strict=True))
    progress.checked += 1
    new: dict[str, str] = {}
    try:
        for name, stored in values.items():
            if isinstance(stored, str) and not cipher.is_current(stored):
                new[name] = cipher.reseal(stored)
    except UnreadableNote:
        progress.unreadable_ids.append(int(row_id))
        return
    if not new:
        return
    # Only if the row still holds what was read: a person's write meanwhile wins.
    unchanged: list[ColumnElement[bool]] = [
        raw.c[name].is_(None) if stored is None else raw.c[name] == stored
        for name, stored in values.items()
    ]
    result = session.execute(update(raw).where(raw.c.id == row_id, *unchanged).values(**new))
    if result.rowcount == 1:  # type: ignore[attr-defined]
        progress.rewritten += 1
    else:
        progress.changed_meanwhile += 1
