"""Nudge views to render, and ways to look into what rendering them gave: shared by the
message tests (tests/unit), the registry's tests, and the ones posting to the stand-in."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.rules.domain import (
    ANSWER_MAX,
    COMPANY_MAX,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    Outcome,
    ReflectionQuestion,
)
from bot.rules.playbook import Playbook, default_playbook
from bot.rules.view_models import CONTROLS, Done, InterviewSummary, NudgeView

PLAYBOOK = default_playbook()
AT = datetime(2026, 11, 26, 18, 20, tzinfo=UTC)  # 10:20 in Los Angeles
HOSTILE = "<!channel> & <@U0ADMIN>"


def summary(**changes: Any) -> InterviewSummary:
    base = InterviewSummary(
        id=7,
        company="Acme Corp",
        role="Data Analyst",
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=AT - timedelta(hours=2),
        interviewers=None,
        hiring_manager=None,
        employer_timeline=None,
        direct_contact_ok=False,
        status=InterviewStatus.ACTIVE,
        owner_tz="America/Los_Angeles",
    )
    return replace(base, **changes)


def nudge(kind: NudgeKind, **changes: Any) -> NudgeView:
    interview = changes.pop("interview", summary())
    base = NudgeView(
        nudge_id=42,
        kind=kind,
        follow_up_number=1 if kind in (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER) else 0,
        interview=interview,
        answers={},
        card_advised=False,
        follow_ups_max=5,
        weekly=False,
    )
    return replace(base, **changes)


def all_text(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def mrkdwn_texts(blocks: list[dict]) -> list[str]:
    """Every mrkdwn text in the blocks: the ones Slack parses for mentions and links."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def controls(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def labels(blocks: list[dict]) -> list[str]:
    return [e.get("text", e.get("placeholder", {})).get("text") for e in controls(blocks)]


def worst_case_views() -> list[NudgeView]:
    company = (HOSTILE + " ")[:COMPANY_MAX]
    company = (company * 10)[:COMPANY_MAX]
    interview = summary(
        company=company, role=("<>&" * 40)[:100], direct_contact_ok=True, traditional_org=True
    )
    answer = ("<&>\n" * 1000)[:ANSWER_MAX]
    answers = {q: answer for q in ReflectionQuestion}
    return [
        nudge(kind, interview=interview, answers=answers, card_advised=True) for kind in NudgeKind
    ]


def longest_playbook() -> Playbook:
    """A valid playbook with every text and question as long as the file may make it."""
    data = default_playbook().model_dump(mode="json")
    data["texts"] = {name: ("<&> *x*" * 400)[:2000] for name in data["texts"]}
    data["questions"] = {
        "said_well": "w" * 150,
        "to_clarify": "c" * 150,
        "call_questions": ["q" * 250] * 8,
    }
    return Playbook.model_validate(data)


def every_choice_done(view: NudgeView) -> NudgeView:
    done = tuple(Done(c, AT, until=AT, outcome=Outcome.OFFER) for c in CONTROLS[view.kind])
    return replace(view, done=done)
