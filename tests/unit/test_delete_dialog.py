"""The delete dialog (bot.ui.interview_menu): with several rounds it offers the whole
application by name, within Slack's limits whatever was typed; the tick is read back only as
the dialog offered it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.rules.domain import InterviewFormat, InterviewStatus
from bot.rules.view_models import InterviewSummary
from bot.ui import interview_menu

ACME = InterviewSummary(
    id=7,
    company="Acme Corp",
    role="Data analyst",
    format=InterviewFormat.VIDEO,
    traditional_org=False,
    happened_at=datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
    interviewers=None,
    hiring_manager=None,
    employer_timeline=None,
    direct_contact_ok=False,
    status=InterviewStatus.ACTIVE,
    owner_tz="America/Los_Angeles",
    application_id=3,
    round_number=2,
)


def whole_block(view: dict[str, Any]) -> dict[str, Any] | None:
    found = [b for b in view["blocks"] if b.get("block_id") == interview_menu.WHOLE_BLOCK]
    return found[0] if found else None


def test_one_round_offers_only_the_round() -> None:
    assert whole_block(interview_menu.build_delete_modal(ACME)) is None
    assert whole_block(interview_menu.build_delete_modal(ACME, rounds=1)) is None


def test_several_rounds_offer_the_whole_application_by_name() -> None:
    block = whole_block(interview_menu.build_delete_modal(ACME, rounds=2))
    assert block is not None
    assert block["label"]["text"] == "Delete Acme Corp — Data analyst and its 2 rounds?"
    assert block["optional"] is True  # unticked, only the round goes


def test_the_longest_names_stay_within_slacks_limits() -> None:
    # 100 characters each, hostile: plain text, so shown as typed; to_dict validates limits.
    long = InterviewSummary(
        **{**ACME.__dict__, "company": "<!channel> " + "A" * 89, "role": "{{ x }}" * 14 + "xx"}
    )
    view = interview_menu.build_delete_modal(long, rounds=12)
    block = whole_block(view)
    assert block is not None and block["label"]["type"] == "plain_text"
    assert block["label"]["text"].startswith("Delete <!channel> AAA")
    assert block["label"]["text"].endswith("and its 12 rounds?")


def state(selected: list[dict[str, Any]] | None) -> dict[str, Any]:
    values = {interview_menu.WHOLE_ACTION: {"type": "checkboxes", "selected_options": selected}}
    return {"state": {"values": {interview_menu.WHOLE_BLOCK: values}}}


@pytest.mark.parametrize(
    ("view", "chosen"),
    [
        (state([{"value": interview_menu.WHOLE_VALUE}]), True),
        (state([]), False),
        (state(None), False),
        (state([{"value": "everything"}]), False),
        (state(["application"]), False),  # not an option object
        ({}, False),
        ({"state": {"values": {}}}, False),
    ],
)
def test_the_tick_is_read_only_as_offered(view: dict[str, Any], chosen: bool) -> None:
    assert interview_menu.whole_application_chosen(view) is chosen


def test_the_confirmation_escapes_what_was_typed() -> None:
    text = interview_menu.application_deleted_text("<!channel>", None, 2)
    assert text.startswith("Deleted &lt;!channel&gt; and its 2 rounds")
