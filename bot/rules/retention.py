"""How long the coach keeps what it holds: the two retention settings and what they mean."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_UNINSTALLED_DAYS = 30


@dataclass(frozen=True)
class RetentionPolicy:
    """UNINSTALLED_DATA_RETENTION_DAYS and NOTES_RETENTION_DAYS, as read from settings."""

    # A workspace that removed the app keeps its people's data this long (0: gone at once).
    uninstalled_days: int = DEFAULT_UNINSTALLED_DAYS
    # Answers and drafts of a closed interview go this long after it closed; None: kept.
    notes_days: int | None = None

    def workspace_cutoff(self, now: datetime) -> datetime:
        """Workspaces removed at or before this are due to lose their data."""
        return now - timedelta(days=self.uninstalled_days)

    def notes_cutoff(self, now: datetime) -> datetime | None:
        """Interviews closed at or before this lose their notes; None: notes are kept."""
        if self.notes_days is None:
            return None
        return now - timedelta(days=self.notes_days)

    def notes_text(self) -> str:
        """What the person is told, in their settings, about how long their notes stay."""
        where = "`/interview delete my data` deletes it all at any time."
        if self.notes_days is None:
            return (
                f"Your reflection answers and saved drafts are kept until you delete them; {where}"
            )
        when = "as soon as" if self.notes_days == 0 else f"{_days(self.notes_days)} after"
        return (
            "Your reflection answers and saved drafts are deleted "
            f"{when} an interview is closed; {where}"
        )


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
