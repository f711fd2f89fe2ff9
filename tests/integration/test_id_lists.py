"""`ids_in` selects the same rows as `IN` on both databases (an array parameter on
PostgreSQL), the empty list included."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.store.db import Database
from bot.store.id_lists import ids_in
from bot.store.models import Nudge
from tests.coach_helpers import log


@pytest.mark.parametrize("picked", [[], [0], [0, 2], [0, 1, 2, 3]])
def test_it_selects_what_in_selects(db: Database, clock: FixedClock, picked: list[int]) -> None:
    log(db, clock.now())
    with db.transaction() as session:
        everything = sorted(session.scalars(select(Nudge.id)))
        assert len(everything) >= 4
        chosen = [everything[i] for i in picked] + [10**9]  # and one that is no row
        inside = session.scalars(select(Nudge.id).where(ids_in(session, Nudge.id, chosen)))

        assert sorted(inside) == [everything[i] for i in picked]


def test_an_empty_list_selects_nothing(db: Database, clock: FixedClock) -> None:
    log(db, clock.now())
    with db.transaction() as session:
        assert session.scalars(select(Nudge.id)).all() != []
        assert session.scalars(select(Nudge.id).where(ids_in(session, Nudge.id, []))).all() == []
