"""The advice as a pure function: an interview, what has happened since, and the time
→ the nudges that should exist. No database, no Slack, no clock of its own.

Sent, failed and in-flight nudges are history: they are planned as they were, so the
reconciler leaves them alone. Only the next follow-up is ever planned ahead, because the
one after it depends on what the person does in between.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.rules.calendar import (
    PersonHours,
    at_local,
    days_later,
    is_waking,
    local_date,
    next_waking,
)
from bot.rules.domain import ContactKind, InterviewFormat, InterviewStatus, NudgeKind, NudgeStatus
from bot.rules.outcomes import (
    asks_still_waiting,
    auto_close_due,
    auto_close_sequence,
    within_follow_up_window,
)
from bot.rules.playbook import Playbook

# One-off nudges use sequence 0; follow-ups count from 1.
ONCE = 0
# A snoozed follow-up comes back as reminder number n, sequence 100 * follow-up + n.
MAX_REMINDERS = 99
# After a "get some distance" DM, the reflection waits at least this share of its own delay.
DISTANCE_SHARE_OF_REFLECTION_DELAY = 0.5
# A follow-up due a few minutes past its slot (marked sent at 10:07, a week ago) keeps the
# slot instead of moving to the next day. Spacing still holds: slots are whole local hours.
SLOT_TOLERANCE = timedelta(minutes=15)
# A follow-up sent this soon after it was due counts from its due time when spacing the next.
ON_TIME = timedelta(hours=1)
# A follow-up the same day as the thank-you note would be too eager.
FIRST_FOLLOW_UP_AFTER_THANK_YOU = timedelta(days=1)
# The interview's own-day advice, timed from the interview's end: any waking hour will do.
_OWN_DAY = frozenset({NudgeKind.DISTANCE, NudgeKind.REFLECTION, NudgeKind.THANK_YOU})
# The evening-before reminder of an interview logged ahead: this local hour the day before
# (inside the person's waking hours), only for an interview logged at least this far ahead.
EVENING_BEFORE_HOUR = 18
EVENING_BEFORE_MIN_AHEAD = timedelta(hours=12)
# Logged this close to that evening, the "Logged" DM has just said it all.
EVENING_BEFORE_AFTER_LOGGING = timedelta(hours=1)
# Worth saying only at their time: inside a pause they are dropped, not moved after it.
_ONLY_THEN = frozenset({NudgeKind.DISTANCE, NudgeKind.EVENING_BEFORE})
# These are kept as they were: the person has seen them, or they are being sent.
_SETTLED = frozenset({NudgeStatus.SENT, NudgeStatus.FAILED, NudgeStatus.CLAIMED})
# The messages that ask about the employer: the auto-close counts its three weeks from the
# last of them to reach the person.
_ASKING = frozenset(
    {NudgeKind.FOLLOW_UP, NudgeKind.REMINDER, NudgeKind.CHECK_IN, NudgeKind.STILL_WAITING}
)


@dataclass(frozen=True)
class InterviewFacts:
    format: InterviewFormat
    traditional_org: bool
    happened_at: datetime
    logged_at: datetime
    employer_timeline: date | None
    direct_contact_ok: bool
    status: InterviewStatus = InterviewStatus.ACTIVE
    # How long it lasts: nothing about an interview logged ahead is sent before its end.
    length: timedelta = timedelta(hours=1)
    # The application it is a round of (None: not known, as in a preview), and which round.
    application_id: int | None = None
    round_number: int = 1

    @property
    def logged_ahead(self) -> bool:
        return self.logged_at < self.happened_at

    @property
    def ended_at(self) -> datetime:
        """When the interview ends; the advice is timed from here.

        Logged ahead, that is its start plus its length. Logged after its start, the person
        is out of it (they are typing into Slack) and the time they gave counts as the end:
        "just out of the interview" with the picker left at "now" must not wait an hour.
        """
        return self.happened_at + self.length if self.logged_ahead else self.happened_at


@dataclass(frozen=True)
class Contact:
    """Something the person did or told the coach, at a time."""

    kind: ContactKind
    occurred_at: datetime
    until: datetime | None = None  # a snooze's end


@dataclass(frozen=True)
class NudgeRecord:
    """A nudge row as it stands."""

    kind: NudgeKind
    sequence: int
    status: NudgeStatus
    due_at: datetime
    sent_at: datetime | None = None


@dataclass(frozen=True)
class History:
    contacts: tuple[Contact, ...] = ()
    nudges: tuple[NudgeRecord, ...] = ()

    def first(self, kind: ContactKind) -> Contact | None:
        found = [c for c in self.contacts if c.kind is kind]
        return min(found, key=lambda c: c.occurred_at) if found else None

    def last(self, kind: ContactKind) -> Contact | None:
        found = [c for c in self.contacts if c.kind is kind]
        return max(found, key=lambda c: c.occurred_at) if found else None

    def has(self, *kinds: ContactKind) -> bool:
        return any(c.kind in kinds for c in self.contacts)


@dataclass(frozen=True, order=True)
class PlannedNudge:
    due_at: datetime
    kind: NudgeKind = field(compare=False)
    sequence: int = field(compare=False)

    @property
    def key(self) -> tuple[NudgeKind, int]:
        return (self.kind, self.sequence)


def card_advised(interview_format: InterviewFormat, traditional_org: bool) -> bool:
    """A card by mail as well as the email: face-to-face, at a more traditional organization."""
    return interview_format is InterviewFormat.IN_PERSON and traditional_org


def plan(
    facts: InterviewFacts,
    history: History,
    now: datetime,
    person: PersonHours,
    playbook: Playbook,
    *,
    coaching: bool = True,
) -> tuple[PlannedNudge, ...]:
    """Every nudge that should exist for this interview, in due order.

    `coaching` is False when the person's workspace removed the coach. A pause is no reason
    to stop: it is part of `person`'s calendar, and what falls inside it moves to the first
    suitable slot after it. A nudge not yet created whose window has already passed at `now`
    is left out, unless a pause is why: that one moves instead of being dropped.
    """
    if facts.status is not InterviewStatus.ACTIVE or not coaching:
        return ()
    if person.now != now:
        person = replace(person, now=now)
    planner = _Planner(facts, history, now, person, playbook)
    planner.evening_before()
    planner.distance_and_reflection()
    planner.thank_you_and_card()
    planner.follow_ups()
    planner.keep_history()
    planner.auto_close()
    return tuple(sorted(planner.planned))


class _Planner:
    def __init__(
        self,
        facts: InterviewFacts,
        history: History,
        now: datetime,
        person: PersonHours,
        playbook: Playbook,
    ) -> None:
        self.facts, self.history, self.now, self.person = facts, history, now, person
        self.timing = playbook.timing
        self.lateness = playbook.max_lateness_hours
        self.rows = {(n.kind, n.sequence): n for n in history.nudges}
        self.planned: list[PlannedNudge] = []
        self.reflection_due: datetime = facts.logged_at
        self.thank_you_due: datetime = facts.logged_at
        # Set when the follow-ups have run their course: nothing more will be asked of them
        # whatever the person does not do (the auto-close may then come).
        self.exhausted = False

    # -- helpers ---------------------------------------------------------------------------

    def _settled(self, kind: NudgeKind, sequence: int) -> NudgeRecord | None:
        row = self.rows.get((kind, sequence))
        return row if row is not None and row.status in _SETTLED else None

    def _add(self, kind: NudgeKind, sequence: int, due_at: datetime) -> datetime | None:
        """Plan a nudge unless history settled it; returns when it is (or was) due."""
        settled = self._settled(kind, sequence)
        if settled is not None:
            self.planned.append(PlannedNudge(settled.due_at, kind, sequence))
            return settled.due_at
        row = self.rows.get((kind, sequence))
        never_created = row is None
        if never_created and due_at + self.lateness.of(kind) < self.now:
            return None  # too late to be worth saying now
        # The evening's reminder keeps its time: moved to a later slot it could come after
        # the interview it announces (its own lateness still drops it when too late).
        if kind is not NudgeKind.EVENING_BEFORE and self._planned_after_its_time(row, kind, due_at):
            # Only a correction does this (the card once the format is face-to-face at a
            # traditional organization, after its morning): from now, at an hour that suits
            # it, never at once in the middle of the night.
            if row is not None and row.status is NudgeStatus.PENDING and row.due_at <= self.now:
                # Planned so before, and now due: it keeps that time (planning again at the
                # same moment changes nothing; a Reopen's revival is one such plan).
                due_at = row.due_at
            else:
                due_at = (
                    self._waking(self.now) if kind in _OWN_DAY else self._business_slot(self.now)
                )
        # A nudge due in the past goes out now: it is "now" that must not be in a pause
        # (one still due from before an earlier pause, whose dates are forgotten since).
        goes_out = max(due_at, self.now)
        held = goes_out if self.person.is_paused(goes_out) else due_at
        if self.person.is_paused(held):
            if kind in _ONLY_THEN:
                return None  # "get some distance" helps right after, not after a pause
            # Nothing inside a pause: the interview's own-day advice at the first waking
            # hour after it, the rest on the first working day.
            due_at = next_waking(held, self.person, working_days_only=kind not in _OWN_DAY)
        self.planned.append(PlannedNudge(due_at, kind, sequence))
        return due_at

    def _planned_after_its_time(
        self, row: NudgeRecord | None, kind: NudgeKind, due_at: datetime
    ) -> bool:
        """Whether a nudge still worth sending comes to be planned after its time has passed:
        new, revived, or pending later than that time (planned so earlier). One already due
        at its time and waiting for the dispatcher keeps it and goes out now; one too late
        keeps it too, and the dispatcher gives it up."""
        if due_at >= self.now - SLOT_TOLERANCE or due_at + self.lateness.of(kind) < self.now:
            return False
        return row is None or row.status is not NudgeStatus.PENDING or row.due_at > due_at

    def _waking(self, instant: datetime) -> datetime:
        return next_waking(instant, self.person, working_days_only=False)

    def _working(self, instant: datetime) -> datetime:
        return next_waking(instant, self.person, working_days_only=True)

    def _business_slot(self, instant: datetime) -> datetime:
        """The follow-up hour on the first working day at or after `instant`: follow-ups
        mean calling or writing to an office, so they come in the morning, not at 19:00."""
        person = self.person
        preferred = self.timing.follow_up_hour
        if person.follow_up_hour is not None:
            preferred = person.follow_up_hour
        # Inside waking hours whatever was chosen: never before they are up, nor after.
        hour = min(max(preferred, person.waking_start_hour), person.waking_end_hour - 1)
        pause_end = person.pause_end()
        if pause_end is not None and person.is_paused(instant):
            instant = pause_end
        day = local_date(instant, person.tz)
        while True:
            slot = at_local(day, hour, person.tz)
            if (
                person.is_working_day(day)
                and slot >= instant - SLOT_TOLERANCE
                and not person.is_paused(slot)
            ):
                return self._working(slot)
            day += timedelta(days=1)

    def _morning_after(self, day: date) -> datetime:
        """The follow-up hour on the first working day after `day`."""
        return self._business_slot(at_local(day + timedelta(days=1), 0, self.person.tz))

    def keep_history(self) -> None:
        """Plan every settled nudge the rules above did not reach, as it was.

        A later choice can take the rules down another path (a sent check-in, then "Keep
        going"; a sent follow-up, then a snooze of an earlier one): what already reached the
        person, or is on its way, still happened.
        """
        planned = {p.key for p in self.planned}
        for key, row in self.rows.items():
            if key not in planned and row.status in _SETTLED:
                self.planned.append(PlannedNudge(row.due_at, row.kind, row.sequence))

    # -- the advice ------------------------------------------------------------------------

    def evening_before(self) -> None:
        """One reminder the evening before an interview logged ahead (at least 12 hours
        ahead, and before that evening): never at once, never after the evening has passed."""
        facts, person = self.facts, self.person
        if self._settled(NudgeKind.EVENING_BEFORE, ONCE):
            self._add(NudgeKind.EVENING_BEFORE, ONCE, facts.happened_at)  # kept as it was
            return
        if facts.happened_at - facts.logged_at < EVENING_BEFORE_MIN_AHEAD:
            return
        hour = min(max(EVENING_BEFORE_HOUR, person.waking_start_hour), person.waking_end_hour - 1)
        evening = at_local(
            local_date(facts.happened_at, person.tz) - timedelta(days=1), hour, person.tz
        )
        if evening < facts.logged_at + EVENING_BEFORE_AFTER_LOGGING or evening >= facts.happened_at:
            return
        if evening + self.lateness.of(NudgeKind.EVENING_BEFORE) < self.now:
            return  # passed (the interview was moved): "tomorrow" would no longer be true
        self._add(NudgeKind.EVENING_BEFORE, ONCE, evening)

    def distance_and_reflection(self) -> None:
        facts, timing = self.facts, self.timing
        ended = facts.ended_at
        # Logged ahead (a negative gap) or soon after the end: distance helps right after it.
        fresh = facts.logged_at - ended <= timedelta(hours=timing.distance_within_hours)
        after = timedelta(minutes=timing.reflection_after_minutes)
        # Never before the interview has ended, nor before it was logged.
        distance_due = max(facts.logged_at, ended)
        earliest = distance_due
        if self._settled(NudgeKind.DISTANCE, ONCE) or (
            # Distance helps only right then: due while paused or asleep, it is not worth
            # saying later.
            fresh
            and is_waking(distance_due, self.person)
            and not self.person.is_paused(distance_due)
        ):
            distance = self._add(NudgeKind.DISTANCE, ONCE, distance_due)
            if distance is not None:
                # "Get some distance first" promises the questions "in a little while": logged
                # late, they still do not arrive with it.
                earliest = distance + after * DISTANCE_SHARE_OF_REFLECTION_DELAY
        due = self._waking(max(ended + after, earliest))
        self.reflection_due = self._add(NudgeKind.REFLECTION, ONCE, due) or due

    def thank_you_and_card(self) -> None:
        history, timing = self.history, self.timing
        gap = timedelta(minutes=timing.thank_you_after_minutes - timing.reflection_after_minutes)
        # From its end too: the reflection may have gone out before an edit moved the
        # interview later (a time corrected to half an hour from now), and the thank-you must
        # not land while it is still going on.
        after_end = self.facts.ended_at + timedelta(minutes=timing.thank_you_after_minutes)
        due = self._waking(max(self.reflection_due + gap, after_end))
        done = history.has(ContactKind.THANK_YOU_EMAIL, ContactKind.THANK_YOU_SKIPPED)
        if not done or self._settled(NudgeKind.THANK_YOU, ONCE):
            due = self._add(NudgeKind.THANK_YOU, ONCE, due) or due
        self.thank_you_due = due
        card_open = card_advised(self.facts.format, self.facts.traditional_org) and not (
            history.has(ContactKind.THANK_YOU_CARD, ContactKind.THANK_YOU_SKIPPED)
        )
        if card_open or self._settled(NudgeKind.CARD, ONCE):
            # The morning after the thank-you, and after the interview's own day: a thank-you
            # sent before an edit moved the interview to a later day must not bring the card
            # on the morning of the interview itself.
            tz = self.person.tz
            day = max(local_date(due, tz), local_date(self.facts.ended_at, tz))
            self._add(NudgeKind.CARD, ONCE, self._morning_after(day))

    def _days_after(self, last: _LastFollowUp, days: int) -> datetime:
        """`days` after the last follow-up: never sooner than `days` after the coach's own
        follow-up (their spacing, at the same time on the wall clock: see `days_later`), nor
        than `days` after the day the person last acted on it. Counted by day, "Follow-up
        sent" pressed after the call, an hour after the nudge, keeps next week's nudge on the
        same weekday."""
        by_time = days_later(last.reached, days, self.person.tz)
        acted_on = local_date(last.acted_at, self.person.tz) + timedelta(days=days)
        return max(by_time, at_local(acted_on, 0, self.person.tz))

    def follow_ups(self) -> None:
        facts, history, timing = self.facts, self.history, self.timing
        kept_going = history.last(ContactKind.KEPT_GOING)
        checking_back = history.last(ContactKind.CHECKING_BACK)
        weekly = facts.direct_contact_ok or kept_going is not None
        previous: _LastFollowUp | None = None
        first_reached: datetime | None = None
        for sequence in range(1, timing.max_follow_ups + 1):
            if sequence == 1:
                due = self._first_follow_up_due()
            else:
                assert previous is not None
                renewed = renewed_timeline(facts.employer_timeline, previous.reached, self.person)
                if not weekly and renewed is None:
                    self._check_in(previous, sequence - 1)
                    return
                assert first_reached is not None
                due = self._days_after(previous, timing.follow_up_interval_days)
                if kept_going is not None:
                    keep_going_delay = timedelta(hours=timing.keep_going_after_hours)
                    due = max(due, kept_going.occurred_at + keep_going_delay)
                if renewed is not None:
                    # A new timeline: the next follow-up the morning after it, never sooner
                    # than the spacing allows.
                    due = max(due, self._morning_after(renewed))
                if checking_back is not None and checking_back.until is not None:
                    due = max(due, checking_back.until)
                due = self._business_slot(due)
                settled_already = self._settled(NudgeKind.FOLLOW_UP, sequence) is not None
                paused = self._paused_between(first_reached, due)
                # The five weeks bound our weekly rhythm, not the employer's: the follow-up a
                # new timeline brings comes after their date even past the five weeks (and
                # the weekly ones after it stay inside them).
                outside = not within_follow_up_window(first_reached, due, self.person.tz, paused)
                if not settled_already and renewed is None and outside:
                    self.exhausted = True  # "no more than five weeks" from the first
                    return
                kinds = [c.kind for c in history.contacts]
                if not settled_already and asks_still_waiting(sequence - 1, kinds):
                    self._still_waiting(due)
                    return
            row = self._settled(NudgeKind.FOLLOW_UP, sequence)
            if row is None:
                self._add(NudgeKind.FOLLOW_UP, sequence, due)
                return  # the one after depends on what the person does with this one
            self.planned.append(PlannedNudge(row.due_at, NudgeKind.FOLLOW_UP, sequence))
            if row.status is NudgeStatus.CLAIMED:
                return  # being sent: the next waits until it has reached the person
            reached = self._reminders(sequence, row)
            if reached is None:
                return  # snoozed: the next waits until the reminder has come
            if first_reached is None:
                first_reached = row.sent_at or row.due_at
            followed_up = [
                c.occurred_at for c in history.contacts if c.kind is ContactKind.FOLLOW_UP
            ]
            previous = _LastFollowUp(
                reached=_counted_from(row), acted_at=max([reached, *followed_up])
            )
        self.exhausted = True  # every follow-up the playbook allows has gone out

    def _paused_between(self, start: datetime, end: datetime) -> timedelta:
        """How much of [start, end) the person's pause covers."""
        pause = self.person.pause
        if pause is None:
            return timedelta(0)
        overlap = min(end, pause.end(self.now)) - max(start, pause.start)
        return max(overlap, timedelta(0))

    def _still_waiting(self, due: datetime) -> None:
        """ "Still waiting?" where the next follow-up would come; once it has gone out with
        no answer, nothing more is asked (the auto-close follows)."""
        settled = self._settled(NudgeKind.STILL_WAITING, ONCE)
        if settled is None:
            self._add(NudgeKind.STILL_WAITING, ONCE, due)
        elif settled.status is not NudgeStatus.CLAIMED:
            self.exhausted = True

    def auto_close(self) -> None:
        """Nothing left to send: the interview closes itself as "no reply", three weeks after
        the last follow-up (or check-in, or "Still waiting?") or the last thing the person
        told the coach, whichever is later; at the follow-up hour on a working day."""
        if not self.exhausted:
            return
        if any(self._settled(p.kind, p.sequence) is None for p in self.planned):
            return  # something is still to be sent
        kinds = [c.kind for c in self.history.contacts]
        sequence = auto_close_sequence(kinds)
        if self._settled(NudgeKind.AUTO_CLOSE, sequence) is not None:
            return  # kept by keep_history
        asked = [
            row.sent_at or row.due_at
            for row in self.rows.values()
            if row.kind in _ASKING and row.status in _SETTLED
        ]
        told = [c.until or c.occurred_at for c in self.history.contacts]
        last = max([*asked, *told], default=None)
        if last is None:
            return
        # Past already (an interview whose follow-ups ended before this rule existed, or a
        # long outage): the next slot, not never; three weeks have passed all the same.
        due = self._business_slot(max(auto_close_due(last, self.person.tz), self.now))
        self._add(NudgeKind.AUTO_CLOSE, sequence, due)

    def _first_follow_up_due(self) -> datetime:
        facts, timing = self.facts, self.timing
        if facts.employer_timeline is not None:
            due = self._morning_after(facts.employer_timeline)
        else:
            email = self.history.first(ContactKind.THANK_YOU_EMAIL)
            anchor = email.occurred_at if email else facts.ended_at
            due = days_later(anchor, timing.follow_up_after_days, self.person.tz)
        earliest = max(facts.logged_at, self.thank_you_due + FIRST_FOLLOW_UP_AFTER_THANK_YOU)
        return self._business_slot(max(due, earliest))

    def _reminders(self, sequence: int, row: NudgeRecord) -> datetime | None:
        """Plan the reminders the person asked for by snoozing follow-up `sequence`.

        Returns when the follow-up (or its last reminder) last reached them, or None while
        a reminder is still to come.
        """
        reached = row.sent_at or row.due_at
        for number in range(1, MAX_REMINDERS + 1):
            earlier = self._settled(NudgeKind.REMINDER, reminder_sequence(sequence, number))
            if earlier is not None:
                self.planned.append(PlannedNudge(earlier.due_at, earlier.kind, earlier.sequence))
                reached = max(reached, earlier.sent_at or earlier.due_at)
        if row.sent_at is None:
            return reached  # never delivered (dropped): nothing to snooze
        since = [c for c in self.history.contacts if c.occurred_at >= row.sent_at]
        snoozes = sorted(
            (c for c in since if c.kind is ContactKind.SNOOZED and c.until is not None),
            key=lambda c: c.occurred_at,
        )
        followed_up = any(c.kind is ContactKind.FOLLOW_UP for c in since)
        superseded = self._settled(NudgeKind.FOLLOW_UP, sequence + 1) is not None
        number = len(snoozes)
        if followed_up or superseded or not snoozes or number > MAX_REMINDERS:
            return reached
        key = reminder_sequence(sequence, number)
        if self._settled(NudgeKind.REMINDER, key) is not None:
            return reached
        until = snoozes[-1].until
        assert until is not None
        self._add(NudgeKind.REMINDER, key, self._working(max(until, row.sent_at)))
        return None

    def _check_in(self, follow_up: _LastFollowUp | None, after: int) -> None:
        """ "Heard back yet?" a week after follow-up number `after`: one for each follow-up
        a new timeline brought as well, keyed by it (the first keeps ONCE, as stored before),
        so the one asked after follow-up 1 does not stand for the next."""
        if follow_up is None:
            return
        key = check_in_sequence(after)
        settled = self._settled(NudgeKind.CHECK_IN, key)
        if settled is not None and settled.status is not NudgeStatus.CLAIMED:
            self.exhausted = True  # asked, and not told to keep going
        due = self._business_slot(self._days_after(follow_up, self.timing.check_in_after_days))
        self._add(NudgeKind.CHECK_IN, key, due)


def renewed_timeline(
    timeline: date | None, last_follow_up: datetime, person: PersonHours
) -> date | None:
    """The employer's timeline if it was given anew after the last follow-up reached the
    person ("they said they'd decide by the 20th" on the phone), else None.

    The first follow-up already waits for the timeline logged with the interview, so a
    timeline on or after the day a later follow-up reached the person can only be a new one.
    It re-paces what comes next: one more follow-up the morning after it (even where the
    coach would otherwise only ask "heard back yet?"), never sooner than the usual spacing.
    """
    if timeline is None or timeline < local_date(last_follow_up, person.tz):
        return None
    return timeline


def _counted_from(row: NudgeRecord) -> datetime:
    """When a follow-up counts as having reached the person, for spacing the next one: its
    due time if it went out about on time (a tick, a short outage), so next week's keeps
    the weekday; its send time if it went out much later."""
    if row.sent_at is None or row.sent_at - row.due_at <= ON_TIME:
        return row.due_at
    return row.sent_at


@dataclass(frozen=True)
class _LastFollowUp:
    """The latest follow-up that reached the person, for pacing the next one."""

    reached: datetime  # when the coach's follow-up itself reached them
    acted_at: datetime  # the latest of that, its reminders, and "Follow-up sent"


def check_in_sequence(follow_up: int) -> int:
    """The key of the check-in after follow-up `follow_up`: ONCE after the first."""
    return ONCE if follow_up == 1 else follow_up


def reminder_sequence(follow_up: int, number: int) -> int:
    return follow_up * (MAX_REMINDERS + 1) + number


def reminded_follow_up(sequence: int) -> int:
    """Which follow-up a reminder's sequence brings back."""
    return sequence // (MAX_REMINDERS + 1)


def follow_up_number(kind: NudgeKind, sequence: int) -> int:
    """Which follow-up a nudge is about: its own number, the one a reminder brings back,
    or 0 for the one-off kinds."""
    if kind is NudgeKind.FOLLOW_UP:
        return sequence
    if kind is NudgeKind.REMINDER:
        return reminded_follow_up(sequence)
    return 0
