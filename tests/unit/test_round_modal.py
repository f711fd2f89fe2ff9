"""The log modal for rounds (bot.ui.log_modal): the application choice, the next round's
prefill and binding, and reading which application a submission chose."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.rules.applications import ApplicationChoice, RoundPrefill
from bot.ui.log_modal import BLOCK_IDS, application_of, build_log_modal

NOW = datetime(2026, 12, 7, 18, 0, tzinfo=UTC)


def blocks_by_id(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def chosen(value: str | None) -> dict:
    option = None if value is None else {"value": value}
    return {"state": {"values": {BLOCK_IDS["application"]: {"value": {"selected_option": option}}}}}


def test_open_applications_are_offered_newest_first_with_a_new_one_last() -> None:
    view = build_log_modal(
        now=NOW,
        company="Acme",
        choices=[ApplicationChoice(9, "Acme", "Analyst", 3), ApplicationChoice(4, "Acme", None, 2)],
    )

    element = blocks_by_id(view)[BLOCK_IDS["application"]]["element"]
    assert element["type"] == "radio_buttons"
    assert [(o["value"], o["text"]["text"]) for o in element["options"]] == [
        ("9", "Add round 3 to Acme — Analyst"),
        ("4", "Add round 2 to Acme"),
        ("new", "Start a new application"),
    ]
    assert element["initial_option"]["value"] == "9"
    assert "private_metadata" not in view or not view["private_metadata"]


def test_without_open_applications_the_form_is_as_before() -> None:
    view = build_log_modal(now=NOW, company="Acme")

    assert BLOCK_IDS["application"] not in blocks_by_id(view)
    assert view["title"]["text"] == "Log an interview"


def test_the_next_round_is_prefilled_and_bound() -> None:
    prefill = RoundPrefill(5, "Acme", "Analyst", 2, interviewers="Priya", hiring_manager="Tom")

    view = build_log_modal(now=NOW, company="ignored", choices=[], prefill=prefill)

    found = blocks_by_id(view)
    assert view["title"]["text"] == "Log round 2"
    assert json.loads(view["private_metadata"]) == {"application_id": 5}
    assert found[BLOCK_IDS["company"]]["element"]["initial_value"] == "Acme"
    assert found[BLOCK_IDS["role"]]["element"]["initial_value"] == "Analyst"
    assert found[BLOCK_IDS["interviewers"]]["element"]["initial_value"] == "Priya"
    assert found[BLOCK_IDS["hiring_manager"]]["element"]["initial_value"] == "Tom"
    assert BLOCK_IDS["application"] not in found
    assert application_of(view) == 5


def test_a_submission_names_its_application_or_none() -> None:
    assert application_of(chosen("9")) == 9
    assert application_of(chosen("new")) is None
    assert application_of(chosen(None)) is None
    assert application_of({}) is None
    for forged in ("-3", "0", "1e9", "٣", "x" * 40, "99999999999"):
        assert application_of(chosen(forged)) is None, forged
    assert application_of({"private_metadata": "not json"}) is None
    assert application_of({"private_metadata": json.dumps({"application_id": "7"})}) == 7
