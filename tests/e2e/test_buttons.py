"""Pressing the controls on delivered nudges, over signed HTTP: recorded once, shown in place,
refused for anyone but the owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SlackPerson, SlackReply
from sqlalchemy import select

from bot.clock import FixedClock
from bot.dispatch.dispatcher import Dispatcher
from bot.rules.domain import ContactKind, InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.playbook import default_playbook
from bot.store.db import Database
from bot.store.models import ContactLog, Interview, Nudge
from bot.ui.messages import NOT_YOURS, PRESS_FAILED, STALE_BUTTON, UNKNOWN_NUDGE
from bot.ui.nudges import EMAIL_SENT
from bot.ui.text import local_time_fallback
from tests.e2e.test_log_submission import submit
from tests.harness import DANA, SAM, RunningBot, start_bot

LA = ZoneInfo("America/Los_Angeles")


# -- helpers shared with test_reflection_answers -----------------------------------------------


def log_interview(running: RunningBot, **changes: Any) -> int:
    reply = submit(running, running.open_log_modal("logged Acme Corp"), **changes)
    assert reply.body == "", reply.body
    with running.db.transaction() as session:
        return max(session.scalars(select(Interview.id)))


def dispatch(running: RunningBot, at: datetime | None = None) -> None:
    """Deliver every nudge due at `at` (the clock moves there) the way the bot's job does."""
    if at is not None:
        running.clock.set(at.astimezone(UTC))
    services = running.bot.services
    dispatcher = Dispatcher(
        running.db, running.clock, services.clients, services.playbook, "test-worker"
    )
    for _ in range(30):
        if dispatcher.run_once().claimed == 0:
            return
        running.clock.advance(timedelta(seconds=2))  # past the one-a-second pacing per person
    raise AssertionError("the dispatcher kept finding due nudges")


def deliver(running: RunningBot, kind: NudgeKind) -> tuple[str, dict[str, Any]]:
    """Move the clock to when the pending nudge of `kind` is due, deliver, return its message."""
    dispatch(running, pending_due(running, kind))
    return sent_message(running, kind)


def sent_message(running: RunningBot, kind: NudgeKind) -> tuple[str, dict[str, Any]]:
    """The channel and the message (as Slack now shows it) of the latest sent nudge of `kind`."""
    with running.db.transaction() as session:
        row = session.scalars(
            select(Nudge)
            .where(Nudge.kind == kind, Nudge.status == NudgeStatus.SENT)
            .order_by(Nudge.id.desc())
        ).first()
        assert row is not None, f"no {kind} nudge was sent"
        channel, ts = str(row.channel_id), str(row.message_ts)
    [message] = [m for m in running.standin.messages(channel) if m["ts"] == ts]
    return channel, message


