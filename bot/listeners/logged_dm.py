"""The "Logged" DM after the log form is saved, carrying "get some distance" when that is
due now: one DM instead of two within a minute.

The coach claimed the distance nudge in the transaction that planned it
(bot.coach.interviews, `carry_distance`), so the dispatcher cannot send it on its own. The
DM carries the nudge's message metadata, as the dispatcher's posts do; it is then recorded
as sent with this message, fenced on the claim. If Slack refuses the post the claim is
handed back, and the dispatcher sends the advice alone at its next tick (looking in the DM
first, since the post may have reached Slack); if this process dies mid-post the lease runs
out and the dispatcher does the same.
"""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.coach.deliveries import mark_sent
from bot.coach.interviews import LogResult
from bot.dispatch.claims import release
from bot.dispatch.dispatcher import nudge_metadata
from bot.listeners.slack_io import post_person_dm, send_dm
from bot.services import Services
from bot.slack.errors import SLACK_CALL_ERRORS, failure_reason
from bot.ui.messages import logged_confirmation
from bot.ui.nudges.content import advice_message

logger = logging.getLogger(__name__)


def confirm_logged(
    client: WebClient, services: Services, *, team_id: str, user_id: str, result: LogResult
) -> None:
    """Post the confirmation of a newly logged interview, with the advice it carries."""
    carried = result.distance
    if carried is None:
        text, blocks = logged_confirmation(
            result.interview, now=services.clock.now(), distance_coming=result.distance_coming
        )
        send_dm(client, services, team_id=team_id, user_id=user_id, text=text, blocks=blocks)
        return
    advice = advice_message(carried.view, services.playbook)
    text, blocks = logged_confirmation(result.interview, advice)
    try:
        posted = post_person_dm(
            client,
            services,
            team_id=team_id,
            user_id=user_id,
            text=text,
            blocks=blocks,
            metadata=nudge_metadata(carried.nudge_id),
        )
    except SLACK_CALL_ERRORS as exc:
        logger.warning("DM to %s failed: %s", user_id, failure_reason(exc))
        release(
            services.db,
            carried.nudge_id,
            carried.worker_id,
            due_at=services.clock.now(),
            count_attempt=False,
            error=None,
        )
        return
    recorded = mark_sent(
        services.db,
        carried.nudge_id,
        carried.worker_id,
        channel_id=posted.channel,
        ts=posted.ts,
        now=services.clock.now(),
        playbook=services.playbook,
        or_pending=True,
    )
    if recorded:
        services.metrics.nudge_sent()
