"""The edge: every signed request is checked against typed models of the few fields the
listeners read, before any listener (or the database) sees it.

Slack never sends a request that does not fit; one that does not is a forgery with a leaked
secret or a bug, and gets a 200 with nothing changed and one INFO line naming the fields,
never a traceback. Text is made the same for every database first: NUL bytes (which
PostgreSQL refuses and SQLite keeps) are dropped, and lone surrogates (which no encoder
takes, so an answer holding one was lost) become U+FFFD.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError
from slack_bolt import BoltRequest, BoltResponse

logger = logging.getLogger(__name__)

# The widths of the columns these land in (slack_user.user_id, interview.source_view_id,
# event_receipt.event_id): longer would be an error on PostgreSQL and kept on SQLite.
SlackId = Annotated[StrictStr, Field(min_length=1, max_length=32)]
EventId = Annotated[StrictStr, Field(min_length=1, max_length=64)]
# Generous bounds on what Slack itself limits far lower.
Short = Annotated[StrictStr, Field(max_length=255)]
Text = Annotated[StrictStr, Field(max_length=40_000)]
Metadata = Annotated[StrictStr, Field(max_length=3_000)]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Fields(BaseModel):
    """Only the fields named are checked; Slack's many others pass untouched."""

    model_config = ConfigDict(extra="allow")


class _Team(_Fields):
    id: SlackId


class _User(_Fields):
    id: SlackId
    team_id: SlackId | None = None


class _Option(_Fields):
    value: Short


class _Action(_Fields):
    action_id: Short
    block_id: Short | None = None
    type: Short | None = None
    value: Short | None = None
    selected_option: _Option | None = None


class _State(_Fields):
    # block id -> action id -> the element's state (its own shape per element type).
    values: dict[Short, dict[Short, dict[str, Any]]]


class _View(_Fields):
    id: SlackId
    callback_id: Short = ""
    private_metadata: Metadata = ""
    state: _State
    blocks: list[dict[str, Any]] = []


class BlockActions(_Fields):
    """A press: who pressed what, in which workspace."""

    user: _User
    team: _Team | None = None
    actions: Annotated[list[_Action], Field(min_length=1)]
    trigger_id: Short | None = None
    response_url: Short | None = None
    container: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    view: dict[str, Any] | None = None


class ViewSubmission(_Fields):
    """A modal's submission: who, and the view with its state."""

    user: _User
    team: _Team | None = None
    view: _View
    response_urls: list[dict[str, Any]] = []


class _Message(_Fields):
    user: SlackId | None = None
    text: Text | None = None
    ts: Short | None = None
    thread_ts: Short | None = None
    bot_id: Short | None = None


class _Profile(_Fields):
    """The person a `user_change` carries: what the coach reads of it."""

    id: SlackId
    team_id: SlackId | None = None
    tz: Short | None = None


class _Event(_Fields):
    type: Short
    # An id, except in `user_change`, which carries the whole profile.
    user: SlackId | _Profile | None = None
    channel: SlackId | None = None
    channel_type: Short | None = None
    subtype: Short | None = None
    text: Text | None = None
    ts: Short | None = None
    thread_ts: Short | None = None
    bot_id: Short | None = None
    message: _Message | None = None
    previous_message: _Message | None = None
    tab: Short | None = None


class EventCallback(_Fields):
    """An event, with the id a redelivery is known by."""

    team_id: SlackId
    event_id: EventId
    event: _Event


class SlashCommand(_Fields):
    """A slash command, as its form fields."""

    command: Short
    text: Text = ""
    user_id: SlackId
    team_id: SlackId
    trigger_id: Short
    response_url: Short | None = None


_MODELS: dict[str, type[_Fields]] = {
    "block_actions": BlockActions,
    "view_submission": ViewSubmission,
    "event_callback": EventCallback,
}


def model_for(body: dict[str, Any]) -> type[_Fields] | None:
    """The model a request of this shape must fit, or None for those no listener reads."""
    if "command" in body and "type" not in body:
        return SlashCommand
    kind = body.get("type")
    return _MODELS.get(kind) if isinstance(kind, str) else None


def clean_text(value: Any) -> Any:
    """`value` with every string in it cleaned (NULs dropped, lone surrogates replaced)."""
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


def fits(body: dict[str, Any]) -> str | None:
    """None if the request fits its model; otherwise the fields that do not, for the log."""
    model = model_for(body)
    if model is None:
        return None
    try:
        model.model_validate(body)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in error["loc"]) for error in exc.errors()})
        return ", ".join(fields[:5]) or "the body"
    except RecursionError:
        return "nesting"
    return None


def refuse_misfit(body: dict[str, Any]) -> bool:
    """Clean `body`'s text in place; True (after one INFO line) if it does not fit its model.

    Called before Bolt's own middleware (which reads `event`, `user` and `team` unchecked)
    for requests over HTTP, and again as middleware for Socket Mode's.
    """
    cleaned = clean_text(body)
    body.clear()
    body.update(cleaned)
    problem = fits(body)
    if problem is None:
        return False
    # Field names only: the values may be someone's answer.
    kind = body.get("type") or ("command" if "command" in body else "request")
    logger.info("%s does not fit what Slack sends (%s); answered 200", kind, problem)
    return True


def validate_at_edge(
    req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
) -> BoltResponse:
    """Bolt middleware: clean the body's text, then let only requests that fit through."""
    if isinstance(req.body, dict) and refuse_misfit(req.body):
        return BoltResponse(status=200, body="")
    return next()
