"""Which of a person's due nudges go out together, as one DM (issue 10, item 4).

Pure: the dispatcher applies it to the nudges one batch claimed, and the bench applies it to
the preview's sends, so both count DMs the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

# Nudges due within this much of the first one of a DM join it.
GROUP_WINDOW = timedelta(hours=1)

KeyT = TypeVar("KeyT", bound=Hashable)


@dataclass(frozen=True)
class Due(Generic[KeyT]):
    """One nudge ready to go out: `key` names it, `person` whom it goes to."""

    key: KeyT
    person: Hashable
    due_at: datetime


def group_due(items: Sequence[Due[KeyT]], window: timedelta = GROUP_WINDOW) -> list[list[KeyT]]:
    """The DMs `items` go out as: each a list of keys, one person's, in due order.

    A DM takes a person's nudges while each is due less than `window` after the DM's first;
    the next one starts a new DM. DMs come in the order of their first nudge (ties keep the
    order of `items`), so nothing overtakes what was due before it.
    """
    ordered = sorted(enumerate(items), key=lambda pair: (pair[1].due_at, pair[0]))
    open_dm: dict[Hashable, tuple[datetime, list[KeyT]]] = {}
    dms: list[list[KeyT]] = []
    for _, item in ordered:
        current = open_dm.get(item.person)
        if current is not None and item.due_at - current[0] < window:
            current[1].append(item.key)
            continue
        dm = [item.key]
        dms.append(dm)
        open_dm[item.person] = (item.due_at, dm)
    return dms
