"""`interview-bot preview`: the DMs a sample interview would get, and when, in local time.

No Slack and no database: the pure `plan` runs against an outbox kept in memory, reconciled
with the bot's own decisions (bot.coach.reconciler.reconcile_changes), and a dispatcher that
sends every nudge the moment it is due. The tests of the rules drive the same `Simulation`
with scripted button presses.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.rules.calendar import PersonHours, at_local, is_working_day
from bot.rules.domain import (
    ContactKind,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    NudgeStatus,
    ReflectionQuestion,
)
from bot.rules.interview_form import MAX_AGE
from bot.rules.planning import (
    Contact,
    History,
    InterviewFacts,
    NudgeRecord,
    PlannedNudge,
    card_advised,
    follow_up_number,
    plan,
    reminded_follow_up,
)
from bot.rules.playbook import Playbook, PlaybookError, load_playbook
from bot.rules.press_keys import CONTACT_OF, press_key
from bot.rules.reconciling import ChangeKind, Key, reconcile_changes
from bot.rules.zones import UTC_ZONE, find_zone

DEFAULT_TZ = "America/New_York"
DEFAULT_HOUR = 10
# Far more DMs than any playbook allows (5 follow-ups, a few one-offs, reminders): a loop that
# gets here is a bug in the rules, not a long schedule.
MAX_DELIVERIES = 200

Press = Callable[["Simulation"], None]
# The button each contact is logged by, to key a press the way bot.coach.choices keys it.
_CHOICE_OF = {contact: choice for choice, contact in CONTACT_OF.items()}


class PreviewError(Exception):
    """A preview option that cannot be used; the message is one line naming it."""


@dataclass(frozen=True)
class Delivered:
    """A DM the person got: which nudge, and when (UTC)."""

    kind: NudgeKind
    sequence: int
    at: datetime

    @property
    def key(self) -> Key:
        return (self.kind, self.sequence)


class Simulation:
    """One interview's outbox in memory, on a FixedClock that jumps from nudge to nudge.

    Reconciling applies bot.coach.reconciler.reconcile_changes, as the bot's reconciler does:
    insert what is planned and missing, move pending rows, revive cancelled ones, cancel
    pending rows no longer planned; sent rows are history. A delivery is claimed, then
    marked sent and reconciled, as the dispatcher and mark_sent do it. In between it is
    reconciled once more, on purpose: the dispatcher takes no such step, but a press landing
    while the DM is in flight does, and must leave the claimed nudge as it is (the property
    tests check every plan made, this one included).
    """

    def __init__(
        self,
        facts: InterviewFacts,
        person: PersonHours,
        playbook: Playbook,
        clock: FixedClock,
        *,
        latency: Callable[[NudgeRecord], timedelta] | None = None,
    ) -> None:
        self.facts, self.person, self.playbook, self.clock = facts, person, playbook, clock
        # How long after its due time each nudge is sent (the dispatcher's tick, a queue).
        self._latency = latency or (lambda _row: timedelta(0))
        self.rows: dict[Key, NudgeRecord] = {}
        self.contacts: list[Contact] = []
        self.delivered: list[Delivered] = []
        self._pressed: set[str] = set()  # the presses' once-only keys, as choices.py keeps them
        self._presses: list[tuple[datetime, int, Press]] = []  # a heap: (when, order, press)
        self._order = itertools.count()  # scheduled earlier goes first among equal times
        self.reconcile()

    @property
    def history(self) -> History:
        return History(contacts=tuple(self.contacts), nudges=tuple(self.rows.values()))

    @property
    def closed(self) -> bool:
        return self.facts.status is not InterviewStatus.ACTIVE

    def plan(self) -> tuple[PlannedNudge, ...]:
        return plan(self.facts, self.history, self.clock.now(), self.person, self.playbook)

    def reconcile(self) -> tuple[PlannedNudge, ...]:
        planned = self.plan()
        for change in reconcile_changes(self.rows, planned):
            cancel = change.kind is ChangeKind.CANCEL
            status = NudgeStatus.CANCELLED if cancel else NudgeStatus.PENDING
            self.rows[change.key] = NudgeRecord(*change.key, status, change.due_at)
        return planned

    def pending(self) -> list[NudgeRecord]:
        rows = [r for r in self.rows.values() if r.status is NudgeStatus.PENDING]
        return sorted(rows, key=lambda r: (r.due_at, r.kind, r.sequence))

    # -- time passing ------------------------------------------------------------------------

    def deliver_next(self, until: datetime | None = None) -> Delivered | None:
        """Send the earliest pending nudge, if one is due by `until` (any, when None)."""
        pending = self.pending()
        if not pending or (until is not None and pending[0].due_at > until):
            return None
        row = pending[0]
        at = max(self.clock.now(), row.due_at + self._latency(row))
        self.clock.set(at)
        key = (row.kind, row.sequence)
        self.rows[key] = dataclasses.replace(row, status=NudgeStatus.CLAIMED)
        self.reconcile()  # the in-flight probe (see the class's docstring)
        self.rows[key] = dataclasses.replace(row, status=NudgeStatus.SENT, sent_at=at)
        self.reconcile()
        delivered = Delivered(row.kind, row.sequence, at)
        self.delivered.append(delivered)
        return delivered

    def run_until(self, instant: datetime) -> list[Delivered]:
        """Deliver everything due up to `instant`, then stop the clock there."""
        sent = []
        while (delivered := self.deliver_next(until=instant)) is not None:
            sent.append(delivered)
            self._check_runaway()
        if instant > self.clock.now():
            self.clock.set(instant)
        return sent

    def schedule(self, at: datetime, press: Press) -> None:
        """Have the person do `press` at `at` (now, if that has passed) during `run`."""
        heapq.heappush(self._presses, (at, next(self._order), press))

    def run(self, respond: Callable[[Simulation, Delivered], None] | None = None) -> None:
        """Deliver until nothing more is planned and no press is left; `respond` plays the
        person after each DM (pressing at once, or scheduling presses for later).

        A press due at the same moment as a nudge goes first: the person was quicker than
        the dispatcher's next tick.
        """
        while True:
            pending = self.pending()
            if self._presses and (not pending or self._presses[0][0] <= pending[0].due_at):
                at, _, press = heapq.heappop(self._presses)
                self.clock.set(max(at, self.clock.now()))
                press(self)
                continue
            delivered = self.deliver_next()
            if delivered is None:
                return
            if respond is not None:
                respond(self, delivered)
            self._check_runaway()

    def _check_runaway(self) -> None:
        if len(self.delivered) > MAX_DELIVERIES:
            raise AssertionError(f"more than {MAX_DELIVERIES} DMs: the rules never stop")

    # -- the person's buttons ----------------------------------------------------------------

    def press(
        self, kind: ContactKind, *, on: Key | None = None, until: datetime | None = None
    ) -> bool:
        """Press the button that logs `kind` on the DM `on` (by default the latest one the
        person got); False when that press was already recorded, as the bot keeps it once.
        """
        if not self._first_press(kind, on):
            return False
        self.contacts.append(Contact(kind, self.clock.now(), until))
        self.reconcile()
        return True

    def snooze(self, days: int, *, on: Key | None = None) -> bool:
        until = self.clock.now() + timedelta(days=days)
        return self.press(ContactKind.SNOOZED, on=on, until=until)

    def _first_press(self, kind: ContactKind, on: Key | None) -> bool:
        """Whether this press is new, by bot.rules.press_keys' key: once per interview,
        "Follow-up sent" once per follow-up, "Snooze" once per message."""
        if on is None and self.delivered:
            on = self.delivered[-1].key
        key = press_key(
            _CHOICE_OF[kind],
            interview_id=0,  # one interview
            nudge_id=list(self.rows).index(on) if on in self.rows else -1,
            follow_up_number=follow_up_number(*on) if on else 0,
        )
        if key in self._pressed:
            return False
        if key is not None:
            self._pressed.add(key)
        return True

    def close(self, *, heard_back: bool) -> None:
        """Heard back (any outcome) or Stop reminders: the interview closes."""
        if heard_back and self._first_press(ContactKind.HEARD_BACK, None):
            self.contacts.append(Contact(ContactKind.HEARD_BACK, self.clock.now()))
        self.facts = dataclasses.replace(self.facts, status=InterviewStatus.CLOSED)
        self.reconcile()


# -- the command ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewOptions:
    format: InterviewFormat = InterviewFormat.VIDEO
    traditional: bool = False
    timeline: date | None = None
    direct: bool = False
    tz: ZoneInfo = dataclasses.field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    at: datetime | None = None  # the interview, local wall time (naive); None: next weekday 10:00
    logged_after: timedelta = timedelta(0)
    waking: tuple[int, int] = (8, 20)
    playbook: Playbook | None = None
    emails_sent: bool = False
    cards_mailed: bool = False
    follow_ups_sent: bool = False
    keep_going: bool = False


def parse_zone(name: str) -> ZoneInfo:
    zone = find_zone(name)
    if zone is None:
        raise PreviewError(
            f"--tz {name!r} is not a time zone this machine knows "
            "(use an IANA name such as America/New_York or Europe/Berlin)"
        )
    return zone


def parse_local_time(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise PreviewError(
            f"--at {text!r} is not a local date and time like 2026-12-01T10:00"
        ) from None
    if parsed.tzinfo is not None:
        raise PreviewError(
            f"--at {text!r} has a UTC offset or zone: give the local time alone, "
            "and the zone with --tz"
        )
    return parsed


def parse_timeline(text: str) -> date | None:
    if text.strip().lower() in {"", "none"}:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PreviewError(f"--timeline {text!r} is not a date like 2026-12-08 (or none)") from None


def parse_waking(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", text)
    try:
        hours = PersonHours(UTC_ZONE, int(match[1]), int(match[2])) if match else None
    except ValueError:  # PersonHours checks the range
        hours = None
    if hours is None:
        raise PreviewError(f"--waking {text!r} is not a range of hours like 8-20 (0 to 24)")
    return hours.waking_start_hour, hours.waking_end_hour


def parse_logged_after(minutes: int) -> timedelta:
    """As the log form allows: an interview logged at most MAX_AGE after it happened."""
    most = int(MAX_AGE.total_seconds()) // 60
    if not 0 <= minutes <= most:
        raise PreviewError(
            f"--logged-after {minutes} is not 0 to {most} minutes ({MAX_AGE.days} days)"
        )
    return timedelta(minutes=minutes)


def parse_playbook_path(path: str) -> Playbook:
    try:
        return load_playbook(Path(path))
    except PlaybookError as exc:
        raise PreviewError(f"--playbook {exc}") from None


def next_working_day_at(
    now: datetime, tz: ZoneInfo, hour: int = DEFAULT_HOUR, *, weekday: int | None = None
) -> datetime:
    """The first `hour`:00 in `tz` after `now` on a working day (on that `weekday`, Monday
    being 0, when given), as a UTC instant."""
    day = now.astimezone(tz).date()
    while True:
        candidate = at_local(day, hour, tz)
        wanted = is_working_day(day) and weekday in (None, day.weekday())
        if candidate > now and wanted:
            return candidate
        day += timedelta(days=1)


def simulate(options: PreviewOptions, now: datetime) -> tuple[Simulation, datetime]:
    """Play the options' interview to its end; also returns when the interview was (UTC)."""
    tz = options.tz
    local = options.at or next_working_day_at(now, tz).astimezone(tz).replace(tzinfo=None)
    # Through the zone's rules (fold=0), as the log form does with a wall time.
    happened = local.replace(tzinfo=tz).astimezone(UTC)
    if options.timeline is not None and options.timeline < local.date():
        raise PreviewError(
            f"--timeline {options.timeline} is before the interview ({local:%Y-%m-%d})"
        )
    facts = InterviewFacts(
        format=options.format,
        traditional_org=options.traditional,
        happened_at=happened,
        logged_at=happened + options.logged_after,
        employer_timeline=options.timeline,
        direct_contact_ok=options.direct,
    )
    person = PersonHours(tz, *options.waking)
    playbook = options.playbook or load_playbook(None)
    simulation = Simulation(facts, person, playbook, FixedClock(facts.logged_at))
    simulation.run(_person_pressing(options))
    return simulation, happened


