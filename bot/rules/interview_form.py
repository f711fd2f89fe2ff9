"""Checking what a person typed about an interview: pure, no Slack, no database."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.rules.domain import COMPANY_MAX, INTERVIEWERS_MAX, PERSON_MAX, ROLE_MAX, InterviewFormat

# An interview can be logged when it is scheduled, up to this far ahead; the coach then waits
# for its end before saying anything about it.
MAX_AHEAD = timedelta(days=60)
# How long an interview lasts, in minutes, when the person does not say: its end is when the
# advice starts. The form offers these lengths only.
DEFAULT_LENGTH_MINUTES = 60
LENGTH_CHOICES_MINUTES: tuple[int, ...] = (30, 45, 60, 90, 120, 180)
# The follow-up advice stops making sense for an interview older than this.
MAX_AGE = timedelta(days=90)
MAX_TIMELINE_AHEAD = timedelta(days=365)

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class InterviewForm:
    """The modal's values as Slack delivered them, before any checking."""

    company: str | None = None
    role: str | None = None
    happened_at: datetime | None = None
    format: str | None = None
    traditional_org: bool = False
    interviewers: str | None = None
    hiring_manager: str | None = None
    employer_timeline: date | None = None
    direct_contact_ok: bool = False
    # True when Slack sent a timeline that is no date (a forgery, or 2026-02-30): named as a
    # field error rather than dropped as if none were given.
    employer_timeline_unreadable: bool = False
    # The chosen length as Slack sent it (a static select's value); None when left empty.
    length_minutes: str | None = None


@dataclass(frozen=True)
class InterviewDraft:
    """An interview that passed every check, ready to store."""

    company: str
    role: str | None
    happened_at: datetime
    format: InterviewFormat
    traditional_org: bool
    interviewers: str | None
    hiring_manager: str | None
    employer_timeline: date | None
    direct_contact_ok: bool
    length_minutes: int = DEFAULT_LENGTH_MINUTES


FieldErrors = dict[str, str]


def clean_text(value: str | None) -> str | None:
    """Trim, drop control and invisible formatting characters, fold runs of spaces.

    Invisible characters (zero-width spaces, bidi overrides) would let an empty or
    misleading name pass; what is left empty becomes None.
    """
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value)
    value = "".join(c for c in value if unicodedata.category(c) != "Cf")
    value = " ".join(_CONTROL.sub(" ", value).split())
    return value or None


def _check_length(errors: FieldErrors, field: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        errors[field] = f"Please keep this under {limit} characters (it has {len(value)})."


def validate_interview_form(
    form: InterviewForm, *, now: datetime, tz: ZoneInfo, logged_at: datetime | None = None
) -> InterviewDraft | FieldErrors:
    """An InterviewDraft, or the problems keyed by field name, in words for the person.

    `logged_at`: when correcting an interview already stored, when it was logged. The age
    limit then counts from then, not from now: an interview logged in time is never refused
    later for having grown old, whatever else is corrected about it.
    """
    errors: FieldErrors = {}
    company = clean_text(form.company)
    role = clean_text(form.role)
    interviewers = clean_text(form.interviewers)
    hiring_manager = clean_text(form.hiring_manager)

    if company is None:
        errors["company"] = "Which company was the interview with?"
    _check_length(errors, "company", company, COMPANY_MAX)
    _check_length(errors, "role", role, ROLE_MAX)
    _check_length(errors, "interviewers", interviewers, INTERVIEWERS_MAX)
    _check_length(errors, "hiring_manager", hiring_manager, PERSON_MAX)

    if form.direct_contact_ok and hiring_manager is None:
        errors.setdefault(
            "hiring_manager", "Who is the hiring manager they said you may follow up with?"
        )

    happened_at = form.happened_at
    if happened_at is None:
        errors["happened_at"] = "When did the interview happen?"
    elif happened_at > now + MAX_AHEAD:
        errors["happened_at"] = "That's more than 60 days from now. Log it once the date is nearer."
    elif happened_at < (now if logged_at is None else min(now, logged_at)) - MAX_AGE:
        errors["happened_at"] = (
            "That's more than 90 days ago; the follow-up advice won't fit an interview that old."
        )

    length = _length(form.length_minutes)
    if length is None:
        errors["length_minutes"] = "Please pick one of the lengths offered."

    try:
        interview_format = InterviewFormat(form.format or "")
    except ValueError:
        errors["format"] = "Was it a phone screen, a video call or face-to-face?"
        interview_format = None

    timeline = form.employer_timeline
    if form.employer_timeline_unreadable:
        errors["employer_timeline"] = "That date could not be read; please pick it again."
    elif timeline is not None and happened_at is not None and "happened_at" not in errors:
        interview_day = happened_at.astimezone(tz).date()
        if timeline < interview_day:
            errors["employer_timeline"] = "The date they gave can't be before the interview."
        elif timeline > interview_day + MAX_TIMELINE_AHEAD:
            errors["employer_timeline"] = "That's more than a year after the interview."

    if errors:
        return errors
    assert happened_at is not None and interview_format is not None and company is not None
    assert length is not None
    return InterviewDraft(
        company=company,
        role=role,
        happened_at=happened_at,
        format=interview_format,
        traditional_org=form.traditional_org,
        interviewers=interviewers,
        hiring_manager=hiring_manager,
        employer_timeline=timeline,
        direct_contact_ok=form.direct_contact_ok,
        length_minutes=length,
    )


def _length(raw: str | None) -> int | None:
    """The interview's length in minutes: the default when none was picked, None when the
    value is not one the form offers (a forged or stale submission)."""
    if raw is None or raw == "":
        return DEFAULT_LENGTH_MINUTES
    try:
        minutes = int(raw)
    except ValueError:
        return None
    return minutes if minutes in LENGTH_CHOICES_MINUTES else None


def round_logged_meanwhile(round_number: int) -> str:
    """Why a "Log round N" form is refused: round N was logged from another one meanwhile."""
    return (
        f"Round {round_number} of this application is already logged (from another window, "
        f"say). Cancel this form; to change round {round_number}, use Edit on the Home tab."
    )


# -- a new timeline ("They said they'd decide by…") -------------------------------------------

NO_TIMELINE = "Which day did they say they'd decide by?"
TIMELINE_PAST = "Pick today or a later day: the coach paces your follow-ups from that day."
TIMELINE_BEFORE_INTERVIEW = "The date they gave can't be before the interview."
TIMELINE_TOO_FAR = "That's more than a year from now."


def check_new_timeline(day: date | None, *, today: date, interview_day: date) -> str | None:
    """Why a new timeline cannot be used (in words for the date picker), or None.

    `today` and `interview_day` are local dates in the person's zone. A day already past
    would pace nothing: the coach would follow up at once, which the new date was meant to
    prevent.
    """
    if day is None:
        return NO_TIMELINE
    if day < interview_day:
        return TIMELINE_BEFORE_INTERVIEW
    if day < today:
        return TIMELINE_PAST
    if day > today + MAX_TIMELINE_AHEAD:
        return TIMELINE_TOO_FAR
    return None
