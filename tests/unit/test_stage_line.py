"""An application's stage line (bot.rules.stage): table-driven, and a property over any facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.domain import ContactKind, InterviewStatus, NudgeKind, Outcome
from bot.rules.stage import StageFacts, day_word, stage_line

LA = ZoneInfo("America/Los_Angeles")
# Thursday 3 Dec 2026, 10:00 in Los Angeles.
NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
ACTIVE, CLOSED = InterviewStatus.ACTIVE, InterviewStatus.CLOSED
TY, FU = ContactKind.THANK_YOU_EMAIL, ContactKind.FOLLOW_UP


def facts(
    number: int = 2,
    status: InterviewStatus = ACTIVE,
    outcome: Outcome | None = None,
    starts: timedelta = timedelta(days=-2),
    contacts: tuple[ContactKind, ...] = (),
    next_kind: NudgeKind | None = None,
    next_in: timedelta | None = None,
) -> StageFacts:
    return StageFacts(
        round_number=number,
        status=status,
        outcome=outcome,
        starts_at=NOW + starts,
        ends_at=NOW + starts + timedelta(hours=1),
        contacts=contacts,
        next_kind=next_kind,
        next_due=None if next_in is None else NOW + next_in,
        tz=LA,
    )


@pytest.mark.parametrize(
    ("given_facts", "line"),
    [
        (
            facts(contacts=(TY,), next_kind=NudgeKind.FOLLOW_UP, next_in=timedelta(days=6)),
            "round 2 done · thank-you sent · follow-up due Wed",
        ),
        (
            facts(1, contacts=(TY, FU), next_kind=NudgeKind.FOLLOW_UP, next_in=timedelta(days=7)),
            "round 1 done · thank-you sent · 1 follow-up sent · follow-up due Thu 10 Dec",
        ),
        (
            facts(contacts=(ContactKind.THANK_YOU_CARD, FU, FU)),
            "round 2 done · thank-you card sent · 2 follow-ups sent · nothing planned",
        ),
        (
            facts(
                contacts=(ContactKind.THANK_YOU_SKIPPED,),
                next_kind=NudgeKind.CHECK_IN,
                next_in=timedelta(hours=2),
            ),
            "round 2 done · no thank-you · check-in due today",
        ),
        (
            facts(
                3,
                starts=timedelta(days=1),
                next_kind=NudgeKind.EVENING_BEFORE,
                next_in=timedelta(hours=8),
            ),
            "round 3 tomorrow · reminder due today",
        ),
        (
            facts(
                starts=timedelta(minutes=-30),
                next_kind=NudgeKind.DISTANCE,
                next_in=timedelta(minutes=30),
            ),
            "round 2 now · distance reminder due today",
        ),
        (facts(1, CLOSED, Outcome.NEXT_ROUND), "round 1 done · next round to log"),
        (
            facts(2, CLOSED, Outcome.WITHDREW, contacts=(TY,)),
            "round 2 closed · thank-you sent · withdrew",
        ),
        (facts(1, CLOSED, Outcome.NO_REPLY), "round 1 closed · no reply"),
        (facts(1, CLOSED, None), "round 1 done · closed"),
    ],
)
def test_stage_lines(given_facts: StageFacts, line: str) -> None:
    assert stage_line(given_facts, NOW) == line


@pytest.mark.parametrize(
    ("offset", "word"),
    [
        (timedelta(0), "today"),
        (timedelta(days=1), "tomorrow"),
        (timedelta(days=2), "Sat"),
        (timedelta(days=6), "Wed"),
        (timedelta(days=7), "Thu 10 Dec"),
        (timedelta(days=-1), "Wed 2 Dec"),
    ],
)
def test_days_are_named_near_and_far(offset: timedelta, word: str) -> None:
    assert day_word(NOW + offset, NOW, LA) == word


@given(
    number=st.integers(1, 50),
    status=st.sampled_from(InterviewStatus),
    outcome=st.none() | st.sampled_from(Outcome),
    starts=st.timedeltas(timedelta(days=-400), timedelta(days=60)),
    contacts=st.lists(st.sampled_from(ContactKind), max_size=12).map(tuple),
    next_kind=st.none() | st.sampled_from(NudgeKind),
    next_in=st.none() | st.timedeltas(timedelta(0), timedelta(days=120)),
)
def test_every_stage_line_names_its_round_and_is_short(
    number: int,
    status: InterviewStatus,
    outcome: Outcome | None,
    starts: timedelta,
    contacts: tuple[ContactKind, ...],
    next_kind: NudgeKind | None,
    next_in: timedelta | None,
) -> None:
    line = stage_line(facts(number, status, outcome, starts, contacts, next_kind, next_in), NOW)
    assert line.startswith(f"round {number} ")
    assert len(line) <= 150
    # A closed round never announces a next message; an open one says what comes or nothing.
    assert ("due" in line) == (status is ACTIVE and next_kind is not None and next_in is not None)
