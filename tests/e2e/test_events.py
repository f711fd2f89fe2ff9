"""Events API deliveries, sent as Slack sends them: the captured envelopes, signed, over HTTP."""

from __future__ import annotations

import json

import pytest
from coach_devkit.slack_standin.signed_sender import SlackPerson, SlackReply, fill_view_state
from sqlalchemy import select

from bot.rules.domain import NudgeStatus
from bot.store.models import EventReceipt, Interview, Nudge, SlackUser
from bot.ui.home import DELETE_MY_DATA, EXPORT_MY_DATA, OPEN_LOG_MODAL, OPEN_SETTINGS
from bot.ui.log_modal import BLOCK_IDS, CALLBACK_ID
from bot.ui.messages import DM_HELP
from tests.harness import DANA, SAM, RunningBot, fixture_json

DM_CHANNEL = "D0DM12345"  # the channel the captured DM events happened in
OTHER_TEAM = SlackPerson(user_id=DANA.user_id, team_id="T0999ZZZZ", name="dana")


def _deliver(running: RunningBot, body: dict, **kwargs) -> SlackReply:
    return running.slack.post(json.dumps(body), "application/json", **kwargs)


def _with_event_id(body: dict, event_id: str) -> dict:
    """The same event as a new delivery: Slack gives every event its own id."""
    return {**body, "event_id": event_id}


def _receipts(running: RunningBot) -> list[str]:
    with running.db.transaction() as session:
        return list(session.scalars(select(EventReceipt.event_id)))


def _people(running: RunningBot) -> dict[tuple[str, str], bool]:
    with running.db.transaction() as session:
        rows = session.scalars(select(SlackUser)).all()
        return {(p.team_id, p.user_id): p.deactivated_at is not None for p in rows}


def _meet(running: RunningBot, *people: SlackPerson) -> None:
    """Each person runs a slash command, so the bot stores them as it does in real use."""
    for person in people:
        assert running.slack.slash_command("logged Acme", person).status == 200
    running.idle()


def _buttons(view: dict) -> list[tuple[dict, dict]]:
    return [
        (block, element)
        for block in view["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["type"] == "button"
    ]


def _log_interview(running: RunningBot, company: str) -> None:
    view = running.open_log_modal("logged")
    answers = {
        BLOCK_IDS["company"]: company,
        BLOCK_IDS["happened_at"]: int(running.clock.now().timestamp()) - 3600,
        BLOCK_IDS["format"]: "in_person",
    }
    reply = running.slack.view_submission(view, fill_view_state(view, answers))
    assert reply.status == 200, reply
    assert reply.body == ""  # no field errors: the modal closes
    running.idle()


# -- the handshake ---------------------------------------------------------------------------


def test_url_verification_is_answered_with_its_challenge(running: RunningBot) -> None:
    body = fixture_json("url_verification.json")

    reply = _deliver(running, body)

    assert reply.status == 200
    assert reply.json()["challenge"] == body["challenge"]


# -- message.im --------------------------------------------------------------------------------


def test_a_person_writing_in_the_dm_gets_one_helpful_reply(running: RunningBot) -> None:
    reply = _deliver(running, fixture_json("event_message_im.json"))
    running.idle()

    assert reply.status == 200
    posts = running.standin.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].params["channel"] == DM_CHANNEL
    assert "/interview logged" in posts[0].params["text"]
    assert [m["text"] for m in running.standin.messages(DM_CHANNEL)] == [DM_HELP]


