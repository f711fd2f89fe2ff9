"""A whole job search, end to end, over signed HTTP to the real endpoint, the real dispatcher
and the stand-in, the clock jumping: a phone screen logged; "Heard back: next round"; round 2
logged ahead from the prompt; the reminder the evening before; round 2's advice afresh
(distance after its end, reflection, thank-you); a new timeline entered on a follow-up and
the follow-ups re-paced from it; "Withdrew" confirmed; then silence, weeks on.

The edit from video to face-to-face at a traditional organization (the card) and the delete
(rows and pending nudges gone) are told in test_corrections.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.rules.applications import awaits_rounds
from bot.rules.calendar import at_local, local_date
from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.playbook import default_playbook
from bot.store.models import Nudge
from bot.ui import timeline_modal
from tests.e2e.test_buttons import (
    LA,
    deliver,
    delivered_follow_up,
    dispatch,
    find_control,
    labels,
    press,
    shown_text,
)
from tests.e2e.test_corrections import opened_view
from tests.e2e.test_log_submission import DM, submit
from tests.e2e.test_rounds import applications, initial, rounds
from tests.harness import DANA, RunningBot

TEXTS = default_playbook().texts


def all_nudges(running: RunningBot, interview_id: int) -> list[Nudge]:
    with running.db.transaction() as session:
        found = list(
            session.scalars(
                select(Nudge).where(Nudge.interview_id == interview_id).order_by(Nudge.id)
            )
        )
        session.expunge_all()
    return found


def pending_of(running: RunningBot, interview_id: int) -> dict[NudgeKind, Nudge]:
    return {n.kind: n for n in all_nudges(running, interview_id) if n.status is NudgeStatus.PENDING}


def sent_of(running: RunningBot, interview_id: int, kind: NudgeKind) -> list[Nudge]:
    return [
        n
        for n in all_nudges(running, interview_id)
        if n.kind is kind and n.status is NudgeStatus.SENT
    ]


def application_in_progress(running: RunningBot) -> bool:
    """Whether the one application is still in progress (its status column stays "open":
    an application is over once its latest round ended other than as "next round")."""
    [application] = applications(running)
    return awaits_rounds(application.status, [(r.status, r.outcome) for r in rounds(running)])


def posts(running: RunningBot) -> int:
    return len(running.standin.calls_to("chat.postMessage"))


def at(day: date, hour: int) -> datetime:
    return at_local(day, hour, LA)


def test_a_whole_job_search_two_rounds_a_new_timeline_and_withdrew_then_silence(
    running: RunningBot,
) -> None:
    # Round 1: a phone screen (Thu 26 Nov, 09:00 in Los Angeles), its follow-up on its way.
    channel, follow_up = delivered_follow_up(
        running, format="phone_screen", flags=[], employer_timeline=None
    )
    [first] = rounds(running)
    assert first.round_number == 1

    # "Heard back: next round": round 1 ends, the application goes on, "Log round 2" offered.
    press(running, channel, follow_up, "Heard back", option="next_round")
    [first] = rounds(running)
    assert (first.status, first.outcome) == (InterviewStatus.CLOSED, Outcome.NEXT_ROUND)
    assert pending_of(running, first.id) == {}
    [application] = applications(running)
    assert application_in_progress(running)
    offer = running.standin.messages(DM)[-1]
    assert "On to round 2 with Acme Corp" in shown_text(offer)

    # Round 2 logged ahead from the prompt: a video call twelve days on, at 14:00 her time.
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, offer, "Log round 2")
    view = opened_view(running, opened)
    assert view["title"]["text"] == "Log round 2"
    assert initial(view, "interviewers") == "Priya Shah, Tom Lee"
    round_day = local_date(running.clock.now(), LA) + timedelta(days=12)
    starts = at(round_day, 14)
    ends = starts + timedelta(hours=1)  # the default length
    before = len(running.standin.messages(DM))
    reply = submit(
        running,
        view,
        happened_at=int(starts.timestamp()),
        format="video",
        flags=[],
        employer_timeline=None,
    )
    assert reply.body == "", reply.body
    first, second = rounds(running)
    assert (second.application_id, second.round_number) == (application.id, 2)
    [logged] = running.standin.messages(DM)[before:]
    assert logged["blocks"][0]["text"]["text"] == "Logged: Acme Corp (round 2)"

    # The evening before, in waking hours: one short DM with the people's names.
    evening = pending_of(running, second.id)[NudgeKind.EVENING_BEFORE]
    assert local_date(evening.due_at, LA) == round_day - timedelta(days=1)
    assert 8 <= evening.due_at.astimezone(LA).hour < 22
    _, reminder = deliver(running, NudgeKind.EVENING_BEFORE)
    assert TEXTS.evening_before in shown_text(reminder)
    assert "Priya Shah, Tom Lee" in shown_text(reminder)

    # Nothing more until round 2 has ended; then its own advice, afresh, timed from its end.
    quiet = posts(running)
    dispatch(running, at=ends - timedelta(minutes=1))
    assert posts(running) == quiet
    dispatch(running, at=ends)
    [distance] = sent_of(running, second.id, NudgeKind.DISTANCE)
    assert distance.sent_at == ends
    assert "Get some distance first." in shown_text(running.standin.messages(DM)[-1])
    _, reflection = deliver(running, NudgeKind.REFLECTION)
    assert "What did I say well" in shown_text(reflection)
    [reflected] = sent_of(running, second.id, NudgeKind.REFLECTION)
    assert reflected.sent_at is not None and reflected.sent_at > ends
    channel, thank_you = deliver(running, NudgeKind.THANK_YOU)
    assert "video call" in shown_text(thank_you)  # round 2's, not round 1's phone screen
    [thanked] = sent_of(running, second.id, NudgeKind.THANK_YOU)
    assert thanked.sent_at is not None and thanked.sent_at > ends
    press(running, channel, thank_you, "Email sent")

    # Round 2's first follow-up; she follows up and hears a new timeline on the phone.
    channel, follow_up = deliver(running, NudgeKind.FOLLOW_UP)
    [first_follow_up] = sent_of(running, second.id, NudgeKind.FOLLOW_UP)
    assert first_follow_up.sent_at is not None
    press(running, channel, follow_up, "Follow-up sent")
    waiting = pending_of(running, second.id)
    assert set(waiting) == {NudgeKind.CHECK_IN}  # "Heard back yet?" a week on

    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, follow_up, "They gave a new timeline…")
    view = opened_view(running, opened)
    decide_by = local_date(running.clock.now(), LA) + timedelta(days=16)
    told = len(running.standin.messages(DM))
    values = fill_view_state(view, {timeline_modal.BLOCK_ID: decide_by.isoformat()})
    reply = running.slack.view_submission(view, values, DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")

    # Re-paced at once: no check-in; one more follow-up the working morning after that day
    # (at 10:00, her follow-up hour), which is more than seven days after the last one.
    [second_round] = [r for r in rounds(running) if r.id == second.id]
    assert second_round.employer_timeline == decide_by
    repaced = pending_of(running, second.id)
    assert set(repaced) == {NudgeKind.FOLLOW_UP}
    morning_after = decide_by + timedelta(days=1)
    while morning_after.weekday() >= 5:  # Saturday or Sunday: the Monday
        morning_after += timedelta(days=1)
    expected = at(morning_after, 10)
    assert (repaced[NudgeKind.FOLLOW_UP].sequence, repaced[NudgeKind.FOLLOW_UP].due_at) == (
        2,
        expected,
    )
    assert expected - first_follow_up.sent_at >= timedelta(days=7)
    [note] = running.standin.messages(DM)[told:]
    assert "New timeline for Acme Corp" in note["text"]
    assert "Next from me: a follow-up" in note["text"]

    # Nothing at the old check-in time; the follow-up comes when re-paced.
    quiet = posts(running)
    dispatch(running, at=expected - timedelta(minutes=1))
    assert posts(running) == quiet
    channel, again = deliver(running, NudgeKind.FOLLOW_UP)
    [_, resent] = sent_of(running, second.id, NudgeKind.FOLLOW_UP)
    assert resent.sent_at == expected
    assert TEXTS.follow_up_again in shown_text(again)

    # "Heard back ▾ Withdrew", behind a confirm dialog (Slack sends the choice once confirmed).
    _, menu = find_control(again, "Heard back")
    assert menu["confirm"]["title"]["text"] == "Close this interview?"
    press(running, channel, again, "Heard back", option="withdrew")
    first, second = rounds(running)
    assert (second.status, second.outcome) == (InterviewStatus.CLOSED, Outcome.WITHDREW)
    assert not application_in_progress(running)
    after = next(m for m in running.standin.messages(channel) if m["ts"] == again["ts"])
    assert "Withdrew: noted" in shown_text(after)
    assert labels(after) == ["Reopen"]

    # Silence: weeks go by, nothing more is sent about it, nothing is left planned.
    quiet = posts(running)
    for weeks in (1, 3, 6, 10):
        dispatch(running, at=expected + timedelta(weeks=weeks))
    assert posts(running) == quiet
    for interview in rounds(running):
        assert interview.status is InterviewStatus.CLOSED
        assert pending_of(running, interview.id) == {}
    assert not application_in_progress(running)