def _person_pressing(options: PreviewOptions) -> Callable[[Simulation, Delivered], None]:
    def respond(simulation: Simulation, delivered: Delivered) -> None:
        kind = delivered.kind
        if kind is NudgeKind.THANK_YOU and options.emails_sent:
            simulation.press(ContactKind.THANK_YOU_EMAIL)
        # The button is there only where a card is advised; pressed once, it stays pressed.
        card = card_advised(simulation.facts.format, simulation.facts.traditional_org)
        if kind in (NudgeKind.THANK_YOU, NudgeKind.CARD) and options.cards_mailed and card:
            simulation.press(ContactKind.THANK_YOU_CARD)
        if kind in (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER) and options.follow_ups_sent:
            simulation.press(ContactKind.FOLLOW_UP)
        if kind is NudgeKind.CHECK_IN and options.keep_going:
            simulation.press(ContactKind.KEPT_GOING)

    return respond


def preview_lines(options: PreviewOptions, now: datetime) -> list[str]:
    """The report `interview-bot preview` prints: a heading, one line per DM, a closing line."""
    simulation, happened = simulate(options, now)
    playbook, facts, tz = simulation.playbook, simulation.facts, options.tz
    lines = [_heading(options, happened), ""]
    for delivered in simulation.delivered:
        local = delivered.at.astimezone(tz)
        when = f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"
        label = _label(delivered)
        lines.append(f"{when}  {label:<14} {summary(delivered, facts, playbook)}")
    count = len(simulation.delivered)
    follow_ups = sum(1 for d in simulation.delivered if d.kind is NudgeKind.FOLLOW_UP)
    lines += ["", f"{count} DMs, {follow_ups} of them follow-ups; after that nothing is planned."]
    return lines


