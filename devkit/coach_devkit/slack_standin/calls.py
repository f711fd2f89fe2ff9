"""What the stand-in heard: one record per request, kept in order, and waiting for them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

RESPONSE_URL = "response_url"  # the pseudo method name response-URL posts are recorded under
UPLOAD = "file_upload"  # and the one for bytes POSTed to a files.getUploadURLExternal URL


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in received, successful or not."""

    method: str
    params: dict[str, Any]
    token: str | None = None
    failed: bool = False
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    detail: str | None = None  # why a check failed, e.g. which Block Kit limit was exceeded
    response: dict[str, Any] | None = None  # the JSON answered to a successful API call


class CallLog:
    """Calls in arrival order, guarded by the stand-in's one condition so that a waiter wakes
    exactly when a call is recorded."""

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._calls: list[RecordedCall] = []

    def record_locked(self, call: RecordedCall) -> None:
        """Store a call and wake the waiters; the caller holds the condition."""
        self._calls.append(call)
        self._cond.notify_all()

    def clear_locked(self) -> None:
        self._calls.clear()

    def all(self) -> list[RecordedCall]:
        """Every call so far (a snapshot)."""
        with self._cond:
            return list(self._calls)

    def to(self, method: str, *, include_failed: bool = False) -> list[RecordedCall]:
        """The calls to `method`, failed ones only if asked for."""
        with self._cond:
            return [
                c for c in self._calls if c.method == method and (include_failed or not c.failed)
            ]

    def wait_for(self, method: str, count: int, timeout: float) -> list[RecordedCall]:
        """Block until `count` successful calls to `method` exist; return all of them."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.to(method)) >= count, timeout):
                seen = [f"{c.method} ({c.error})" if c.failed else c.method for c in self._calls]
                raise AssertionError(
                    f"waited {timeout}s for {count} successful {method} call(s), "
                    f"got {len(self.to(method))}; recorded: {seen}"
                )
            return self.to(method)
