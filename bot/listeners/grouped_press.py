"""A press on one part of a grouped DM (bot.ui.nudges.grouped): the message is re-rendered
with that part from the press's outcome and every other part from what the database holds
now, so two presses racing on different parts each leave the other's line."""

from __future__ import annotations

from typing import Any

from bot.coach.deliveries import deliveries_of
from bot.rules.playbook import Playbook
from bot.rules.view_models import NudgeView
from bot.store.db import Database
from bot.ui.messages import Message
from bot.ui.nudges import render_nudge
from bot.ui.nudges.grouped import is_grouped, part_ids, regroup


def render_pressed(
    db: Database,
    playbook: Playbook,
    body: dict[str, Any],
    view: NudgeView,
    person: tuple[str, str],
) -> Message:
    """The pressed message as it should now look: a lone nudge's message, or its grouped DM
    with each part re-rendered (only the presser's own nudges are read)."""
    blocks = (body.get("message") or {}).get("blocks") or []
    if not is_grouped(blocks):
        return render_nudge(view, playbook)
    views = {view.nudge_id: view}
    others = [nudge_id for nudge_id in part_ids(blocks) if nudge_id != view.nudge_id]
    for nudge_id, delivery in deliveries_of(db, others, playbook).items():
        recipient = delivery.recipient
        if (recipient.team_id, recipient.user_id) == person:
            views[nudge_id] = delivery.view
    return regroup(blocks, views, playbook)
