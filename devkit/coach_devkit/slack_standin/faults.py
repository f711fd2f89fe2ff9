"""Faults a test injects: failures queued per method, and methods whose answers are held back."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from coach_devkit.slack_standin.replies import Reply, json_reply, text_reply

DEFAULT_RETRY_AFTER = 3
GATEWAY_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class Failure:
    """One refusal to answer a call with, shaped as Slack shapes it."""

    error: str
    status: int | None = None
    retry_after: int | None = None
    # The call takes effect (a message is posted) and only its answer is lost: Slack's edge
    # timing out after the API did the work.
    after_effect: bool = False

    def reply(self, *, webhook: bool) -> Reply:
        """Slack's answer: a 429 with Retry-After, a gateway's HTML page, or an error body."""
        default_status = 429 if self.error == "ratelimited" else (400 if webhook else 200)
        status = self.status or default_status
        headers: dict[str, str] = {}
        if status == 429 or self.retry_after is not None:
            retry_after = DEFAULT_RETRY_AFTER if self.retry_after is None else self.retry_after
            headers["Retry-After"] = str(retry_after)
        if webhook:
            # Response URLs answer errors as bare text, not JSON.
            return text_reply(status, self.error, headers=headers)
        if status in GATEWAY_STATUSES:
            # Gateway errors come from Slack's edge, not the API, so the body is not JSON.
            html = f"<html><body><h1>{status} {self.error}</h1></body></html>"
            return text_reply(status, html, "text/html", headers)
        return json_reply({"ok": False, "error": self.error}, status, headers)


class Faults:
    """Queued failures and held methods, guarded by the stand-in's one condition.

    Methods whose names say "locked" expect the caller to hold that condition already.
    """

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._failures: dict[str, deque[Failure]] = {}
        self._held: set[str] = set()
        # Calls to a held method still answered at once (hold's `after`), by method.
        self._let_through: dict[str, int] = {}
        self._waiting: dict[str, int] = {}  # how many calls to each held method are waiting
        self._outages: dict[str, Failure] = {}  # methods failing every call until healed
        self._delays: dict[str, float] = {}  # seconds each call to a method takes

    def fail_all(self, method: str, failure: Failure) -> None:
        """Answer every call to `method` with `failure` until `heal(method)`."""
        with self._cond:
            self._outages[method] = failure

    def heal(self, method: str) -> None:
        """End an outage of `method` and drop its queued failures."""
        with self._cond:
            self._outages.pop(method, None)
            self._failures.pop(method, None)

    def slow(self, method: str, seconds: float) -> None:
        """Make each call to `method` take `seconds` before it is answered (0: no delay)."""
        with self._cond:
            if seconds > 0:
                self._delays[method] = seconds
            else:
                self._delays.pop(method, None)

    def delay_for(self, method: str) -> float:
        """How long a call to `method` takes before it is answered."""
        with self._cond:
            return self._delays.get(method, 0.0)

    def fail_next(self, method: str, failure: Failure, times: int) -> None:
        """Answer the next `times` calls to `method` with `failure`."""
        if times < 1:
            raise ValueError("times must be at least 1")
        with self._cond:
            self._failures.setdefault(method, deque()).extend([failure] * times)

    def hold(self, method: str, after: int = 0) -> None:
        """Keep calls to `method` unanswered until `release(method)`, but for the next
        `after` of them, answered as usual."""
        with self._cond:
            self._held.add(method)
            self._let_through[method] = after

    def release(self, method: str) -> None:
        """Answer the calls to `method` held so far, and stop holding it."""
        with self._cond:
            self._held.discard(method)
            self._let_through.pop(method, None)
            self._cond.notify_all()

    def wait_until_held(self, method: str, count: int, timeout: float) -> None:
        """Block until `count` calls to the held `method` are waiting for their answer."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._waiting.get(method, 0) >= count, timeout):
                raise AssertionError(
                    f"waited {timeout}s for {count} held {method} call(s), "
                    f"got {self._waiting.get(method, 0)}"
                )

    def wait_while_held_locked(self, method: str) -> None:
        """Park a call to a held method until it is released (or everything is cleared)."""
        if method not in self._held:
            return
        if self._let_through.get(method, 0) > 0:
            self._let_through[method] -= 1
            return
        self._waiting[method] = self._waiting.get(method, 0) + 1
        self._cond.notify_all()
        self._cond.wait_for(lambda: method not in self._held)
        self._waiting[method] -= 1

    def next_failure_locked(self, method: str) -> Failure | None:
        """The failure to answer this call to `method` with, if one is queued."""
        queue = self._failures.get(method)
        if queue:
            return queue.popleft()
        return self._outages.get(method)

    def release_all_locked(self) -> None:
        """Stop holding any method and answer every held call."""
        self._held.clear()
        self._let_through.clear()
        self._cond.notify_all()

    def clear_locked(self) -> None:
        """Forget queued failures, outages and delays, and release every held method."""
        self._failures.clear()
        self._outages.clear()
        self._delays.clear()
        self.release_all_locked()
