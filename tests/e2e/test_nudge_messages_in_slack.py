"""The nudge messages at their worst (hostile names, the longest answers, the longest
playbook) are accepted by Slack's limits: posted and updated on the stand-in, which refuses
what Slack would. The renderings themselves are tested in tests/unit/test_nudge_messages.py."""

from __future__ import annotations

from dataclasses import replace

from coach_devkit.slack_standin import SlackStandIn
from slack_sdk import WebClient

from bot.rules.domain import (
    ANSWER_MAX,
    COMPANY_MAX,
    InterviewStatus,
    NudgeKind,
    Outcome,
    ReflectionQuestion,
)
from bot.rules.view_models import CONTROLS, Done
from bot.ui.nudges import render_nudge
from bot.ui.reflection_modal import build_reflection_modal
from tests.nudge_views import (
    AT,
    PLAYBOOK,
    every_choice_done,
    longest_playbook,
    mrkdwn_texts,
    nudge,
    summary,
    worst_case_views,
)


def test_worst_case_messages_are_accepted_by_slacks_limits(standin: SlackStandIn) -> None:
    client = WebClient(token=standin.bot_token, base_url=standin.api_url)
    for view in worst_case_views():
        text, blocks = render_nudge(view, PLAYBOOK)
        assert all(len(t) <= 3000 for t in mrkdwn_texts(blocks))
        posted = client.chat_postMessage(channel="D0456EFGH", text=text, blocks=blocks)
        assert posted["ok"], view.kind
        for choice in CONTROLS[view.kind]:
            pressed = replace(view, done=(Done(choice, AT, until=AT, outcome=Outcome.OFFER),))
            text, blocks = render_nudge(pressed, PLAYBOOK)
            updated = client.chat_update(
                channel="D0456EFGH", ts=posted["ts"], text=text, blocks=blocks
            )
            assert updated["ok"], (view.kind, choice)
    # The answers were cut to fit, not dropped: the quote is there, ending in an ellipsis.
    reflection = next(v for v in worst_case_views() if v.kind is NudgeKind.REFLECTION)
    _, blocks = render_nudge(reflection, PLAYBOOK)
    first = next(t for t in mrkdwn_texts(blocks) if t.startswith("*1.*"))
    assert len(first) > 2500
    assert first.endswith("…")
    modal = build_reflection_modal(reflection, PLAYBOOK)
    opened = client.views_open(trigger_id="1.2.x", view=modal)
    assert opened["ok"]


def test_every_section_stays_within_slacks_limit_with_the_longest_playbook(
    standin: SlackStandIn,
) -> None:
    longest = longest_playbook()
    client = WebClient(token=standin.bot_token, base_url=standin.api_url)
    company = ("<&>" * 34)[:COMPANY_MAX]
    interview = summary(company=company, role=company, direct_contact_ok=True)
    answers = {q: ("<&>" * 1000)[:ANSWER_MAX] for q in ReflectionQuestion}
    for kind in NudgeKind:
        view = nudge(kind, interview=interview, answers=answers, card_advised=True)
        closed = replace(view, interview=replace(interview, status=InterviewStatus.CLOSED))
        for shown in (view, every_choice_done(view), closed):
            text, blocks = render_nudge(shown, longest)
            sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
            assert sections, kind
            assert max(len(t) for t in sections) <= 3000, kind
            # The stand-in refuses what Slack would: a section over 3000 characters among it.
            assert client.chat_postMessage(channel="D0456EFGH", text=text, blocks=blocks)["ok"]