def _heading(options: PreviewOptions, happened: datetime) -> str:
    local = happened.astimezone(options.tz)
    kind = options.format.label.lower()
    org = " at a traditional organization" if options.traditional else ""
    timeline = f"hear back by {options.timeline:%a %Y-%m-%d}" if options.timeline else "no timeline"
    direct = "direct contact OK" if options.direct else "no direct contact"
    presses = [
        name
        for name, on in (
            ("Email sent", options.emails_sent),
            ("Card mailed", options.cards_mailed),
            ("Follow-up sent", options.follow_ups_sent),
            ("Keep going", options.keep_going),
        )
        if on
    ]
    pressing = "presses " + ", ".join(presses) if presses else "presses nothing"
    start, end = options.waking
    return (
        f"A {kind} interview{org} on {local:%a %Y-%m-%d %H:%M} {local.tzname()} "
        f"({options.tz.key}, awake {start:02d}-{end:02d}); {timeline}; {direct}; "
        f"the person {pressing}."
    )


def _label(delivered: Delivered) -> str:
    if delivered.kind is NudgeKind.FOLLOW_UP:
        return f"follow-up {delivered.sequence}"
    if delivered.kind is NudgeKind.REMINDER:
        return f"reminder {reminded_follow_up(delivered.sequence)}"
    return delivered.kind.value.replace("_", "-")


