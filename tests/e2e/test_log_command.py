"""`/interview …` over signed HTTP, with the bot's real WebClient calling the stand-in."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import select

from bot.clock import FixedClock
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.store.db import Database
from bot.store.models import Interview, Nudge, SlackUser
from bot.ui.log_modal import BLOCK_IDS, CALLBACK_ID
from tests.e2e.test_log_submission import submit
from tests.harness import DANA, RunningBot, start_bot
from tests.unit.test_playbook_rules import edited, write

LA = ZoneInfo("America/Los_Angeles")


def _input(view: dict, field: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == BLOCK_IDS[field])


def test_logged_opens_the_modal_prefilled_and_learns_the_time_zone(running: RunningBot) -> None:
    reply = running.slack.slash_command("logged Acme Corp", DANA)

    assert reply.status == 200
    assert reply.body == ""  # a bare ack: the modal is the answer
    call = running.standin.wait_for("views.open")[0]
    view = call.params["view"]
    assert view["callback_id"] == CALLBACK_ID
    assert view["type"] == "modal"
    assert _input(view, "company")["element"]["initial_value"] == "Acme Corp"
    picker = _input(view, "happened_at")["element"]
    assert picker["type"] == "datetimepicker"
    assert picker["initial_date_time"] == int(running.clock.now().timestamp())
    assert call.token == running.standin.bot_token

    running.idle()
    assert len(running.standin.calls_to("users.info")) == 1
    with running.db.transaction() as session:
        person = session.scalars(select(SlackUser)).one()
    assert (person.user_id, person.tz) == (DANA.user_id, "America/Los_Angeles")


def test_logged_without_company_opens_an_empty_form(running: RunningBot) -> None:
    running.slack.slash_command("logged", DANA)
    view = running.standin.wait_for("views.open")[0].params["view"]
    assert "initial_value" not in _input(view, "company")["element"]


def test_overlong_company_in_the_command_is_cut_to_fit_the_input(running: RunningBot) -> None:
    running.slack.slash_command("logged " + "A" * 500, DANA)
    view = running.standin.wait_for("views.open")[0].params["view"]
    element = _input(view, "company")["element"]
    assert element["initial_value"] == "A" * element["max_length"]


def test_every_modal_input_the_issue_names_is_there(running: RunningBot) -> None:
    running.slack.slash_command("logged", DANA)
    view = running.standin.wait_for("views.open")[0].params["view"]
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds == {
        BLOCK_IDS["company"]: "plain_text_input",
        BLOCK_IDS["role"]: "plain_text_input",
        BLOCK_IDS["happened_at"]: "datetimepicker",
        BLOCK_IDS["length_minutes"]: "static_select",
        BLOCK_IDS["format"]: "static_select",
        BLOCK_IDS["flags"]: "checkboxes",
        BLOCK_IDS["interviewers"]: "plain_text_input",
        BLOCK_IDS["hiring_manager"]: "plain_text_input",
        BLOCK_IDS["employer_timeline"]: "datepicker",
    }
    formats = [o["value"] for o in _input(view, "format")["element"]["options"]]
    assert formats == ["phone_screen", "video", "in_person"]
    flags = [o["value"] for o in _input(view, "flags")["element"]["options"]]
    assert flags == ["traditional", "direct_contact_ok"]


def test_help_and_empty_and_unknown_answer_with_usage_only_to_the_person(
    running: RunningBot,
) -> None:
    for text in ("", "help", "   "):
        reply = running.slack.slash_command(text, DANA)
        assert reply.status == 200
        body = reply.json()
        assert "/interview logged [company]" in body["text"]
        assert body["response_type"] == "ephemeral"

    reply = running.slack.slash_command("frobnicate <!channel> now", DANA)
    text = reply.json()["text"]
    assert "I don't know `frobnicate`" in text
    assert "/interview logged [company]" in text
    assert running.standin.calls_to("views.open") == []


def test_unknown_word_with_mrkdwn_is_echoed_escaped_once(running: RunningBot) -> None:
    # Slack escapes &, < and > in command text: the person typed `<!channel>`.
    text = running.slack.slash_command("&lt;!channel&gt;", DANA).json()["text"]
    assert "`&lt;!channel&gt;`" in text
    assert "<!channel>" not in text
    assert "&amp;lt;" not in text


def test_a_backtick_in_an_unknown_word_cannot_break_out_of_the_code_span(
    running: RunningBot,
) -> None:
    text = running.slack.slash_command("a`*b*`c", DANA).json()["text"]
    assert "I don't know `a'*b*'c`" in text


def test_an_unknown_word_is_echoed_without_its_invisible_or_bidi_characters(
    running: RunningBot,
) -> None:
    # A right-to-left override would turn the rest of the reply around; a zero-width space
    # hides in it. Only the person who typed it sees the reply, but it reads as theirs.
    text = running.slack.slash_command("\u202epleh\u200b", DANA).json()["text"]
    assert "I don't know `pleh`" in text
    assert "\u202e" not in text and "\u200b" not in text
    text = running.slack.slash_command("\u202e\u2066", DANA).json()["text"]
    assert text.startswith("I don't know that command.")
    assert "/interview logged [company]" in text


def test_company_in_the_command_is_prefilled_as_typed_not_as_slack_escaped_it(
    running: RunningBot,
) -> None:
    running.slack.slash_command("logged AT&amp;T &lt;Labs&gt;", DANA)
    view = running.standin.wait_for("views.open")[0].params["view"]
    assert _input(view, "company")["element"]["initial_value"] == "AT&T <Labs>"


def test_list_with_no_interviews_says_how_to_log_one(running: RunningBot) -> None:
    text = running.slack.slash_command("list", DANA).json()["text"]
    assert "No interviews in progress" in text
    assert "/interview logged" in text


def test_expired_trigger_tells_the_person_and_stores_nothing(running: RunningBot) -> None:
    trigger_id = "999.1234567890.expired"
    running.standin.expire_trigger(trigger_id)

    reply = running.slack.slash_command("logged Acme", DANA, trigger_id=trigger_id)

    assert reply.status == 200
    message = running.standin.wait_for("response_url")[0].params
    assert "couldn't open the form" in message["text"]
    assert "expired_trigger_id" in message["text"]
    assert message.get("response_type") == "ephemeral"
    with running.db.transaction() as session:
        assert session.scalars(select(Interview)).all() == []


def test_rate_limited_views_open_is_retried_once_and_opens_one_modal(
    running: RunningBot,
) -> None:
    running.standin.fail_next("views.open", "ratelimited", retry_after=1)

    running.slack.slash_command("logged Acme", DANA)

    opened = running.standin.wait_for("views.open")
    attempts = running.standin.calls_to("views.open", include_failed=True)
    assert len(opened) == 1
    assert [c.error for c in attempts] == ["ratelimited", None]


def test_a_long_rate_limit_is_not_sat_through_and_the_person_is_told(
    running: RunningBot,
) -> None:
    # Waiting 30 s would outlive the trigger id; say so at once instead.
    running.standin.fail_next("views.open", "ratelimited", retry_after=30)

    running.slack.slash_command("logged Acme", DANA)

    message = running.standin.wait_for("response_url")[0].params
    running.idle()
    assert "couldn't open the form" in message["text"]
    assert "ratelimited" in message["text"]
    assert len(running.standin.calls_to("views.open", include_failed=True)) == 1


def test_ack_payload_is_json_for_usage(running: RunningBot) -> None:
    reply = running.slack.slash_command("help", DANA)
    assert reply.headers.get("Content-Type", "").startswith("application/json")
    json.loads(reply.body)


def test_list_says_what_the_coach_sends_next_about_each_interview(running: RunningBot) -> None:
    view = running.open_log_modal("logged Acme Corp")
    submit(running, view, happened_at=int(running.clock.now().timestamp()) - 3 * 3600 - 60)

    text = running.slack.slash_command("list", DANA).json()["text"]

    # Logged over three hours on, "get some distance" is past: the reflection comes next.
    assert "Acme Corp" in text
    assert "next from me: two questions on how it went" in text


def test_a_new_time_zone_replans_by_the_configured_playbook(
    standin: SlackStandIn, clock: FixedClock, db: Database, tmp_path: Path
) -> None:
    # PLAYBOOK_PATH moves follow-ups to 15:00 local; the built-in playbook says 10:00.
    path = write(tmp_path, edited("follow_up_hour = 10", "follow_up_hour = 15"))
    bot = start_bot(standin, clock, db, playbook_path=str(path))
    try:
        submit(bot, bot.open_log_modal("logged Acme Corp"))
        assert _follow_up_local_hour(bot, LA) == 15

        # Dana moves to Berlin; the next command tells the bot her new zone.
        standin.add_user(DANA.user_id, tz="Europe/Berlin", name=DANA.name)
        bot.open_log_modal("logged")

        with db.transaction() as session:
            assert session.scalars(select(SlackUser.tz)).one() == "Europe/Berlin"
        assert _follow_up_local_hour(bot, ZoneInfo("Europe/Berlin")) == 15
    finally:
        bot.idle()
        bot.server.stop()


def _follow_up_local_hour(running: RunningBot, zone: ZoneInfo) -> int:
    with running.db.transaction() as session:
        due = session.scalars(
            select(Nudge.due_at).where(
                Nudge.kind == NudgeKind.FOLLOW_UP, Nudge.status == NudgeStatus.PENDING
            )
        ).one()
    return due.astimezone(zone).hour
