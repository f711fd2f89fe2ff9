"""The application's own facts a correction can change: a link (the job posting) and a note.
Checked as the interview form's fields are: cleaned of control characters, empty is none,
bounded; a link must be a web address, so Slack shows it as one and nothing else is stored
as a "link"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.rules.domain import LINK_MAX, NOTE_MAX
from bot.rules.interview_form import FieldErrors, clean_text

NOT_A_LINK = "Please paste a web address, starting with https:// (or http://)."
# One address, no spaces: a sentence pasted into the link's box is refused, not stored.
_LINK = re.compile(r"https?://[^\s<>]+\.[^\s<>]+", re.IGNORECASE)


@dataclass(frozen=True)
class ApplicationExtras:
    """An application's link and note, as saved or as checked (None: none given)."""

    link: str | None = None
    note: str | None = None


def check_application_extras(link: object, note: object) -> ApplicationExtras | FieldErrors:
    """The link and note as typed, checked: ApplicationExtras, or the problems keyed "link"
    and "note" in words for the person."""
    errors: FieldErrors = {}
    cleaned_link = clean_text(link if isinstance(link, str) else None)
    cleaned_note = clean_text(note if isinstance(note, str) else None)
    for field, value, limit in (("link", cleaned_link, LINK_MAX), ("note", cleaned_note, NOTE_MAX)):
        if value is not None and len(value) > limit:
            errors[field] = f"Please keep this under {limit} characters (it has {len(value)})."
    if "link" not in errors and cleaned_link is not None and not _LINK.fullmatch(cleaned_link):
        errors["link"] = NOT_A_LINK
    if errors:
        return errors
    return ApplicationExtras(link=cleaned_link, note=cleaned_note)
