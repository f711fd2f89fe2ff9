"""The DMs a batch goes out as: one person's deliverable nudges due within the same hour
share one DM (`bot.rules.grouping`); everything else goes out alone, as before."""

from __future__ import annotations

from collections.abc import Mapping, Set

from bot.coach.deliveries import Delivery
from bot.dispatch.claims import Claim
from bot.rules.grouping import Due, group_due


def dm_units(
    claims: list[Claim], deliveries: Mapping[int, Delivery], started: Set[int]
) -> list[list[Claim]]:
    """`claims` cut into the DMs they go out as, in the batch's order (each DM where its first
    nudge was). Only nudges the batch noted as started and may deliver are grouped: one that
    will not be posted (late, gone, its claim lost) is settled alone, as it always was."""
    groupable = [
        Due(c.nudge_id, (d.recipient.team_id, d.recipient.user_id), c.due_at)
        for c in claims
        if c.nudge_id in started
        and (d := deliveries.get(c.nudge_id)) is not None
        and d.recipient.undeliverable is None
    ]
    group_of = {
        nudge_id: tuple(dm) for dm in group_due(groupable) if len(dm) > 1 for nudge_id in dm
    }
    by_id = {c.nudge_id: c for c in claims}
    units: list[list[Claim]] = []
    placed: set[tuple[int, ...]] = set()
    for claim in claims:
        group = group_of.get(claim.nudge_id)
        if group is None:
            units.append([claim])
        elif group not in placed:
            placed.add(group)
            units.append([by_id[nudge_id] for nudge_id in group])
    return units
