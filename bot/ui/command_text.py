"""Reading `/interview …` text, and the usage answer for anything it doesn't know."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.rules.interview_form import clean_text
from bot.ui.text import escape_mrkdwn, slack_date, slack_day, truncate, unescape_slack_text


class Subcommand(StrEnum):
    LOGGED = "logged"
    LIST = "list"
    EDIT = "edit"
    PAUSE = "pause"
    RESUME = "resume"
    SETTINGS = "settings"
    EXPORT = "export"
    DELETE = "delete"
    HELP = "help"
    UNKNOWN = "unknown"


ALIASES: dict[str, Subcommand] = {
    "logged": Subcommand.LOGGED,
    "log": Subcommand.LOGGED,
    "list": Subcommand.LIST,
    "ls": Subcommand.LIST,
    "edit": Subcommand.EDIT,
    "pause": Subcommand.PAUSE,
    "vacation": Subcommand.PAUSE,
    "resume": Subcommand.RESUME,
    "settings": Subcommand.SETTINGS,
    "export": Subcommand.EXPORT,
    "delete": Subcommand.DELETE,
    "help": Subcommand.HELP,
    "?": Subcommand.HELP,
}


@dataclass(frozen=True)
class ParsedCommand:
    subcommand: Subcommand
    argument: str  # what follows the subcommand, as typed
    word: str = ""  # the first word, kept to say what was not understood


def parse_command(text: str | None) -> ParsedCommand:
    """`text` as Slack sends it (escaped); the parts come back as the person typed them."""
    words = unescape_slack_text(text or "").strip().split(maxsplit=1)
    if not words:
        return ParsedCommand(Subcommand.HELP, "")
    word = words[0]
    argument = words[1].strip() if len(words) > 1 else ""
    return ParsedCommand(ALIASES.get(word.lower(), Subcommand.UNKNOWN), argument, word)


USAGE = (
    "*Interview Coach* walks you through the days after an interview.\n"
    "• `/interview logged [company]`: log an interview you just had (opens a short form)\n"
    "• `/interview list`: your interviews in progress\n"
    "• `/interview edit [company]`: correct an interview's details (date, format, people…)\n"
    "• `/interview pause [until 2027-01-04]`: nothing from me until you resume (or that day)\n"
    "• `/interview resume`: pick up where we left off\n"
    "• `/interview settings`: your waking hours, working days, holidays and follow-up hour\n"
    "• `/interview export`: a copy of everything I hold about you, in our DM\n"
    "• `/interview delete my data`: delete everything I hold about you (asks first)\n"
    "• `/interview help`: this message"
)


def usage_text(command: ParsedCommand | None = None) -> str:
    if command is not None and command.subcommand is Subcommand.UNKNOWN:
        # Cleaned as the forms clean names (a right-to-left override would turn the rest of
        # the line around); backticks would end the code span early; the rest is escaped.
        word = clean_text(command.word)
        if word is None:
            return f"I don't know that command.\n{USAGE}"
        shown = escape_mrkdwn(truncate(word.replace("`", "'"), 40))
        return f"I don't know `{shown}`.\n{USAGE}"
    return USAGE


def paused_text(until: datetime | None, tz: ZoneInfo, moved: int) -> str:
    """The answer to `/interview pause`: until when, and that nothing is lost."""
    when = "until you say `/interview resume`"
    if until is not None:
        when = f"until {slack_day(until, tz)}"
    kept = " Nothing is dropped: what falls inside the pause comes after it, in order."
    return f"Paused {when}. I won't send you anything before then.{kept if moved else ''}"


def resumed_text(was_paused: bool, next_due: datetime | None, tz: ZoneInfo) -> str:
    """The answer to `/interview resume`, with the planner's next time, honestly."""
    if not was_paused:
        return "You weren't paused; I'm here as usual."
    if next_due is None:
        return "Welcome back. Nothing is waiting for you."
    return f"Welcome back. Next from me: {slack_date(next_due, tz)}."
