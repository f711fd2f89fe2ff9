"""The text `interview-bot preview` prints: a heading, one line per DM in local time, and a
closing count."""

from __future__ import annotations

import re
from datetime import datetime

from bot.preview.options import DAY_NAMES, PreviewOptions
from bot.preview.sample_interview import simulate
from bot.preview.simulation import Delivered
from bot.rules.calendar import WEEKDAYS
from bot.rules.domain import NudgeKind, ReflectionQuestion
from bot.rules.planning import InterviewFacts, card_advised, reminded_follow_up
from bot.rules.playbook import Playbook


def preview_lines(options: PreviewOptions, now: datetime) -> list[str]:
    """The report `interview-bot preview` prints: a heading, one line per DM, a closing line."""
    simulation, happened = simulate(options, now)
    playbook, facts, tz = simulation.playbook, simulation.facts, options.tz
    lines = [_heading(options, happened), ""]
    for delivered in simulation.delivered:
        local = delivered.at.astimezone(tz)
        when = f"{local:%a %Y-%m-%d %H:%M} {local.tzname()}"
        label = _label(delivered)
        lines.append(f"{when}  {label:<14} {summary(delivered, facts, playbook)}")
    count = len(simulation.delivered)
    follow_ups = sum(1 for d in simulation.delivered if d.kind is NudgeKind.FOLLOW_UP)
    lines += ["", f"{count} DMs, {follow_ups} of them follow-ups; after that nothing is planned."]
    return lines


def _heading(options: PreviewOptions, happened: datetime) -> str:
    local = happened.astimezone(options.tz)
    kind = options.format.label.lower()
    org = " at a traditional organization" if options.traditional else ""
    timeline = f"hear back by {options.timeline:%a %Y-%m-%d}" if options.timeline else "no timeline"
    direct = "direct contact OK" if options.direct else "no direct contact"
    presses = [
        name
        for name, on in (
            ("Email sent", options.emails_sent),
            ("Card mailed", options.cards_mailed),
            ("Follow-up sent", options.follow_ups_sent),
            ("Keep going", options.keep_going),
        )
        if on
    ]
    pressing = "presses " + ", ".join(presses) if presses else "presses nothing"
    start, end = options.waking
    return (
        f"A {kind} interview{org} on {local:%a %Y-%m-%d %H:%M} {local.tzname()} "
        f"({options.tz.key}, awake {start:02d}-{end:02d}); {timeline}; {direct}; "
        f"the person {pressing}.{_rhythm(options)}"
    )


def _rhythm(options: PreviewOptions) -> str:
    """The person's own calendar, when a flag changed it (by default: Monday to Friday, the
    public holidays of --tz's country, no pause; the report then reads as it always did)."""
    defaults = PreviewOptions()
    if (options.working_days, options.holidays, options.pause_until) == (
        defaults.working_days,
        defaults.holidays,
        defaults.pause_until,
    ):
        return ""
    parts = []
    if options.working_days != WEEKDAYS:
        names = [DAY_NAMES[d].capitalize() for d in sorted(options.working_days)]
        parts.append("works " + ", ".join(names))
    country = options.holiday_country
    parts.append(f"skips {country} public holidays" if country else "keeps no public holidays")
    if options.pause_until is not None:
        parts.append(f"paused after logging until {options.pause_until:%a %Y-%m-%d}")
    return " The person " + "; ".join(parts) + "."


def _label(delivered: Delivered) -> str:
    if delivered.kind is NudgeKind.FOLLOW_UP:
        return f"follow-up {delivered.sequence}"
    if delivered.kind is NudgeKind.REMINDER:
        return f"reminder {reminded_follow_up(delivered.sequence)}"
    return delivered.kind.value.replace("_", "-")


def summary(delivered: Delivered, facts: InterviewFacts, playbook: Playbook) -> str:
    """What the DM says, in one line: the first sentence of its text, and what comes with it."""
    texts, timing = playbook.texts, playbook.timing
    kind = delivered.kind
    if kind is NudgeKind.DISTANCE:
        return first_sentence(texts.distance)
    if kind is NudgeKind.REFLECTION:
        asks = f"Asks the {len(ReflectionQuestion)} reflection questions."
        return f"{first_sentence(texts.reflection_intro)} {asks}"
    if kind is NudgeKind.THANK_YOU:
        card = card_advised(facts.format, facts.traditional_org)
        extra = " Also a thank-you card by mail." if card else ""
        return f"{first_sentence(texts.thank_you_email)}{extra}"
    if kind is NudgeKind.CARD:
        return first_sentence(texts.card_reminder)
    if kind is NudgeKind.CHECK_IN:
        return first_sentence(texts.check_in)
    if kind is NudgeKind.REMINDER:
        return first_sentence(texts.reminder)
    if kind is NudgeKind.STILL_WAITING:
        return f"{first_sentence(texts.still_waiting)} Keep going, check back, or close it."
    if kind is NudgeKind.AUTO_CLOSE:
        return f"{first_sentence(texts.auto_close)} Reopen for a day."
    weekly = " Weekly, direct contact OK." if facts.direct_contact_ok else ""
    # The cap only where that many can come, as the DM itself says it ("Follow-up 1 of at
    # most 5"); without direct contact the person presses nothing here, so one comes.
    cap = f" (at most {timing.max_follow_ups})" if facts.direct_contact_ok else ""
    questions = len(playbook.questions.call_questions)
    if delivered.sequence == 1:
        return (
            f"{first_sentence(texts.follow_up)} {questions} call questions and the "
            f"caution{cap}.{weekly}"
        )
    # After the first, the call questions are behind "Show the call questions".
    return (
        f"{first_sentence(texts.follow_up_again)} Call questions behind a button, the "
        f"caution{cap}.{weekly}"
    )


def first_sentence(mrkdwn: str) -> str:
    """The first sentence of a mrkdwn text, its markup dropped: a DM in one line."""
    plain = " ".join(re.sub(r"[*_~`]", "", mrkdwn).split())
    match = re.match(r"(.+?[.?!])(\s|$)", plain)
    return match[1] if match else plain
