"""The "Logged" confirmation and "get some distance" as ONE DM when both are due now, over
signed HTTP to the real endpoint, the real dispatcher and the stand-in.

The distance nudge is claimed in the transaction that plans it, posted inside the
confirmation with the nudge's metadata and recorded as sent with that message, so the
dispatcher never sends it again; a refused post hands it back to the dispatcher.
"""

from __future__ import annotations

from typing import Any

from coach_devkit.slack_standin.signed_sender import fill_view_state
from sqlalchemy import select

from bot.dispatch.dispatcher import NUDGE_EVENT_TYPE, NUDGE_ID_KEY, Dispatcher
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.playbook import default_playbook
from bot.store.models import Nudge
from tests.e2e.test_buttons import dispatch
from tests.e2e.test_log_submission import DM, answers, submit
from tests.harness import DANA, RunningBot

TEXTS = default_playbook().texts


def distance_row(running: RunningBot) -> Nudge:
    with running.db.transaction() as session:
        row = session.scalars(select(Nudge).where(Nudge.kind == NudgeKind.DISTANCE)).one()
        session.expunge(row)
        return row


def shown(message: dict[str, Any]) -> str:
    return "\n".join(
        str((block.get("text") or {}).get("text", ""))
        + "".join(str(e.get("text", "")) for e in block.get("elements", []))
        for block in message["blocks"]
    )


def test_logging_an_interview_that_just_ended_gives_exactly_one_dm(running: RunningBot) -> None:
    # Ended an hour ago, face-to-face: "get some distance" is due at once.
    submit(running, running.open_log_modal("logged Acme Corp"))
    dispatch(running)  # the dispatcher's tick finds nothing left to send

    [post] = running.standin.calls_to("chat.postMessage")
    [message] = running.standin.messages(DM)
    assert post.params["channel"] == DM
    text = shown(message)
    assert "Logged: Acme Corp" in text
    assert TEXTS.distance in text  # "leave the building" after a face-to-face interview
    row = distance_row(running)
    assert row.status is NudgeStatus.SENT
    assert (row.channel_id, row.message_ts) == (DM, message["ts"])
    # The DM names the nudge, as every dispatcher post does.
    assert message["metadata"]["event_type"] == NUDGE_EVENT_TYPE
    assert message["metadata"]["event_payload"] == {NUDGE_ID_KEY: row.id}
    assert "Get some distance" in post.params["text"]  # the notification says so too


def test_after_a_video_call_the_one_dm_says_close_the_laptop(running: RunningBot) -> None:
    submit(running, running.open_log_modal("logged Globex"), company="Globex", format="video")
    dispatch(running)

    [message] = running.standin.messages(DM)
    assert TEXTS.distance_remote in shown(message)
    assert TEXTS.distance not in shown(message)


def test_an_interview_logged_long_after_gets_the_confirmation_alone(running: RunningBot) -> None:
    happened = int(running.clock.now().timestamp()) - 5 * 3600
    submit(running, running.open_log_modal(), happened_at=happened)

    [message] = running.standin.messages(DM)
    assert "Logged: Acme Corp" in shown(message)
    assert "Get some distance" not in shown(message)
    assert "metadata" not in message
    with running.db.transaction() as session:
        assert not session.scalars(select(Nudge).where(Nudge.kind == NudgeKind.DISTANCE)).all()


def test_the_dispatcher_cannot_take_the_distance_while_the_confirmation_is_posting(
    running: RunningBot,
) -> None:
    running.standin.hold("chat.postMessage")
    reply = submit_without_waiting(running)
    assert reply.status == 200
    running.standin.wait_until_held("chat.postMessage")
    services = running.bot.services
    dispatcher = Dispatcher(running.db, running.clock, services.clients, services.playbook, "w")

    assert dispatcher.run_once().claimed == 0  # the confirmation holds it

    running.standin.release("chat.postMessage")
    running.idle()
    dispatch(running)
    assert len(running.standin.messages(DM)) == 1
    assert distance_row(running).status is NudgeStatus.SENT


def test_a_refused_confirmation_hands_the_distance_back_to_the_dispatcher(
    running: RunningBot,
) -> None:
    # Slack fails the post and the client's own two retries: nothing reached the DM.
    running.standin.fail_next("chat.postMessage", "internal_error", status=500, times=3)
    submit(running, running.open_log_modal())
    assert running.standin.messages(DM) == []
    assert distance_row(running).status is NudgeStatus.PENDING

    dispatch(running)

    [message] = running.standin.messages(DM)
    assert TEXTS.distance in shown(message)
    assert "Logged:" not in shown(message)  # the advice alone, once
    assert distance_row(running).status is NudgeStatus.SENT


def submit_without_waiting(running: RunningBot) -> Any:
    """Submit the log form; the listener's post after the ack may still be running."""
    view = running.open_log_modal()
    return running.slack.view_submission(view, fill_view_state(view, answers(running)), DANA)