def find_control(message: dict[str, Any], label: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            shown = element.get("text") or element.get("placeholder") or {}
            if shown.get("text") == label:
                return block, element
    raise AssertionError(f"no control {label!r} in {[b['type'] for b in message['blocks']]}")


def press(
    running: RunningBot,
    channel: str,
    message: dict[str, Any],
    label: str,
    option: str | None = None,
    person: SlackPerson = DANA,
    value: str | None = None,
    **kwargs: Any,
) -> SlackReply:
    """Press a control on a message as Slack sends it: the button's value, or the option."""
    block, element = find_control(message, label)
    action: dict[str, Any] = {"action_id": element["action_id"], "block_id": block["block_id"]}
    if element["type"] == "button":
        action |= {"type": "button", "text": element["text"], "value": value or element["value"]}
    else:
        chosen = next(o for o in element["options"] if o["value"] == option)
        action |= {"type": element["type"], "selected_option": chosen}
    container = {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": channel,
        "is_ephemeral": False,
    }
    reply = running.slack.block_action(
        action, person=person, container=container, message=message, **kwargs
    )
    running.idle()
    assert reply.status == 200, reply
    return reply


def shown_text(message: dict[str, Any]) -> str:
    texts = []
    for block in message["blocks"]:
        if block["type"] in ("section", "context"):
            parts = [block["text"]] if block["type"] == "section" else block["elements"]
            texts += [part.get("text", "") for part in parts]
    return "\n".join(texts)


def labels(message: dict[str, Any]) -> list[str]:
    return [
        (e.get("text") or e.get("placeholder"))["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def contacts(running: RunningBot, kind: ContactKind | None = None) -> list[ContactLog]:
    with running.db.transaction() as session:
        query = select(ContactLog).order_by(ContactLog.id)
        if kind is not None:
            query = query.where(ContactLog.kind == kind)
        return list(session.scalars(query))


def nudges(running: RunningBot) -> list[Nudge]:
    with running.db.transaction() as session:
        return list(session.scalars(select(Nudge).order_by(Nudge.id)))


def pending_due(running: RunningBot, kind: NudgeKind) -> datetime:
    [due] = [
        n.due_at for n in nudges(running) if n.kind is kind and n.status is NudgeStatus.PENDING
    ]
    return due


def ephemerals(running: RunningBot) -> list[dict[str, Any]]:
    return [c.params for c in running.standin.calls_to("response_url")]


def current(running: RunningBot, channel: str, ts: str) -> dict[str, Any]:
    [message] = [m for m in running.standin.messages(channel) if m["ts"] == ts]
    return message


# -- the thank-you note -----------------------------------------------------------------------


def test_email_sent_is_recorded_and_the_message_updated_in_place(running: RunningBot) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)
    assert labels(message) == ["Email sent", "Card mailed", "Skip", "Draft"]
    running.clock.advance(timedelta(minutes=20))

    press(running, channel, message, "Email sent")

    [email] = contacts(running, ContactKind.THANK_YOU_EMAIL)
    assert email.occurred_at == running.clock.now()
    [update] = running.standin.calls_to("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (channel, message["ts"])
    after = current(running, channel, message["ts"])
    assert "✓ Email sent: recorded <!date^" in shown_text(after)
    assert local_time_fallback(running.clock.now(), LA) in shown_text(after)
    # The card is still to go: its button stays, the others are done with.
    assert labels(after) == ["Card mailed", "Draft"]
    assert ephemerals(running) == []


def test_card_mailed_after_email_sent_keeps_both_lines(running: RunningBot) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)
    press(running, channel, message, "Email sent")

    press(running, channel, current(running, channel, message["ts"]), "Card mailed")

    after = current(running, channel, message["ts"])
    assert "✓ Email sent: recorded" in shown_text(after)
    assert "✓ Card mailed: recorded" in shown_text(after)
    assert labels(after) == []
    assert [c.kind for c in contacts(running)] == [
        ContactKind.THANK_YOU_EMAIL,
        ContactKind.THANK_YOU_CARD,
    ]
    # Nothing left to remind about the card.
    assert all(
        n.status is NudgeStatus.CANCELLED for n in nudges(running) if n.kind is NudgeKind.CARD
    )


def test_two_presses_racing_on_one_message_both_stay_on_it(running: RunningBot) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)

    # Both payloads carry the message as it was before either press.
    press(running, channel, message, "Email sent")
    press(running, channel, message, "Card mailed")

    after = current(running, channel, message["ts"])
    assert "✓ Email sent: recorded" in shown_text(after)
    assert "✓ Card mailed: recorded" in shown_text(after)
    assert labels(after) == []
    assert "Card mailed: recorded" in after["text"]


def test_a_recorded_press_whose_message_cannot_be_updated_is_confirmed_to_the_presser(
    running: RunningBot,
) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)
    running.standin.fail_next("chat.update", "message_not_found")

    press(running, channel, message, "Email sent")

    assert len(contacts(running, ContactKind.THANK_YOU_EMAIL)) == 1
    [told] = ephemerals(running)
    assert told["text"].startswith("✓ Email sent: recorded <!date^")
    assert local_time_fallback(running.clock.now(), LA) in told["text"]
    assert current(running, channel, message["ts"]) == message


def test_a_recorded_press_from_a_payload_without_its_message_is_confirmed_to_the_presser(
    running: RunningBot,
) -> None:
    log_interview(running)
    _, message = deliver(running, NudgeKind.THANK_YOU)
    block, button = find_control(message, "Email sent")
    action = {
        "action_id": button["action_id"],
        "block_id": block["block_id"],
        "type": "button",
        "value": button["value"],
    }

    reply = running.slack.block_action(action, person=DANA, container={"type": "message"})
    running.idle()

    assert reply.status == 200
    assert len(contacts(running, ContactKind.THANK_YOU_EMAIL)) == 1
    assert [e["text"][: len("✓ Email sent: recorded")] for e in ephemerals(running)] == [
        "✓ Email sent: recorded"
    ]
    assert running.standin.calls_to("chat.update") == []


