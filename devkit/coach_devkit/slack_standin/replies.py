"""The HTTP answers the stand-in sends: a status, a body and its type, and any headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One HTTP answer, ready to write."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def json_reply(
    payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> Reply:
    """A JSON answer, the way the Web API answers everything it handles itself."""
    return Reply(status, json.dumps(payload).encode(), headers=headers or {})


def text_reply(
    status: int,
    text: str,
    content_type: str = "text/plain",
    headers: dict[str, str] | None = None,
) -> Reply:
    """A bare-text answer, the way response URLs and Slack's edge answer."""
    return Reply(status, text.encode(), f"{content_type}; charset=utf-8", headers or {})
