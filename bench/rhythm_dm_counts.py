"""How many DMs a person gets who logs three interviews in one afternoon: on the first day,
and in the first two weeks. One scripted scenario on the pure rules, no Slack, no database;
the "Logged" confirmation of each interview counts as a DM.

Printed for the rules before issue 10's "fewer, calmer messages" and after, step by step:
each interview on its own outbox with the "Logged" DM and "get some distance" apart (the
before figures), then the "Logged" DM carrying "get some distance" when both are due at
once, then the daily limits over all of the person's interviews (bot.preview.person, as the
bot's reconciler applies them: one unprompted DM per interview a day, three in all), then
one DM for the person's nudges that fall due together (bot.rules.grouping, the rule the
dispatcher applies to each batch; here to the preview's sends, which the preview itself
does not group: sends due within one dispatch tick of the DM's first are one DM, since
the dispatcher groups what one batch claims and never posts a nudge before it is due).

Run on any commit to compare: `python bench/rhythm_dm_counts.py`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.preview import Delivered, Simulation
from bot.preview.person import PersonOutbox
from bot.rules.calendar import PersonHours
from bot.rules.domain import ContactKind, InterviewFormat, NudgeKind
from bot.rules.grouping import Due, group_due
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
# The default DISPATCH_INTERVAL_SECONDS: nudges due within one tick are claimed together.
TICK = timedelta(seconds=10)

Sent = list[tuple[datetime, str]]


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


def interviews() -> list[InterviewFacts]:
    found = []
    for at, interview_format, traditional, direct in AFTERNOON:
        happened = datetime.combine(DAY, at, tzinfo=LA).astimezone(UTC)
        found.append(
            InterviewFacts(
                format=interview_format,
                traditional_org=traditional,
                happened_at=happened,
                logged_at=happened + LOGGED_AFTER,
                employer_timeline=None,
                direct_contact_ok=direct,
            )
        )
    return found


def dms(*, daily_limits: bool, carry_distance: bool) -> Sent:
    """Every DM the person gets, with when, from all three interviews."""
    outbox = PersonOutbox(
        PersonHours(LA), default_playbook(), FixedClock(interviews()[0].logged_at), daily_limits
    )
    outbox.run(interviews(), respond)
    logged_at = {facts.logged_at for facts in interviews()}
    sent: Sent = [(at, "logged") for at in sorted(logged_at)]
    for each in outbox.delivered:
        delivered = each.delivered
        if carry_distance and delivered.kind is NudgeKind.DISTANCE and delivered.at in logged_at:
            continue  # it went out inside the "Logged" DM
        sent.append((delivered.at, f"{delivered.kind.value} (interview {each.interview + 1})"))
    return sorted(sent)


def grouped(sent: Sent) -> Sent:
    """`sent` as the dispatcher posts it: one DM for nudges due within a tick of each other
    (the "Logged" DMs are the listener's, each on its own)."""
    nudges = [(at, what) for at, what in sent if what != "logged"]
    dms = group_due([Due(i, "person", at) for i, (at, _) in enumerate(nudges)], TICK)
    together = [(nudges[dm[0]][0], " + ".join(nudges[i][1] for i in dm)) for dm in dms]
    return sorted([s for s in sent if s[1] == "logged"] + together)


def counts(sent: Sent) -> tuple[int, int]:
    start = datetime.combine(DAY, time(0), tzinfo=LA)
    first_day = [s for s in sent if s[0].astimezone(LA).date() == DAY]
    two_weeks = [s for s in sent if s[0] < start + timedelta(days=14)]
    return len(first_day), len(two_weeks)


def main() -> None:
    steps = [
        ("before (each DM on its own, no limits)", False, False, False),
        ('+ "Logged" carries "get some distance"', False, True, False),
        ("+ daily limits", True, True, False),
        ("+ one DM for what falls due together", True, True, True),
    ]
    before = counts(dms(daily_limits=False, carry_distance=False))
    for name, limits, carry, group in steps:
        sent = dms(daily_limits=limits, carry_distance=carry)
        day, fortnight = counts(grouped(sent) if group else sent)
        print(
            f"{name:44} first day: {day:2} DMs ({day / before[0]:.2f} x before); "
            f"first two weeks: {fortnight:2} DMs ({fortnight / before[1]:.2f} x before)"
        )
    print("\nafter, the first two weeks:")
    start = datetime.combine(DAY, time(0), tzinfo=LA)
    for when, what in grouped(dms(daily_limits=True, carry_distance=True)):
        if when < start + timedelta(days=14):
            print(f"  {when.astimezone(LA):%a %d %b %H:%M}  {what}")


if __name__ == "__main__":
    main()