def test_a_video_interview_gets_no_card_button(running: RunningBot) -> None:
    log_interview(running, format="video", flags=[])
    _, message = deliver(running, NudgeKind.THANK_YOU)
    assert labels(message) == ["Email sent", "Skip", "Draft"]
    assert not [n for n in nudges(running) if n.kind is NudgeKind.CARD]


def test_a_double_click_and_a_retried_delivery_record_once(running: RunningBot) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)

    press(running, channel, message, "Email sent")
    running.clock.advance(timedelta(seconds=1))
    press(running, channel, message, "Email sent")
    press(
        running,
        channel,
        message,
        "Email sent",
        extra_headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )

    assert len(contacts(running, ContactKind.THANK_YOU_EMAIL)) == 1
    updates = running.standin.calls_to("chat.update")
    assert len(updates) == 3
    # Every update says the same thing: recorded at the first press's time.
    assert len({str(u.params["blocks"]) for u in updates}) == 1


def test_someone_else_pressing_is_politely_refused_and_nothing_changes(
    running: RunningBot,
) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)
    before = nudges(running)

    press(running, channel, message, "Email sent", person=SAM)

    [refusal] = ephemerals(running)
    assert refusal["text"] == NOT_YOURS
    assert refusal["response_type"] == "ephemeral"
    assert refusal["replace_original"] is False
    assert running.standin.calls_to("chat.update") == []
    assert current(running, channel, message["ts"]) == message
    assert contacts(running) == []
    assert [(n.id, n.status, n.due_at) for n in nudges(running)] == [
        (n.id, n.status, n.due_at) for n in before
    ]


def test_a_forged_nudge_id_gets_an_explanation(running: RunningBot) -> None:
    log_interview(running)
    channel, message = deliver(running, NudgeKind.THANK_YOU)

    press(running, channel, message, "Email sent", value="987654")
    press(running, channel, message, "Email sent", value="not-a-number")

    assert [e["text"] for e in ephemerals(running)] == [UNKNOWN_NUDGE, UNKNOWN_NUDGE]
    assert running.standin.calls_to("chat.update") == []
    assert contacts(running) == []


# -- follow-ups -------------------------------------------------------------------------------


def delivered_follow_up(running: RunningBot, **changes: Any) -> tuple[str, dict[str, Any]]:
    log_interview(running, **changes)
    channel, message = deliver(running, NudgeKind.THANK_YOU)
    press(running, channel, message, "Email sent")
    return deliver(running, NudgeKind.FOLLOW_UP)


def test_the_follow_up_arrives_with_its_questions_and_controls(running: RunningBot) -> None:
    _, message = delivered_follow_up(running)
    playbook = default_playbook()
    for question in playbook.questions.call_questions:
        assert question in shown_text(message)
    assert playbook.texts.caution in shown_text(message)
    # No direct permission: one follow-up, then the check-in asks; no "of at most 5".
    assert "Follow-up 1 · Interview:" in shown_text(message)
    assert "of at most" not in shown_text(message)
    assert labels(message) == [
        "Follow-up sent",
        "Snooze",
        "Heard back",
        "Stop reminders",
        "Draft",
        "They gave a new timeline…",
    ]


def test_follow_up_sent_is_recorded_and_plans_nothing_more_eager(running: RunningBot) -> None:
    channel, message = delivered_follow_up(running)

    press(running, channel, message, "Follow-up sent")

    assert len(contacts(running, ContactKind.FOLLOW_UP)) == 1
    after = current(running, channel, message["ts"])
    assert "✓ Follow-up sent: recorded" in shown_text(after)
    assert labels(after) == ["Heard back", "Stop reminders", "Draft", "They gave a new timeline…"]


