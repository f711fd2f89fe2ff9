"""The shape of a person's export: everything the coach holds about them, as JSON and CSV.

The pydantic models are the documentation: `docs/export.schema.json` is their JSON Schema
(regenerate with `python -m bot.rules.personal_export > docs/export.schema.json`; a test fails
while the committed file differs). Bump FORMAT_VERSION when a field changes meaning or goes.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.rules.domain import (
    ApplicationStatus,
    ContactKind,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    NudgeStatus,
    Outcome,
)

FORMAT_VERSION = 1
JSON_FILENAME = "interview-coach-export.json"
# One row per round of each application.
CSV_FILENAME = "applications.csv"


class _Strict(BaseModel):
    # additionalProperties: false in the schema, so a reader knows the list is complete.
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExportedSettings(_Strict):
    """How and when the coach writes to the person."""

    tz: str = Field(description="Slack time zone, as last seen")
    waking_start_hour: int
    waking_end_hour: int
    working_days: list[int] = Field(description="weekdays, 0 = Monday")
    holiday_country: str | None = Field(
        description="ISO country code, 'none', or null for the country of the time zone"
    )
    follow_up_hour: int | None = Field(description="local hour; null for the playbook's")
    paused: bool
    paused_at: datetime | None
    paused_until: datetime | None


class ExportedPerson(_Strict):
    """Who the person is in Slack, as the coach knows them."""

    team_id: str
    user_id: str
    display_name: str | None = Field(description="signs the drafts")
    dm_channel_id: str | None
    deactivated_at: datetime | None = Field(
        description="when Slack said the person or workspace was gone"
    )
    created_at: datetime
    updated_at: datetime
    settings: ExportedSettings


class ExportedReflection(_Strict):
    """One answer to a reflection question."""

    question_key: str
    answer: str
    answered_at: datetime
    updated_at: datetime
    message_ts: str | None = Field(description="the DM that gave the answer, if any")


class ExportedPress(_Strict):
    """Something the person did and told the coach (a button press): the contact log."""

    kind: ContactKind
    channel: str | None
    occurred_at: datetime
    until: datetime | None = Field(description="a snooze's end")


class ExportedNudge(_Strict):
    """A message the coach planned, sent, or gave up on."""

    kind: NudgeKind
    sequence: int
    status: NudgeStatus
    due_at: datetime
    first_due_at: datetime | None
    sent_at: datetime | None
    attempts: int
    last_error: str | None
    channel_id: str | None
    message_ts: str | None
    created_at: datetime


class ExportedDraft(_Strict):
    """A draft the person edited and saved."""

    draft_key: str
    subject: str | None
    body: str
    updated_at: datetime


class ExportedApplication(_Strict):
    """One application: a job applied for, whose rounds are the interviews naming it."""

    id: int
    company: str
    role: str | None
    link: str | None
    note: str | None
    status: ApplicationStatus
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class ExportedInterview(_Strict):
    """One interview (a round of an application), with everything that hangs from it."""

    id: int
    application_id: int | None = Field(default=None, description="the application it is a round of")
    round_number: int = Field(default=1, description="which round of its application, from 1")
    company: str
    role: str | None
    interviewers: str | None
    hiring_manager: str | None
    format: InterviewFormat
    traditional_org: bool
    happened_at: datetime
    duration_minutes: int  # its length, as logged (60 unless they said)
    employer_timeline: date | None
    direct_contact_ok: bool
    status: InterviewStatus
    outcome: Outcome | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    reflections: list[ExportedReflection]
    presses: list[ExportedPress]
    nudges: list[ExportedNudge]
    drafts: list[ExportedDraft]


class PersonalExport(_Strict):
    """Everything Interview Coach holds about one person. Times are UTC (ISO 8601)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        title="Interview Coach personal data export",
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    format_version: Literal[1] = FORMAT_VERSION
    exported_at: datetime
    person: ExportedPerson | None = Field(description="null when the coach has never met them")
    applications: list[ExportedApplication] = Field(default_factory=list)
    interviews: list[ExportedInterview]


@dataclass(frozen=True)
class DataCounts:
    """What deleting the person's data removes, as the confirmation names it."""

    interviews: int = 0
    answers: int = 0
    drafts: int = 0
    planned: int = 0  # messages planned and not yet sent

    @property
    def empty(self) -> bool:
        return not (self.interviews or self.answers or self.drafts or self.planned)


def export_schema() -> dict[str, object]:
    """The JSON Schema of the export, as committed in docs/export.schema.json."""
    return PersonalExport.model_json_schema(mode="serialization")


def export_schema_text() -> str:
    """The schema as the committed file holds it: indented, sorted, ending in a newline."""
    return json.dumps(export_schema(), indent=2, sort_keys=True) + "\n"


def export_json(export: PersonalExport) -> str:
    """The JSON file the person receives."""
    return export.model_dump_json(indent=2) + "\n"


CSV_COLUMNS = (
    "application_id",
    "round",
    "company",
    "role",
    "format",
    "traditional_org",
    "happened_at",
    "employer_timeline",
    "interviewers",
    "hiring_manager",
    "direct_contact_ok",
    "status",
    "outcome",
    "closed_at",
    "answers",
    "follow_ups_sent",
    "last_contact_at",
)
# A spreadsheet runs a cell that starts with one of these as a formula: a company named
# "=HYPERLINK(…)" must stay text (OWASP's CSV injection advice: prefix a quote).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def applications_csv(export: PersonalExport) -> str:
    """One row per application and round (each interview), for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for interview in export.interviews:
        follow_ups = [p for p in interview.presses if p.kind is ContactKind.FOLLOW_UP]
        last = max((p.occurred_at for p in interview.presses), default=None)
        row = (
            interview.application_id or interview.id,
            interview.round_number,
            interview.company,
            interview.role,
            interview.format.value,
            interview.traditional_org,
            interview.happened_at,
            interview.employer_timeline,
            interview.interviewers,
            interview.hiring_manager,
            interview.direct_contact_ok,
            interview.status.value,
            interview.outcome.value if interview.outcome else None,
            interview.closed_at,
            len(interview.reflections),
            len(follow_ups),
            last,
        )
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


if __name__ == "__main__":
    print(export_schema_text(), end="")
