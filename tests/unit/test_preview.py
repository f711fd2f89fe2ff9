"""`interview-bot preview`'s parts in this process: the options, the sample interview played
on the in-memory outbox, and the report. The command itself: tests/e2e/test_preview_cli.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import build_parser
from bot.clock import FixedClock
from bot.preview.options import (
    PreviewError,
    PreviewOptions,
    options_from_args,
    parse_holidays,
    parse_local_time,
    parse_logged_after,
    parse_playbook_path,
    parse_timeline,
    parse_waking,
    parse_working_days,
    parse_zone,
)
from bot.preview.report import first_sentence, preview_lines
from bot.preview.sample_interview import next_working_day_at
from bot.preview.simulation import Simulation
from bot.rules.calendar import PersonHours
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind
from bot.rules.planning import InterviewFacts
from bot.rules.playbook import DEFAULT_PLAYBOOK, default_playbook
from tests.preview_report import dm_lines, when_and_what

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # Thu 10:00 in Los Angeles
TUESDAY_10 = datetime(2026, 12, 1, 10, 0)  # local wall time
DEFAULT_TEXT = (Path(__file__).resolve().parents[2] / "bot" / "rules" / DEFAULT_PLAYBOOK).read_text(
    encoding="utf-8"
)


# -- the function ---------------------------------------------------------------------------------


def test_a_face_to_face_interview_at_a_traditional_organization() -> None:
    options = PreviewOptions(
        format=InterviewFormat.IN_PERSON, traditional=True, tz=LA, at=TUESDAY_10
    )

    lines = preview_lines(options, NOW)

    assert lines[0] == (
        "A face-to-face interview at a traditional organization on Tue 2026-12-01 10:00 PST "
        "(America/Los_Angeles, awake 08-20); no timeline; no direct contact; the person "
        "presses nothing."
    )
    assert dm_lines(lines) == [
        "Tue 2026-12-01 10:00 PST  distance       Get some distance first.",
        "Tue 2026-12-01 11:00 PST  reflection     How did it go? Asks the 2 reflection questions.",
        "Tue 2026-12-01 12:00 PST  thank-you      Send a thank-you note today. Also a thank-you "
        "card by mail.",
        "Wed 2026-12-02 10:00 PST  card           Did the thank-you card go out?",
        # No "(at most 5)": without direct contact one follow-up comes, as its DM says.
        "Tue 2026-12-08 10:00 PST  follow-up 1    Time to follow up. 3 call questions and the "
        "caution.",
        "Tue 2026-12-15 10:00 PST  check-in       Heard back yet?",
        'Tue 2027-01-05 10:00 PST  auto-close     I\'ve closed this interview as "no reply". '
        "Reopen for a day.",
    ]
    assert lines[-1] == "7 DMs, 1 of them follow-ups; after that nothing is planned."


def test_direct_permission_gives_five_weekly_follow_ups_and_no_check_in() -> None:
    options = PreviewOptions(direct=True, tz=LA, at=TUESDAY_10, follow_ups_sent=True)
    lines = preview_lines(options, NOW)

    assert when_and_what(lines)[3:] == [
        "Tue 2026-12-08 10:00 PST follow-up 1",
        "Tue 2026-12-15 10:00 PST follow-up 2",
        "Tue 2026-12-22 10:00 PST follow-up 3",
        "Tue 2026-12-29 10:00 PST follow-up 4",
        "Tue 2027-01-05 10:00 PST follow-up 5",
        "Tue 2027-01-26 10:00 PST auto-close",
    ]
    assert "caution (at most 5). Weekly, direct contact OK." in dm_lines(lines)[-2]
    assert lines[-1].startswith("9 DMs, 5 of them follow-ups")


def test_direct_permission_and_no_press_asks_still_waiting_after_two() -> None:
    lines = preview_lines(PreviewOptions(direct=True, tz=LA, at=TUESDAY_10), NOW)

    assert when_and_what(lines)[3:] == [
        "Tue 2026-12-08 10:00 PST follow-up 1",
        "Tue 2026-12-15 10:00 PST follow-up 2",
        "Tue 2026-12-22 10:00 PST still-waiting",
        "Tue 2027-01-12 10:00 PST auto-close",
    ]


def test_email_sent_moves_the_follow_up_and_keep_going_continues_after_the_check_in() -> None:
    options = PreviewOptions(
        tz=LA, at=datetime(2026, 12, 1, 8, 30), emails_sent=True, keep_going=True
    )

    lines = preview_lines(options, NOW)

    # The thank-you comes at 10:30; "Email sent" at once: the follow-up a week later, at the
    # next 10:00 on a working day.
    assert when_and_what(lines) == [
        "Tue 2026-12-01 08:30 PST distance",
        "Tue 2026-12-01 09:30 PST reflection",
        "Tue 2026-12-01 10:30 PST thank-you",
        "Wed 2026-12-09 10:00 PST follow-up 1",
        "Wed 2026-12-16 10:00 PST check-in",
        "Thu 2026-12-17 10:00 PST follow-up 2",
        "Thu 2026-12-24 10:00 PST follow-up 3",
        "Thu 2026-12-31 10:00 PST follow-up 4",
        "Thu 2027-01-07 10:00 PST follow-up 5",
        "Thu 2027-01-28 10:00 PST auto-close",
    ]
    assert "presses Email sent, Keep going." in lines[0]


def test_a_timeline_a_zone_and_the_clock_change_show_in_local_time() -> None:
    options = PreviewOptions(
        tz=ZoneInfo("Europe/Berlin"),
        at=datetime(2027, 3, 24, 19, 30),
        timeline=date(2027, 3, 26),  # a Friday: the follow-up waits for Monday
        logged_after=timedelta(minutes=20),
        holidays=None,  # Easter Monday is a German holiday: see the next test
    )

    lines = preview_lines(options, NOW)

    assert when_and_what(lines) == [
        "Wed 2027-03-24 19:50 CET distance",
        "Thu 2027-03-25 08:00 CET reflection",
        "Thu 2027-03-25 09:00 CET thank-you",
        "Mon 2027-03-29 10:00 CEST follow-up 1",
        "Mon 2027-04-05 10:00 CEST check-in",
        "Mon 2027-04-26 10:00 CEST auto-close",
    ]
    assert "hear back by Fri 2027-03-26" in lines[0]


def test_waking_hours_and_a_replacement_playbook(tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    path.write_text(DEFAULT_TEXT.replace("max_follow_ups = 5", "max_follow_ups = 2"), "utf-8")
    options = PreviewOptions(
        tz=LA,
        at=TUESDAY_10,
        direct=True,
        waking=parse_waking("11-18"),
        playbook=parse_playbook_path(str(path)),
    )

    lines = preview_lines(options, NOW)

    assert when_and_what(lines) == [
        "Tue 2026-12-01 11:00 PST reflection",  # 10:00 is before she is up: no distance DM
        "Tue 2026-12-01 12:00 PST thank-you",
        "Tue 2026-12-08 11:00 PST follow-up 1",
        "Tue 2026-12-15 11:00 PST follow-up 2",
        "Tue 2027-01-05 11:00 PST auto-close",
    ]
    assert "(at most 2)" in dm_lines(lines)[-2]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 26, 18, 0, tzinfo=UTC), datetime(2026, 11, 27, 10, 0)),  # Thu 10:00
        (datetime(2026, 11, 26, 17, 59, tzinfo=UTC), datetime(2026, 11, 26, 10, 0)),  # Thu 09:59
        (datetime(2026, 11, 27, 19, 0, tzinfo=UTC), datetime(2026, 11, 30, 10, 0)),  # Fri 11:00
        (datetime(2026, 11, 28, 19, 0, tzinfo=UTC), datetime(2026, 11, 30, 10, 0)),  # Saturday
    ],
)
def test_the_default_interview_is_the_next_weekday_at_ten(
    now: datetime, expected: datetime
) -> None:
    assert next_working_day_at(now, LA) == expected.replace(tzinfo=LA).astimezone(UTC)


def test_the_next_working_day_can_be_a_given_weekday() -> None:
    # Thursday 10:00 in Los Angeles: the next Tuesday 10:00 is five days on.
    tuesday = next_working_day_at(NOW, LA, 10, weekday=1)
    assert tuesday == datetime(2026, 12, 1, 10, 0, tzinfo=LA).astimezone(UTC)


def test_without_at_the_interview_is_the_next_weekday_at_ten() -> None:
    lines = preview_lines(PreviewOptions(tz=LA), NOW)  # Thursday 10:00 sharp

    assert "on Fri 2026-11-27 10:00 PST" in lines[0]


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (parse_zone, "Mars/Olympus_Mons", "--tz 'Mars/Olympus_Mons' is not a time zone"),
        (parse_zone, "../etc/passwd", "--tz '../etc/passwd' is not a time zone"),
        (parse_zone, "America", "--tz 'America' is not a time zone"),
        (parse_local_time, "tomorrow", "--at 'tomorrow' is not a local date and time"),
        (parse_timeline, "next week", "--timeline 'next week' is not a date"),
        (parse_waking, "20-8", "--waking '20-8' is not a range of hours"),
        (parse_waking, "8-25", "--waking '8-25' is not a range of hours"),
        (parse_waking, "8 to 20", "--waking '8 to 20' is not a range of hours"),
        (parse_logged_after, -1, "--logged-after -1 is not 0 to 129600 minutes (90 days)"),
        (parse_logged_after, 129601, "--logged-after 129601 is not 0 to 129600 minutes"),
        # An offset or zone would be silently dropped: the zone is --tz's alone.
        (parse_local_time, "2026-12-01T10:00+02:00", "--at '2026-12-01T10:00+02:00' has a UTC"),
        (parse_local_time, "2026-12-01T18:00Z", "--at '2026-12-01T18:00Z' has a UTC offset"),
    ],
)
def test_bad_options_are_one_line_naming_the_option(
    parse: Callable[[Any], object], text: object, message: str
) -> None:
    with pytest.raises(PreviewError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)
    assert str(caught.value).splitlines() == [str(caught.value)]


def test_a_timeline_before_the_interview_is_refused() -> None:
    options = PreviewOptions(tz=LA, at=TUESDAY_10, timeline=date(2026, 11, 30))
    with pytest.raises(PreviewError, match="--timeline 2026-11-30 is before the interview"):
        preview_lines(options, NOW)


def test_parsers_accept_what_they_document() -> None:
    assert parse_timeline("none") is None
    assert parse_timeline("2026-12-08") == date(2026, 12, 8)
    assert parse_local_time("2026-12-01 10:00") == TUESDAY_10
    assert parse_local_time("2026-12-01T10:00") == TUESDAY_10
    assert parse_waking("0-24") == (0, 24)
    assert parse_waking(" 8 - 20 ") == (8, 20)
    assert parse_logged_after(129600) == timedelta(days=90)
    assert parse_zone("Pacific/Chatham").key == "Pacific/Chatham"


def test_summaries_are_the_first_sentence_without_markup() -> None:
    assert first_sentence("*Get some distance first.* Leave the building.") == (
        "Get some distance first."
    )
    assert first_sentence("_How did it go?_ Now") == "How did it go?"
    assert first_sentence("no stop at all") == "no stop at all"
    texts = default_playbook().texts
    assert (
        first_sentence(texts.reminder)
        == "You asked me to bring this back: time for that follow-up."
    )


def direct_simulation() -> Simulation:
    happened = TUESDAY_10.replace(tzinfo=LA).astimezone(UTC)
    facts = InterviewFacts(
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        happened_at=happened,
        logged_at=happened,
        employer_timeline=None,
        direct_contact_ok=True,
    )
    return Simulation(facts, PersonHours(LA), default_playbook(), FixedClock(happened))


def test_presses_are_kept_once_as_the_bot_keeps_them() -> None:
    simulation = direct_simulation()
    thank_you = (NudgeKind.THANK_YOU, 0)
    simulation.run_until(datetime(2026, 12, 1, 21, 0, tzinfo=UTC))  # 13:00: thank-you sent

    # Once per interview, whichever message it is pressed on.
    assert simulation.press(ContactKind.THANK_YOU_CARD, on=thank_you)
    assert not simulation.press(ContactKind.THANK_YOU_CARD, on=(NudgeKind.CARD, 0))
    assert simulation.press(ContactKind.THANK_YOU_EMAIL)  # on the latest DM: the thank-you
    assert not simulation.press(ContactKind.THANK_YOU_EMAIL, on=thank_you)

    # "Follow-up sent" once per follow-up; "Snooze" once per message.
    simulation.run_until(datetime(2026, 12, 16, 18, 0, tzinfo=UTC))  # follow-ups 1 and 2 sent
    first, second = (NudgeKind.FOLLOW_UP, 1), (NudgeKind.FOLLOW_UP, 2)
    assert {d.key for d in simulation.delivered} >= {thank_you, first, second}
    assert simulation.press(ContactKind.FOLLOW_UP, on=first)
    assert not simulation.press(ContactKind.FOLLOW_UP, on=first)
    assert simulation.press(ContactKind.FOLLOW_UP, on=second)
    assert simulation.snooze(1, on=second)
    assert not simulation.snooze(3, on=second)

    kinds = [contact.kind for contact in simulation.contacts]
    assert kinds.count(ContactKind.THANK_YOU_CARD) == 1
    assert kinds.count(ContactKind.THANK_YOU_EMAIL) == 1
    assert kinds.count(ContactKind.FOLLOW_UP) == 2
    assert kinds.count(ContactKind.SNOOZED) == 1


def test_heard_back_is_kept_once() -> None:
    simulation = direct_simulation()
    simulation.close(heard_back=True)
    simulation.close(heard_back=True)

    assert [c.kind for c in simulation.contacts] == [ContactKind.HEARD_BACK]
    assert simulation.closed


# -- the options ----------------------------------------------------------------------------------


def parsed(*args: str) -> PreviewOptions:
    return options_from_args(build_parser().parse_args(["preview", *args]))


def test_the_command_line_defaults_are_those_of_preview_options() -> None:
    assert parsed() == PreviewOptions()


def test_every_option_reaches_preview_options(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(DEFAULT_TEXT.replace("max_follow_ups = 5", "max_follow_ups = 2"), "utf-8")

    options = parsed(
        *("--format", "in_person", "--traditional", "--timeline", "2026-12-08", "--direct"),
        *("--tz", "America/Los_Angeles", "--at", "2026-12-01 10:00", "--logged-after", "90"),
        *("--waking", "7-22", "--playbook", str(path)),
        *("--emails-sent", "--cards-mailed", "--follow-ups-sent", "--keep-going"),
    )

    assert options.playbook is not None
    assert options.playbook.timing.max_follow_ups == 2
    assert options == PreviewOptions(
        format=InterviewFormat.IN_PERSON,
        traditional=True,
        timeline=date(2026, 12, 8),
        direct=True,
        tz=LA,
        at=TUESDAY_10,
        logged_after=timedelta(minutes=90),
        waking=(7, 22),
        playbook=options.playbook,
        emails_sent=True,
        cards_mailed=True,
        follow_ups_sent=True,
        keep_going=True,
    )


def test_without_the_playbook_flag_the_options_leave_the_playbook_to_the_caller() -> None:
    # The caller reads PLAYBOOK_PATH, a setting, when no --playbook is given.
    assert parsed("--direct").playbook is None


def test_a_bad_option_on_the_command_line_is_a_preview_error_naming_it() -> None:
    with pytest.raises(PreviewError, match=r"^--waking '9' is not a range of hours"):
        parsed("--waking", "9")


def test_the_persons_working_days_holidays_and_pause_show_their_effect() -> None:
    easter = PreviewOptions(
        tz=ZoneInfo("Europe/Berlin"),
        at=datetime(2027, 3, 24, 19, 30),
        timeline=date(2027, 3, 26),
        logged_after=timedelta(minutes=20),
    )
    # By default the zone's country: Easter Monday (29 March) is a holiday in Germany.
    assert "Tue 2027-03-30 10:00 CEST follow-up 1" in when_and_what(preview_lines(easter, NOW))

    options = PreviewOptions(
        tz=ZoneInfo("Asia/Jerusalem"),
        at=datetime(2026, 9, 14, 10, 0),
        timeline=date(2026, 9, 20),
        direct=True,
        follow_ups_sent=True,
        working_days=parse_working_days("sun-thu"),
        holidays=parse_holidays("IL"),
        pause_until=date(2026, 9, 16),
    )

    lines = preview_lines(options, NOW)

    assert "works Mon, Tue, Wed, Thu, Sun; skips IL public holidays; paused" in lines[0]
    shown = when_and_what(lines)
    # Nothing during the pause; the reflection waits for the morning it ends.
    assert shown[0] == "Wed 2026-09-16 08:00 IDT reflection"
    # Monday 21 September is Yom Kippur: the follow-up comes on Tuesday.
    assert shown[2] == "Tue 2026-09-22 10:00 IDT follow-up 1"
    assert not [line for line in shown if line.startswith(("Fri", "Sat"))]


@pytest.mark.parametrize(
    ("text", "days"),
    [("mon-fri", {0, 1, 2, 3, 4}), ("sun-thu", {6, 0, 1, 2, 3}), ("Mon,Wed,fri", {0, 2, 4})],
)
def test_working_days_are_read_as_names_and_ranges(text: str, days: set[int]) -> None:
    assert parse_working_days(text) == days


@pytest.mark.parametrize("text", ["", "mon-", "funday", "mon-fri-sat"])
def test_bad_working_days_and_holidays_are_named(text: str) -> None:
    with pytest.raises(PreviewError, match="--working-days"):
        parse_working_days(text)
    with pytest.raises(PreviewError, match="--holidays"):
        parse_holidays("Narnia")