def test_heard_back_offer_closes_the_interview_and_cancels_pending_nudges(
    running: RunningBot,
) -> None:
    channel, message = delivered_follow_up(running, flags=["traditional", "direct_contact_ok"])
    pending = [n for n in nudges(running) if n.status is NudgeStatus.PENDING]
    assert pending, "a weekly follow-up should be waiting"

    press(running, channel, message, "Heard back", option="offer")

    with running.db.transaction() as session:
        interview = session.scalars(select(Interview)).one()
        assert (interview.status, interview.outcome) == (InterviewStatus.CLOSED, Outcome.OFFER)
    assert not [n for n in nudges(running) if n.status is NudgeStatus.PENDING]
    after = current(running, channel, message["ts"])
    assert "Heard back: offer. Congratulations — no more reminders" in shown_text(after)
    assert labels(after) == ["Reopen"]  # for a day (tests/e2e/test_outcomes.py)
    # Nothing more is delivered for it, whatever the time.
    posts = len(running.standin.calls_to("chat.postMessage"))
    dispatch(running, running.clock.now() + timedelta(days=14))
    assert len(running.standin.calls_to("chat.postMessage")) == posts


def test_a_snooze_ending_on_a_day_off_promises_the_planners_time(running: RunningBot) -> None:
    """Three days from a Wednesday or Thursday end on a weekend: the reminder waits for the
    next working morning, and the message says so, not "now + 3 days"."""
    channel, message = delivered_follow_up(running)
    # Pressed on the Thursday after it arrived, at the same hour: back on Sunday by the
    # calendar, so Monday morning by the planner.
    local = running.clock.now().astimezone(LA)
    running.clock.advance(timedelta(days=(3 - local.weekday()) % 7 or 7))
    pressed_at = running.clock.now()

    press(running, channel, message, "Snooze", option="3")

    [reminder] = [n for n in nudges(running) if n.kind is NudgeKind.REMINDER]
    shown = shown_text(current(running, channel, message["ts"]))
    naive = pressed_at + timedelta(days=3)
    assert reminder.due_at != naive, "the case needs a snooze that ends on a day off"
    assert naive.astimezone(LA).weekday() >= 5
    assert f"I'll bring it back <!date^{int(reminder.due_at.timestamp())}^" in shown
    assert f"<!date^{int(naive.timestamp())}^" not in shown
    assert reminder.due_at.astimezone(LA).weekday() == 0


def test_snooze_brings_the_follow_up_back_at_the_right_local_time(running: RunningBot) -> None:
    channel, message = delivered_follow_up(running)
    pressed_at = running.clock.now()

    press(running, channel, message, "Snooze", option="1")

    [snooze] = contacts(running, ContactKind.SNOOZED)
    assert snooze.until == pressed_at + timedelta(days=1)
    [reminder] = [n for n in nudges(running) if n.kind is NudgeKind.REMINDER]
    assert reminder.status is NudgeStatus.PENDING
    # Back the next day, within Dana's waking hours in Los Angeles.
    assert snooze.until <= reminder.due_at < snooze.until + timedelta(days=1)
    assert 8 <= reminder.due_at.astimezone(LA).hour < 20
    after = current(running, channel, message["ts"])
    # The time promised is the one the planner scheduled.
    assert f"Snoozed: I'll bring it back <!date^{int(reminder.due_at.timestamp())}^" in (
        shown_text(after)
    )
    assert local_time_fallback(reminder.due_at, LA) in shown_text(after)
    assert labels(after) == [
        "Follow-up sent",
        "Heard back",
        "Stop reminders",
        "Draft",
        "They gave a new timeline…",
    ]

    dispatch(running, reminder.due_at)

    _, brought_back = sent_message(running, NudgeKind.REMINDER)
    assert default_playbook().texts.reminder in shown_text(brought_back)
    assert labels(brought_back) == [
        "Follow-up sent",
        "Snooze",
        "Heard back",
        "Stop reminders",
        "Show the call questions",
        "Draft",
        "They gave a new timeline…",
    ]


def test_stop_reminders_ends_the_interview_for_good(running: RunningBot) -> None:
    channel, message = delivered_follow_up(running, flags=["traditional", "direct_contact_ok"])
    _, stop = find_control(message, "Stop reminders")
    assert stop["confirm"]["confirm"]["text"] == "Stop reminders"

    press(running, channel, message, "Stop reminders")

    with running.db.transaction() as session:
        interview = session.scalars(select(Interview)).one()
        assert (interview.status, interview.outcome) == (InterviewStatus.CLOSED, Outcome.STOPPED)
    assert not [n for n in nudges(running) if n.status is NudgeStatus.PENDING]
    after = current(running, channel, message["ts"])
    assert "Reminders stopped for this interview." in shown_text(after)
    assert labels(after) == ["Reopen"]  # for a day (tests/e2e/test_outcomes.py)

    # A press on the old message afterwards says it is closed, and changes nothing.
    press(running, channel, message, "Follow-up sent")
    assert contacts(running, ContactKind.FOLLOW_UP) == []
    [closed] = ephemerals(running)
    assert (
        closed["text"] == "This interview is closed (reminders stopped): no more reminders for it."
    )
    again = current(running, channel, message["ts"])
    assert "Reminders stopped for this interview." in shown_text(again)
    assert "✓ Follow-up sent" not in shown_text(again)
    assert labels(again) == ["Reopen"]


