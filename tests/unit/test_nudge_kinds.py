"""The registry of nudge kinds (bot.rules.kinds) is complete: every NudgeKind has a whole
entry, has its playbook texts, and renders through the UI into Block Kit that slack_sdk
accepts within Slack's limits, showing exactly the parts and controls its entry declares.
That the database's CHECK accepts every kind is tests/integration/test_nudge_kinds_stored.py;
that the stand-in accepts the renderings, tests/e2e/test_nudge_messages_in_slack.py."""

from __future__ import annotations

import string
import tomllib
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.rules.domain import (
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    Outcome,
    ReflectionQuestion,
)
from bot.rules.kinds import (
    CONTROLS,
    KINDS,
    About,
    Advice,
    AnswerButton,
    CallQuestionsButton,
    ChangeTimeButton,
    Control,
    DraftButton,
    KindSpec,
    NewTimelineButton,
    QuotedAnswer,
    ReopenButton,
    SmallPrint,
)
from bot.rules.playbook import MaxLateness, Playbook, Texts, default_playbook
from bot.rules.view_models import NudgeView
from bot.ui.messages import next_from_me
from bot.ui.nudges import ACTION_IDS, ANSWER, CALL_QUESTIONS, DRAFT, render_nudge
from bot.ui.nudges.controls import BUTTON_LABELS
from bot.ui.nudges.ids import CHANGE_TIME, NEW_TIMELINE, REOPEN
from tests.nudge_views import (
    AT,
    every_choice_done,
    longest_playbook,
    mrkdwn_texts,
    nudge,
    summary,
    worst_case_views,
)
from tests.playbook_files import DEFAULT_TEXT

# Slack's limits on a message (the stand-in checks the same, over HTTP, in tests/e2e).
MAX_MESSAGE_TEXT = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_SECTION_TEXT = 3000


def check_block_kit(text: str, blocks: list[dict[str, Any]]) -> None:
    """Fail unless Slack would take this message: slack_sdk reads every block back the same,
    its own limits pass, and the message's do too."""
    assert text
    assert len(text) <= MAX_MESSAGE_TEXT
    assert 0 < len(blocks) <= MAX_MESSAGE_BLOCKS
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block["type"]
        parsed.validate_json()  # raises SlackObjectFormationError past a limit
        assert parsed.to_dict() == block, "a field slack_sdk does not know"
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections
    assert max(len(t) for t in sections) <= MAX_SECTION_TEXT


