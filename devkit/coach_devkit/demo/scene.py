"""The person's hands: what they do in Slack becomes signed requests, narrated as they go.

Waiting is always on the bot's own signals (its listener pool going idle, the stand-in
receiving a call, the dispatch job finishing a run), never on a sleep, so the demo is as fast
as the bot and no flakier. The clock stands still throughout; waiting for the coach's next DM
skips it to the next nudge's due time, where the dispatch job finds that nudge due on its own
(see time_source.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coach_devkit.demo import outbox
from coach_devkit.demo.recorder import Recorder
from coach_devkit.demo.stage import Stage
from coach_devkit.demo.transcript import SLACK, YOU, plain, render_inputs, render_message, stamp
from coach_devkit.slack_standin import RecordedCall
from coach_devkit.slack_standin.signed_sender import SlackReply, fill_view_state

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
        self._read = 0  # the bot's posts Dana has read: how many of them, from the first
        # What a step notes for a later one (the story's first day, a `mark` to look back to).
        self.notes: dict[str, Any] = {}

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
        self.recorder.catch_up()  # publishes before this one she did not see
        self.recorder.home_opened = True  # the next publish is what she sees
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

    def expect_post(self, *, after: int, containing: str, because: str) -> RecordedCall:
        """The first message posted after the first `after` whose text shows `containing`,
        waited for up to `wait_seconds` in all.

        Others may come in between: a nudge due at once and the bot's answer to a request
        race each other, as they would in Slack.
        """
        deadline = time.monotonic() + self.wait_seconds
        seen = after
        while True:
            left = max(deadline - time.monotonic(), 0.0)
            try:
                calls = self.stage.standin.wait_for("chat.postMessage", seen + 1, timeout=left)
            except AssertionError:
                raise DemoFailed(f"{because} (no message showing {containing!r})") from None
            found = self._first_showing(containing, calls, seen)
            if found is not None:
                return found
            seen = len(calls)

    def next_dm(
        self, containing: str, because: str, *, about: str = "", since: int | None = None
    ) -> RecordedCall:
        """The coach's next DM showing `containing` (and `about`, say a company's name):
        already there, or a nudge still to come.

        Until it shows, the clock skips to the earliest pending nudge's due time and stays
        there while the dispatch job finds that nudge due and sends it. A nudge that is not
        the one asked for (a card reminder, say) is passed by, as Dana would scroll past it.
        `since` (a `mark` of chat.postMessage) looks again at DMs passed by since then: with
        two applications, one's DM may come while Dana waits for the other's.
        """
        self.settle()
        deadline = time.monotonic() + self.wait_seconds
        db = self.stage.bot.services.db
        while True:
            # Also waits until each post is recorded as sent: until the dispatcher notes a
            # message's ts, a reply in its thread (or a press) would not find it. A person is
            # never that quick; Dana is.
            self._wait_for_dispatch(deadline, because)
            posted = self.stage.standin.calls_to("chat.postMessage")
            start = self._read if since is None else since
            found = self._first_showing(containing, posted, start, about=about)
            if found is not None:
                return found
            due = outbox.next_due(db)
            if due is None:
                raise DemoFailed(f"{because} (nothing more is planned)")
            self._skip_to(due)

    def nothing_more_for(self, span: timedelta) -> int:
        """Let `span` pass at once and give the dispatcher two runs; how many DMs came.

        Only once nothing is planned: jumped over in one step, a nudge still pending would be
        dropped as too late instead of sent, and the silence would prove nothing.
        """
        self.settle()
        deadline = time.monotonic() + self.wait_seconds
        self._wait_for_dispatch(deadline, "the last DM was never recorded as sent")
        due = outbox.next_due(self.stage.bot.services.db)
        if due is not None:
            raise DemoFailed(f"a nudge is still planned, due {stamp(due, self.tz).strip()}")
        before = self.mark("chat.postMessage")
        self._skip_to(self.now() + span)
        if not self.stage.ticks.wait(2, self.wait_seconds):
            raise DemoFailed(f"the dispatch job did not run within {self.wait_seconds:g}s")
        self.recorder.catch_up()
        return self.mark("chat.postMessage") - before

    def _first_showing(
        self, containing: str, posted: list[RecordedCall], start: int, *, about: str = ""
    ) -> RecordedCall | None:
        """The first of `posted[start:]` whose text shows `containing` and `about`; read up
        to it."""
        for index, call in enumerate(posted[start:], start=start):
            text = "\n".join(render_message(call.params, self.tz))
            if containing in text and about in text:
                self._read = max(self._read, index + 1)
                self.recorder.catch_up()
                return call
        return None

    def _wait_for_dispatch(self, deadline: float, because: str) -> None:
        """Wait, on the dispatch job's runs, until no nudge is due now or being sent."""
        db = self.stage.bot.services.db
        while outbox.due_or_in_flight(db, self.now()):
            left = deadline - time.monotonic()
            if left <= 0 or not self.stage.ticks.wait(1, left):
                raise DemoFailed(f"{because} (a due nudge was not sent in time)")

    def _skip_to(self, instant: datetime) -> None:
        """Move the standing clock to `instant`: exactly, or as little past it as floating
        point allows, so the dispatcher finds due what is due then."""
        least = timedelta(microseconds=1)
        while (gap := instant - self.now()) > timedelta(0):
            self.stage.time.skip(max(gap, least))
            least *= 2  # until a skip is big enough to change the clock's reading at all

    def write_dm(self, text: str, *, thread_ts: str | None = None) -> RecordedCall:
        """Write to the coach in the DM (in a message's thread, given its ts); its answer."""
        where = "in the thread" if thread_ts else "in your DM with the coach"
        self.recorder.entry(YOU, f"write {where}:", [text])
        before = self.mark("chat.postMessage")
        person = self.stage.person
        reply = self.stage.slack.direct_message(
            text, person, self.dm_channel(), thread_ts=thread_ts
        )
        self._accepted(reply, "the message event")
        self.settle()
        return self.expect("chat.postMessage", after=before, because="the coach did not answer")

    def shown(self, posted: RecordedCall) -> dict[str, Any]:
        """A message the bot posted, as Slack shows it now (after any edits)."""
        channel = str(posted.params.get("channel", ""))
        ts = str((posted.response or {}).get("ts", ""))
        for message in self.stage.standin.messages(self.dm_channel()) + (
            self.stage.standin.messages(channel) if channel != self.dm_channel() else []
        ):
            if message.get("ts") == ts:
                return message
        raise DemoFailed(f"the message {ts} is not in the DM")

    def press(
        self,
        posted: RecordedCall,
        label: str,
        option: str | None = None,
        *,
        expect: str = "chat.update",
        about: str = "",
    ) -> RecordedCall:
        """Press the control `label` on a message (choosing `option` in a menu), confirming
        the dialog Slack shows first if it has one; the `expect` call it leads to (by
        default the message's edit; "views.open" for a button that opens a form). `about`:
        in a DM carrying several nudges, the part about it (see part_about)."""
        message = self.shown(posted)
        block, element = _control(message, label, about)
        action: dict[str, Any] = {"action_id": element["action_id"], "block_id": block["block_id"]}
        if element.get("type") == "button":
            action |= {"type": "button", "text": element["text"], "value": element.get("value")}
            self.recorder.entry(YOU, f"› press [{label}]")
        else:
            chosen = next((o for o in element.get("options", []) if o["value"] == option), None)
            if chosen is None:
                raise DemoFailed(f"the {label!r} menu has no option {option!r}")
            action |= {"type": element["type"], "selected_option": chosen}
            self.recorder.entry(YOU, f"› choose [{label} ▾] {plain(chosen.get('text'))}")
        confirm = element.get("confirm")
        if confirm:
            # Slack asks first and sends the press only once confirmed.
            buttons = f"[{plain(confirm.get('deny'))}]  [{plain(confirm.get('confirm'))}]"
            self.recorder.entry(
                SLACK,
                f"asks first: {plain(confirm.get('title'))}",
                [plain(confirm.get("text")), buttons],
            )
            self.recorder.entry(YOU, f"› press [{plain(confirm.get('confirm'))}]")
        container = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": self.dm_channel(),
            "is_ephemeral": False,
        }
        before = self.mark(expect)
        reply = self.stage.slack.block_action(
            action, person=self.stage.person, container=container, message=message
        )
        self._accepted(reply, f"the press on [{label}]")
        self.settle()
        return self.expect(expect, after=before, because=f"[{label}] changed nothing")

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


def part_about(blocks: list[dict[str, Any]], about: str) -> list[dict[str, Any]]:
    """The blocks of the part of a message that is about `about` (say a company's name).

    A grouped DM carries several nudges, each a part opening with a divider, and each part
    with its own controls: pressing "Heard back" for one company must press that company's.
    A lone nudge's message is one part; with `about` empty, the whole message is."""
    if not about:
        return blocks
    parts: list[list[dict[str, Any]]] = [[]]
    for block in blocks:
        if block.get("type") == "divider":
            parts.append([])
        parts[-1].append(block)
    for part in parts:
        if about in json.dumps(part, ensure_ascii=False):
            return part
    raise DemoFailed(f"no part of the message is about {about}")


def _control(
    message: Mapping[str, Any], label: str, about: str = ""
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The actions block and element showing `label` (a button's text or a menu's placeholder),
    in the part of the message about `about` (see part_about)."""
    for block in part_about(list(message.get("blocks") or []), about):
        if block.get("type") != "actions":
            continue
        for element in block.get("elements") or []:
            shown = element.get("text") or element.get("placeholder") or {}
            if shown.get("text") == label:
                return dict(block), dict(element)
    raise DemoFailed(f"the message has no [{label}] control")
