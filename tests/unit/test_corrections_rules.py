"""The pure rules behind corrections: an edit is checked as logging is but never refused for
the interview's age; a new timeline's date; and how a new timeline re-paces the follow-ups
(bot.rules.planning.renewed_timeline), as a table and as properties. No Slack, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.calendar import PersonHours, at_local
from bot.rules.domain import InterviewFormat, NudgeKind, NudgeStatus
from bot.rules.interview_form import (
    NO_TIMELINE,
    TIMELINE_BEFORE_INTERVIEW,
    TIMELINE_PAST,
    TIMELINE_TOO_FAR,
    InterviewDraft,
    InterviewForm,
    check_new_timeline,
    validate_interview_form,
)
from bot.rules.planning import (
    History,
    InterviewFacts,
    NudgeRecord,
    PlannedNudge,
    plan,
    renewed_timeline,
)
from bot.rules.playbook import default_playbook

LA = ZoneInfo("America/Los_Angeles")
PLAYBOOK = default_playbook()
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def la(day: date, hour: int = 10) -> datetime:
    return at_local(day, hour, LA)


# -- an edit: logging's checks, but no age limit from today -------------------------------------


def form(happened_at: datetime, **changes: object) -> InterviewForm:
    values: dict[str, object] = {
        "company": "Acme",
        "happened_at": happened_at,
        "format": "video",
    }
    values.update(changes)
    return InterviewForm(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "happened_days_ago", "logged_days_ago", "accepted"),
    [
        ("logging: 89 days ago is fine", 89, None, True),
        ("logging: 91 days ago is too old", 91, None, False),
        ("an edit of an interview logged 80 days ago, now 110 days old", 110, 80, True),
        ("an edit within 90 days before it was logged", 169, 80, True),
        ("an edit moving it further back than logging allowed then", 171, 80, False),
        ("an edit of one logged yesterday: 90 days before that", 92, 1, False),
    ],
)
def test_the_age_limit_of_an_edit_counts_from_when_it_was_logged(
    name: str, happened_days_ago: int, logged_days_ago: int | None, accepted: bool
) -> None:
    logged_at = None if logged_days_ago is None else NOW - timedelta(days=logged_days_ago)
    checked = validate_interview_form(
        form(NOW - timedelta(days=happened_days_ago)), now=NOW, tz=LA, logged_at=logged_at
    )
    assert isinstance(checked, InterviewDraft) is accepted, name
    if not accepted:
        assert isinstance(checked, dict) and set(checked) == {"happened_at"}


def test_an_edit_names_the_same_problems_as_logging() -> None:
    bad = form(NOW - timedelta(days=100), company=" ", format="fax", direct_contact_ok=True)
    logged = validate_interview_form(bad, now=NOW, tz=LA, logged_at=NOW - timedelta(days=20))
    assert isinstance(logged, dict)
    assert set(logged) == {"company", "format", "hiring_manager"}
    assert logged == {
        key: message
        for key, message in validate_interview_form(
            form(NOW, company=" ", format="fax", direct_contact_ok=True), now=NOW, tz=LA
        ).items()  # type: ignore[union-attr]
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (None, NO_TIMELINE),
        (date(2026, 11, 1), TIMELINE_BEFORE_INTERVIEW),
        (date(2026, 11, 20), TIMELINE_PAST),
        (date(2026, 11, 26), None),  # today
        (date(2026, 12, 18), None),
        (date(2027, 11, 26), None),  # a year from today
        (date(2027, 11, 27), TIMELINE_TOO_FAR),
    ],
)
def test_a_new_timeline_is_a_day_from_today_on(day: date | None, expected: str | None) -> None:
    assert check_new_timeline(day, today=date(2026, 11, 26), interview_day=date(2026, 11, 2)) == (
        expected
    )


# -- re-pacing from a new timeline ---------------------------------------------------------------

INTERVIEW = la(date(2026, 11, 2))  # a Monday
FOLLOW_UP_1 = la(date(2026, 11, 9))  # the Monday after the timeline the interview was logged with


def facts(timeline: date | None, direct: bool) -> InterviewFacts:
    return InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=INTERVIEW,
        logged_at=INTERVIEW + timedelta(minutes=30),
        employer_timeline=timeline,
        direct_contact_ok=direct,
    )


def sent(kind: NudgeKind, sequence: int, at: datetime) -> NudgeRecord:
    return NudgeRecord(kind, sequence, NudgeStatus.SENT, at, at)


def next_after_follow_ups(
    timeline: date | None, direct: bool, now: datetime, *sent_at: datetime
) -> list[PlannedNudge]:
    """What the planner has pending after the follow-ups sent at `sent_at`."""
    history = History(
        nudges=tuple(sent(NudgeKind.FOLLOW_UP, n, at) for n, at in enumerate(sent_at, start=1))
    )
    planned = plan(facts(timeline, direct), history, now, PersonHours(LA), PLAYBOOK)
    return [
        p
        for p in planned
        if p.kind in (NudgeKind.FOLLOW_UP, NudgeKind.CHECK_IN) and p.due_at > sent_at[-1]
    ]


@dataclass(frozen=True)
class Row:
    name: str
    timeline: date
    direct: bool
    expected: tuple[NudgeKind, int, datetime]


ROWS = [
    Row(
        "the timeline logged, no permission: a check-in a week on",
        date(2026, 11, 6),
        False,
        (NudgeKind.CHECK_IN, 0, la(date(2026, 11, 16))),
    ),
    Row(
        "the timeline logged, with permission: weekly",
        date(2026, 11, 6),
        True,
        (NudgeKind.FOLLOW_UP, 2, la(date(2026, 11, 16))),
    ),
    Row(
        "a new timeline, no permission: one more follow-up the morning after it",
        date(2026, 11, 20),  # a Friday
        False,
        (NudgeKind.FOLLOW_UP, 2, la(date(2026, 11, 23))),
    ),
    Row(
        "a new timeline, with permission: the morning after it, not a week on",
        date(2026, 11, 24),
        True,
        (NudgeKind.FOLLOW_UP, 2, la(date(2026, 11, 25))),
    ),
    Row(
        "a new timeline two days on: never two follow-ups within a week",
        date(2026, 11, 11),
        False,
        (NudgeKind.FOLLOW_UP, 2, la(date(2026, 11, 16))),
    ),
    Row(
        "a new timeline the very day follow-up 1 came",
        date(2026, 11, 9),
        True,
        (NudgeKind.FOLLOW_UP, 2, la(date(2026, 11, 16))),
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_a_new_timeline_re_paces_the_next_follow_up(row: Row) -> None:
    now = la(date(2026, 11, 10), 12)  # the day after follow-up 1
    [upcoming] = next_after_follow_ups(row.timeline, row.direct, now, FOLLOW_UP_1)
    assert (upcoming.kind, upcoming.sequence, upcoming.due_at) == row.expected


def test_after_the_follow_up_a_new_timeline_earned_the_check_in_comes_back() -> None:
    second = la(date(2026, 11, 23))
    now = la(date(2026, 11, 24), 12)
    [upcoming] = next_after_follow_ups(date(2026, 11, 20), False, now, FOLLOW_UP_1, second)
    assert (upcoming.kind, upcoming.due_at) == (NudgeKind.CHECK_IN, la(date(2026, 11, 30)))


@pytest.mark.parametrize(
    ("timeline", "expected"),
    [
        (None, None),
        (date(2026, 11, 6), None),  # before the follow-up's day: the one it waited for
        (date(2026, 11, 9), date(2026, 11, 9)),
        (date(2026, 12, 1), date(2026, 12, 1)),
    ],
)
def test_renewed_timeline(timeline: date | None, expected: date | None) -> None:
    assert renewed_timeline(timeline, FOLLOW_UP_1, PersonHours(LA)) == expected


@given(
    timeline=st.dates(min_value=date(2026, 11, 2), max_value=date(2027, 11, 2)),
    direct=st.booleans(),
    pressed_after=st.integers(min_value=0, max_value=7 * 24 * 60),
)
def test_a_new_timeline_never_brings_a_follow_up_within_a_week_nor_before_it(
    timeline: date, direct: bool, pressed_after: int
) -> None:
    now = FOLLOW_UP_1 + timedelta(minutes=pressed_after)
    upcoming = next_after_follow_ups(timeline, direct, now, FOLLOW_UP_1)
    for nudge in upcoming:
        assert nudge.due_at >= FOLLOW_UP_1 + timedelta(days=7)
    if timeline >= FOLLOW_UP_1.astimezone(LA).date():
        [follow_up] = upcoming
        assert follow_up.kind is NudgeKind.FOLLOW_UP
        assert follow_up.due_at.astimezone(LA).date() > timeline
    else:
        assert len(upcoming) == 1


# -- advice a correction adds after its time -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "edited_at", "card_due"),
    [
        (
            "at night: the card the next working morning, not at once",
            la(date(2026, 11, 4), 2),
            la(date(2026, 11, 4)),
        ),
        (
            "after the morning's follow-up hour: the next working morning",
            la(date(2026, 11, 4), 11),
            la(date(2026, 11, 5)),
        ),
        ("too late to be worth it: no card", la(date(2026, 11, 6), 12), None),
    ],
)
def test_a_card_added_by_an_edit_after_its_morning_comes_at_the_next_one(
    name: str, edited_at: datetime, card_due: datetime | None
) -> None:
    facts = InterviewFacts(
        format=InterviewFormat.IN_PERSON,  # edited from a video call
        traditional_org=True,
        happened_at=INTERVIEW,
        logged_at=INTERVIEW + timedelta(minutes=30),
        employer_timeline=None,
        direct_contact_ok=False,
    )
    thank_you = sent(NudgeKind.THANK_YOU, 0, la(date(2026, 11, 2), 12))
    planned = plan(facts, History(nudges=(thank_you,)), edited_at, PersonHours(LA), PLAYBOOK)
    cards = [p.due_at for p in planned if p.kind is NudgeKind.CARD]
    assert cards == ([card_due] if card_due else []), name
    # Planned again a minute later, it stays where it is (the reconciler's idempotence).
    if card_due is not None:
        pending = NudgeRecord(NudgeKind.CARD, 0, NudgeStatus.PENDING, card_due)
        again = plan(
            facts,
            History(nudges=(thank_you, pending)),
            edited_at + timedelta(minutes=1),
            PersonHours(LA),
            PLAYBOOK,
        )
        assert [p.due_at for p in again if p.kind is NudgeKind.CARD] == [card_due]


# -- an edit moving the interview later, after its reflection went out -------------------------


@pytest.mark.parametrize(
    ("name", "moved_by", "thank_you_due"),
    [
        # Logged at 10:00 as just over; the reflection went out at 11:00. At 11:01 the time is
        # corrected to 11:31 (ahead: it ends at 12:31). The thank-you is two hours from its
        # end, not an hour after the early reflection (12:00, while it was still going on);
        # found by tests/unit/test_job_search_properties.py.
        (
            "moved past the reflection: from its new end",
            timedelta(minutes=91),
            la(INTERVIEW.date(), 14) + timedelta(minutes=31),
        ),
        (
            "moved a little, still over: an hour after the reflection",
            timedelta(minutes=-30),
            la(INTERVIEW.date(), 12),
        ),
    ],
)
def test_a_thank_you_never_comes_before_the_interview_ends(
    name: str, moved_by: timedelta, thank_you_due: datetime
) -> None:
    facts = InterviewFacts(
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=INTERVIEW + moved_by,
        logged_at=INTERVIEW,
        employer_timeline=None,
        direct_contact_ok=False,
    )
    reflection = sent(NudgeKind.REFLECTION, 0, INTERVIEW + timedelta(hours=1))
    now = INTERVIEW + timedelta(minutes=61)
    planned = plan(facts, History(nudges=(reflection,)), now, PersonHours(LA), PLAYBOOK)
    thank_you = [p.due_at for p in planned if p.kind is NudgeKind.THANK_YOU]
    assert thank_you == [thank_you_due], name
    assert thank_you_due >= facts.ended_at


@pytest.mark.parametrize(
    ("name", "moved_to", "card_due"),
    [
        # Logged Monday 10:00 as just over, face-to-face at a traditional organization; the
        # thank-you went out Monday at noon. The time is then corrected to Tuesday 09:30 (ahead,
        # it ends at 10:30): the card comes Wednesday morning, not Tuesday at 10:00 during it;
        # found by tests/unit/test_job_search_properties.py.
        (
            "moved to the next day: the morning after it",
            la(date(2026, 11, 3), 9),
            la(date(2026, 11, 4)),
        ),
        (
            "moved within its day: the morning after the thank-you",
            la(date(2026, 11, 2), 9),
            la(date(2026, 11, 3)),
        ),
    ],
)
def test_a_card_never_comes_before_the_interview_ends(
    name: str, moved_to: datetime, card_due: datetime
) -> None:
    facts = InterviewFacts(
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        happened_at=moved_to + timedelta(minutes=30),
        logged_at=INTERVIEW,
        employer_timeline=None,
        direct_contact_ok=False,
    )
    history = History(
        nudges=(
            sent(NudgeKind.REFLECTION, 0, INTERVIEW + timedelta(hours=1)),
            sent(NudgeKind.THANK_YOU, 0, INTERVIEW + timedelta(hours=2)),
        )
    )
    now = INTERVIEW + timedelta(hours=3)
    planned = plan(facts, history, now, PersonHours(LA), PLAYBOOK)
    cards = [p.due_at for p in planned if p.kind is NudgeKind.CARD]
    assert cards == [card_due], name
    assert card_due >= facts.ended_at
