"""`interview-bot preview`'s options: the sample interview and the person's presses, parsed
from the command line, each bad one a PreviewError naming the option."""

from __future__ import annotations

import argparse
import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.rules.calendar import WEEKDAYS, PersonHours
from bot.rules.domain import InterviewFormat
from bot.rules.interview_form import MAX_AGE
from bot.rules.playbook import Playbook, PlaybookError, load_playbook
from bot.rules.public_holidays import country_of_zone, supported_countries
from bot.rules.zones import UTC_ZONE, find_zone

DEFAULT_TZ = "America/New_York"
AUTO_HOLIDAYS = "auto"
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PreviewError(Exception):
    """A preview option that cannot be used; the message is one line naming it."""


@dataclass(frozen=True)
class PreviewOptions:
    """The sample interview, the person who had it, and the buttons they press."""

    format: InterviewFormat = InterviewFormat.VIDEO
    traditional: bool = False
    timeline: date | None = None
    direct: bool = False
    tz: ZoneInfo = dataclasses.field(default_factory=lambda: ZoneInfo(DEFAULT_TZ))
    at: datetime | None = None  # the interview, local wall time (naive); None: next weekday 10:00
    logged_after: timedelta = timedelta(0)
    waking: tuple[int, int] = (8, 20)
    playbook: Playbook | None = None  # None: the built-in one
    emails_sent: bool = False
    cards_mailed: bool = False
    follow_ups_sent: bool = False
    keep_going: bool = False
    working_days: frozenset[int] = WEEKDAYS
    holidays: str | None = AUTO_HOLIDAYS  # a country code, None for none, or from --tz
    pause_until: date | None = None  # paused from logging until this local day

    @property
    def holiday_country(self) -> str | None:
        """The country whose public holidays are skipped: --holidays, or --tz's country."""
        if self.holidays == AUTO_HOLIDAYS:
            return country_of_zone(self.tz.key)
        return self.holidays


def parse_zone(name: str) -> ZoneInfo:
    """--tz: an IANA zone this machine knows."""
    zone = find_zone(name)
    if zone is None:
        raise PreviewError(
            f"--tz {name!r} is not a time zone this machine knows "
            "(use an IANA name such as America/New_York or Europe/Berlin)"
        )
    return zone


def parse_local_time(text: str) -> datetime:
    """--at: a local wall time, naive; the zone is --tz's alone."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise PreviewError(
            f"--at {text!r} is not a local date and time like 2026-12-01T10:00"
        ) from None
    if parsed.tzinfo is not None:
        raise PreviewError(
            f"--at {text!r} has a UTC offset or zone: give the local time alone, "
            "and the zone with --tz"
        )
    return parsed


def parse_timeline(text: str) -> date | None:
    """--timeline: the day the employer said they would answer by, or none."""
    if text.strip().lower() in {"", "none"}:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PreviewError(f"--timeline {text!r} is not a date like 2026-12-08 (or none)") from None


def parse_waking(text: str) -> tuple[int, int]:
    """--waking: START-END hours, as PersonHours accepts them."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", text)
    try:
        hours = PersonHours(UTC_ZONE, int(match[1]), int(match[2])) if match else None
    except ValueError:  # PersonHours checks the range
        hours = None
    if hours is None:
        raise PreviewError(f"--waking {text!r} is not a range of hours like 8-20 (0 to 24)")
    return hours.waking_start_hour, hours.waking_end_hour


def parse_working_days(text: str) -> frozenset[int]:
    """--working-days: day names, a range or a list: sun-thu, mon,tue,thu."""
    days: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        ends = part.split("-")
        if not part or len(ends) > 2 or any(e[:3] not in DAY_NAMES for e in ends):
            raise PreviewError(
                f"--working-days {text!r} is not days like mon-fri, sun-thu or mon,wed,fri"
            )
        first, last = (DAY_NAMES.index(e[:3]) for e in (ends[0], ends[-1]))
        days.update((first + i) % 7 for i in range((last - first) % 7 + 1))
    return frozenset(days)


def parse_holidays(text: str) -> str | None:
    """--holidays: a country code the holidays package knows, none, or auto (from --tz)."""
    value = text.strip()
    if value.lower() == "none":
        return None
    if value.lower() == AUTO_HOLIDAYS:
        return AUTO_HOLIDAYS
    if value.upper() not in supported_countries():
        raise PreviewError(
            f"--holidays {text!r} is not a country code like US, IL or JP (or none, or auto)"
        )
    return value.upper()


