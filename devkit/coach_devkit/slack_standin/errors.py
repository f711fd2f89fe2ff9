"""A Slack-level refusal, as every part of the stand-in raises it."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Slack-level refusal: HTTP 200 with ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail

    def body(self) -> dict[str, Any]:
        """The JSON Slack answers with."""
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.detail:
            # Slack explains argument and Block Kit errors the same way.
            body["response_metadata"] = {"messages": [f"[ERROR] {self.detail}"]}
        return body
