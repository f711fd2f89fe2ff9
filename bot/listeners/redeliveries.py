"""Slack delivers an event again when it doubts the first delivery arrived: handle each once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.coach.errors import StoreUnavailable
from bot.coach.event_receipts import first_delivery
from bot.listeners.context import services_of

logger = logging.getLogger(__name__)


def skip_redelivered_events(
    body: dict[str, Any], context: BoltContext, next_: Callable[[], None]
) -> BoltResponse | None:
    """A global middleware: an event id seen before is answered 200 and goes no further."""
    event_id = body.get("event_id")
    if body.get("type") == "event_callback" and event_id:
        services = services_of(context)
        try:
            first = first_delivery(services.db, str(event_id), services.clock.now())
        except StoreUnavailable:
            # Not recorded, so Slack's retry can still deliver it. The listener meets the same
            # outage and answers it the way every listener does (error_handler).
            first = True
        if not first:
            logger.info("event %s already handled; ignoring the redelivery", event_id)
            return BoltResponse(status=200, body="")
    next_()
    return None