def parse_pause_until(text: str) -> date:
    """--pause-until: the local day the person is back."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise PreviewError(f"--pause-until {text!r} is not a date like 2027-01-04") from None


def parse_logged_after(minutes: int) -> timedelta:
    """As the log form allows: an interview logged at most MAX_AGE after it happened."""
    most = int(MAX_AGE.total_seconds()) // 60
    if not 0 <= minutes <= most:
        raise PreviewError(
            f"--logged-after {minutes} is not 0 to {most} minutes ({MAX_AGE.days} days)"
        )
    return timedelta(minutes=minutes)


def parse_playbook_path(path: str) -> Playbook:
    """--playbook: a playbook file, checked as `run` checks PLAYBOOK_PATH's."""
    try:
        return load_playbook(Path(path))
    except PlaybookError as exc:
        raise PreviewError(f"--playbook {exc}") from None


def options_from_args(args: argparse.Namespace) -> PreviewOptions:
    """The options `add_preview_arguments` parsed; the playbook only when --playbook names one
    (the caller falls back to PLAYBOOK_PATH, a setting, not an option)."""
    return PreviewOptions(
        format=InterviewFormat(args.format),
        traditional=args.traditional,
        timeline=parse_timeline(args.timeline),
        direct=args.direct,
        tz=parse_zone(args.tz),
        at=parse_local_time(args.at) if args.at else None,
        logged_after=parse_logged_after(args.logged_after),
        waking=parse_waking(args.waking),
        playbook=parse_playbook_path(args.playbook) if args.playbook else None,
        emails_sent=args.emails_sent,
        cards_mailed=args.cards_mailed,
        follow_ups_sent=args.follow_ups_sent,
        keep_going=args.keep_going,
        working_days=parse_working_days(args.working_days),
        holidays=parse_holidays(args.holidays),
        pause_until=parse_pause_until(args.pause_until) if args.pause_until else None,
    )


def add_preview_arguments(preview: argparse.ArgumentParser) -> None:
    """`interview-bot preview`'s options, their defaults those of PreviewOptions."""
    defaults = PreviewOptions()  # in DEFAULT_TZ
    preview.add_argument(
        "--format",
        choices=[f.value for f in InterviewFormat],
        default=defaults.format.value,
        help="the interview's format (default: %(default)s)",
    )
    preview.add_argument(
        "--traditional", action="store_true", help="a more traditional organization"
    )
    preview.add_argument(
        "--timeline",
        default="none",
        metavar="YYYY-MM-DD",
        help="when the employer said you'd hear back (default: none)",
    )
    preview.add_argument(
        "--direct", action="store_true", help="OK to follow up with the hiring manager directly"
    )
    preview.add_argument(
        "--tz", default=defaults.tz.key, help="IANA time zone (default: %(default)s)"
    )
    preview.add_argument(
        "--at",
        metavar="YYYY-MM-DDTHH:MM",
        help="the interview, local time (default: the next weekday at 10:00)",
    )
    preview.add_argument(
        "--logged-after",
        type=int,
        default=defaults.logged_after // timedelta(minutes=1),
        metavar="MINUTES",
        help="how long after the interview it is logged (default: %(default)s)",
    )
    start, end = defaults.waking
    preview.add_argument(
        "--waking",
        default=f"{start}-{end}",
        metavar="START-END",
        help="waking hours (default: %(default)s)",
    )
    preview.add_argument(
        "--working-days",
        default="mon-fri",
        metavar="DAYS",
        help="the person's working days, like sun-thu or mon,wed,fri (default: %(default)s)",
    )
    preview.add_argument(
        "--holidays",
        default=AUTO_HOLIDAYS,
        metavar="COUNTRY",
        help="skip this country's public holidays: a code like US, none, or auto "
        "(the country of --tz; default: %(default)s)",
    )
    preview.add_argument(
        "--pause-until",
        metavar="YYYY-MM-DD",
        help="the person pauses the coach right after logging, until this local day",
    )
    preview.add_argument(
        "--playbook", metavar="PATH", help="a playbook file (default: PLAYBOOK_PATH, or built-in)"
    )
    preview.add_argument(
        "--emails-sent", action="store_true", help='press "Email sent" at the thank-you'
    )
    preview.add_argument(
        "--cards-mailed", action="store_true", help='press "Card mailed" at the thank-you'
    )
    preview.add_argument(
        "--follow-ups-sent", action="store_true", help='press "Follow-up sent" at each follow-up'
    )
    preview.add_argument(
        "--keep-going", action="store_true", help='press "Keep going" at the check-in'
    )
