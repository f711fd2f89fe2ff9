"""The log modal for rounds (bot.ui.log_modal): the application choice, the next round's
prefill and binding, and reading which application a submission chose."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.rules.applications import ApplicationChoice, RoundPrefill
from bot.ui.log_modal import BLOCK_IDS, application_of, build_log_modal, expected_round_of

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
    # Each offered application's round, so a submission can tell it was logged meanwhile.
    assert json.loads(view["private_metadata"]) == {"rounds": {"9": 3, "4": 2}}
    submitted = {**chosen("4"), "private_metadata": view["private_metadata"]}
    assert expected_round_of(submitted, application_of(submitted)) == 2


def test_without_open_applications_the_form_is_as_before() -> None:
    view = build_log_modal(now=NOW, company="Acme")

    assert BLOCK_IDS["application"] not in blocks_by_id(view)
    assert view["title"]["text"] == "Log an interview"


def test_the_next_round_is_prefilled_and_bound() -> None:
    prefill = RoundPrefill(5, "Acme", "Analyst", 2, interviewers="Priya", hiring_manager="Tom")

    view = build_log_modal(now=NOW, company="ignored", choices=[], prefill=prefill)

    found = blocks_by_id(view)
    assert view["title"]["text"] == "Log round 2"
    assert json.loads(view["private_metadata"]) == {"application_id": 5, "round": 2}
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


def test_the_round_a_submission_expected_is_read_only_when_it_is_a_round_number() -> None:
    bound = {"private_metadata": json.dumps({"application_id": 5, "round": 2})}
    assert expected_round_of(bound, 5) == 2
    assert expected_round_of(bound, None) is None  # a new application: no round to check
    for forged in ("2", 0, -1, 2.0, True, None, 10**6):
        metadata = {"private_metadata": json.dumps({"application_id": 5, "round": forged})}
        assert expected_round_of(metadata, 5) is None, forged
    assert expected_round_of({"private_metadata": json.dumps({"rounds": {"9": 3}})}, 4) is None
    assert expected_round_of({"private_metadata": json.dumps({"rounds": [3]})}, 9) is None
    assert expected_round_of({"private_metadata": "not json"}, 9) is None