def action_ids(blocks: list[dict[str, Any]]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def everything_shown(kind: NudgeKind) -> NudgeView:
    """A fresh message of `kind` where every condition holds and every question is answered."""
    interview = summary(direct_contact_ok=True, traditional_org=True)
    answers = {q: f"my answer to {q.value}" for q in ReflectionQuestion}
    return nudge(kind, interview=interview, card_advised=True, answers=answers)


# -- the entries ------------------------------------------------------------------------------


def test_every_kind_has_an_entry_and_nothing_else_does() -> None:
    assert set(KINDS) == set(NudgeKind)
    assert set(CONTROLS) == set(NudgeKind)
    assert all(isinstance(spec, KindSpec) for spec in KINDS.values())


@pytest.mark.parametrize("kind", list(NudgeKind))
def test_every_entry_is_whole(kind: NudgeKind) -> None:
    spec = KINDS[kind]
    assert spec.label.strip()
    fields = {name for _, name, _, _ in string.Formatter().parse(spec.fallback) if name}
    assert "title" in fields, "the notification names the interview"
    assert fields <= {"title", "follow_up_count"}
    assert any(isinstance(part, Advice) for part in spec.content), "it says something"
    assert [p for p in spec.content if isinstance(p, About)] == [spec.content[-1]], (
        "one line, last, on which interview it is about"
    )
    assert len(spec.choices) == len(set(spec.choices))
    assert CONTROLS[kind] == spec.choices
    for control in spec.controls:
        assert isinstance(
            control,
            Control
            | AnswerButton
            | CallQuestionsButton
            | DraftButton
            | ChangeTimeButton
            | NewTimelineButton
            | ReopenButton,
        )
        if isinstance(control, DraftButton):
            assert control.pieces, "a Draft button opens some draft"
            assert spec.drafts == control.pieces
        if isinstance(control, Control):
            assert control.choice in ACTION_IDS, "a press of it can be read back"
            if control.emphasis is not None:
                assert control.choice in BUTTON_LABELS, "only a button stands out"
    # Its lateness is within what a playbook may say, and is the default for the kind.
    assert MaxLateness().of(kind) == timedelta(hours=spec.max_lateness_hours)


@pytest.mark.parametrize("kind", list(NudgeKind))
def test_every_kind_has_its_playbook_texts(kind: NudgeKind) -> None:
    built_in = tomllib.loads(DEFAULT_TEXT)["texts"]
    texts = KINDS[kind].texts
    assert texts
    for key in texts:
        assert key in Texts.model_fields, f"the schema reads texts.{key}"
        assert key in built_in, f"the built-in playbook words texts.{key}"
        assert default_playbook().texts.text(key) == built_in[key]


def test_the_built_in_lateness_table_says_what_the_registry_says() -> None:
    # The file shows operators each kind's lateness; the registry is where it is decided.
    written = tomllib.loads(DEFAULT_TEXT)["max_lateness_hours"]
    assert written == {kind.value: spec.max_lateness_hours for kind, spec in KINDS.items()}


def test_a_listing_names_the_next_message_by_its_kinds_label() -> None:
    for kind, spec in KINDS.items():
        listed = next_from_me(summary(next_kind=kind, next_due=AT))
        assert listed is not None
        assert listed.startswith(f"{spec.label}, <!date^")


# -- rendered through the UI ------------------------------------------------------------------


def _views(kind: NudgeKind) -> list[NudgeView]:
    """Every shape of a `kind` message: fresh, at its worst, with every choice recorded, and
    on a closed interview."""
    worst = next(v for v in worst_case_views() if v.kind is kind)
    fresh = everything_shown(kind)
    closed = replace(
        fresh, interview=replace(fresh.interview, status=InterviewStatus.CLOSED, outcome=None)
    )
    stopped = replace(closed, interview=replace(closed.interview, outcome=Outcome.STOPPED))
    return [nudge(kind), fresh, worst, every_choice_done(worst), closed, stopped]


@pytest.mark.parametrize("kind", list(NudgeKind))
@pytest.mark.parametrize("playbook", ["built-in", "longest"])
def test_every_kind_renders_into_block_kit_within_slacks_limits(
    kind: NudgeKind, playbook: str
) -> None:
    chosen: Playbook = default_playbook() if playbook == "built-in" else longest_playbook()
    for view in _views(kind):
        text, blocks = render_nudge(view, chosen)
        check_block_kit(text, blocks)


@pytest.mark.parametrize("kind", list(NudgeKind))
def test_every_kind_shows_the_parts_and_controls_its_entry_declares(kind: NudgeKind) -> None:
    spec, playbook = KINDS[kind], default_playbook()
    view = everything_shown(kind)
    text, blocks = render_nudge(view, playbook)

    shown = "\n".join(mrkdwn_texts(blocks))
    for part in spec.content:
        if not isinstance(part, Advice | SmallPrint | QuotedAnswer):
            continue
        # Texts for other interviews (another format) are the next test's.
        condition = getattr(part, "only_if", None)
        if condition is None or condition.holds(view):
            assert playbook.texts.text(part.text) in shown, part.text
    assert text.startswith(spec.fallback.split("{", 1)[0])
    expected = [
        ANSWER
        if isinstance(control, AnswerButton)
        else DRAFT
        if isinstance(control, DraftButton)
        else CALL_QUESTIONS
        if isinstance(control, CallQuestionsButton)
        else CHANGE_TIME
        if isinstance(control, ChangeTimeButton)
        else NEW_TIMELINE
        if isinstance(control, NewTimelineButton)
        else REOPEN
        if isinstance(control, ReopenButton)
        else ACTION_IDS[control.choice]
        for control in spec.controls
        if (
            not isinstance(control, CallQuestionsButton)
            or control.only_if is None
            or control.only_if.holds(view)
        )
        and (
            not isinstance(control, ReopenButton)
            or view.reopen_until is not None
            or view.interview.status is InterviewStatus.ACTIVE
        )
    ]
    assert action_ids(blocks) == expected
    styles = {
        e["action_id"]: e.get("style")
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
    }
    for control in spec.controls:
        if isinstance(control, Control) and control.emphasis is not None:
            assert styles[ACTION_IDS[control.choice]] == control.emphasis.value


@pytest.mark.parametrize(
    ("interview_format", "shown_key", "hidden_key"),
    [
        (InterviewFormat.IN_PERSON, "distance", "distance_remote"),
        (InterviewFormat.VIDEO, "distance_remote", "distance"),
        (InterviewFormat.PHONE_SCREEN, "distance_remote", "distance"),
    ],
)
def test_the_distance_text_fits_the_format(
    interview_format: InterviewFormat, shown_key: str, hidden_key: str
) -> None:
    """No "leave the building" after a phone screen or a video call taken at home."""
    playbook = default_playbook()
    fresh = everything_shown(NudgeKind.DISTANCE)
    view = replace(fresh, interview=replace(fresh.interview, format=interview_format))

    shown = "\n".join(mrkdwn_texts(render_nudge(view, playbook)[1]))

    assert playbook.texts.text(shown_key) in shown
    assert playbook.texts.text(hidden_key) not in shown
    assert ("Leave the building" in shown) is (interview_format is InterviewFormat.IN_PERSON)
