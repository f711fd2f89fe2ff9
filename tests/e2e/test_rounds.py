"""Applications with rounds, over signed HTTP to the real endpoint, the real dispatcher and
the stand-in: "Heard back: next round" keeps the application open and offers "Log round 2"
(prefilled, bound to it, logged ahead); `/interview logged Acme` offers to add a round to an
open Acme application; a new round ends the earlier rounds' advice and starts its own."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.rules.calendar import at_local, local_date
from bot.rules.domain import ApplicationStatus, InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.playbook import default_playbook
from bot.store.models import Application, Interview, Nudge
from bot.ui.log_modal import BLOCK_IDS
from tests.e2e.test_buttons import delivered_follow_up, dispatch, labels, log_interview, press
from tests.e2e.test_log_submission import DM, submit
from tests.e2e.test_logged_with_distance import shown
from tests.harness import DANA, SAM, RunningBot

TEXTS = default_playbook().texts
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # Dana's zone in the stand-in


def rounds(running: RunningBot) -> list[Interview]:
    with running.db.transaction() as session:
        return list(session.scalars(select(Interview).order_by(Interview.id)))


def applications(running: RunningBot) -> list[Application]:
    with running.db.transaction() as session:
        return list(session.scalars(select(Application).order_by(Application.id)))


def pending_of(running: RunningBot, interview_id: int) -> list[Nudge]:
    with running.db.transaction() as session:
        return list(
            session.scalars(
                select(Nudge).where(
                    Nudge.interview_id == interview_id, Nudge.status == NudgeStatus.PENDING
                )
            )
        )


def block(view: dict[str, Any], field: str) -> dict[str, Any] | None:
    found = [b for b in view["blocks"] if b.get("block_id") == BLOCK_IDS[field]]
    return found[0] if found else None


def initial(view: dict[str, Any], field: str) -> str | None:
    found = block(view, field)
    return None if found is None else found["element"].get("initial_value")


def test_next_round_then_round_two_logged_ahead_from_the_prompt_gets_fresh_advice(
    running: RunningBot,
) -> None:
    channel, follow_up = delivered_follow_up(running, format="phone_screen", flags=[])
    [first] = rounds(running)
    assert first.round_number == 1

    press(running, channel, follow_up, "Heard back", option="next_round")

    [first] = rounds(running)
    assert (first.status, first.outcome) == (InterviewStatus.CLOSED, Outcome.NEXT_ROUND)
    assert pending_of(running, first.id) == []  # round 1's advice has stopped
    [application] = applications(running)
    assert application.status is ApplicationStatus.OPEN  # the application goes on
    offer = running.standin.messages(DM)[-1]
    assert "On to round 2 with Acme Corp" in shown(offer)
    assert labels(offer) == ["Log round 2"]

    # Someone else pressing it (a forwarded payload) gets the plain modal, not Dana's data.
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, offer, "Log round 2", person=SAM)
    call = running.standin.wait_for("views.open", opened + 1)[-1]
    theirs = running.standin.view(call.response["view"]["id"])
    assert theirs is not None and initial(theirs, "company") is None

    press(running, channel, offer, "Log round 2")
    call = running.standin.wait_for("views.open", opened + 2)[-1]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    assert view["title"]["text"] == "Log round 2"
    assert json.loads(view["private_metadata"]) == {"application_id": application.id, "round": 2}
    prefilled = {
        field: initial(view, field)
        for field in ("company", "role", "interviewers", "hiring_manager")
    }
    assert prefilled == {
        "company": "Acme Corp",
        "role": "Data Analyst",
        "interviewers": "Priya Shah, Tom Lee",
        "hiring_manager": "Priya Shah",
    }
    assert block(view, "application") is None  # bound: nothing to choose

    # Round 2 is ten days ahead, a video call.
    day = local_date(running.clock.now(), LOS_ANGELES) + timedelta(days=10)
    starts = at_local(day, 10, LOS_ANGELES)
    ends = starts + timedelta(hours=1)
    posts = len(running.standin.messages(DM))
    reply = submit(
        running,
        view,
        **prefilled,
        happened_at=int(starts.timestamp()),
        format="video",
        flags=[],
        employer_timeline=None,
    )
    assert reply.body == "", reply.body

    first, second = rounds(running)
    assert (second.application_id, second.round_number) == (application.id, 2)
    assert second.happened_at == starts
    assert len(applications(running)) == 1
    assert pending_of(running, first.id) == []
    fresh = {n.kind: n for n in pending_of(running, second.id)}
    assert {NudgeKind.DISTANCE, NudgeKind.REFLECTION, NudgeKind.THANK_YOU} <= set(fresh)
    about_it = [n for n in fresh.values() if n.kind is not NudgeKind.EVENING_BEFORE]
    assert all(n.due_at >= ends for n in about_it)
    assert fresh[NudgeKind.DISTANCE].due_at == ends

    # `/interview list` groups the rounds under their application.
    listed = running.slack.slash_command("list", DANA).json()["text"]
    assert "*Your applications in progress (1):*" in listed
    assert (
        f"• Acme Corp (Data Analyst): round 1 done, round 2 video call, "
        f"<!date^{int(starts.timestamp())}^" in listed
    )
    assert " · next from me: " in listed

    # Nothing but the Logged DM and the evening before until round 2 has ended.
    dispatch(running, at=fresh[NudgeKind.EVENING_BEFORE].due_at)
    dispatch(running, at=ends - timedelta(minutes=1))
    before_end = running.standin.messages(DM)[posts:]
    assert all(TEXTS.distance not in shown(m) for m in before_end)
    assert before_end[0]["blocks"][0]["text"]["text"] == "Logged: Acme Corp (round 2)"
    # The evening before, the reminder names the people carried over from round 1.
    [evening] = before_end[1:]
    assert TEXTS.evening_before in shown(evening)
    assert "Priya Shah, Tom Lee" in shown(evening)

    dispatch(running, at=ends)
    assert len(running.standin.messages(DM)) > len(before_end) + posts
    with running.db.transaction() as session:
        distance = session.scalars(
            select(Nudge).where(Nudge.interview_id == second.id, Nudge.kind == NudgeKind.DISTANCE)
        ).one()
        assert distance.status is NudgeStatus.SENT
        assert distance.sent_at == ends
        thank_you = session.scalars(
            select(Nudge).where(Nudge.interview_id == second.id, Nudge.kind == NudgeKind.THANK_YOU)
        ).one()
        assert thank_you.status is NudgeStatus.PENDING and thank_you.due_at > ends


def test_log_round_two_opened_twice_and_saved_twice_logs_round_two_once(
    running: RunningBot,
) -> None:
    """On her phone and her laptop: the second save is refused under the company field; it
    made a round 3 at the same time, which closed the real round 2 and stopped its advice."""
    channel, follow_up = delivered_follow_up(running, format="phone_screen", flags=[])
    press(running, channel, follow_up, "Heard back", option="next_round")
    offer = running.standin.messages(DM)[-1]
    views = []
    for _ in range(2):
        opened = len(running.standin.calls_to("views.open"))
        press(running, channel, offer, "Log round 2")
        call = running.standin.wait_for("views.open", opened + 1)[-1]
        views.append(running.standin.view(call.response["view"]["id"]))
    starts = int((running.clock.now() + timedelta(days=3)).timestamp())
    fields: dict[str, Any] = {"happened_at": starts, "format": "video", "flags": []}
    first = submit(running, views[0], **fields, employer_timeline=None)
    assert first.body == ""
    logged_dms = len(running.standin.messages(DM))

    second = submit(running, views[1], **fields, employer_timeline=None)

    errors = second.json()["errors"]
    assert list(errors) == ["company_block"]
    assert errors["company_block"].startswith("Round 2 of this application is already logged")
    assert [(r.round_number, r.status) for r in rounds(running)] == [
        (1, InterviewStatus.CLOSED),
        (2, InterviewStatus.ACTIVE),
    ]
    assert len(running.standin.messages(DM)) == logged_dms  # no second "Logged" DM
    # The first form submitted again (Slack's retry) is still the one round 2, not an error.
    assert submit(running, views[0], **fields, employer_timeline=None).body == ""
    assert len(rounds(running)) == 2


def test_add_round_two_chosen_in_two_forms_logs_round_two_once(running: RunningBot) -> None:
    log_interview(running)
    views = [running.open_log_modal("logged Acme Corp") for _ in range(2)]
    [choice] = [b for b in views[0]["blocks"] if b.get("block_id") == BLOCK_IDS["application"]]
    assert choice["element"]["initial_option"]["text"]["text"].startswith("Add round 2 to")
    starts = int((running.clock.now() + timedelta(days=3)).timestamp())
    [first] = rounds(running)
    fields: dict[str, Any] = {
        "application": str(first.application_id),
        "happened_at": starts,
        "employer_timeline": None,
    }

    assert submit(running, views[0], **fields).body == ""
    second = submit(running, views[1], **fields)

    assert (
        "Round 2 of this application is already logged" in second.json()["errors"]["company_block"]
    )
    assert [r.round_number for r in rounds(running)] == [1, 2]


def test_round_one_cannot_be_reopened_once_round_two_is_logged(running: RunningBot) -> None:
    channel, follow_up = delivered_follow_up(running, format="phone_screen", flags=[])
    press(running, channel, follow_up, "Heard back", option="next_round")
    offer = running.standin.messages(DM)[-1]
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, offer, "Log round 2")
    call = running.standin.wait_for("views.open", opened + 1)[-1]
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    starts = running.clock.now() + timedelta(days=10)
    reply = submit(running, view, happened_at=int(starts.timestamp()), employer_timeline=None)
    assert reply.body == ""
    first, second = rounds(running)
    home = running.standin.home_view(DANA.user_id)
    assert home is not None and "Closed today" not in json.dumps(home)  # no Reopen offered

    [closed] = [m for m in running.standin.messages(channel) if m["ts"] == follow_up["ts"]]
    assert "Reopen" in labels(closed)  # the press came before round 2 was logged
    press(running, channel, closed, "Reopen")

    told = running.standin.calls_to("response_url")[-1].params["text"]
    assert "stays closed: a later round of it is logged" in told
    first, second = rounds(running)
    assert (first.status, first.outcome) == (InterviewStatus.CLOSED, Outcome.NEXT_ROUND)
    assert second.status is InterviewStatus.ACTIVE
    assert pending_of(running, first.id) == []  # no second set of follow-ups
    [now_shown] = [m for m in running.standin.messages(channel) if m["ts"] == follow_up["ts"]]
    assert "Reopen" not in labels(now_shown)


def test_logged_acme_offers_to_add_a_round_to_the_open_acme_application(
    running: RunningBot,
) -> None:
    submit(running, running.open_log_modal("logged Acme Corp"))
    [first] = rounds(running)
    assert pending_of(running, first.id)

    view = running.open_log_modal("logged  acme corp")  # case and spacing aside

    choice = block(view, "application")
    assert choice is not None
    options = [o["text"]["text"] for o in choice["element"]["options"]]
    assert options == ["Add round 2 to Acme Corp — Data Analyst", "Start a new application"]
    assert choice["element"]["initial_option"]["text"]["text"] == options[0]

    reply = submit(
        running,
        view,
        application=str(first.application_id),
        happened_at=int((running.clock.now() + timedelta(days=7)).timestamp()),
        format="video",
    )
    assert reply.body == "", reply.body

    first, second = rounds(running)
    assert (second.application_id, second.round_number) == (first.application_id, 2)
    # Round 1 is over: closed as "next round", its pending reminders cancelled.
    assert (first.status, first.outcome) == (InterviewStatus.CLOSED, Outcome.NEXT_ROUND)
    assert pending_of(running, first.id) == []
    assert pending_of(running, second.id)


def test_starting_a_new_application_at_the_same_company_leaves_the_other_alone(
    running: RunningBot,
) -> None:
    submit(running, running.open_log_modal("logged Acme Corp"))
    [first] = rounds(running)
    before = [(n.kind, n.due_at) for n in pending_of(running, first.id)]

    reply = submit(
        running, running.open_log_modal("logged ACME CORP"), application="new", role="Engineer"
    )
    assert reply.body == "", reply.body

    first, other = rounds(running)
    assert other.application_id != first.application_id and other.round_number == 1
    assert first.status is InterviewStatus.ACTIVE
    assert [(n.kind, n.due_at) for n in pending_of(running, first.id)] == before
    assert [a.role for a in applications(running)] == ["Data Analyst", "Engineer"]


def test_no_open_application_there_no_choice_and_a_forged_one_starts_a_new_one(
    running: RunningBot,
) -> None:
    submit(running, running.open_log_modal("logged Acme Corp"))
    view = running.open_log_modal("logged Globex")
    assert block(view, "application") is None

    # Sam's modal, with Dana's application id forged into the choice: a new one for Sam.
    submit(running, running.open_log_modal("logged Acme Corp", person=SAM), person=SAM)
    sams = running.open_log_modal("logged Acme Corp", person=SAM)
    forged = str(rounds(running)[0].application_id)
    reply = submit(running, sams, person=SAM, application=forged)
    assert reply.body == "", reply.body

    dana, _, sam_forged = rounds(running)
    assert dana.status is InterviewStatus.ACTIVE  # Dana's round 1 untouched
    assert (sam_forged.round_number, sam_forged.owner_id) != (2, dana.owner_id)
    assert sam_forged.application_id != dana.application_id
    assert len(applications(running)) == 3
