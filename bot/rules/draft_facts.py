"""What a draft is written from: an interview's facts and the person's reflection, and the
variables a playbook's draft templates see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.rules.domain import InterviewFormat

# The free-text "who interviewed you" field, split into names: "Priya Shah, Tom Lee",
# "Priya and Tom", "Priya & Tom; Lee". " and " counts only as a whole word, so Alexandra
# and Anderson stay whole; an Oxford comma ("A, B, and C") leaves no empty name.
_NAME_SEPARATORS = re.compile(r"\s*(?:[,;&]|\band\b)\s*", re.IGNORECASE)

# English day and month names, not strftime's: those follow the machine's locale.
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class DraftFacts:
    """One interview as its drafts see it; user-typed values are kept exactly as typed."""

    company: str
    role: str | None
    format: InterviewFormat
    traditional_org: bool
    interviewers: tuple[str, ...]
    hiring_manager: str | None
    employer_timeline: date | None
    direct_contact_ok: bool
    # The reflection's answers: "what did I say well", "what should I clarify".
    said_well: str | None
    to_clarify: str | None
    # The person's Slack display name, for the sign-off.
    sender: str | None
    # When the thank-you note went out; None when the coach has no record of one.
    thank_you_date: date | None = None


def parse_interviewers(text: str | None) -> tuple[str, ...]:
    """The names in a free-text interviewers field, in order, each once."""
    if text is None:
        return ()
    names: list[str] = []
    seen: set[str] = set()
    for part in _NAME_SEPARATORS.split(text):
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    return tuple(names)


def joined_names(names: tuple[str, ...]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def spoken_day(day: date) -> str:
    """A date as an email says it: "Friday, March 14"."""
    return f"{_WEEKDAYS[day.weekday()]}, {_MONTHS[day.month - 1]} {day.day}"


def follow_up_to(facts: DraftFacts) -> str | None:
    """Who a follow-up greets: the hiring manager, when the person may contact them
    directly; else None, for the recruiter or whoever the person has been dealing with."""
    if facts.direct_contact_ok and facts.hiring_manager:
        return facts.hiring_manager
    return None


def _answer(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


# What a draft template may name. Values a person typed are passed as they are; a missing
# one is None, which a template tests with `{% if role %}` and which prints as nothing.
FACT_VARIABLES = frozenset(
    {
        "to_name",  # who this draft greets: a name, or None ("the team")
        "company",
        "role",
        "interview_format",  # "Phone screen", "Video call", "Face-to-face"
        "traditional_org",
        "interviewers",  # every name given, as a list
        "hiring_manager",
        "direct",  # the hiring manager may be contacted directly
        "timeline",  # the date they said they would decide by, as "Friday, March 14"
        "thank_you_date",  # when the thank-you note went out, as "Tuesday, March 4"
        "said_well",
        "to_clarify",
        "sender",
        "number",  # the follow-up's number, from 1; 0 for the thank-you drafts
    }
)


def fact_variables(facts: DraftFacts, *, to_name: str | None, number: int = 0) -> dict[str, Any]:
    """The variables a draft template is rendered with (exactly FACT_VARIABLES)."""
    return {
        "to_name": to_name,
        "company": facts.company,
        "role": facts.role,
        "interview_format": facts.format.label,
        "traditional_org": facts.traditional_org,
        "interviewers": list(facts.interviewers),
        "hiring_manager": facts.hiring_manager,
        "direct": facts.direct_contact_ok,
        "timeline": spoken_day(facts.employer_timeline) if facts.employer_timeline else None,
        "thank_you_date": spoken_day(facts.thank_you_date) if facts.thank_you_date else None,
        "said_well": _answer(facts.said_well),
        "to_clarify": _answer(facts.to_clarify),
        "sender": facts.sender,
        "number": number,
    }


# Facts a playbook's templates must render on before the bot starts: one with everything
# given, one with nothing optional, so a template that only works when a value is there (or
# only when it is not) is refused then, not when a person asks for a draft.
SAMPLE_FACTS = (
    DraftFacts(
        company="Acme Corp",
        role="Data Analyst",
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        interviewers=("Priya Shah", "Tom Lee"),
        hiring_manager="Dana Wu",
        employer_timeline=date(2025, 3, 14),
        direct_contact_ok=True,
        said_well="I explained my SQL project well.",
        to_clarify="I was vague about sample sizes",
        sender="Sam",
        thank_you_date=date(2025, 3, 4),
    ),
    DraftFacts(
        company="Initech",
        role=None,
        format=InterviewFormat.PHONE_SCREEN,
        traditional_org=False,
        interviewers=(),
        hiring_manager=None,
        employer_timeline=None,
        direct_contact_ok=False,
        said_well=None,
        to_clarify=None,
        sender=None,
    ),
)