def summary(delivered: Delivered, facts: InterviewFacts, playbook: Playbook) -> str:
    """What the DM says, in one line: the first sentence of its text, and what comes with it."""
    texts, timing = playbook.texts, playbook.timing
    kind = delivered.kind
    if kind is NudgeKind.DISTANCE:
        return first_sentence(texts.distance)
    if kind is NudgeKind.REFLECTION:
        asks = f"Asks the {len(ReflectionQuestion)} reflection questions."
        return f"{first_sentence(texts.reflection_intro)} {asks}"
    if kind is NudgeKind.THANK_YOU:
        card = card_advised(facts.format, facts.traditional_org)
        extra = " Also a thank-you card by mail." if card else ""
        return f"{first_sentence(texts.thank_you_email)}{extra}"
    if kind is NudgeKind.CARD:
        return first_sentence(texts.card_reminder)
    if kind is NudgeKind.CHECK_IN:
        return first_sentence(texts.check_in)
    if kind is NudgeKind.REMINDER:
        return first_sentence(texts.reminder)
    weekly = " Weekly, direct contact OK." if facts.direct_contact_ok else ""
    questions = len(playbook.questions.call_questions)
    return (
        f"{first_sentence(texts.follow_up)} {questions} call questions and the caution "
        f"(at most {timing.max_follow_ups}).{weekly}"
    )


def first_sentence(mrkdwn: str) -> str:
    plain = " ".join(re.sub(r"[*_~`]", "", mrkdwn).split())
    match = re.match(r"(.+?[.?!])(\s|$)", plain)
    return match[1] if match else plain
