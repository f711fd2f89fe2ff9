"""How a reply names the interview an answer was stored for (bot.rules.labels), and the
"which interview?" question (bot.ui.answer_routing): table, property and hostile-text tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.labels import interview_label
from bot.rules.view_models import AnswerResult, AnswerStatus, PromptChoice
from bot.ui.answer_routing import (
    ANSWER_FOR,
    NOT_AN_ANSWER,
    filed,
    parse_answer_for,
    parse_not_an_answer,
    which_interview,
)
from bot.ui.messages import answer_reply
from tests.nudge_views import HOSTILE, PLAYBOOK, all_text, mrkdwn_texts, summary


@pytest.mark.parametrize(
    ("company", "role", "round_number", "label"),
    [
        ("Acme", "Data analyst", None, "Acme — Data analyst"),
        ("Acme", None, None, "Acme"),
        ("Acme", "", None, "Acme"),
        ("Acme", "   ", None, "Acme"),
        ("Acme", None, 1, "Acme"),  # the first round is not called one
        ("Acme", None, 2, "Acme (round 2)"),
        ("Acme", "Data analyst", 3, "Acme (round 3) — Data analyst"),
        ("  Acme\nCorp ", "Data\tanalyst", None, "Acme Corp — Data analyst"),  # one line
    ],
)
def test_the_label_names_company_round_and_role(
    company: str, role: str | None, round_number: int | None, label: str
) -> None:
    assert interview_label(company, role, round_number) == label


@given(
    company=st.text(min_size=1).filter(str.strip),
    role=st.none() | st.text(),
    round_number=st.none() | st.integers(1, 50),
)
def test_a_label_is_one_line_starting_with_the_company(
    company: str, role: str | None, round_number: int | None
) -> None:
    label = interview_label(company, role, round_number)
    assert label.startswith(" ".join(company.split()))
    assert "\n" not in label and label == label.strip()
    assert ("(round " in label[len(" ".join(company.split())) :]) is bool(
        round_number and round_number > 1
    )


def test_every_stored_reply_names_the_interview_escaped() -> None:
    interview = summary(company=f"Acme {HOSTILE}", role="Analyst")
    for status in (AnswerStatus.SAVED, AnswerStatus.REVISED, AnswerStatus.UNCHANGED):
        reply = answer_reply(AnswerResult(status, interview), PLAYBOOK)
        assert "Acme &lt;!channel&gt; &amp; &lt;@U0ADMIN&gt; — Analyst" in reply
        assert "<!channel>" not in reply


def test_the_question_offers_one_button_per_interview_and_not_an_answer() -> None:
    choices = (
        PromptChoice(11, summary(company="Globex", role=None)),
        PromptChoice(7, summary(company=f"Acme {HOSTILE}", role="x" * 100)),
    )
    text, blocks = which_interview(choices, "1700000000.000100")
    [section, actions] = blocks
    assert text == "Which interview is this answer for?"
    buttons = actions["elements"]
    assert buttons[0]["text"]["text"] == "Globex"
    # A button's text is plain_text: Slack shows it as typed and parses no mention in it.
    assert {b["text"]["type"] for b in buttons} == {"plain_text"}
    assert len(buttons[1]["text"]["text"]) <= 75  # Slack's limit for a button's text
    assert [b["action_id"] for b in buttons] == ["answer_for:11", "answer_for:7", NOT_AN_ANSWER]
    assert all(ANSWER_FOR.match(b["action_id"]) for b in buttons[:2])
    assert [parse_answer_for(b) for b in buttons[:2]] == [
        (11, ("1700000000.000100", None)),
        (7, ("1700000000.000100", None)),
    ]
    assert parse_not_an_answer(buttons[2]) == ("1700000000.000100", None)
    assert "<!channel>" not in section["text"]["text"]


def test_a_reply_in_a_thread_is_named_with_its_thread() -> None:
    _, blocks = which_interview((PromptChoice(7, summary()),), "1.000002", "1.000001")
    buttons = blocks[1]["elements"]
    assert parse_answer_for(buttons[0]) == (7, ("1.000002", "1.000001"))
    assert parse_not_an_answer(buttons[1]) == ("1.000002", "1.000001")


def test_one_candidate_is_named_in_the_question_escaped() -> None:
    _, blocks = which_interview((PromptChoice(7, summary(company=HOSTILE, role=None)),), "1.2")
    [question] = mrkdwn_texts(blocks)
    assert "&lt;!channel&gt;" in question and "<!channel>" not in question


@pytest.mark.parametrize(
    "value", ["", "7", "7:", ":1.2", "x:1.2", "7:abc", "99999999999:1.2", "7:1.2:3", "²:1.2"]
)
def test_a_forged_button_value_is_refused(value: str) -> None:
    assert parse_answer_for({"value": value}) is None


def test_the_answered_question_names_where_it_went() -> None:
    text, blocks = filed(summary(company="Acme", role="Data analyst"))
    assert text == "Saved for Acme — Data analyst."
    assert "actions" not in all_text(blocks)


def test_a_later_rounds_answer_and_question_name_the_round() -> None:
    second = summary(company="Acme", role="Data analyst", round_number=2)
    reply = answer_reply(AnswerResult(AnswerStatus.SAVED, second), PLAYBOOK)
    assert "Saved for Acme (round 2) — Data analyst" in reply
    first = summary(company="Acme", role="Data analyst", round_number=1)
    assert "(round" not in answer_reply(AnswerResult(AnswerStatus.SAVED, first), PLAYBOOK)
    _, blocks = which_interview(
        (PromptChoice(11, second), PromptChoice(7, first)), "1700000000.000100"
    )
    assert "Acme (round 2) — Data analyst" in all_text(blocks)
