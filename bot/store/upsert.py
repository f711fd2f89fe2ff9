"""INSERT … ON CONFLICT DO NOTHING for the two backends, so racing writers insert once."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.store.models import Base


def insert_ignoring_conflicts(
    session: Session, model: type[Base], values: dict[str, Any], conflict_columns: list[str]
) -> bool:
    """Insert the row unless one with the same key exists; True when this call inserted it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=conflict_columns)
        # Without it SQLAlchemy may report -1 for an INSERT (psycopg does), read as "inserted".
        .execution_options(preserve_rowcount=True)
    )
    result = session.execute(statement)
    return bool(result.rowcount)
