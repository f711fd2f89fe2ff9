"""The export's documented shape, its CSV, the retention texts, and the pacing of deletes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema

from bot.rules.domain import ContactKind, InterviewFormat, InterviewStatus
from bot.rules.personal_export import (
    CSV_COLUMNS,
    DataCounts,
    ExportedInterview,
    ExportedPress,
    PersonalExport,
    applications_csv,
    export_json,
    export_schema,
    export_schema_text,
)
from bot.rules.retention import RetentionPolicy
from bot.slack.cleanup import BotIdentity, Pacer
from bot.ui.my_data import delete_modal, deleted_text, keeps_messages, what_goes

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "export.schema.json"
AT = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)


def test_the_committed_schema_is_the_models_schema() -> None:
    assert SCHEMA_FILE.read_text() == export_schema_text(), (
        "regenerate: .venv/bin/python -m bot.rules.personal_export > docs/export.schema.json"
    )
    jsonschema.Draft202012Validator.check_schema(export_schema())


def _interview(company: str, presses: list[ExportedPress]) -> ExportedInterview:
    return ExportedInterview(
        id=7,
        company=company,
        role=None,
        interviewers="Priya Shah",
        hiring_manager=None,
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        happened_at=AT,
        duration_minutes=60,
        employer_timeline=None,
        direct_contact_ok=True,
        status=InterviewStatus.ACTIVE,
        outcome=None,
        created_at=AT,
        updated_at=AT,
        closed_at=None,
        reflections=[],
        presses=presses,
        nudges=[],
        drafts=[],
    )


def test_an_export_validates_against_the_schema_and_refuses_unknown_fields() -> None:
    export = PersonalExport(exported_at=AT, person=None, interviews=[_interview("Acme", [])])
    document = json.loads(export_json(export))

    jsonschema.validate(document, export_schema())
    document["interviews"][0]["salary"] = 1
    assert not jsonschema.Draft202012Validator(export_schema()).is_valid(document)


def test_the_csv_counts_follow_ups_and_keeps_formulas_as_text() -> None:
    presses = [
        ExportedPress(kind=ContactKind.FOLLOW_UP, channel=None, occurred_at=AT, until=None),
        ExportedPress(
            kind=ContactKind.FOLLOW_UP,
            channel=None,
            occurred_at=AT + timedelta(days=7),
            until=None,
        ),
    ]
    export = PersonalExport(
        exported_at=AT, person=None, interviews=[_interview("@SUM(A1:A9)", presses)]
    )

    header, row = applications_csv(export).splitlines()

    assert header.split(",") == list(CSV_COLUMNS)
    values = dict(zip(CSV_COLUMNS, row.split(","), strict=True))
    assert values["company"] == "'@SUM(A1:A9)"
    assert values["follow_ups_sent"] == "2"
    assert values["last_contact_at"] == (AT + timedelta(days=7)).isoformat()
    assert values["direct_contact_ok"] == "yes"


def test_the_retention_texts() -> None:
    assert "kept until you delete them" in RetentionPolicy().notes_text()
    assert "deleted 1 day after" in RetentionPolicy(notes_days=1).notes_text()
    assert "deleted as soon as an interview" in RetentionPolicy(notes_days=0).notes_text()
    assert RetentionPolicy().notes_cutoff(AT) is None
    assert RetentionPolicy(uninstalled_days=0).workspace_cutoff(AT) == AT


def test_the_confirmation_names_what_will_go() -> None:
    counts = DataCounts(interviews=2, answers=1, drafts=0, planned=5)
    modal = delete_modal(counts)

    assert what_goes(counts) == (
        "2 interviews, 1 reflection answer, 0 saved drafts and 5 planned messages"
    )
    assert what_goes(counts) in modal["blocks"][0]["text"]["text"]
    assert keeps_messages({"state": {"values": {}}}) is False
    assert "as you asked" in deleted_text(counts, None)
    assert "Slack would not let me delete 2 more" in deleted_text(counts, 3, failed=2)


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_pacer_allows_a_burst_then_one_call_per_interval() -> None:
    fake = FakeTime()
    pacer = Pacer(per_minute=60, burst=3, monotonic=fake.monotonic, sleep=fake.sleep)

    for _ in range(5):
        pacer.wait()

    assert fake.slept == [1.0, 1.0]
    fake.now += 10  # a pause refills the bucket, up to the burst
    for _ in range(3):
        pacer.wait()
    assert fake.slept == [1.0, 1.0]


def test_the_bots_own_messages_are_told_by_user_or_bot_id() -> None:
    bot = BotIdentity(user_id="U0BOT", bot_id="B0BOT")

    assert bot.wrote({"user": "U0BOT"})
    assert bot.wrote({"bot_id": "B0BOT", "user": "U0OTHER"})
    assert not bot.wrote({"user": "U0DANA"})
    assert not BotIdentity(None, None).wrote({"user": None})
