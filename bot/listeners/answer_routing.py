"""A top-level DM that could answer several interviews' reflection prompts: the coach asks
which interview it is for (buttons), and stores it there on the press.

The text is kept nowhere meanwhile: it stays in the person's DM, where Slack keeps it, and
the press reads it back (conversations.history, the bot's im:history scope). So nothing of it
is logged or stored before the person says where it goes; an edit made meanwhile is what gets
stored, and a message deleted meanwhile is not stored at all. A button works once: a
message already stored as an answer is not stored again (bot.coach.reflections).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.reflections import answer_for_prompt
from bot.listeners.context import services_of
from bot.listeners.slack_io import (
    message_text,
    pressed_message,
    show_answer,
    tell_ephemeral,
    update_message,
)
from bot.listeners.view_submissions import team_of
from bot.rules.view_models import AnswerResult, AnswerStatus
from bot.services import Services
from bot.slack.errors import SLACK_CALL_ERRORS, failure_reason
from bot.ui.answer_routing import (
    ANSWER_FOR,
    MESSAGE_GONE,
    NOT_AN_ANSWER,
    NOT_YOUR_MESSAGE,
    READ_FAILED,
    MessageRef,
    filed,
    not_saved,
    parse_answer_for,
    parse_not_an_answer,
    which_interview,
)
from bot.ui.messages import NOT_YOURS, PROMPT_CLOSED, UNKNOWN_NUDGE, answer_reply

logger = logging.getLogger(__name__)

# Why a press stored nothing, told to the presser only.
_REFUSALS = {
    AnswerStatus.NOT_OWNER: NOT_YOURS,
    AnswerStatus.UNKNOWN: UNKNOWN_NUDGE,
    AnswerStatus.NO_OPEN_PROMPT: PROMPT_CLOSED,
}
# What leaves the question answered: the message is stored there (or already was).
_FILED = frozenset({AnswerStatus.SAVED, AnswerStatus.REVISED, AnswerStatus.UNCHANGED})


def ask_which_interview(
    client: WebClient,
    result: AnswerResult,
    *,
    channel: str,
    message_ts: str,
    thread_ts: str | None,
) -> None:
    """Ask which interview the person's message answers: under it, or in the thread it was
    written in (a grouped DM's, carrying two prompts)."""
    text, blocks = which_interview(result.candidates, message_ts, thread_ts)
    try:
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts or message_ts, text=text, blocks=blocks
        )
    except SLACK_CALL_ERRORS as exc:
        logger.warning("asking which interview in %s failed: %s", channel, failure_reason(exc))


class _ReadFailed(Exception):
    """Slack would not give the message back (an error, not its absence)."""


def _person_message(client: WebClient, channel: str, ref: MessageRef) -> dict[str, Any] | None:
    """The message `ref` names in the DM, as Slack keeps it now; None when it is gone."""
    ts, thread_ts = ref
    try:
        if thread_ts is None:
            reply = client.conversations_history(
                channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
            )
        else:  # a reply: only its thread has it
            reply = client.conversations_replies(
                channel=channel, ts=thread_ts, latest=ts, oldest=ts, inclusive=True
            )
    except SLACK_CALL_ERRORS as exc:
        logger.warning("conversations.history in %s failed: %s", channel, failure_reason(exc))
        raise _ReadFailed from exc
    messages = reply.get("messages") or []
    return next((m for m in messages if str(m.get("ts")) == ts), None)


def _authored(
    client: WebClient, body: dict[str, Any], respond: Respond, channel: str, ref: MessageRef
) -> dict[str, Any] | None:
    """The presser's own message `ref` names, or None once they have been told why not."""
    try:
        message = _person_message(client, channel, ref)
    except _ReadFailed:
        tell_ephemeral(client, body, READ_FAILED, respond)
        return None
    if message is None:
        tell_ephemeral(client, body, MESSAGE_GONE, respond)
        return None
    if message.get("bot_id") or message.get("user") != body["user"]["id"]:
        tell_ephemeral(client, body, NOT_YOUR_MESSAGE, respond)
        return None
    return message


def handle_answer_for_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Store the person's message under the interview they picked, once, and say so."""
    ack()
    services = services_of(context)
    press, where = parse_answer_for(action), pressed_message(body)
    if press is None or where is None:
        tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
        return
    nudge_id, ref = press
    message = _authored(client, body, respond, where[0], ref)
    if message is None:
        return
    result = answer_for_prompt(
        services.db,
        nudge_id=nudge_id,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        message_ts=ref[0],
        text=message_text(client, str(message.get("text") or "")),
        now=services.clock.now(),
        playbook=services.playbook,
    )
    _settle(client, services, body, respond, where, result)


def _settle(
    client: WebClient,
    services: Services,
    body: dict[str, Any],
    respond: Respond,
    where: tuple[str, str],
    result: AnswerResult,
) -> None:
    refusal = _REFUSALS.get(result.status)
    if refusal is not None:
        tell_ephemeral(client, body, refusal, respond)
        return
    if result.status is AnswerStatus.ALREADY_FILED and result.interview is not None:
        # A second press (or a Slack retry): the question shows where it went, once.
        text, blocks = filed(result.interview)
        update_message(client, channel=where[0], ts=where[1], text=text, blocks=blocks)
        tell_ephemeral(client, body, answer_reply(result, services.playbook), respond)
        return
    if result.status in _FILED and result.interview is not None:
        text, blocks = filed(result.interview)
        update_message(client, channel=where[0], ts=where[1], text=text, blocks=blocks)
    # The reply names the interview, in its prompt's thread, and the prompt shows the answer.
    show_answer(client, services, result, channel=where[0], thread_ts=where[1])


def handle_not_an_answer_press(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
) -> None:
    """ "Not an answer": nothing is stored, and the question loses its buttons."""
    ack()
    ref, where = parse_not_an_answer(action), pressed_message(body)
    if ref is None or where is None:
        tell_ephemeral(client, body, UNKNOWN_NUDGE, respond)
        return
    if _authored(client, body, respond, where[0], ref) is None:
        return
    text, blocks = not_saved()
    update_message(client, channel=where[0], ts=where[1], text=text, blocks=blocks)


def register(app: App) -> None:
    app.action(ANSWER_FOR)(handle_answer_for_press)
    app.action(NOT_AN_ANSWER)(handle_not_an_answer_press)