def test_a_redelivered_dm_event_is_acknowledged_and_not_answered_twice(
    running: RunningBot,
) -> None:
    body = fixture_json("event_message_im.json")
    assert _deliver(running, body).status == 200
    running.idle()

    retry = _deliver(
        running,
        body,
        extra_headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    running.idle()

    assert retry.status == 200
    assert len(running.standin.calls_to("chat.postMessage")) == 1
    assert _receipts(running) == [body["event_id"]]


def test_the_same_text_in_a_new_event_is_answered_again(running: RunningBot) -> None:
    # Deduplication is by event id: a person writing twice is two events, two replies.
    body = fixture_json("event_message_im.json")
    _deliver(running, body)
    _deliver(running, _with_event_id(body, "Ev0EVENT101"))
    running.idle()

    assert len(running.standin.calls_to("chat.postMessage")) == 2
    assert sorted(_receipts(running)) == sorted([body["event_id"], "Ev0EVENT101"])


@pytest.mark.parametrize(
    "fixture", ["event_message_im_from_bot.json", "event_message_im_edited.json"]
)
def test_the_bots_own_echo_and_edits_are_acknowledged_and_ignored(
    running: RunningBot, fixture: str
) -> None:
    reply = _deliver(running, fixture_json(fixture))
    running.idle()

    # A 404 here would make Slack retry the event again and again.
    assert reply.status == 200
    assert running.standin.calls_to("chat.postMessage") == []


def test_a_person_writing_in_a_thread_gets_the_help_in_that_thread(
    running: RunningBot,
) -> None:
    body = fixture_json("event_message_im_thread_reply.json")
    reply = _deliver(running, body)
    running.idle()

    assert reply.status == 200
    posts = running.standin.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert posts[0].params["channel"] == DM_CHANNEL
    assert posts[0].params["thread_ts"] == body["event"]["thread_ts"]
    assert posts[0].params["text"] == DM_HELP


# -- app_home_opened ---------------------------------------------------------------------------


def test_home_opened_publishes_the_home_view_with_a_log_button(running: RunningBot) -> None:
    reply = _deliver(running, fixture_json("event_app_home_opened.json"))
    running.idle()

    assert reply.status == 200
    publish = running.standin.wait_for("views.publish")[0]
    assert publish.params["user_id"] == DANA.user_id
    view = publish.params["view"]
    assert view["type"] == "home"
    buttons = {button["action_id"]: button["text"]["text"] for _, button in _buttons(view)}
    # Log, the person's settings (pausing is a date picker beside it), and their data.
    assert buttons == {
        OPEN_LOG_MODAL: "Log an interview",
        OPEN_SETTINGS: "Settings",
        EXPORT_MY_DATA: "Export my data",
        DELETE_MY_DATA: "Delete my data",
    }
    assert "No interviews in progress yet" in json.dumps(view)
    assert running.standin.home_view(DANA.user_id) is not None


def test_home_lists_the_persons_interviews_with_their_text_escaped(running: RunningBot) -> None:
    _log_interview(running, "<!channel> Corp")
    with running.db.transaction() as session:
        assert session.scalars(select(Interview.company)).all() == ["<!channel> Corp"]

    _deliver(running, fixture_json("event_app_home_opened.json"))
    running.idle()

    view = running.standin.wait_for("views.publish")[-1].params["view"]
    # The name heads its entry as plain text, which Slack never parses: shown as typed.
    headers = [b["text"] for b in view["blocks"] if b["type"] == "header"]
    assert {"type": "plain_text", "text": "<!channel> Corp"} in headers
    # Everything in mrkdwn is escaped: no raw mention reaches a section.
    sections = json.dumps([b for b in view["blocks"] if b["type"] != "header"])
    assert "<!channel>" not in sections
    assert "No interviews in progress yet" not in json.dumps(view)


def test_home_shows_only_the_persons_own_interviews(running: RunningBot) -> None:
    _log_interview(running, "Dana's Company")

    sam_opens_home = fixture_json("event_app_home_opened.json")
    sam_opens_home["event"] = {**sam_opens_home["event"], "user": SAM.user_id}
    _deliver(running, sam_opens_home)
    running.idle()

    publish = running.standin.wait_for("views.publish")[-1]
    assert publish.params["user_id"] == SAM.user_id
    assert "Dana's Company" not in json.dumps(publish.params["view"])
    assert "No interviews in progress yet" in json.dumps(publish.params["view"])


def test_the_home_button_opens_the_log_modal(running: RunningBot) -> None:
    _deliver(running, fixture_json("event_app_home_opened.json"))
    running.idle()
    home = running.standin.home_view(DANA.user_id)
    assert home is not None
    [(block, button)] = [b for b in _buttons(home) if b[1]["action_id"] == OPEN_LOG_MODAL]

    reply = running.slack.block_action(
        {
            "action_id": button["action_id"],
            "block_id": block.get("block_id", "home_actions"),
            "text": button["text"],
        },
        view=home,
    )

    running.idle()

    assert reply.status == 200
    opened = running.standin.wait_for("views.open")[0].params["view"]
    assert opened["type"] == "modal"
    assert opened["callback_id"] == CALLBACK_ID


# -- app_uninstalled / tokens_revoked ---------------------------------------------------------


@pytest.mark.parametrize("fixture", ["event_app_uninstalled.json", "event_tokens_revoked.json"])
def test_removing_the_app_stops_coaching_everyone_in_that_workspace_only(
    running: RunningBot, fixture: str
) -> None:
    _meet(running, DANA, SAM, OTHER_TEAM)
    assert set(_people(running).values()) == {False}

    reply = _deliver(running, fixture_json(fixture))
    running.idle()

    assert reply.status == 200
    assert _people(running) == {
        (DANA.team_id, DANA.user_id): True,
        (SAM.team_id, SAM.user_id): True,
        (OTHER_TEAM.team_id, OTHER_TEAM.user_id): False,
    }


def test_revoking_only_user_tokens_stops_nobody(running: RunningBot) -> None:
    _meet(running, DANA, SAM)
    body = fixture_json("event_tokens_revoked.json")
    body["event"] = {"type": "tokens_revoked", "tokens": {"oauth": [DANA.user_id]}}

    reply = _deliver(running, _with_event_id(body, "Ev0EVENT107"))
    running.idle()

    assert reply.status == 200
    assert set(_people(running).values()) == {False}


# -- every subscribed event is acknowledged ---------------------------------------------------


@pytest.mark.parametrize(
    "fixture",
    [
        "event_message_im.json",
        "event_message_im_thread_reply.json",
        "event_message_im_from_bot.json",
        "event_message_im_edited.json",
        "event_app_home_opened.json",
        "event_app_uninstalled.json",
        "event_tokens_revoked.json",
        "event_user_change.json",
    ],
)
def test_every_subscribed_event_answers_200(running: RunningBot, fixture: str) -> None:
    reply = _deliver(running, fixture_json(fixture))
    running.idle()

    assert reply.status == 200


def test_home_says_what_the_coach_will_send_next_and_when(running: RunningBot) -> None:
    _log_interview(running, "Acme Corp")
    with running.db.transaction() as session:
        first_due = min(
            n.due_at for n in session.scalars(select(Nudge)) if n.status is NudgeStatus.PENDING
        )

    _deliver(running, fixture_json("event_app_home_opened.json"))
    running.idle()

    view = json.dumps(running.standin.wait_for("views.publish")[-1].params["view"])
    # "Get some distance" came inside the "Logged" DM: next are the reflection questions.
    assert "*Next from me:* two questions on how it went" in view
    assert f"<!date^{int(first_due.timestamp())}^" in view


# -- whatever no listener takes still gets its 200 ----------------------------------------------


def test_a_closed_modal_an_unknown_view_and_an_unsubscribed_event_all_get_200(
    running: RunningBot,
) -> None:
    view = {"id": "V0OLD00001", "type": "modal", "callback_id": "log_interview_v0", "blocks": []}
    base = {"user": DANA.as_payload_user(), "team": {"id": DANA.team_id}, "view": view}
    closed = running.slack.interaction({**base, "type": "view_closed", "is_cleared": False})
    submitted = running.slack.view_submission(view, {}, DANA)
    reaction = running.slack.event(
        {"type": "reaction_added", "user": DANA.user_id, "reaction": "tada", "item": {}}, DANA
    )
    running.idle()

    # Bolt's own answer is 404: Slack retries an event, and shows the person an error.
    assert [closed.status, submitted.status, reaction.status] == [200, 200, 200]
    assert submitted.body == ""  # the old modal just closes
    assert running.standin.calls == [c for c in running.standin.calls if c.method == "auth.test"]
