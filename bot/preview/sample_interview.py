"""The sample interview the preview options describe, played to its end on a Simulation,
the person pressing the buttons the options name as each DM arrives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.preview.options import PreviewError, PreviewOptions
from bot.preview.simulation import Delivered, Simulation
from bot.rules.calendar import Pause, PersonHours, at_local, is_working_day
from bot.rules.domain import ContactKind, NudgeKind
from bot.rules.planning import InterviewFacts, card_advised
from bot.rules.playbook import load_playbook

DEFAULT_HOUR = 10


def next_working_day_at(
    now: datetime, tz: ZoneInfo, hour: int = DEFAULT_HOUR, *, weekday: int | None = None
) -> datetime:
    """The first `hour`:00 in `tz` after `now` on a working day (on that `weekday`, Monday
    being 0, when given), as a UTC instant."""
    day = now.astimezone(tz).date()
    while True:
        candidate = at_local(day, hour, tz)
        wanted = is_working_day(day) and weekday in (None, day.weekday())
        if candidate > now and wanted:
            return candidate
        day += timedelta(days=1)


def simulate(options: PreviewOptions, now: datetime) -> tuple[Simulation, datetime]:
    """Play the options' interview to its end; also returns when the interview was (UTC)."""
    tz = options.tz
    local = options.at or next_working_day_at(now, tz).astimezone(tz).replace(tzinfo=None)
    # Through the zone's rules (fold=0), as the log form does with a wall time.
    happened = local.replace(tzinfo=tz).astimezone(UTC)
    if options.timeline is not None and options.timeline < local.date():
        raise PreviewError(
            f"--timeline {options.timeline} is before the interview ({local:%Y-%m-%d})"
        )
    facts = InterviewFacts(
        format=options.format,
        traditional_org=options.traditional,
        happened_at=happened,
        logged_at=happened + options.logged_after,
        employer_timeline=options.timeline,
        direct_contact_ok=options.direct,
    )
    pause = None
    if options.pause_until is not None:
        if options.pause_until <= local.date():
            raise PreviewError(
                f"--pause-until {options.pause_until} is not after the interview ({local:%Y-%m-%d})"
            )
        pause = Pause(facts.logged_at, at_local(options.pause_until, 0, tz))
    person = PersonHours(
        tz,
        *options.waking,
        working_days=options.working_days,
        holiday_country=options.holiday_country,
        pause=pause,
    )
    playbook = options.playbook or load_playbook(None)
    simulation = Simulation(facts, person, playbook, FixedClock(facts.logged_at))
    simulation.run(_person_pressing(options))
    return simulation, happened


def _person_pressing(options: PreviewOptions) -> Callable[[Simulation, Delivered], None]:
    def respond(simulation: Simulation, delivered: Delivered) -> None:
        kind = delivered.kind
        if kind is NudgeKind.THANK_YOU and options.emails_sent:
            simulation.press(ContactKind.THANK_YOU_EMAIL)
        # The button is there only where a card is advised; pressed once, it stays pressed.
        card = card_advised(simulation.facts.format, simulation.facts.traditional_org)
        if kind in (NudgeKind.THANK_YOU, NudgeKind.CARD) and options.cards_mailed and card:
            simulation.press(ContactKind.THANK_YOU_CARD)
        if kind in (NudgeKind.FOLLOW_UP, NudgeKind.REMINDER) and options.follow_ups_sent:
            simulation.press(ContactKind.FOLLOW_UP)
        if kind is NudgeKind.CHECK_IN and options.keep_going:
            simulation.press(ContactKind.KEPT_GOING)

    return respond
