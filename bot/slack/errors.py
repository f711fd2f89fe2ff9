"""What a failed Slack call says: its error code, a short reason, and how long to wait.

Every part of the bot reads Slack's answers through these, so a listener's log line, a
person's "Slack said: …" and the dispatcher's choice all agree on what happened.
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping
from typing import Any

from slack_sdk.errors import SlackApiError

# What a Web API call can raise: Slack's answer, or no answer at all (refused, reset, timed
# out: all OSErrors; a garbled reply: HTTPException).
SLACK_CALL_ERRORS = (SlackApiError, OSError, http.client.HTTPException)
# What slack_sdk assumes when a 429 carries no Retry-After.
DEFAULT_RETRY_AFTER_SECONDS = 1.0


def error_code(exc: BaseException) -> str | None:
    """Slack's `error` string, for an API answer that has one."""
    if not isinstance(exc, SlackApiError) or exc.response is None:
        return None
    data = exc.response.data
    code = data.get("error") if isinstance(data, Mapping) else None
    return str(code) if code else None


def failure_reason(exc: BaseException) -> str:
    """A few words for logs and for people: Slack's error code, else the HTTP status, else the
    kind of network failure."""
    code = error_code(exc)
    if code is not None:
        return code
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return f"HTTP {exc.response.status_code}"
    return f"{type(exc).__name__}: {exc}"


def retry_after_seconds(headers: Mapping[str, Any] | None) -> float:
    """Slack's Retry-After in seconds; header names are matched without regard to case.

    Takes both header shapes slack_sdk hands out: plain strings (a SlackResponse) and lists of
    strings (the HttpResponse a retry handler sees).
    """
    for name, value in (headers or {}).items():
        if name.lower() != "retry-after":
            continue
        raw = value[0] if isinstance(value, list | tuple) and value else value
        try:
            seconds = float(raw)
        except (TypeError, ValueError):
            break
        if seconds >= 0:
            return seconds
        break
    return DEFAULT_RETRY_AFTER_SECONDS
