"""The daily limits: a person-level pass over every nudge planned for all their interviews.

Apart from an interview's own-day advice (distance, reflection, thank-you, which the
planner times from the interview itself), the coach sends a person at most one unprompted
DM per interview per local day and at most three a day in all. What exceeds a day's limit
waits for the next suitable slot: the same wall-clock time on their next working day,
moved on by `next_waking` out of a pause, a holiday or the night. Nudges are placed in
due order (ties by interview, then kind and sequence), so one that waits never overtakes an
earlier one of its interview. What already went out (or is going out) counts on the day it
did and never moves. Replies to what the person did are not nudges, so never counted.

Across the rounds of one application (one employer), never two follow-ups within seven days
(`EMPLOYER_GAP`): a follow-up (or the reminder of a snoozed one) of one round waits, day by day
at its wall-clock time, until it is that far from every follow-up of the application's other
rounds, sent or planned. Within one round the planner's own pacing already holds.

Last, unprompted nudges of one person that would go out within an hour of each other on one
day share the latest of their times (`share_the_hour`), so they arrive as one DM (the
dispatcher groups what falls due together) rather than several within minutes. Only later,
never earlier: no spacing rule can be broken by it, and the latest time was already a
suitable one.

Pure: the planner's output in, the same nudges (some later) out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, tzinfo

from bot.rules.calendar import PersonHours, local_date, next_waking
from bot.rules.domain import NudgeKind
from bot.rules.grouping import GROUP_WINDOW
from bot.rules.planning import PlannedNudge

# The unprompted kinds the limits hold back; the own-day advice is the planner's alone.
LIMITED = frozenset(
    {
        NudgeKind.CARD,
        NudgeKind.FOLLOW_UP,
        NudgeKind.CHECK_IN,
        NudgeKind.REMINDER,
        NudgeKind.STILL_WAITING,
        NudgeKind.AUTO_CLOSE,
    }
)
PER_INTERVIEW_A_DAY = 1
PER_PERSON_A_DAY = 3
# What reaches the employer: a follow-up, or a snoozed follow-up brought back.
TO_EMPLOYER = frozenset({NudgeKind.FOLLOW_UP, NudgeKind.REMINDER})
# Never two of those to one employer (an application's rounds) within this.
EMPLOYER_GAP = timedelta(days=7)
# From a planned one, kept with a margin: `share_the_hour` may move either of two planned
# nudges later by less than GROUP_WINDOW. What was sent stays where it is.
_PLANNED_SPACING = EMPLOYER_GAP + GROUP_WINDOW
# A safety net: room on a suitable day is always weeks away at most (a pause is jumped over
# in one step, and calendar.next_waking finds a working day within sixty days).
_MAX_DAYS_AHEAD = 400

Key = tuple[NudgeKind, int]
_KIND_ORDER = {kind: number for number, kind in enumerate(NudgeKind)}


def limit_daily(
    planned: Mapping[int, Sequence[PlannedNudge]],
    settled: Mapping[int, Mapping[Key, datetime | None]],
    person: PersonHours,
    now: datetime,
    employers: Mapping[int, int] | None = None,
) -> dict[int, tuple[PlannedNudge, ...]]:
    """Each interview's plan (keyed by interview id) with the daily limits applied.

    `settled` names, per interview, the nudges that are history (sent, claimed, failed):
    they keep their time, and count on the day of the instant given (when they reached the
    person), or not at all when None (failed: never reached them).

    `employers` maps interview ids (planned and settled) to their application: follow-ups of
    different rounds of one application are kept `EMPLOYER_GAP` apart. Interviews it does not
    name are employers of their own.
    """
    employers = employers or {}
    if person.now != now:
        person = replace(person, now=now)  # an open pause's horizon is measured from now
    tz = person.tz
    total: Counter[date] = Counter()
    per_interview: Counter[tuple[int, date]] = Counter()
    # Per application: (interview, when, spacing) of each follow-up to that employer, sent
    # or placed.
    to_employer: dict[int, list[tuple[int, datetime, timedelta]]] = {}
    for interview, keys in settled.items():
        for key, reached in keys.items():
            if key[0] in LIMITED and reached is not None:
                day = local_date(reached, tz)
                total[day] += 1
                per_interview[(interview, day)] += 1
            if key[0] in TO_EMPLOYER and reached is not None and interview in employers:
                to_employer.setdefault(employers[interview], []).append(
                    (interview, reached, EMPLOYER_GAP)
                )

    result: dict[int, list[PlannedNudge]] = {interview: [] for interview in planned}
    waiting: list[tuple[int, PlannedNudge]] = []
    for interview, nudges in planned.items():
        fixed = settled.get(interview, {})
        for nudge in nudges:
            if nudge.kind in LIMITED and nudge.key not in fixed:
                waiting.append((interview, nudge))
            else:
                result[interview].append(nudge)

    placed: list[tuple[int, PlannedNudge]] = []
    waiting.sort(
        key=lambda item: (item[1].due_at, item[0], _KIND_ORDER[item[1].kind], item[1].sequence)
    )
    for interview, nudge in waiting:
        due_at = nudge.due_at
        for _ in range(_MAX_DAYS_AHEAD):
            # One overdue goes out now: today is the day it counts on.
            day = local_date(max(due_at, now), tz)
            if (
                total[day] < PER_PERSON_A_DAY
                and per_interview[(interview, day)] < PER_INTERVIEW_A_DAY
                and not _too_close_to_employer(
                    interview, nudge.kind, due_at, now, to_employer, employers
                )
            ):
                break
            due_at = next_day_slot(due_at, now, person)
        else:  # pragma: no cover - a year of full days cannot happen with five follow-ups
            raise AssertionError("no day with room within a year")
        total[day] += 1
        per_interview[(interview, day)] += 1
        if nudge.kind in TO_EMPLOYER and interview in employers:
            to_employer.setdefault(employers[interview], []).append(
                (interview, max(due_at, now), _PLANNED_SPACING)
            )
        placed.append((interview, PlannedNudge(due_at, nudge.kind, nudge.sequence)))
    for interview, nudge in share_the_hour(placed, now, tz):
        result[interview].append(nudge)
    return {interview: tuple(sorted(nudges)) for interview, nudges in result.items()}


def _too_close_to_employer(
    interview: int,
    kind: NudgeKind,
    due_at: datetime,
    now: datetime,
    to_employer: Mapping[int, Sequence[tuple[int, datetime, timedelta]]],
    employers: Mapping[int, int],
) -> bool:
    """Whether a follow-up of `interview` at `due_at` would come within EMPLOYER_GAP of a
    follow-up of another round of its application (with the margin, of a planned one)."""
    if kind not in TO_EMPLOYER or interview not in employers:
        return False
    when = max(due_at, now)
    return any(
        other != interview and abs(when - at) < spacing
        for other, at, spacing in to_employer.get(employers[interview], ())
    )


def share_the_hour(
    placed: Sequence[tuple[int, PlannedNudge]], now: datetime, tz: tzinfo
) -> list[tuple[int, PlannedNudge]]:
    """`placed` (interview, nudge) with every run of nudges due less than GROUP_WINDOW after
    the run's first, on one local day, moved to the run's latest time.

    Overdue nudges go out now, so they are taken as due now."""
    ordered = sorted(placed, key=lambda item: (max(item[1].due_at, now), item[0]))
    shared: list[tuple[int, PlannedNudge]] = []
    run: list[tuple[int, PlannedNudge]] = []

    def close() -> None:
        latest = max(max(nudge.due_at, now) for _, nudge in run)
        for interview, nudge in run:
            if max(nudge.due_at, now) < latest:
                nudge = PlannedNudge(latest, nudge.kind, nudge.sequence)
            shared.append((interview, nudge))

    for item in ordered:
        when = max(item[1].due_at, now)
        if run:
            first = max(run[0][1].due_at, now)
            if when - first >= GROUP_WINDOW or local_date(when, tz) != local_date(first, tz):
                close()
                run = []
        run.append(item)
    if run:
        close()
    return shared


def next_day_slot(due_at: datetime, now: datetime, person: PersonHours) -> datetime:
    """The same wall-clock time on the first working day after the one `due_at` would go
    out on (outside a pause), moved into waking hours if it falls outside them.

    Always a later local day: nudges parked at a pause's end (an open pause's horizon) are
    spread over the days after it, as they would be once it ends.
    """
    tz = person.tz
    wall = due_at.astimezone(tz).time()
    day = local_date(max(due_at, now), tz) + timedelta(days=1)
    end = person.pause_end()
    for _ in range(_MAX_DAYS_AHEAD):
        candidate = datetime.combine(day, wall, tzinfo=tz).astimezone(UTC)
        paused = person.is_paused(candidate)
        if person.is_working_day(day) and not paused:
            slot = next_waking(candidate, person, working_days_only=True)
            if not person.is_paused(slot):
                return slot
        if paused:
            assert end is not None
            day = max(day + timedelta(days=1), local_date(end, tz))
        else:
            day += timedelta(days=1)
    raise AssertionError("no suitable day within a year")  # pragma: no cover
