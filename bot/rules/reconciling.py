"""What makes the nudge rows match the plan: a pure decision, shared by the database
reconciler (bot.coach.reconciler) and the preview's in-memory outbox."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.planning import PlannedNudge

Key = tuple[NudgeKind, int]  # a nudge's kind and sequence: one row per interview and key


class ChangeKind(StrEnum):
    INSERT = "insert"  # planned, and no row yet
    MOVE = "move"  # pending, now due at another time
    REVIVE = "revive"  # cancelled earlier, planned again
    CANCEL = "cancel"  # pending, no longer planned


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    key: Key
    due_at: datetime  # when the row is due from now on (CANCEL: as it was)


class RowState(Protocol):
    """What the decisions read of a nudge row: a NudgeRecord, or the stored Nudge."""

    @property
    def status(self) -> NudgeStatus: ...

    @property
    def due_at(self) -> datetime: ...


def reconcile_changes(
    rows: Mapping[Key, RowState],
    planned: Iterable[PlannedNudge],
    *,
    put_off: Collection[Key] = (),
) -> list[Change]:
    """What makes `rows` match `planned`; sent, failed and claimed rows are never changed.

    `put_off` names pending rows the dispatcher put off after a failed try (a 429's
    Retry-After, a 5xx's backoff): they keep their later due time rather than move earlier.
    """
    planned = tuple(planned)
    changes = []
    for nudge in planned:
        row = rows.get(nudge.key)
        if row is None:
            changes.append(Change(ChangeKind.INSERT, nudge.key, nudge.due_at))
        elif row.status is NudgeStatus.PENDING:
            due_at = max(row.due_at, nudge.due_at) if nudge.key in put_off else nudge.due_at
            if due_at != row.due_at:
                changes.append(Change(ChangeKind.MOVE, nudge.key, due_at))
        elif row.status is NudgeStatus.CANCELLED:
            changes.append(Change(ChangeKind.REVIVE, nudge.key, nudge.due_at))
    wanted = {nudge.key for nudge in planned}
    changes.extend(
        Change(ChangeKind.CANCEL, key, row.due_at)
        for key, row in rows.items()
        if row.status is NudgeStatus.PENDING and key not in wanted
    )
    return changes
