"""Reading `interview-bot preview`'s report in tests: its DM lines, their times and kinds."""

from __future__ import annotations

WEEKDAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}


def dm_lines(lines: list[str]) -> list[str]:
    """The lines that are DMs: they start with a weekday."""
    return [line for line in lines if line[:3] in WEEKDAYS]


def when_and_what(lines: list[str]) -> list[str]:
    """'Tue 2026-12-01 10:00 PST distance': each DM's time and kind, without its summary."""
    found = []
    for line in dm_lines(lines):
        when, rest = line.split("  ", 1)  # two spaces after the zone; the kind is padded
        found.append(f"{when} {rest[:14].strip()}")
    return found
