"""Which Slack request or dispatched nudge a log line belongs to: its team and a correlation id.

Context variables, bound at the HTTP face (a new correlation id per request), by a Bolt
global middleware (the request's team, and an id in Socket Mode, which has no HTTP face) and
per dispatched nudge; `ContextFilter` copies them onto every record for the formatters. The
listener pool copies the submitting thread's context, so work after the ack keeps them.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

ResultT = TypeVar("ResultT")

team_id_var: ContextVar[str | None] = ContextVar("team_id", default=None)
correlation_id_var: ContextVar[str | None] = ContextVar("correlation_id", default=None)
# True inside `request_context`: the HTTP face has bound this request's correlation id.
_at_http_face: ContextVar[bool] = ContextVar("at_http_face", default=False)


def new_correlation_id() -> str:
    """A short random id, unique enough to find one request's lines among a day's."""
    return uuid.uuid4().hex[:16]


@contextmanager
def log_context(*, team_id: str | None = None, correlation_id: str | None = None) -> Iterator[None]:
    """Lines logged inside carry `team_id` and `correlation_id` (None keeps what was bound);
    both are as before on the way out, whatever `bind_team` set inside."""
    team = team_id_var.set(team_id or team_id_var.get())
    correlation = correlation_id_var.set(correlation_id or correlation_id_var.get())
    try:
        yield
    finally:
        correlation_id_var.reset(correlation)
        team_id_var.reset(team)


@contextmanager
def request_context() -> Iterator[None]:
    """One request at the HTTP face: a new correlation id, and room for `bind_request` to set
    the team; both are gone when the request is answered."""
    with log_context(correlation_id=new_correlation_id()):
        at_face = _at_http_face.set(True)
        try:
            yield
        finally:
            _at_http_face.reset(at_face)


def bind_request(team_id: str | None) -> None:
    """The rest of this request logs with `team_id`. Bolt runs its middleware in a loop rather
    than nested in `next()`, so this binds rather than wraps. In Socket Mode, with no HTTP
    face, the request also gets its correlation id here."""
    team_id_var.set(team_id)
    if not _at_http_face.get():
        correlation_id_var.set(new_correlation_id())


class ContextFilter(logging.Filter):
    """Adds `team_id` and `correlation_id` to each record ('-' outside any request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.team_id = team_id_var.get() or "-"
        record.correlation_id = correlation_id_var.get() or "-"
        return True


def bind_team(team_id: str) -> None:
    """Lines logged from here on carry `team_id`, until the enclosing `log_context` ends."""
    team_id_var.set(team_id)


def in_nudge_context(method: Callable[..., ResultT]) -> Callable[..., ResultT]:
    """Run a dispatcher method taking a claim (first) under a correlation id naming its nudge."""

    @functools.wraps(method)
    def wrapper(self: Any, claim: Any, *args: Any, **kwargs: Any) -> ResultT:
        with log_context(correlation_id=f"nudge-{claim.nudge_id}"):
            return method(self, claim, *args, **kwargs)

    return wrapper
