"""An application's link and note as a correction checks them (bot.rules.application_form),
and the edit modal's fields for them (bot.ui.edit_modal). No Slack, no database."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rules.application_form import NOT_A_LINK, ApplicationExtras, check_application_extras
from bot.rules.domain import LINK_MAX, NOTE_MAX
from bot.ui import edit_modal
from tests.unit.test_delete_dialog import ACME

POSTING = "https://jobs.acme.example/data-analyst?ref=42"


@pytest.mark.parametrize(
    ("name", "link", "note", "expected"),
    [
        ("both given", POSTING, "Referred by Sam", ApplicationExtras(POSTING, "Referred by Sam")),
        ("none given", None, None, ApplicationExtras()),
        ("empty is none", "  ", "", ApplicationExtras()),
        ("trimmed", f"  {POSTING} ", " a  note ", ApplicationExtras(POSTING, "a note")),
        (
            "http is fine",
            "http://acme.example/jobs",
            None,
            ApplicationExtras("http://acme.example/jobs"),
        ),
        ("a sentence is no link", "see their careers page", None, {"link": NOT_A_LINK}),
        ("no scheme", "acme.example/jobs", None, {"link": NOT_A_LINK}),
        ("another scheme", "javascript://alert(1).x", None, {"link": NOT_A_LINK}),
        ("a space inside", "https://acme.example/a b", None, {"link": NOT_A_LINK}),
        ("Slack markup", "<https://acme.example|Acme>", None, {"link": NOT_A_LINK}),
        ("a host without a dot", "https://localhost", None, {"link": NOT_A_LINK}),
        (
            "too long a link",
            "https://acme.example/" + "a" * LINK_MAX,
            None,
            {"link": f"Please keep this under {LINK_MAX} characters (it has {LINK_MAX + 21})."},
        ),
        (
            "too long a note",
            None,
            "n" * (NOTE_MAX + 1),
            {"note": f"Please keep this under {NOTE_MAX} characters (it has {NOTE_MAX + 1})."},
        ),
        ("not text at all", 42, ["x"], ApplicationExtras()),
        (
            "hostile note kept as typed",
            None,
            "<!channel> {{ x }}",
            ApplicationExtras(None, "<!channel> {{ x }}"),
        ),
    ],
)
def test_check_application_extras(name: str, link: object, note: object, expected: object) -> None:
    assert check_application_extras(link, note) == expected, name


def blocks_by_id(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if "block_id" in b}


def test_the_edit_modal_shows_the_applications_link_and_note_as_saved() -> None:
    view = edit_modal.build_edit_modal(ACME, ApplicationExtras(POSTING, "Referred by Sam"))
    blocks = blocks_by_id(view)
    link = blocks[edit_modal.EXTRA_BLOCK_IDS["link"]]
    note = blocks[edit_modal.EXTRA_BLOCK_IDS["note"]]
    assert link["element"]["initial_value"] == POSTING and link["optional"] is True
    assert note["element"]["initial_value"] == "Referred by Sam"
    assert note["element"]["multiline"] is True


def test_without_extras_the_edit_modal_is_as_before() -> None:
    blocks = blocks_by_id(edit_modal.build_edit_modal(ACME))
    assert not set(edit_modal.EXTRA_BLOCK_IDS.values()) & set(blocks)


def state(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "state": {
            "values": {
                edit_modal.EXTRA_BLOCK_IDS[field]: {
                    edit_modal.ACTION_ID: {"type": "plain_text_input", "value": value}
                }
                for field, value in values.items()
            }
        }
    }


def test_the_link_and_note_are_read_only_where_the_modal_had_them() -> None:
    assert edit_modal.read_extras(state({"link": POSTING, "note": None})) == (POSTING, None)
    assert edit_modal.read_extras(state({"note": "x"})) == (None, "x")
    # A modal opened before the fields existed: nothing about them changes.
    assert edit_modal.read_extras({"state": {"values": {}}}) is None
    assert edit_modal.read_extras({}) is None
    assert edit_modal.extra_block_errors({"link": NOT_A_LINK}) == {
        edit_modal.EXTRA_BLOCK_IDS["link"]: NOT_A_LINK
    }
