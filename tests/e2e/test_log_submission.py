"""Submitting the "Log an interview" modal over signed HTTP: stored, confirmed, or refused."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import func, select

from bot.coach.errors import StoreUnavailable
from bot.coach.interviews import LogResult, submit_interview
from bot.rules.domain import InterviewFormat, InterviewStatus
from bot.rules.playbook import default_playbook
from bot.store.db import Database
from bot.store.models import Interview, SlackUser
from bot.ui.log_modal import BLOCK_IDS, build_log_modal, read_submission
from bot.ui.messages import SAVE_FAILED, STORE_UNAVAILABLE
from tests.harness import DANA, SAM, RunningBot, start_bot

DM = "D0456EFGH"  # the stand-in's DM channel for Dana


def answers(running: RunningBot, **changes: Any) -> dict[str, Any]:
    return answers_for(running.clock.now(), **changes)


def answers_for(now_at: datetime, **changes: Any) -> dict[str, Any]:
    now = int(now_at.timestamp())
    base = {
        "company": "Acme Corp",
        "role": "Data Analyst",
        "happened_at": now - 3600,
        "format": "in_person",
        "flags": ["traditional"],
        "interviewers": "Priya Shah, Tom Lee",
        "hiring_manager": "Priya Shah",
        "employer_timeline": "2026-12-04",
    }
    base.update(changes)
    return {BLOCK_IDS[field]: value for field, value in base.items() if value is not None}


def submit(running: RunningBot, view: dict, person=DANA, **changes: Any):
    values = fill_view_state(view, answers(running, **changes))
    reply = running.slack.view_submission(view, values, person)
    running.idle()
    return reply


def interviews(running: RunningBot) -> list[Interview]:
    with running.db.transaction() as session:
        return list(session.scalars(select(Interview).order_by(Interview.id)))


def test_valid_submission_is_stored_and_confirmed_by_dm(running: RunningBot) -> None:
    view = running.open_log_modal("logged Acme Corp")

    reply = submit(running, view)

    assert reply.status == 200
    assert reply.body == ""  # closes the modal
    [stored] = interviews(running)
    assert stored.company == "Acme Corp"
    assert stored.role == "Data Analyst"
    assert stored.format is InterviewFormat.IN_PERSON
    assert stored.traditional_org is True
    assert stored.direct_contact_ok is False
    assert stored.interviewers == "Priya Shah, Tom Lee"
    assert stored.hiring_manager == "Priya Shah"
    assert stored.employer_timeline == date(2026, 12, 4)
    assert stored.happened_at == running.clock.now() - timedelta(hours=1)
    assert stored.status is InterviewStatus.ACTIVE
    assert stored.source_view_id == view["id"]

    [dm] = running.standin.calls_to("chat.postMessage")
    assert dm.params["channel"] == DM
    assert "Acme Corp" in dm.params["text"]
    header = dm.params["blocks"][0]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Logged: Acme Corp"}}
    details = dm.params["blocks"][1]["text"]["text"]
    assert "Face-to-face, traditional organization" in details
    assert "Fri 4 Dec 2026" in details
    # The fallback of the date token is in Dana's zone: 09:00 PST.
    assert "at 09:00 PST" in details
    with running.db.transaction() as session:
        person = session.scalars(select(SlackUser).where(SlackUser.user_id == DANA.user_id)).one()
    assert person.dm_channel_id == DM


def test_the_dm_channel_is_opened_once_and_then_reused(running: RunningBot) -> None:
    for company in ("Acme", "Globex"):
        submit(running, running.open_log_modal(f"logged {company}"), company=company)
    assert len(running.standin.calls_to("conversations.open")) == 1
    assert [c.params["channel"] for c in running.standin.calls_to("chat.postMessage")] == [DM, DM]


def test_the_same_submission_twice_stores_once_and_dms_once(running: RunningBot) -> None:
    view = running.open_log_modal()
    first = submit(running, view)
    second = submit(running, view)

    assert (first.status, second.status) == (200, 200)
    assert len(interviews(running)) == 1
    assert len(running.standin.calls_to("chat.postMessage")) == 1


def test_hostile_mrkdwn_in_a_company_name_is_stored_as_typed_and_shown_escaped(
    running: RunningBot,
) -> None:
    hostile = "<!channel> & <@U0ADMIN> <https://evil.example|Acme>"
    submit(running, running.open_log_modal("logged"), company=hostile, role="<!here>")

    [stored] = interviews(running)
    assert stored.company == hostile
    [dm] = running.standin.calls_to("chat.postMessage")
    shown = dm.params["blocks"][1]["text"]["text"] + dm.params["text"]
    assert "&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;" in shown
    assert "&lt;!here&gt;" in shown
    for raw in ("<!channel>", "<@U0ADMIN>", "<!here>", "<https://"):
        assert raw not in shown
    # The header is plain_text, which Slack never parses: shown exactly as typed.
    assert dm.params["blocks"][0]["text"]["text"] == f"Logged: {hostile}"


INVALID = [
    ("empty company", {"company": "   "}, "company", "Which company"),
    ("no company", {"company": None}, "company", "Which company"),
    ("overlong company", {"company": "A" * 101}, "company", "under 100 characters"),
    ("overlong role", {"role": "R" * 101}, "role", "under 100 characters"),
    ("overlong interviewers", {"interviewers": "I" * 201}, "interviewers", "under 200"),
    ("overlong hiring manager", {"hiring_manager": "H" * 151}, "hiring_manager", "under 150"),
    ("no format", {"format": None}, "format", "phone screen, a video call"),
    ("unknown format", {"format": "carrier_pigeon"}, "format", "phone screen, a video call"),
    ("far future", {"happened_at": "+61d"}, "happened_at", "more than 60 days from now"),
    ("unknown length", {"length_minutes": "61"}, "length_minutes", "lengths offered"),
    ("long ago", {"happened_at": "-100d"}, "happened_at", "more than 90 days ago"),
    ("no date", {"happened_at": None}, "happened_at", "When did the interview"),
    ("timeline before", {"employer_timeline": "2026-11-01"}, "employer_timeline", "before"),
    ("timeline far", {"employer_timeline": "2028-01-01"}, "employer_timeline", "a year"),
    ("invisible company", {"company": "\u200b\u202e "}, "company", "Which company"),
    (
        "direct follow-up, nobody named",
        {"flags": ["direct_contact_ok"], "hiring_manager": None},
        "hiring_manager",
        "Who is the hiring manager",
    ),
]


@pytest.mark.parametrize(
    ("case", "changes", "field", "message"), INVALID, ids=[c[0] for c in INVALID]
)
def test_invalid_input_gets_a_field_error_and_stores_nothing(
    running: RunningBot, case: str, changes: dict, field: str, message: str
) -> None:
    now = int(running.clock.now().timestamp())
    if isinstance(changes.get("happened_at"), str):
        days = int(changes["happened_at"][:-1])
        changes = {**changes, "happened_at": now + days * 86400}
    view = running.open_log_modal("logged")

    reply = submit(running, view, **changes)

    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {BLOCK_IDS[field]}
    assert message in body["errors"][BLOCK_IDS[field]]
    assert interviews(running) == []
    assert running.standin.calls_to("chat.postMessage") == []


def test_several_mistakes_come_back_together(running: RunningBot) -> None:
    reply = submit(running, running.open_log_modal("logged"), company="", format=None)
    assert set(reply.json()["errors"]) == {BLOCK_IDS["company"], BLOCK_IDS["format"]}


def test_a_corrected_submission_after_an_error_is_stored(running: RunningBot) -> None:
    view = running.open_log_modal("logged")
    assert submit(running, view, company="").json()["response_action"] == "errors"
    assert submit(running, view).body == ""
    assert [i.company for i in interviews(running)] == ["Acme Corp"]


def test_timeline_is_checked_against_the_interview_day_in_the_persons_zone(
    running: RunningBot,
) -> None:
    # 02:00 UTC on 26 Nov is still 25 Nov in Los Angeles: a 25 Nov timeline is the same day.
    late_evening = int(running.clock.now().timestamp()) - 16 * 3600
    view = running.open_log_modal("logged")
    reply = submit(running, view, happened_at=late_evening, employer_timeline="2026-11-25")
    assert reply.body == ""
    assert interviews(running)[0].employer_timeline == date(2026, 11, 25)


def test_each_person_owns_their_interviews(running: RunningBot) -> None:
    submit(running, running.open_log_modal("logged Acme", DANA))
    submit(running, running.open_log_modal("logged Globex", SAM), person=SAM, company="Globex")

    with running.db.transaction() as session:
        owners = dict(
            session.execute(
                select(Interview.company, SlackUser.user_id).join(Interview.owner)
            ).all()
        )
        assert session.scalar(select(func.count()).select_from(SlackUser)) == 2
    assert owners == {"Acme Corp": DANA.user_id, "Globex": SAM.user_id}
    listed = running.slack.slash_command("list", SAM).json()["text"]
    assert "Globex" in listed
    assert "Acme" not in listed


def test_dm_that_fails_with_500s_is_retried_and_delivered_once(running: RunningBot) -> None:
    running.standin.fail_next("chat.postMessage", "fatal_error", status=500, times=2)

    submit(running, running.open_log_modal())

    assert len(interviews(running)) == 1
    attempts = running.standin.calls_to("chat.postMessage", include_failed=True)
    assert [c.failed for c in attempts] == [True, True, False]


def test_dm_that_slack_refuses_loses_no_data(running: RunningBot) -> None:
    running.standin.fail_next("chat.postMessage", "account_inactive")

    reply = submit(running, running.open_log_modal())

    assert reply.body == ""
    assert len(interviews(running)) == 1
    assert running.standin.calls_to("chat.postMessage") == []


def test_users_info_failure_falls_back_to_utc_and_still_logs(running: RunningBot) -> None:
    running.standin.fail_next("users.info", "user_not_found")
    view = running.open_log_modal("logged")

    submit(running, view)

    [lookup] = running.standin.calls_to("users.info", include_failed=True)
    assert (lookup.failed, lookup.error) == (True, "user_not_found")

    with running.db.transaction() as session:
        person = session.scalars(select(SlackUser)).one()
    assert person.tz == "UTC"
    assert len(interviews(running)) == 1


def test_saving_refreshes_the_home_tab_with_the_new_interview(running: RunningBot) -> None:
    submit(running, running.open_log_modal("logged Acme Corp"))

    [publish] = running.standin.calls_to("views.publish")
    assert publish.params["user_id"] == DANA.user_id
    headers = [b["text"]["text"] for b in publish.params["view"]["blocks"] if b["type"] == "header"]
    assert "Acme Corp — Data Analyst" in headers


def test_a_dm_channel_slack_no_longer_knows_is_reopened_once(running: RunningBot) -> None:
    submit(running, running.open_log_modal("logged Acme"))
    running.standin.fail_next("chat.postMessage", "channel_not_found")

    submit(running, running.open_log_modal("logged Globex"), company="Globex")

    posts = running.standin.calls_to("chat.postMessage", include_failed=True)
    assert [(c.params["channel"], c.error) for c in posts] == [
        (DM, None),
        (DM, "channel_not_found"),
        (DM, None),
    ]
    assert len(running.standin.calls_to("conversations.open")) == 2
    assert "Globex" in posts[-1].params["text"]


def test_with_the_database_down_the_person_is_asked_to_retry_and_nothing_breaks(
    standin, clock, tmp_path, postgres_url
) -> None:
    unreachable = (
        "postgresql+psycopg://nobody@127.0.0.1:1/none"
        if postgres_url
        else f"sqlite:///{tmp_path / 'missing-dir' / 'coach.db'}"
    )
    bot = start_bot(standin, clock, Database(unreachable))
    try:
        view = build_log_modal(now=clock.now(), company="Acme")
        view = {**view, "id": "V0DOWN0001"}
        reply = bot.slack.view_submission(view, fill_view_state(view, answers(bot)), DANA)
        bot.idle()
        assert reply.status == 200
        assert reply.json() == {
            "response_action": "errors",
            "errors": {BLOCK_IDS["company"]: SAVE_FAILED},
        }
        listed = bot.slack.slash_command("list", DANA).json()
        assert listed == {"text": STORE_UNAVAILABLE, "response_type": "ephemeral"}
        assert standin.calls_to("chat.postMessage") == []
    finally:
        bot.idle()
        bot.server.stop()


def test_racing_submissions_of_one_modal_store_one_interview(db: Database, clock) -> None:
    """Slack delivering one submission to several processes at once: one row, one 'created'."""
    view = build_log_modal(now=clock.now())
    form = read_submission(
        {"state": {"values": fill_view_state(view, answers_for(clock.now(), company="Race"))}}
    )
    barrier = threading.Barrier(6)
    outcomes: list[object] = []

    def submit_once() -> None:
        barrier.wait(timeout=5)
        try:
            outcome = submit_interview(
                db,
                team_id=DANA.team_id,
                user_id=DANA.user_id,
                form=form,
                now=clock.now(),
                source_view_id="V0RACE0001",
                playbook=default_playbook(),
            )
        except StoreUnavailable as exc:  # the person would be asked to press Save again
            outcome = exc
        outcomes.append(outcome)

    threads = [threading.Thread(target=submit_once) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert len(outcomes) == 6, outcomes
    created = [o for o in outcomes if isinstance(o, LogResult) and o.created]
    assert len(created) == 1
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Interview)) == 1
