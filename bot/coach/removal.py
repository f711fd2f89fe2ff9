"""Deleting interviews with everything that hangs from them, for every path that deletes
(one interview, a whole application, a person's data)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import Select, delete
from sqlalchemy.orm import Session

from bot.store.models import ContactLog, Draft, Interview, Nudge, Reflection

# What hangs from an interview, deleted before it.
_CHILDREN = (Draft, ContactLog, Reflection, Nudge)


def delete_interviews(session: Session, interviews: Collection[int] | Select[tuple[int]]) -> None:
    """Delete the interviews (ids, or a SELECT of ids) with their drafts, contacts,
    reflections and nudges, in the caller's transaction.

    Children first, explicitly: the foreign keys cascade too, but this does not depend on
    SQLite's foreign_keys pragma being on for whoever runs it. Rows loaded in the session are
    not synchronised; the caller expunges what it still holds.
    """
    for model in _CHILDREN:
        session.execute(
            delete(model)
            .where(model.interview_id.in_(interviews))
            .execution_options(synchronize_session=False)
        )
    session.execute(
        delete(Interview)
        .where(Interview.id.in_(interviews))
        .execution_options(synchronize_session=False)
    )
