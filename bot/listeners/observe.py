"""The first global middleware: binds the request's team (and a correlation id in Socket
Mode, where no HTTP face binds one) for log lines, and counts the request by kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request import payload_utils

from bot.log_context import bind_request
from bot.metrics import BotMetrics

# Bolt's own payload tests, in the order a body is told apart.
_KINDS: tuple[tuple[str, Callable[[dict[str, Any]], bool]], ...] = (
    ("command", payload_utils.is_slash_command),
    ("event", payload_utils.is_event),
    ("action", payload_utils.is_action),
    ("view_submission", payload_utils.is_view_submission),
    ("view_closed", payload_utils.is_view_closed),
    ("options", payload_utils.is_options),
    ("shortcut", payload_utils.is_shortcut),
)


def request_kind(body: dict[str, Any]) -> str:
    """What a request from Slack is: command, event, action, view_submission, ... or other."""
    return next((kind for kind, test in _KINDS if test(body)), "other")


class ObserveRequests(Middleware):
    """Log context and the requests-by-kind counter, for every request Bolt dispatches."""

    def __init__(self, metrics: BotMetrics) -> None:
        self.metrics = metrics

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        """Count the request and bind its team (and an id) for log lines, then go on."""
        self.metrics.request(request_kind(req.body))
        bind_request(req.context.team_id)
        return next()
