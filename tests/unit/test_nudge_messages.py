"""The nudge messages and the Answer modal as pure renderings: what each kind says and offers,
how a press reads back, and hostile text. That Slack's limits accept them (posting to the
stand-in) is in tests/e2e/test_nudge_messages_in_slack.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from coach_devkit.slack_standin.signed_sender import fill_view_state

from bot.rules.domain import (
    ANSWER_MAX,
    InterviewStatus,
    NudgeKind,
    Outcome,
    ReflectionQuestion,
)
from bot.rules.playbook import Playbook, default_playbook
from bot.rules.view_models import Choice, Done, NudgeView
from bot.ui import nudges
from bot.ui.nudges import parse_id, parse_press, pressed_line, render_nudge
from bot.ui.nudges.ids import NEW_TIMELINE
from bot.ui.reflection_modal import (
    BLOCK_IDS,
    CALLBACK_ID,
    build_reflection_modal,
    nudge_id_of,
    read_answers,
)
from tests.nudge_views import (
    AT,
    HOSTILE,
    PLAYBOOK,
    all_text,
    controls,
    labels,
    mrkdwn_texts,
    nudge,
    summary,
    worst_case_views,
)

# -- each kind --------------------------------------------------------------------------------


def test_distance_names_the_interview_and_offers_no_controls() -> None:
    text, blocks = render_nudge(nudge(NudgeKind.DISTANCE), PLAYBOOK)
    assert "Acme Corp (Data Analyst)" in text
    assert PLAYBOOK.texts.distance_remote in all_text(blocks)  # a video call: no "building"
    assert "Acme Corp (Data Analyst)" in all_text(blocks)
    assert controls(blocks) == []


def test_reflection_asks_both_questions_numbered_with_an_answer_button() -> None:
    text, blocks = render_nudge(nudge(NudgeKind.REFLECTION), PLAYBOOK)
    assert "Acme Corp (Data Analyst)" in text
    shown = mrkdwn_texts(blocks)
    assert PLAYBOOK.texts.reflection_intro in shown
    assert f"*1.* {PLAYBOOK.questions.said_well}" in shown
    assert f"*2.* {PLAYBOOK.questions.to_clarify}" in shown
    [button] = controls(blocks)
    assert (button["action_id"], button["value"], button["text"]["text"]) == (
        nudges.ANSWER,
        "42",
        "Answer",
    )


def test_reflection_shows_the_answers_given_so_far_escaped() -> None:
    view = nudge(NudgeKind.REFLECTION, answers={ReflectionQuestion.SAID_WELL: f"I said {HOSTILE}"})
    _, blocks = render_nudge(view, PLAYBOOK)
    first = next(t for t in mrkdwn_texts(blocks) if t.startswith("*1.*"))
    assert first.endswith("\n>I said &lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;")
    second = next(t for t in mrkdwn_texts(blocks) if t.startswith("*2.*"))
    assert ">" not in second  # not answered yet
    assert labels(blocks) == ["Revise answers"]


def test_thank_you_without_a_card_offers_email_sent_and_skip_only() -> None:
    text, blocks = render_nudge(nudge(NudgeKind.THANK_YOU), PLAYBOOK)
    assert "thank-you note" in text
    assert PLAYBOOK.texts.thank_you_email in mrkdwn_texts(blocks)
    assert PLAYBOOK.texts.thank_you_card not in mrkdwn_texts(blocks)
    assert labels(blocks) == ["Email sent", "Skip", "Draft"]
    assert all(e["value"] == "42" for e in controls(blocks))


def test_thank_you_where_a_card_is_advised_says_so_and_offers_card_mailed() -> None:
    _, blocks = render_nudge(nudge(NudgeKind.THANK_YOU, card_advised=True), PLAYBOOK)
    assert PLAYBOOK.texts.thank_you_card in mrkdwn_texts(blocks)
    assert labels(blocks) == ["Email sent", "Card mailed", "Skip", "Draft"]
    assert [e["action_id"] for e in controls(blocks)] == [
        nudges.EMAIL_SENT,
        nudges.CARD_MAILED,
        nudges.SKIP_THANK_YOU,
        nudges.DRAFT,
    ]


def test_thank_you_quotes_what_the_person_wanted_to_clarify_escaped() -> None:
    answers = {
        ReflectionQuestion.SAID_WELL: "the project",
        ReflectionQuestion.TO_CLARIFY: f"scaling\n{HOSTILE}",
    }
    _, blocks = render_nudge(nudge(NudgeKind.THANK_YOU, answers=answers), PLAYBOOK)
    [reminder] = [t for t in mrkdwn_texts(blocks) if t.startswith(PLAYBOOK.texts.clarify_reminder)]
    assert reminder.endswith("\n>scaling\n>&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;")
    assert "the project" not in all_text(blocks)


def test_no_clarify_reminder_without_that_answer() -> None:
    answers = {ReflectionQuestion.SAID_WELL: "the project"}
    _, blocks = render_nudge(nudge(NudgeKind.THANK_YOU, answers=answers), PLAYBOOK)
    assert PLAYBOOK.texts.clarify_reminder not in all_text(blocks)


def test_card_reminder_offers_card_mailed_and_skip() -> None:
    _, blocks = render_nudge(nudge(NudgeKind.CARD, card_advised=True), PLAYBOOK)
    assert PLAYBOOK.texts.card_reminder in mrkdwn_texts(blocks)
    assert labels(blocks) == ["Card mailed", "Skip", "Draft"]


def test_the_first_follow_up_carries_the_call_questions_in_full() -> None:
    _, blocks = render_nudge(nudge(NudgeKind.FOLLOW_UP, follow_up_number=1), PLAYBOOK)
    shown = "\n".join(mrkdwn_texts(blocks))
    assert PLAYBOOK.texts.follow_up in shown
    assert len(PLAYBOOK.questions.call_questions) == 3
    for question in PLAYBOOK.questions.call_questions:
        assert f"• {question}" in shown
    assert labels(blocks) == [
        "Follow-up sent",
        "Snooze",
        "Heard back",
        "Stop reminders",
        "Draft",
        "They gave a new timeline…",
    ]


def test_a_later_follow_up_puts_the_call_questions_behind_a_button() -> None:
    # A second follow-up comes only weekly (here: "Keep going" pressed).
    view = nudge(NudgeKind.FOLLOW_UP, follow_up_number=2, weekly=True)
    text, blocks = render_nudge(view, PLAYBOOK)
    shown = "\n".join(mrkdwn_texts(blocks))
    assert PLAYBOOK.texts.follow_up_again in shown
    assert PLAYBOOK.texts.follow_up not in shown
    for question in PLAYBOOK.questions.call_questions:
        assert question not in shown
    assert PLAYBOOK.texts.caution_no_timeline in shown  # no timeline given
    assert "Follow-up 2 of at most 5" in shown
    assert "Follow-up 2 of at most 5" in text
    assert PLAYBOOK.texts.follow_up_direct not in shown
    assert PLAYBOOK.texts.reminder not in shown

    [actions] = [b for b in blocks if b["type"] == "actions"]
    assert actions["block_id"] == "nudge:42"
    sent, snooze, heard, stop, questions, draft, _timeline = actions["elements"]
    assert (sent["text"]["text"], sent["value"]) == ("Follow-up sent", "42")
    assert (questions["text"]["text"], questions["action_id"], questions["value"]) == (
        "Show the call questions",
        nudges.CALL_QUESTIONS,
        "42",
    )
    assert (draft["text"]["text"], draft["value"], draft.get("style")) == ("Draft", "42", None)
    assert snooze["type"] == "static_select"
    assert [(o["text"]["text"], o["value"]) for o in snooze["options"]] == [
        ("1 day", "1"),
        ("3 days", "3"),
    ]
    assert [(o["text"]["text"], o["value"]) for o in heard["options"]] == [
        ("Offer", "offer"),
        ("Next round", "next_round"),
        ("Rejected", "rejected"),
        ("Withdrew", "withdrew"),
    ]
    assert stop["text"]["text"] == "Stop reminders"
    assert stop["confirm"]["title"]["text"] == "Stop reminders?"
    assert "Acme Corp" in stop["confirm"]["text"]["text"]


def test_follow_up_with_direct_contact_ok_says_how_often() -> None:
    view = nudge(NudgeKind.FOLLOW_UP, interview=summary(direct_contact_ok=True), weekly=True)
    _, blocks = render_nudge(view, PLAYBOOK)
    assert PLAYBOOK.texts.follow_up_direct in mrkdwn_texts(blocks)


def test_a_reminder_says_it_was_asked_for_then_follows_up() -> None:
    text, blocks = render_nudge(nudge(NudgeKind.REMINDER, follow_up_number=1), PLAYBOOK)
    first, second = mrkdwn_texts(blocks)[:2]
    assert first == PLAYBOOK.texts.reminder
    assert second == PLAYBOOK.texts.follow_up_again  # the first follow-up, brought back
    assert text.startswith("Reminder:")
    assert labels(blocks) == [
        "Follow-up sent",
        "Snooze",
        "Heard back",
        "Stop reminders",
        "Show the call questions",
        "Draft",
        "They gave a new timeline…",
    ]


def test_check_in_offers_heard_back_keep_going_and_stop() -> None:
    _, blocks = render_nudge(nudge(NudgeKind.CHECK_IN, follow_up_marked_sent=True), PLAYBOOK)
    assert PLAYBOOK.texts.check_in in mrkdwn_texts(blocks)
    assert labels(blocks) == [
        "Heard back",
        "Keep going",
        "Stop reminders",
        "They gave a new timeline…",
    ]


# -- limits and hostile text ----------------------------------------------------------------


def test_worst_case_text_escapes_every_mention() -> None:
    for view in worst_case_views():
        text, blocks = render_nudge(view, PLAYBOOK)
        for shown in [text, *mrkdwn_texts(blocks)]:
            assert "<!channel>" not in shown
            assert "<@U0ADMIN>" not in shown
        assert "&lt;!channel&gt;" in text


def test_the_playbook_refuses_call_questions_that_would_not_fit_one_section() -> None:
    data = default_playbook().model_dump(mode="json")
    for questions in (["q" * 250] * 9, ["q" * 251]):
        data["questions"] = {**data["questions"], "call_questions": questions}
        with pytest.raises(ValueError, match="call_questions"):
            Playbook.model_validate(data)


# -- reading presses back ---------------------------------------------------------------------


def _press(element: dict, block_id: str, option: str | None = None) -> dict:
    """The action Slack sends for a press on `element` in the block `block_id`."""
    action: dict[str, Any] = {"action_id": element["action_id"], "block_id": block_id}
    if element["type"] == "button":
        action |= {"type": "button", "value": element["value"], "text": element["text"]}
    else:
        chosen = next(o for o in element["options"] if o["value"] == option)
        action |= {"type": "static_select", "selected_option": chosen}
    return action


def test_every_control_reads_back_as_its_choice_nudge_and_option() -> None:
    _, blocks = render_nudge(nudge(NudgeKind.FOLLOW_UP), PLAYBOOK)
    [actions] = [b for b in blocks if b["type"] == "actions"]
    sent, snooze, heard, stop, draft, timeline = actions["elements"]
    block_id = actions["block_id"]
    assert parse_press(_press(sent, block_id)) == (Choice.FOLLOW_UP_SENT, 42, None)
    assert parse_press(_press(snooze, block_id, "3")) == (Choice.SNOOZE, 42, "3")
    assert parse_press(_press(heard, block_id, "offer")) == (Choice.HEARD_BACK, 42, "offer")
    assert parse_press(_press(stop, block_id)) == (Choice.STOP, 42, None)
    # The Draft button records nothing: it names its message, for the drafts modal.
    assert (draft["action_id"], nudges.nudge_id_of(draft | {"type": "button"})) == (
        nudges.DRAFT,
        42,
    )
    assert parse_press(_press(draft, block_id)) is None
    # So does "They gave a new timeline…": it opens a date picker.
    assert (timeline["action_id"], nudges.nudge_id_of(timeline | {"type": "button"})) == (
        NEW_TIMELINE,
        42,
    )
    assert parse_press(_press(timeline, block_id)) is None


@pytest.mark.parametrize(
    "action",
    [
        {"action_id": nudges.EMAIL_SENT, "type": "button", "value": "forty-two"},
        {"action_id": nudges.EMAIL_SENT, "type": "button", "value": "-1"},
        {"action_id": "not_ours", "type": "button", "value": "42"},
        {"action_id": nudges.SNOOZE, "type": "static_select", "block_id": "elsewhere"},
    ],
)
def test_an_unreadable_press_reads_as_none(action: dict) -> None:
    assert parse_press(action) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", 42),
        ("0", 0),
        ("", None),
        ("-1", None),
        ("4.2", None),
        ("1" * 19, None),
        # str.isdigit() takes these; int() does not, or reads them as other digits.
        ("²", None),
        ("①", None),
        ("١٢", None),
        # PostgreSQL's INTEGER ends here; SQLite would take more, so neither is asked.
        (str(2**31 - 1), 2**31 - 1),
        (str(2**31), None),
    ],
)
def test_ids_read_back_only_as_plain_digits_that_fit_a_column(
    text: str, expected: int | None
) -> None:
    assert parse_id(text) == expected


# -- what was recorded ------------------------------------------------------------------------


def done(view: NudgeView, *recorded: Done) -> NudgeView:
    return replace(view, done=recorded)


def closed(view: NudgeView, outcome: Outcome) -> NudgeView:
    interview = replace(view.interview, status=InterviewStatus.CLOSED, outcome=outcome)
    return replace(view, interview=interview)


def test_email_sent_is_recorded_with_its_local_time_and_card_mailed_stays() -> None:
    view = done(nudge(NudgeKind.THANK_YOU, card_advised=True), Done(Choice.EMAIL_SENT, AT))
    text, blocks = render_nudge(view, PLAYBOOK)
    assert PLAYBOOK.texts.thank_you_email in mrkdwn_texts(blocks)
    line = next(t for t in mrkdwn_texts(blocks) if t.startswith("✓ Email sent: recorded"))
    assert f"<!date^{int(AT.timestamp())}^" in line
    assert "Thu 26 Nov 2026 at 10:20 PST" in line
    assert labels(blocks) == ["Card mailed", "Draft"]
    assert "Email sent: recorded Thu 26 Nov 2026 at 10:20 PST" in text


def test_every_choice_recorded_on_a_message_shows_in_the_order_offered() -> None:
    later = AT + timedelta(hours=3)
    view = done(
        nudge(NudgeKind.THANK_YOU, card_advised=True),
        Done(Choice.EMAIL_SENT, later),
        Done(Choice.CARD_MAILED, AT),
    )
    text, blocks = render_nudge(view, PLAYBOOK)
    shown = [t for t in mrkdwn_texts(blocks) if t.startswith("✓")]
    assert [t.split(":")[0] for t in shown] == ["✓ Email sent", "✓ Card mailed"]
    assert controls(blocks) == []
    # The notification names the latest press.
    assert text.endswith("✓ Email sent: recorded Thu 26 Nov 2026 at 13:20 PST")


def test_follow_up_sent_leaves_heard_back_and_stop() -> None:
    view = done(nudge(NudgeKind.FOLLOW_UP), Done(Choice.FOLLOW_UP_SENT, AT))
    text, blocks = render_nudge(view, PLAYBOOK)
    assert "✓ Follow-up sent: recorded" in text
    assert labels(blocks) == ["Heard back", "Stop reminders", "Draft", "They gave a new timeline…"]


def test_snooze_says_when_it_comes_back() -> None:
    until = AT + timedelta(days=3)
    view = done(nudge(NudgeKind.FOLLOW_UP), Done(Choice.SNOOZE, AT, until=until))
    _, blocks = render_nudge(view, PLAYBOOK)
    line = next(t for t in mrkdwn_texts(blocks) if t.startswith("Snoozed:"))
    assert line.startswith(f"Snoozed: I'll bring it back <!date^{int(until.timestamp())}^")
    assert "Sun 29 Nov 2026 at 10:20 PST" in line
    assert labels(blocks) == [
        "Follow-up sent",
        "Heard back",
        "Stop reminders",
        "Draft",
        "They gave a new timeline…",
    ]


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        (Outcome.OFFER, "Heard back: offer. Congratulations — no more reminders"),
        (Outcome.NEXT_ROUND, "Heard back: next round."),
        (Outcome.REJECTED, "Heard back: rejected."),
    ],
)
def test_heard_back_ends_the_controls(outcome: Outcome, words: str) -> None:
    view = closed(nudge(NudgeKind.CHECK_IN), outcome)
    view = done(view, Done(Choice.HEARD_BACK, AT, outcome=outcome))
    _, blocks = render_nudge(view, PLAYBOOK)
    assert any(t.startswith(words) for t in mrkdwn_texts(blocks))
    assert not any(t.startswith("This interview is closed") for t in mrkdwn_texts(blocks))
    assert controls(blocks) == []


def test_stop_and_a_closed_interview_end_the_controls() -> None:
    view = closed(nudge(NudgeKind.FOLLOW_UP), Outcome.STOPPED)
    _, stopped = render_nudge(done(view, Done(Choice.STOP, AT, outcome=Outcome.STOPPED)), PLAYBOOK)
    assert "Reminders stopped for this interview." in mrkdwn_texts(stopped)
    assert not any(t.startswith("This interview is closed") for t in mrkdwn_texts(stopped))
    assert controls(stopped) == []
    # A message that offers neither "Heard back" nor "Stop" says why it is over.
    thank_you = closed(nudge(NudgeKind.THANK_YOU), Outcome.OFFER)
    text, blocks = render_nudge(done(thank_you, Done(Choice.EMAIL_SENT, AT)), PLAYBOOK)
    shown = mrkdwn_texts(blocks)
    assert shown[-1] == "This interview is closed (offer): no more reminders for it."
    assert any(t.startswith("✓ Email sent: recorded") for t in shown)
    assert controls(blocks) == []
    assert text.endswith("This interview is closed (offer): no more reminders for it.")


def test_keep_going_leaves_heard_back_and_stop() -> None:
    view = done(nudge(NudgeKind.CHECK_IN), Done(Choice.KEEP_GOING, AT))
    _, blocks = render_nudge(view, PLAYBOOK)
    assert any(t.startswith("✓ Keep going: I'll remind you weekly") for t in mrkdwn_texts(blocks))
    assert labels(blocks) == ["Heard back", "Stop reminders", "They gave a new timeline…"]


def test_skip_ends_the_thank_you_controls() -> None:
    view = done(nudge(NudgeKind.THANK_YOU, card_advised=True), Done(Choice.SKIP_THANK_YOU, AT))
    _, blocks = render_nudge(view, PLAYBOOK)
    assert "Skipped: no more thank-you reminders for this interview." in mrkdwn_texts(blocks)
    assert controls(blocks) == []


def test_what_a_press_left_is_said_back_to_the_presser() -> None:
    view = done(nudge(NudgeKind.FOLLOW_UP), Done(Choice.FOLLOW_UP_SENT, AT))
    assert pressed_line(view, Choice.FOLLOW_UP_SENT).startswith("✓ Follow-up sent: recorded")
    stopped = done(
        closed(nudge(NudgeKind.FOLLOW_UP), Outcome.STOPPED),
        Done(Choice.STOP, AT, outcome=Outcome.STOPPED),
    )
    assert pressed_line(stopped, Choice.STOP) == "Reminders stopped for this interview."
    assert (
        pressed_line(stopped, Choice.FOLLOW_UP_SENT)
        == "This interview is closed (reminders stopped): no more reminders for it."
    )


# -- the Answer modal -------------------------------------------------------------------------


def test_the_answer_modal_is_prefilled_and_reads_back() -> None:
    view = nudge(NudgeKind.REFLECTION, answers={ReflectionQuestion.SAID_WELL: "the project"})
    modal = build_reflection_modal(view, PLAYBOOK)
    assert modal["callback_id"] == CALLBACK_ID
    assert modal["private_metadata"] == "42"
    inputs = [b for b in modal["blocks"] if b["type"] == "input"]
    assert [b["label"]["text"] for b in inputs] == [
        f"1. {PLAYBOOK.questions.said_well}",
        f"2. {PLAYBOOK.questions.to_clarify}",
    ]
    assert all(b["element"]["multiline"] for b in inputs)
    assert all(b["element"]["max_length"] == ANSWER_MAX for b in inputs)
    assert inputs[0]["element"]["initial_value"] == "the project"
    assert "initial_value" not in inputs[1]["element"]

    filled = fill_view_state(
        modal,
        {
            BLOCK_IDS[ReflectionQuestion.SAID_WELL]: "  the project, better  ",
            BLOCK_IDS[ReflectionQuestion.TO_CLARIFY]: "   ",
        },
    )
    submitted = {**modal, "state": {"values": filled}}
    answers = read_answers(submitted)
    assert answers == {ReflectionQuestion.SAID_WELL: "the project, better"}
    assert nudge_id_of(submitted) == 42
    assert nudge_id_of({**submitted, "private_metadata": "forged"}) is None


def test_an_answer_modal_left_empty_reads_back_as_no_answers() -> None:
    modal = build_reflection_modal(nudge(NudgeKind.REFLECTION), PLAYBOOK)
    submitted = {**modal, "state": {"values": fill_view_state(modal, {})}}
    # The coach refuses it (EMPTY); test_reflection_answers checks the field error.
    assert read_answers(submitted) == {}
