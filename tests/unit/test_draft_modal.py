"""The Draft button's modal and its Copy-ready view: which drafts each message shows, saved
edits in place of the builder's, hostile text literal, and Slack's modal limits kept."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from urllib.parse import unquote, urlsplit

import pytest
from coach_devkit.slack_standin.limits import view_problem

from bot.listeners.slack_io import display_name
from bot.rules.domain import InterviewFormat, NudgeKind
from bot.rules.draft_facts import DraftFacts, parse_interviewers
from bot.rules.draft_sheet import (
    CARD_KEY,
    MAX_EMAILS,
    DraftEdit,
    DraftSheet,
    EditProblem,
    check_edit,
    draft_sheet,
    follow_up_key,
    thank_you_key,
)
from bot.rules.drafts import BODY_MAX, SUBJECT_MAX
from bot.rules.kinds import KINDS
from bot.rules.mailto import MAILTO_MAX
from bot.rules.playbook import default_playbook
from bot.ui.draft_modal import (
    BODY,
    CALLBACK_ID,
    SUBJECT,
    build_copy_ready,
    build_draft_modal,
    copy_text,
    input_block_id,
    nudge_id_of,
    read_edits,
)

PLAYBOOK = default_playbook()
HOSTILE = "<!channel> {{ 7*7 }} {% for x in y %} *bold* \u202eevil\u202c & <@U0ADMIN>"
ACME = DraftFacts(
    company="Acme Corp",
    role="Data Analyst",
    format=InterviewFormat.IN_PERSON,
    traditional_org=True,
    interviewers=parse_interviewers("Priya Shah, Tom Lee"),
    hiring_manager="Dana Wu",
    employer_timeline=date(2026, 12, 4),
    direct_contact_ok=True,
    said_well="I explained my SQL project well",
    to_clarify="I was vague about sample sizes",
    sender="dana",
)


def sheet(
    kind: NudgeKind = NudgeKind.THANK_YOU,
    facts: DraftFacts = ACME,
    edits: dict[str, DraftEdit] | None = None,
    number: int = 0,
) -> DraftSheet:
    return draft_sheet(
        nudge_id=42,
        title="Acme Corp (Data Analyst)",
        kind=kind,
        follow_up_number=number,
        facts=facts,
        playbook=PLAYBOOK,
        edits=edits or {},
    )


def inputs(view: dict) -> dict[str, dict]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def preformatted(view: dict) -> list[str]:
    return [
        part["text"]
        for block in view["blocks"]
        if block["type"] == "rich_text"
        for element in block["elements"]
        for part in element["elements"]
    ]


def links(view: dict) -> list[str]:
    return [
        e["url"]
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("url")
    ]


def test_every_kind_with_a_draft_button_declares_what_it_opens() -> None:
    offering = {kind for kind, spec in KINDS.items() if spec.drafts}
    assert offering == {
        NudgeKind.THANK_YOU,
        NudgeKind.CARD,
        NudgeKind.FOLLOW_UP,
        NudgeKind.REMINDER,
    }


def test_the_thank_you_shows_an_email_per_interviewer_and_the_card() -> None:
    shown = sheet()
    assert [(d.key, d.recipient) for d in shown.drafts] == [
        (thank_you_key(0), "Priya Shah"),
        (thank_you_key(1), "Tom Lee"),
        (CARD_KEY, "Priya Shah and Tom Lee"),
    ]
    assert all("sample sizes" in d.body for d in shown.drafts[:2])
    assert shown.call_script is None
    view = build_draft_modal(shown)
    assert view_problem(view) is None
    fields = inputs(view)
    assert set(fields) == {
        input_block_id(thank_you_key(0), SUBJECT),
        input_block_id(thank_you_key(0), BODY),
        input_block_id(thank_you_key(1), SUBJECT),
        input_block_id(thank_you_key(1), BODY),
        input_block_id(CARD_KEY, BODY),
    }
    body = fields[input_block_id(thank_you_key(0), BODY)]
    assert body["multiline"] is True and body["max_length"] == BODY_MAX
    assert body["initial_value"] == shown.drafts[0].body
    assert fields[input_block_id(thank_you_key(0), SUBJECT)]["max_length"] == SUBJECT_MAX
    assert view["callback_id"] == CALLBACK_ID and nudge_id_of(view) == 42


def test_without_names_one_email_to_the_team_and_no_card_when_none_is_advised() -> None:
    facts = dataclasses.replace(ACME, interviewers=(), format=InterviewFormat.VIDEO)
    assert [(d.key, d.recipient) for d in sheet(facts=facts).drafts] == [
        (thank_you_key(0), "the team")
    ]


def test_a_follow_up_shows_its_own_note_and_the_call_script_read_only() -> None:
    second = sheet(NudgeKind.FOLLOW_UP, number=2)
    assert [d.key for d in second.drafts] == [follow_up_key(2)]
    assert second.drafts[0].recipient == "Dana Wu"
    assert second.call_script and PLAYBOOK.questions.call_questions[0] in second.call_script
    assert second.drafts[0].body != sheet(NudgeKind.FOLLOW_UP, number=1).drafts[0].body
    view = build_draft_modal(second)
    assert view_problem(view) is None
    assert len(inputs(view)) == 2  # the script is for reading, not an input
    assert any(b["type"] == "section" and b["text"]["type"] == "plain_text" for b in view["blocks"])


def test_the_card_message_shows_the_card_alone() -> None:
    assert [d.key for d in sheet(NudgeKind.CARD).drafts] == [CARD_KEY]


def test_a_saved_edit_is_shown_instead_of_the_builders_text() -> None:
    edits = {thank_you_key(1): DraftEdit("Thanks, Tom", "Tom — my own words.")}
    shown = sheet(edits=edits)
    assert (shown.drafts[1].subject, shown.drafts[1].body) == ("Thanks, Tom", "Tom — my own words.")
    assert shown.drafts[1].edited and not shown.drafts[0].edited
    fields = inputs(build_draft_modal(shown))
    assert fields[input_block_id(thank_you_key(1), BODY)]["initial_value"] == "Tom — my own words."


def test_hostile_text_stays_literal_in_the_modal_and_copy_ready_view() -> None:
    facts = dataclasses.replace(
        ACME, interviewers=(HOSTILE,), to_clarify=HOSTILE, said_well=HOSTILE, sender=HOSTILE
    )
    shown = sheet(facts=facts)
    assert HOSTILE in shown.drafts[0].body  # never rendered as a template: {{ 7*7 }} stays
    for view in (build_draft_modal(shown), build_copy_ready(shown)):
        assert view_problem(view) is None
        text = json.dumps(view)
        # Only plain_text and rich text carry it: no mrkdwn object anywhere in these views.
        assert '"mrkdwn"' not in text
    ready = build_copy_ready(shown)
    assert copy_text(shown.drafts[0]) in preformatted(ready)
    assert all(HOSTILE in t for t in preformatted(ready))


def test_the_copy_ready_view_links_each_email_to_the_mail_client() -> None:
    shown = sheet()
    ready = build_copy_ready(shown)
    urls = links(ready)
    assert len(urls) == 2  # the emails; a card is written by hand
    for url, draft in zip(urls, shown.drafts, strict=False):
        parts = urlsplit(url)
        assert parts.scheme == "mailto" and len(url) <= MAILTO_MAX
        assert f"subject={draft.subject}" in unquote(parts.query)
    assert "submit" not in ready
    assert preformatted(ready)[0].startswith(f"Subject: {shown.drafts[0].subject}\n\n")


def test_the_longest_drafts_and_most_names_fit_slacks_modal_limits() -> None:
    names = ", ".join(f"Person{i} {'x' * 8}" for i in range(MAX_EMAILS + 5))
    facts = dataclasses.replace(
        ACME,
        interviewers=parse_interviewers(names),
        said_well="w" * 3000,
        to_clarify="\U0001f600" * 3000,
        company="C" * 200,
    )
    shown = sheet(facts=facts)
    assert shown.left_out == 5
    edits = {d.key: DraftEdit("S" * SUBJECT_MAX, "B" * BODY_MAX) for d in shown.drafts}
    full = sheet(facts=facts, edits=edits)
    for view in (build_draft_modal(full), build_copy_ready(full)):
        assert view_problem(view) is None
        assert len(view["blocks"]) <= 100
        assert len(view["private_metadata"]) <= 3000
    assert all(len(url) <= MAILTO_MAX for url in links(build_copy_ready(full)))


def test_a_submitted_modal_reads_back_as_edits_by_key() -> None:
    shown = sheet()
    view = build_draft_modal(shown)
    values = {
        block_id: {"text": {"type": "plain_text_input", "value": f"typed {block_id}"}}
        for block_id in inputs(view)
    }
    edits = read_edits({**view, "state": {"values": values}})
    assert edits[CARD_KEY] == DraftEdit(None, f"typed {input_block_id(CARD_KEY, BODY)}")
    assert edits[thank_you_key(0)].subject == f"typed {input_block_id(thank_you_key(0), SUBJECT)}"
    assert read_edits({"state": {"values": {"other": {"text": {"value": "x"}}}}}) == {}


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (DraftEdit("Hi", "   "), "body"),
        (DraftEdit("Hi", "x" * (BODY_MAX + 1)), "body"),
        (DraftEdit("s" * (SUBJECT_MAX + 1), "fine"), "subject"),
    ],
)
def test_an_edit_slack_should_not_have_let_through_is_refused(edit: DraftEdit, field: str) -> None:
    with pytest.raises(EditProblem) as refused:
        check_edit("card", edit)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ({"name": "dana", "profile": {"display_name": "Dana W", "real_name": "Dana Wu"}}, "Dana W"),
        ({"name": "dana", "profile": {"display_name": "", "real_name": "Dana  Wu"}}, "Dana Wu"),
        ({"name": "dana", "profile": {}}, "dana"),
        ({}, None),
        ({"profile": {"display_name": "   "}}, None),
    ],
)
def test_the_sign_off_name_is_what_slack_shows_for_the_person(
    user: dict, expected: str | None
) -> None:
    assert display_name(user) == expected
