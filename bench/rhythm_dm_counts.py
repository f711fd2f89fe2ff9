"""How many DMs a person gets who logs three interviews in one afternoon: on the first day,
and in the first two weeks. One scripted scenario on the pure rules (bot.preview.Simulation),
no Slack, no database; the "Logged" confirmation of each interview counts as a DM.

Run on any commit to compare: `python bench/rhythm_dm_counts.py`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.rules.calendar import PersonHours
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind
from bot.rules.planning import InterviewFacts
from bot.rules.playbook import default_playbook

LA = ZoneInfo("America/Los_Angeles")
DAY = date(2026, 11, 2)  # a Monday
# (local hour:minute of the interview, format, traditional organization, direct contact OK)
AFTERNOON = [
    (time(13, 0), InterviewFormat.IN_PERSON, True, False),
    (time(14, 30), InterviewFormat.VIDEO, False, True),
    (time(16, 0), InterviewFormat.PHONE_SCREEN, False, False),
]
LOGGED_AFTER = timedelta(minutes=20)


def respond(simulation: Simulation, delivered: Delivered) -> None:
    """The person does what the coach suggests: the thank-you email, the card, each
    follow-up; at the check-in, keep going."""
    if delivered.kind is NudgeKind.THANK_YOU:
        simulation.press(ContactKind.THANK_YOU_EMAIL)
    elif delivered.kind is NudgeKind.CARD:
        simulation.press(ContactKind.THANK_YOU_CARD)
    elif delivered.kind in (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER):
        simulation.press(ContactKind.FOLLOW_UP)
    elif delivered.kind is NudgeKind.CHECK_IN:
        simulation.press(ContactKind.KEPT_GOING)


def dms() -> list[tuple[datetime, str]]:
    """Every DM the person gets, with when, from all three interviews."""
    sent: list[tuple[datetime, str]] = []
    for at, interview_format, traditional, direct in AFTERNOON:
        happened = datetime.combine(DAY, at, tzinfo=LA).astimezone(UTC)
        facts = InterviewFacts(
            format=interview_format,
            traditional_org=traditional,
            happened_at=happened,
            logged_at=happened + LOGGED_AFTER,
            employer_timeline=None,
            direct_contact_ok=direct,
        )
        sent.append((facts.logged_at, "logged"))
        simulation = Simulation(
            facts, PersonHours(LA), default_playbook(), FixedClock(facts.logged_at)
        )
        simulation.run(respond)
        sent.extend((d.at, d.kind.value) for d in simulation.delivered)
    return sorted(sent)


def main() -> None:
    sent = dms()
    first_day = [s for s in sent if s[0].astimezone(LA).date() == DAY]
    start = datetime.combine(DAY, time(0), tzinfo=LA)
    two_weeks = [s for s in sent if s[0] < start + timedelta(days=14)]
    print(f"first day: {len(first_day)} DMs; first two weeks: {len(two_weeks)} DMs")
    for when, what in two_weeks:
        print(f"  {when.astimezone(LA):%a %d %b %H:%M}  {what}")


if __name__ == "__main__":
    main()
