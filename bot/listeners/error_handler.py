"""What Slack and the person hear when a listener fails, or when no listener takes a request.

Bolt sends both here (App(raise_error_for_unhandled_request=True) and app.error):

- The database cannot be reached: an outage, not a bug, and every listener meets it the same
  way. Slack gets its 200, the person a short apology where one is due (a DM answer: a reply
  where they wrote; a command or a press: an ephemeral; a modal: a field error; the Home
  tab: nothing), the log one INFO line without a traceback (the database warns once when
  the outage starts and once when it ends), and an event is not kept as handled, so
  Slack's retry can deliver it again.
- No listener takes the request (a view_closed, an event nobody subscribed to): 200, since
  any other answer makes Slack retry or show the person an error.
- Anything else is a bug: logged with its traceback, and Bolt's 500 stands.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.payload_utils import (
    is_block_actions,
    is_event,
    is_slash_command,
    is_view_submission,
)

from bot.coach.errors import StoreUnavailable
from bot.coach.event_receipts import forget_receipt
from bot.listeners.context import SERVICES, services_of
from bot.listeners.slack_io import reply_in_thread, tell_ephemeral
from bot.ui.messages import ANSWER_SAVE_FAILED, PRESS_FAILED, SAVE_FAILED, STORE_UNAVAILABLE

logger = logging.getLogger(__name__)


def handle_listener_error(
    error: Exception, request: BoltRequest, response: BoltResponse | None
) -> BoltResponse | None:
    """Bolt's global error handler: the response Slack gets instead, or None to keep Bolt's.

    `response` is None once the listener has acked: Slack has had its answer then.
    """
    if isinstance(error, BoltUnhandledRequestError):
        logger.info("no listener for %s; answered 200", describe(request.body))
        return BoltResponse(status=200, body="")
    if isinstance(error, StoreUnavailable):
        # The database logs one warning when an outage starts and one when it ends.
        logger.info("database unavailable, %s not handled: %s", describe(request.body), error)
        reply = _apologise(request)
        acked = response is None or request.context.ack.response is not None
        return None if acked else reply
    logger.exception("listener for %s failed", describe(request.body))
    return None


def describe(body: dict[str, Any]) -> str:
    """A few words on what Slack sent, for a log line."""
    if is_slash_command(body):
        return f"command {body.get('command')}"
    if is_event(body):
        return f"event {body['event'].get('type')}"
    if is_block_actions(body):
        return "press of " + ", ".join(str(a.get("action_id")) for a in body.get("actions", []))
    if is_view_submission(body):
        return f"submission of {(body.get('view') or {}).get('callback_id')}"
    return str(body.get("type") or "request")


def _apologise(request: BoltRequest) -> BoltResponse:
    """Tell the person, where one is due, that nothing happened; the ack Slack should get
    if the listener had not acked yet."""
    body, context = request.body, request.context
    if is_slash_command(body):
        if context.ack.response is not None:
            context.respond(text=STORE_UNAVAILABLE, response_type="ephemeral")
        return BoltResponse(
            status=200, body={"text": STORE_UNAVAILABLE, "response_type": "ephemeral"}
        )
    if is_block_actions(body):
        tell_ephemeral(context.client, body, PRESS_FAILED, context.respond)
    elif is_view_submission(body):
        block_id = _first_input(body.get("view") or {})
        if block_id is not None:
            errors = {block_id: SAVE_FAILED}
            return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
    elif is_event(body):
        _forget_event(request)
        _apologise_for_event(request)
    return BoltResponse(status=200, body="")


def _apologise_for_event(request: BoltRequest) -> None:
    """A person writing in their DM hears that it was not saved; other events need no word."""
    event = request.body["event"]
    if event.get("type") != "message" or event.get("channel_type") != "im":
        return
    written = event.get("message") if event.get("subtype") == "message_changed" else event
    if not written or written.get("bot_id") or not written.get("user"):
        return
    reply_in_thread(
        request.context.client,
        channel=str(event["channel"]),
        thread_ts=written.get("thread_ts"),
        text=ANSWER_SAVE_FAILED,
    )


def _forget_event(request: BoltRequest) -> None:
    """Keep Slack's retry of this event from looking like a redelivery of a handled one."""
    event_id = request.body.get("event_id")
    if not event_id or SERVICES not in request.context:
        return
    # While the database is away, no receipt could have been written either.
    with contextlib.suppress(StoreUnavailable):
        forget_receipt(services_of(request.context).db, str(event_id))


def _first_input(view: dict[str, Any]) -> str | None:
    """The block id of the modal's first input, where a field error shows at the top."""
    inputs = [b.get("block_id") for b in view.get("blocks") or [] if b.get("type") == "input"]
    inputs += list((view.get("state") or {}).get("values") or {})
    return str(inputs[0]) if inputs and inputs[0] else None