def test_a_press_on_an_older_message_of_a_closed_interview_says_it_is_closed(
    running: RunningBot,
) -> None:
    channel, follow_up = delivered_follow_up(running)
    thank_you_channel, thank_you = sent_message(running, NudgeKind.THANK_YOU)
    press(running, channel, follow_up, "Stop reminders")

    press(running, thank_you_channel, thank_you, "Card mailed")

    assert contacts(running, ContactKind.THANK_YOU_CARD) == []
    after = current(running, thank_you_channel, thank_you["ts"])
    # The thank-you message offers no "Stop": it shows what it recorded, then why it is over.
    assert shown_text(after).endswith(
        "This interview is closed (reminders stopped): no more reminders for it."
    )
    assert "✓ Email sent: recorded" in shown_text(after)
    assert labels(after) == []


def test_keep_going_on_the_check_in_brings_weekly_follow_ups(running: RunningBot) -> None:
    channel, message = delivered_follow_up(running)
    press(running, channel, message, "Follow-up sent")
    channel, check_in = deliver(running, NudgeKind.CHECK_IN)
    assert labels(check_in) == [
        "Heard back",
        "Keep going",
        "Stop reminders",
        "They gave a new timeline…",
    ]

    press(running, channel, check_in, "Keep going")

    assert len(contacts(running, ContactKind.KEPT_GOING)) == 1
    after = current(running, channel, check_in["ts"])
    assert "✓ Keep going: I'll remind you weekly" in shown_text(after)
    assert labels(after) == ["Heard back", "Stop reminders", "They gave a new timeline…"]
    assert [
        n.sequence
        for n in nudges(running)
        if n.kind is NudgeKind.FOLLOW_UP and n.status is NudgeStatus.PENDING
    ] == [2]


def test_with_the_database_down_a_press_asks_to_try_again(
    standin: SlackStandIn, clock: FixedClock, tmp_path, postgres_url
) -> None:
    unreachable = (
        "postgresql+psycopg://nobody@127.0.0.1:1/none"
        if postgres_url
        else f"sqlite:///{tmp_path / 'missing-dir' / 'coach.db'}"
    )
    bot = start_bot(standin, clock, Database(unreachable))
    try:
        container = {"type": "message", "message_ts": "1.2", "channel_id": "D0456EFGH"}
        message = {"ts": "1.2", "blocks": [], "text": "Send a thank-you note"}
        action = {"action_id": EMAIL_SENT, "block_id": "nudge:1", "value": "1"}
        reply = bot.slack.block_action(action, container=container, message=message)
        bot.idle()
        assert reply.status == 200
        assert [c.params["text"] for c in standin.calls_to("response_url")] == [PRESS_FAILED]
        assert standin.calls_to("chat.update") == []
    finally:
        bot.idle()
        bot.server.stop()


# -- buttons and views this version does not know ----------------------------------------------


def test_a_button_from_an_older_version_gets_200_and_a_short_note(running: RunningBot) -> None:
    # A DM sent before a rename still carries the old action id.
    container = {"type": "message", "message_ts": "1.2", "channel_id": "D0456EFGH"}
    message = {"ts": "1.2", "blocks": [], "text": "Send a thank-you note"}
    action = {"action_id": "nudge_thank_you_sent", "block_id": "nudge:1", "value": "1"}

    reply = running.slack.block_action(action, container=container, message=message)
    running.idle()

    # Bolt's own answer would be 404, which Slack shows the person as an error.
    assert reply.status == 200
    assert [e["text"] for e in ephemerals(running)] == [STALE_BUTTON]
    assert all(e["response_type"] == "ephemeral" for e in ephemerals(running))
    assert running.standin.calls_to("chat.update") == []
    assert contacts(running) == []
