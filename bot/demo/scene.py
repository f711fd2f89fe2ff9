"""The person's hands: what they do in Slack becomes signed requests, narrated as they go.

Waiting is always on the bot's own signals (its listener pool going idle, the stand-in
receiving a call), never on a sleep, so the demo is as fast as the bot and no flakier.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.recorder import Recorder
from bot.demo.stage import Stage
from bot.demo.transcript import YOU, plain, render_inputs
from bot.slack_standin import RecordedCall
from bot.slack_standin.slack_requests import SlackReply, fill_view_state

# Generous next to the bot's own budget (an ack within 3 s), yet a stuck demo still ends.
WAIT_SECONDS = 10.0
_VIEW_METHODS = ("views.open", "views.push", "views.update")


class DemoFailed(Exception):
    """Something the person should have seen did not happen; the message says what."""


class Scene:
    def __init__(
        self, stage: Stage, recorder: Recorder, *, wait_seconds: float = WAIT_SECONDS
    ) -> None:
        self.stage = stage
        self.recorder = recorder
        self.wait_seconds = wait_seconds
        self.rejected = 0  # requests the bot answered with anything but 200

    @property
    def tz(self) -> ZoneInfo:
        return self.stage.tz

    def now(self) -> datetime:
        return self.stage.bot.services.clock.now()

    # -- acting --------------------------------------------------------------------------------

    def type_command(self, text: str) -> dict[str, Any] | None:
        """Type `/interview <text>`; returns the ack's JSON body, if it had one."""
        self.recorder.entry(YOU, f"› /interview {text}")
        reply = self._accepted(
            self.stage.slack.slash_command(text, self.stage.person), f"/interview {text}"
        )
        body = reply.json()
        self.recorder.command_answer(body)
        self.settle()
        return body

    def submit_form(
        self,
        view: Mapping[str, Any],
        answers: Mapping[str, Any],
        *,
        previous: Mapping[str, Any] | None = None,
    ) -> dict[str, Any] | None:
        """Fill in the modal (showing only what changed since `previous`) and press its submit."""
        values = fill_view_state(dict(view), dict(answers))
        if previous is None:
            self.recorder.entry(YOU, "fill in the form:", render_inputs(view, self.tz, values))
        else:
            changed = {
                k for k in answers.keys() | previous.keys() if answers.get(k) != previous.get(k)
            }
            shown = render_inputs(view, self.tz, values, only=changed)
            self.recorder.entry(YOU, "change the form:", shown)
        self.recorder.entry(YOU, f"› press [{plain(view.get('submit')) or 'Submit'}]")
        reply = self._accepted(
            self.stage.slack.view_submission(dict(view), values, self.stage.person),
            "the form submission",
        )
        body = reply.json()
        self.recorder.submission_answer(view, body)
        self.settle()
        return body

    def open_home_tab(self) -> None:
        self.recorder.entry(YOU, "open the Interview Coach app's Home tab")
        event = {
            "type": "app_home_opened",
            "user": self.stage.person.user_id,
            "channel": self.dm_channel(),
            "tab": "home",
            "event_ts": f"{self.now().timestamp():.6f}",
        }
        self._accepted(
            self.stage.slack.event(event, self.stage.person), "the app_home_opened event"
        )
        self.settle()

    # -- waiting and looking --------------------------------------------------------------------

    def settle(self) -> None:
        """Wait until the bot has finished what it started, then write what it showed."""
        try:
            self.stage.bot.listener_executor.wait_idle(timeout=self.wait_seconds)
        except TimeoutError as exc:
            busy = f"the bot was still busy after {self.wait_seconds:g}s ({exc})"
            raise DemoFailed(busy) from None
        self.recorder.catch_up()

    def mark(self, method: str) -> int:
        """How many successful calls to `method` so far; pass it to `expect` as `after`."""
        return len(self.stage.standin.calls_to(method))

    def expect(self, method: str, *, after: int, because: str) -> RecordedCall:
        """The next successful `method` call after the first `after`, waiting for it if need be."""
        try:
            calls = self.stage.standin.wait_for(method, after + 1, timeout=self.wait_seconds)
        except AssertionError:  # the stand-in's way of saying it waited in vain
            raise DemoFailed(f"{because} (no {method} call reached Slack)") from None
        self.recorder.catch_up()
        return calls[after]

    def current_form(self) -> dict[str, Any]:
        """The modal Slack shows now: the last one the bot opened or updated, as Slack keeps it."""
        opened = [c for c in self.stage.standin.calls if c.method in _VIEW_METHODS and not c.failed]
        if not opened or opened[-1].response is None:
            raise DemoFailed("no form is open")
        view = self.stage.standin.view(opened[-1].response["view"]["id"])
        if view is None:
            raise DemoFailed("the form the bot opened is gone")
        return view

    def dm_channel(self) -> str:
        """The bot's DM with the person, once opened; Slack's id scheme before that."""
        for call in reversed(self.stage.standin.calls_to("conversations.open")):
            if call.response is not None:
                return str(call.response["channel"]["id"])
        return "D" + self.stage.person.user_id.removeprefix("U")

    def _accepted(self, reply: SlackReply, what: str) -> SlackReply:
        if reply.status != 200:
            self.rejected += 1
            raise DemoFailed(f"the bot rejected {what} with HTTP {reply.status}: {reply.body!r}")
        return reply
