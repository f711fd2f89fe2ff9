"""The form rules on their own: no Slack, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.domain import InterviewFormat
from bot.rules.interview_form import (
    InterviewDraft,
    InterviewForm,
    clean_text,
    validate_interview_form,
)
from bot.ui.command_text import Subcommand, parse_command
from bot.ui.text import escape_mrkdwn

NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
LA = ZoneInfo("America/Los_Angeles")


def form(**changes) -> InterviewForm:
    values = {
        "company": "Acme",
        "happened_at": NOW - timedelta(hours=2),
        "format": "phone_screen",
    }
    values.update(changes)
    return InterviewForm(**values)


def test_minimal_valid_form_becomes_a_draft() -> None:
    draft = validate_interview_form(form(), now=NOW, tz=LA)
    assert draft == InterviewDraft(
        company="Acme",
        role=None,
        happened_at=NOW - timedelta(hours=2),
        format=InterviewFormat.PHONE_SCREEN,
        traditional_org=False,
        interviewers=None,
        hiring_manager=None,
        employer_timeline=None,
        direct_contact_ok=False,
    )


def test_text_is_trimmed_and_control_characters_dropped() -> None:
    draft = validate_interview_form(
        form(company="  Acme\x00\n  Corp\t", role="\u200b"), now=NOW, tz=LA
    )
    assert isinstance(draft, InterviewDraft)
    assert draft.company == "Acme Corp"


def test_boundaries_of_when() -> None:
    assert isinstance(
        validate_interview_form(form(happened_at=NOW + timedelta(days=60)), now=NOW, tz=LA),
        InterviewDraft,
    )
    assert "happened_at" in validate_interview_form(
        form(happened_at=NOW + timedelta(days=60, seconds=1)), now=NOW, tz=LA
    )
    assert isinstance(
        validate_interview_form(form(happened_at=NOW - timedelta(days=90)), now=NOW, tz=LA),
        InterviewDraft,
    )
    assert "happened_at" in validate_interview_form(
        form(happened_at=NOW - timedelta(days=90, seconds=1)), now=NOW, tz=LA
    )


def test_timeline_on_the_interview_day_is_fine_the_day_before_is_not() -> None:
    local_day = (NOW - timedelta(hours=2)).astimezone(LA).date()
    ok = validate_interview_form(form(employer_timeline=local_day), now=NOW, tz=LA)
    assert isinstance(ok, InterviewDraft)
    bad = validate_interview_form(
        form(employer_timeline=local_day - timedelta(days=1)), now=NOW, tz=LA
    )
    assert set(bad) == {"employer_timeline"}


def test_company_length_limit_is_counted_after_cleaning() -> None:
    assert isinstance(
        validate_interview_form(form(company=" " + "A" * 100 + " "), now=NOW, tz=LA),
        InterviewDraft,
    )
    assert "company" in validate_interview_form(form(company="A" * 101), now=NOW, tz=LA)


@given(
    company=st.one_of(st.none(), st.text(max_size=300)),
    role=st.one_of(st.none(), st.text(max_size=300)),
    fmt=st.one_of(st.none(), st.sampled_from([*InterviewFormat, "fax"]), st.text(max_size=5)),
    offset_hours=st.integers(min_value=-24 * 200, max_value=24 * 200),
    timeline_offset=st.one_of(st.none(), st.integers(min_value=-800, max_value=800)),
)
def test_any_input_gives_a_draft_or_errors_never_a_crash(
    company, role, fmt, offset_hours, timeline_offset
) -> None:
    happened = NOW + timedelta(hours=offset_hours)
    timeline = None if timeline_offset is None else date(2026, 11, 26) + timedelta(timeline_offset)
    result = validate_interview_form(
        InterviewForm(
            company=company,
            role=role,
            format=fmt,
            happened_at=happened,
            employer_timeline=timeline,
        ),
        now=NOW,
        tz=LA,
    )
    if isinstance(result, InterviewDraft):
        assert 0 < len(result.company) <= 100
        assert result.role is None or len(result.role) <= 100
        assert result.company == result.company.strip()
        assert NOW - timedelta(days=90) <= result.happened_at <= NOW + timedelta(days=60)
    else:
        assert result and all(isinstance(m, str) and m for m in result.values())


@given(st.text())
def test_escaped_text_never_contains_slack_control_characters(value: str) -> None:
    escaped = escape_mrkdwn(value)
    assert "<" not in escaped and ">" not in escaped
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == value


@given(st.text())
def test_clean_text_is_idempotent(value: str) -> None:
    assert clean_text(clean_text(value)) == clean_text(value)


def test_command_parsing() -> None:
    assert parse_command("logged Acme Corp").argument == "Acme Corp"
    assert parse_command("LOG  Acme").subcommand is Subcommand.LOGGED
    assert parse_command("").subcommand is Subcommand.HELP
    assert parse_command(None).subcommand is Subcommand.HELP
    unknown = parse_command("frob x")
    assert (unknown.subcommand, unknown.word) == (Subcommand.UNKNOWN, "frob")


@pytest.mark.parametrize(
    ("raw", "minutes"),
    [(None, 60), ("", 60), ("30", 30), ("90", 90), ("180", 180)],
)
def test_length_defaults_to_an_hour_and_takes_the_offered_lengths(
    raw: str | None, minutes: int
) -> None:
    draft = validate_interview_form(form(length_minutes=raw), now=NOW, tz=LA)
    assert isinstance(draft, InterviewDraft)
    assert draft.length_minutes == minutes


@pytest.mark.parametrize("raw", ["61", "0", "-60", "1h", "600"])
def test_a_length_the_form_does_not_offer_is_a_field_error(raw: str) -> None:
    errors = validate_interview_form(form(length_minutes=raw), now=NOW, tz=LA)
    assert isinstance(errors, dict)
    assert "lengths offered" in errors["length_minutes"]
