"""What the person sees in Slack, written out as a transcript while the demo runs.

Everything the bot shows goes through the stand-in, so the recorder follows the stand-in's
call log in order and renders each visible call. A DM sent later by a scheduler or a button
shows up here without the script knowing about it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.clock import Clock
from coach_devkit.demo.time_source import SkippingTime
from coach_devkit.demo.transcript import (
    COACH,
    DIVIDER,
    SLACK,
    format_entry,
    input_label,
    render_home,
    render_message,
    render_modal,
    render_mrkdwn,
    stamp,
    view_title,
)
from coach_devkit.slack_standin import RESPONSE_URL, RecordedCall, SlackStandIn

Body = Iterable[str]
Entry = tuple[str, Body]  # (headline, body) said by the coach


class Recorder:
    def __init__(
        self,
        standin: SlackStandIn,
        clock: Clock,
        speedup: float,
        tz: ZoneInfo,
        out: TextIO,
        time_source: SkippingTime,
    ) -> None:
        self._standin = standin
        self._clock = clock
        self._speedup = speedup
        self._tz = tz
        self._out = out
        # What the clock reads; it may skip ahead, so a call's stamp is mapped through it.
        self._time = time_source
        self._seen = 0  # how many of the stand-in's calls are already in the transcript
        self._last_day: date | None = None  # a new day starts after a blank line
        # What each message the bot posted shows (by ts), and when it was posted.
        self._shown: dict[str, tuple[datetime, list[str]]] = {}
        # The Home tab is shown in full when the person opens it; the bot republishes it
        # after every change, which the person only sees the next time they look.
        self.home_opened = False
        self._renderers: dict[str, Callable[[RecordedCall], Entry | None]] = {
            "chat.postMessage": self._posted,
            "chat.update": self._updated,
            "chat.postEphemeral": self._ephemeral,
            "chat.delete": lambda _call: ("removes one of its messages", ()),
            "views.open": self._view_opened,
            "views.push": self._view_opened,
            "views.update": self._view_updated,
            "views.publish": self._published,
            RESPONSE_URL: self._responded,
        }

    # -- writing -------------------------------------------------------------------------------

    def entry(
        self, speaker: str, headline: str, body: Body = (), at: datetime | None = None
    ) -> None:
        instant = at or self._clock.now()
        day = instant.astimezone(self._tz).date()
        if self._last_day is not None and day != self._last_day:
            print(file=self._out)
        self._last_day = day
        when = stamp(instant, self._tz)
        for line in format_entry(when, speaker, headline, body):
            print(line, file=self._out, flush=True)

    def line(self, text: str = "") -> None:
        print(text, file=self._out, flush=True)

    # -- what Slack shows in answer to a request -------------------------------------------------

    def command_answer(self, body: Mapping[str, Any] | None) -> None:
        """A slash command's ack: with text, Slack shows it to the person who typed it."""
        if body and (body.get("text") or body.get("blocks")):
            self.entry(COACH, "answers, only visible to you:", render_message(body, self._tz))

    def submission_answer(self, view: Mapping[str, Any], body: Mapping[str, Any] | None) -> None:
        """A view submission's ack: close the modal, or keep it open with errors or a new view."""
        action = (body or {}).get("response_action")
        if not action:
            self.entry(SLACK, f'closes the form "{view_title(view)}"')
        elif action == "errors":
            for block_id, message in (body or {}).get("errors", {}).items():
                label = input_label(view, block_id)
                self.entry(SLACK, f'shows under the field "{label}":', render_mrkdwn(message))
        elif action in {"update", "push"}:
            shown = (body or {}).get("view") or {}
            verb = "replaces the form with" if action == "update" else "opens on top"
            self.entry(SLACK, f'{verb} "{view_title(shown)}":', render_modal(shown, self._tz))
        elif action == "clear":
            self.entry(SLACK, "closes every open form")

    # -- what the bot does through the Web API ----------------------------------------------------

    def catch_up(self) -> None:
        """Write every call the stand-in received since the last catch-up, in arrival order."""
        calls = self._standin.calls
        for call in calls[self._seen :]:
            self._write_call(call)
        self._seen = len(calls)

    def _write_call(self, call: RecordedCall) -> None:
        at = self._when(call)
        if call.failed:
            # Invisible to the person, but a developer watching the demo needs to know.
            detail = f" ({call.detail})" if call.detail else ""
            self.entry(SLACK, f"refuses the bot's {call.method} call: {call.error}{detail}", at=at)
            return
        render = self._renderers.get(call.method)
        entry = render(call) if render else None  # auth.test, users.info…: nothing on screen
        if entry is not None:
            headline, body = entry
            self.entry(COACH, headline, body, at=at)

    def _when(self, call: RecordedCall) -> datetime:
        # Calls carry a real monotonic stamp; the bot's clock runs faster and may have skipped
        # ahead since, so the gap is measured on the clock's own source, then scaled.
        ago = (self._time() - self._time.reading_at(call.at)) * self._speedup
        return self._clock.now() - timedelta(seconds=max(ago, 0.0))

    def _posted(self, call: RecordedCall) -> Entry:
        channel = str(call.params.get("channel", ""))
        if call.params.get("thread_ts"):
            where = "answers in the thread:"
        elif channel.startswith("D"):
            where = "sends you a direct message:"
        else:
            where = f"posts in {channel}:"
        lines = render_message(call.params, self._tz)
        ts = (call.response or {}).get("ts")
        if ts:
            self._shown[str(ts)] = (self._when(call), lines)
        return where, lines

    def _updated(self, call: RecordedCall) -> Entry:
        """An edit shows only what changed: a button press adds a line and changes the buttons."""
        lines = render_message(call.params, self._tz)
        ts = str(call.params.get("ts", ""))
        earlier = self._shown.get(ts)
        self._shown[ts] = (earlier[0] if earlier else self._when(call), lines)
        if earlier is None:
            return "edits one of its messages; it now reads:", lines
        posted_at, before = earlier
        old_parts, new_parts = _parts(before), _parts(lines)
        if len(old_parts) != len(new_parts):
            old_parts, new_parts = [before], [lines]
        # Part by part: a grouped DM repeats lines across its parts (each has its [Reopen]
        # once closed), and a line new to one part is news even if another part has it.
        added: list[str] = []
        for old, new in zip(old_parts, new_parts, strict=True):
            news = [line for line in new if line not in old]
            if any(map(_is_controls, old)) and not any(map(_is_controls, new)):
                news.append("(no buttons left)")
            if news and len(new_parts) > 1 and (about := _part_about(new)) is not None:
                news.insert(0, f"in the part about {about}:")
            added += news
        return f"edits its message of {stamp(posted_at, self._tz).strip()}:", added or ["(same)"]

    def _ephemeral(self, call: RecordedCall) -> Entry:
        return "answers, only visible to you:", render_message(call.params, self._tz)

    def _responded(self, call: RecordedCall) -> Entry:
        params = call.params
        if params.get("delete_original"):
            return "removes its earlier answer", ()
        if params.get("replace_original"):
            return "replaces its earlier answer with:", render_message(params, self._tz)
        if params.get("response_type") == "in_channel":
            return "answers in the channel:", render_message(params, self._tz)
        return "answers, only visible to you:", render_message(params, self._tz)

    def _view_opened(self, call: RecordedCall) -> Entry:
        view = call.params.get("view") or {}
        return f'opens a form "{view_title(view)}":', render_modal(view, self._tz)

    def _view_updated(self, call: RecordedCall) -> Entry:
        view = call.params.get("view") or {}
        if view.get("type") == "home":
            return "updates your Home tab:", render_home(view, self._tz)
        return f'updates the form "{view_title(view)}":', render_modal(view, self._tz)

    def _published(self, call: RecordedCall) -> Entry:
        if not self.home_opened:
            return "updates your Home tab (you see it when you open it)", ()
        self.home_opened = False
        return "shows your Home tab:", self._home(call)

    def _home(self, call: RecordedCall) -> Body:
        return render_home(call.params.get("view") or {}, self._tz)


def _parts(lines: list[str]) -> list[list[str]]:
    """A message's lines in its parts: a grouped DM opens each part with a divider (what
    comes before the first is a part too, its heading)."""
    parts: list[list[str]] = [[]]
    for line in lines:
        if line == DIVIDER:
            parts.append([])
        parts[-1].append(line)
    return parts


def _part_about(part: list[str]) -> str | None:
    """The interview a part of a grouped DM is about, as its context line names it (the
    last such line: it comes after the advice; a quoted answer is not one)."""
    for line in reversed(part):
        if not line.startswith(">") and (found := _ABOUT.search(line)) is not None:
            return found[1]
    return None


# "Follow-up 2 · Interview: Globex (Product Analyst) · video call, …"
_ABOUT = re.compile(r"(?:^|· )Interview: (.+?)(?: · |$)")


def _is_controls(line: str) -> bool:
    """A rendered actions block: its buttons and menus, each in brackets."""
    return line.startswith("[") and line.endswith("]")
