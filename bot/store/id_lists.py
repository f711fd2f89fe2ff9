"""`id IN (…)` for a batch's ids, in the form each database plans cheaply.

PostgreSQL parses and plans an `IN` list of 50 parameters on every execution: 1.0 ms a
statement with psycopg on a two-core machine, against 0.27 ms for `= ANY(%s)` with the same
ids as one array parameter (3.4x less through SQLAlchemy: 1.52 against 0.51 ms). A
dispatcher batch runs about a dozen such statements, so the array form is what PostgreSQL
gets. SQLite has no arrays, and its `IN` list costs little: it keeps `IN`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, literal
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

_INT_ARRAY = ARRAY(Integer)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def ids_in(
    session: Session, column: ColumnElement[Any], ids: Collection[int]
) -> ColumnElement[bool]:
    """`column IN ids` (integer ids): `= ANY(array)` on PostgreSQL."""
    if _postgres(session):
        return column == any_(literal(list(ids), _INT_ARRAY))
    return column.in_(list(ids))
