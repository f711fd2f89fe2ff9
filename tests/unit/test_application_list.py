"""`/interview list` as text (bot.ui.rounds.application_list): applications with their rounds,
pure data in, mrkdwn out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.applications import (
    ApplicationChoice,
    ApplicationProgress,
    awaits_rounds,
    same_company,
)
from bot.rules.applications import parse_application_choice as parse
from bot.rules.domain import (
    ApplicationStatus,
    ContactKind,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    Outcome,
)
from bot.rules.view_models import InterviewSummary
from bot.ui.rounds import LIST_LIMIT, application_list

AT = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def round_(number: int, **changes: object) -> InterviewSummary:
    values: dict[str, object] = {
        "id": number,
        "company": "Acme",
        "role": "Data analyst",
        "format": InterviewFormat.VIDEO,
        "traditional_org": False,
        "happened_at": AT + timedelta(days=7 * number),
        "interviewers": None,
        "hiring_manager": None,
        "employer_timeline": None,
        "direct_contact_ok": False,
        "status": InterviewStatus.ACTIVE,
        "owner_tz": "America/Los_Angeles",
        "application_id": 1,
        "round_number": number,
        **changes,
    }
    return InterviewSummary(**values)  # type: ignore[arg-type]


def test_rounds_are_listed_under_their_application() -> None:
    done = round_(1, status=InterviewStatus.CLOSED, outcome=Outcome.NEXT_ROUND)
    ahead = round_(2, next_kind=NudgeKind.DISTANCE, next_due=AT + timedelta(days=14, hours=1))
    text = application_list([ApplicationProgress(1, "Acme", "Data analyst", (done, ahead))])

    [header, line] = text.splitlines()
    assert header == "*Your applications in progress (1):*"
    assert line.startswith("• Acme (Data analyst): round 1 done, round 2 video call, <!date^")
    assert " · next from me: " in line


def test_one_round_is_named_by_its_facts_and_hostile_names_are_escaped() -> None:
    text = application_list(
        [ApplicationProgress(2, "<!channel> & Co", None, (round_(1, company="x"),))]
    )

    assert "• &lt;!channel&gt; &amp; Co: video call, <!date^" in text
    assert "round" not in text.splitlines()[1]


def test_an_empty_list_says_how_to_log_and_a_long_one_points_to_home() -> None:
    assert "/interview logged" in application_list([])
    many = [
        ApplicationProgress(n, f"Co {n}", None, (round_(1, application_id=n),))
        for n in range(LIST_LIMIT + 3)
    ]
    assert application_list(many).splitlines()[-1] == "…and 3 more on the Home tab."


def test_company_matching_and_choices() -> None:
    assert same_company("Acme  Corp", " acme corp")
    assert not same_company("Acme", "Acme Corp")
    assert ApplicationChoice(3, "Acme", None, 2).label == "Add round 2 to Acme"
    assert ApplicationChoice(3, "Acme", "Analyst", 3).label == "Add round 3 to Acme — Analyst"
    assert [parse(v) for v in ("7", "new", "", None, "-1", "0", "9" * 12, "1e3")] == [
        7,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]


A, C = InterviewStatus.ACTIVE, InterviewStatus.CLOSED
OPEN, CLOSED = ApplicationStatus.OPEN, ApplicationStatus.CLOSED
AWAITS = [
    ("a round still coached", OPEN, [(A, None)], True),
    (
        "a round still coached, whatever the status says",
        CLOSED,
        [(C, Outcome.NEXT_ROUND), (A, None)],
        True,
    ),
    ("round 1 ended as next round: round 2 is to be logged", OPEN, [(C, Outcome.NEXT_ROUND)], True),
    ("the latest round rejected", OPEN, [(C, Outcome.NEXT_ROUND), (C, Outcome.REJECTED)], False),
    ("an offer", OPEN, [(C, Outcome.OFFER)], False),
    ("withdrew", OPEN, [(C, Outcome.WITHDREW)], False),
    ("reminders stopped", OPEN, [(C, Outcome.STOPPED)], False),
    ("closed after next round", CLOSED, [(C, Outcome.NEXT_ROUND)], False),
    ("no rounds", OPEN, [], False),
]


@pytest.mark.parametrize(
    ("status", "rounds", "expected"), [row[1:] for row in AWAITS], ids=[row[0] for row in AWAITS]
)
def test_awaits_rounds(
    status: ApplicationStatus, rounds: list[tuple[InterviewStatus, Outcome | None]], expected: bool
) -> None:
    assert awaits_rounds(status, rounds) is expected


def test_the_list_gives_each_application_its_stage_line() -> None:
    done = round_(1, status=InterviewStatus.CLOSED, outcome=Outcome.NEXT_ROUND)
    after = round_(
        2,
        happened_at=AT - timedelta(days=3),
        next_kind=NudgeKind.FOLLOW_UP,
        next_due=AT + timedelta(days=6),
    )
    application = ApplicationProgress(
        1, "Acme", "Data analyst", (done, after), latest_contacts=(ContactKind.THANK_YOU_EMAIL,)
    )
    line = application_list([application], AT).splitlines()[1]
    assert " · _round 2 done · thank-you sent · follow-up due Wed_ · next from me: " in line
    # Without a time, the list is as before (no stage).
    assert "_round 2" not in application_list([application])
