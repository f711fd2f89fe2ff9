"""Texts that fit the situation (issue 8, item 7): each message says only what is true of the
interview it is about. The caution's "timeline they gave you" only when one was given; the
check-in's "since your follow-up" only when one was marked sent; "of at most 5" only where
five can come; the "Logged" DM promises "some distance" only when that DM will come."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.domain import NudgeKind
from bot.ui.messages import confirmation_steps, logged_confirmation
from bot.ui.nudges import render_nudge
from tests.nudge_views import PLAYBOOK, all_text, mrkdwn_texts, nudge, summary

TIMELINE_CLAUSE = "the timeline they gave you"
SINCE_YOUR_FOLLOW_UP = "It has been a week since your follow-up"


def shown(kind: NudgeKind, **changes: object) -> tuple[str, str]:
    text, blocks = render_nudge(nudge(kind, **changes), PLAYBOOK)
    return text, "\n".join(mrkdwn_texts(blocks))


@pytest.mark.parametrize("kind", [NudgeKind.FOLLOW_UP, NudgeKind.REMINDER])
@pytest.mark.parametrize(("timeline", "clause_shown"), [(None, False), (date(2026, 12, 4), True)])
def test_the_caution_names_their_timeline_only_when_one_was_given(
    kind: NudgeKind, timeline: date | None, clause_shown: bool
) -> None:
    _, blocks = shown(kind, interview=summary(employer_timeline=timeline))
    assert (TIMELINE_CLAUSE in blocks) is clause_shown
    assert "enthusiastic and annoying" in blocks  # a caution either way
    assert (PLAYBOOK.texts.caution in blocks) is clause_shown
    assert (PLAYBOOK.texts.caution_no_timeline in blocks) is not clause_shown


@pytest.mark.parametrize(("marked_sent", "says_since"), [(False, False), (True, True)])
def test_the_check_in_says_since_your_follow_up_only_when_one_was_marked_sent(
    marked_sent: bool, says_since: bool
) -> None:
    _, blocks = shown(NudgeKind.CHECK_IN, follow_up_marked_sent=marked_sent)
    assert (SINCE_YOUR_FOLLOW_UP in blocks) is says_since
    assert "Heard back yet?" in blocks
    if not marked_sent:
        assert "since I suggested a follow-up" in blocks


@pytest.mark.parametrize(
    ("direct", "weekly", "count"),
    [
        (False, False, "Follow-up 1 ·"),  # one follow-up, then the check-in asks
        (True, True, "Follow-up 1 of at most 5"),  # direct permission: weekly, up to five
        (False, True, "Follow-up 1 of at most 5"),  # "Keep going" pressed: the same
    ],
)
def test_of_at_most_five_only_where_five_can_come(direct: bool, weekly: bool, count: str) -> None:
    text, blocks = shown(
        NudgeKind.FOLLOW_UP, weekly=weekly, interview=summary(direct_contact_ok=direct)
    )
    assert count in blocks
    assert ("of at most" in text) is weekly
    assert ("of at most" in blocks) is weekly


@given(
    timeline=st.booleans(),
    marked_sent=st.booleans(),
    weekly=st.booleans(),
    number=st.integers(1, 5),
    kind=st.sampled_from([NudgeKind.FOLLOW_UP, NudgeKind.REMINDER, NudgeKind.CHECK_IN]),
)
def test_no_message_claims_what_did_not_happen(
    timeline: bool, marked_sent: bool, weekly: bool, number: int, kind: NudgeKind
) -> None:
    view = nudge(
        kind,
        interview=summary(employer_timeline=date(2026, 12, 4) if timeline else None),
        follow_up_marked_sent=marked_sent,
        weekly=weekly,
        follow_up_number=number if kind is not NudgeKind.CHECK_IN else 0,
    )
    text, blocks = render_nudge(view, PLAYBOOK)
    everything = text + all_text(blocks)
    if not timeline:
        assert TIMELINE_CLAUSE not in everything
    if not marked_sent:
        assert SINCE_YOUR_FOLLOW_UP not in everything
    if not weekly:
        assert "of at most" not in everything


ENDS = "<!date^1|Thu>"


@pytest.mark.parametrize(
    ("carried", "ahead", "coming", "promises_distance", "starts"),
    [
        (True, False, True, False, "After that,"),  # the distance advice is in this DM
        (False, True, True, True, "I'll check in right after it ends"),
        (False, True, False, False, "I'll be in touch after it ends"),
        (False, False, True, True, "I'll message you here at each step: some distance"),
        (False, False, False, False, "I'll message you here at each step: two questions"),
    ],
)
def test_the_confirmation_promises_a_distance_dm_only_when_one_will_come(
    carried: bool, ahead: bool, coming: bool, promises_distance: bool, starts: str
) -> None:
    steps = confirmation_steps(carried=carried, ahead=ahead, distance_coming=coming, ends=ENDS)
    assert steps.startswith(starts)
    assert ("some distance" in steps) is promises_distance
    assert "two questions on how it went" in steps


def test_the_logged_dm_for_an_interview_logged_late_promises_no_distance() -> None:
    interview = summary()
    _, blocks = logged_confirmation(interview, now=interview.ends_at, distance_coming=False)
    assert "distance" not in all_text(blocks)
    _, blocks = logged_confirmation(interview, now=interview.ends_at, distance_coming=True)
    assert "some distance first" in all_text(blocks)
