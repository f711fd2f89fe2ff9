"""What a nudge message says: its kind's content parts (bot.rules.kinds) as Block Kit, and
its notification text.

The registry says which parts a kind shows; this module only knows how each part looks.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.rules.domain import ReflectionQuestion
from bot.rules.kinds import (
    KINDS,
    About,
    Advice,
    CallQuestions,
    Part,
    QuotedAnswer,
    ReflectionQuestions,
    SinceInterview,
    SmallPrint,
    Upcoming,
    days_after_interview,
    first_thing_today,
    follow_up_count,
)
from bot.rules.playbook import Playbook
from bot.rules.view_models import NudgeView
from bot.rules.zones import known_zone
from bot.ui.messages import interview_title, plain_title
from bot.ui.text import escape_mrkdwn, slack_date

# Slack refuses a section text over 3000 characters.
SECTION_MAX = 3000


def content_blocks(view: NudgeView, playbook: Playbook) -> list[Block]:
    """The message's advice and what it is about, as its kind declares them."""
    return [block for part in KINDS[view.kind].content for block in _part(part, view, playbook)]


def advice_message(view: NudgeView, playbook: Playbook) -> tuple[str, list[dict[str, Any]]]:
    """The message's advice alone (no "Interview: …" line, no controls), as the escaped
    fallback and blocks another DM carries: the "Logged" confirmation carries "get some
    distance" this way."""
    blocks = [
        block
        for part in KINDS[view.kind].content
        if isinstance(part, Advice)
        for block in _part(part, view, playbook)
    ]
    return escape_mrkdwn(fallback(view)), [block.to_dict() for block in blocks]


def fallback(view: NudgeView) -> str:
    """The notification text, plain (the caller escapes it for mrkdwn)."""
    template = KINDS[view.kind].fallback
    return template.format(title=plain_title(view.interview), follow_up_count=follow_up_count(view))


def call_questions_text(playbook: Playbook) -> str:
    """The questions to ask on a call, bulleted (mrkdwn)."""
    return "\n".join(f"• {q}" for q in playbook.questions.call_questions)


def section(text: str) -> SectionBlock:
    """A mrkdwn section: the advice itself."""
    return SectionBlock(text=MarkdownTextObject(text=text))


def context(text: str) -> ContextBlock:
    """A small mrkdwn line: what the message is about, what was recorded."""
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _part(part: Part, view: NudgeView, playbook: Playbook) -> list[Block]:
    texts = playbook.texts
    match part:
        case Advice(text=key, only_if=condition):
            if condition is not None and not condition.holds(view):
                return []
            return [section(texts.text(key))]
        case SmallPrint(text=key, only_if=condition):
            if condition is not None and not condition.holds(view):
                return []
            return [context(texts.text(key))]
        case ReflectionQuestions():
            return [
                section(_question(playbook, number, question, view.answers.get(question, "")))
                for number, question in enumerate(ReflectionQuestion, start=1)
            ]
        case QuotedAnswer(text=key, question=question):
            answer = view.answers.get(question, "")
            if not answer.strip():
                return []
            intro = texts.text(key)
            return [section(f"{intro}\n{_quoted(answer, SECTION_MAX - len(intro) - 1)}")]
        case SinceInterview():
            days = days_after_interview(view)
            return [context(since_interview(view, days))] if days > 0 else []
        case CallQuestions(only_if=condition):
            if condition is not None and not condition.holds(view):
                return []
            return [section(call_questions_text(playbook))]
        case Upcoming():
            return [section(upcoming_text(view))]
        case About(follow_up_count=counted):
            return [_about(view, follow_up_count(view) if counted else "")]
    raise ValueError(f"no rendering for {part!r}")


def upcoming_text(view: NudgeView) -> str:
    """When an interview still ahead starts, and with whom (the names escaped)."""
    interview = view.interview
    when = slack_date(interview.happened_at, known_zone(interview.owner_tz))
    text = f"*When:* {when}"
    if interview.interviewers:
        text += f"\n*With:* {escape_mrkdwn(interview.interviewers)}"
    if interview.hiring_manager and interview.hiring_manager != interview.interviewers:
        text += f"\n*Hiring manager:* {escape_mrkdwn(interview.hiring_manager)}"
    return text


def since_interview(view: NudgeView, days: int) -> str:
    """Why the advice comes today and not on the interview's day: when the interview was,
    in the person's words ("yesterday evening", "Friday evening", "on Tue 1 Dec")."""
    local = view.interview.happened_at.astimezone(known_zone(view.interview.owner_tz))
    if local.hour < 12:
        part = "morning"
    elif local.hour < 17:
        part = "afternoon"
    else:
        part = "evening"
    if days == 1:
        when = f"yesterday {part}"
    elif days < 7:
        when = f"{local:%A} {part}"
    else:
        when = f"on {local:%a %-d %b}, in the {part}"
    today = "first thing today" if first_thing_today(view) else "today"
    return f"Your interview was {when}; a note {today} still reads as prompt."


def _about(view: NudgeView, extra: str = "") -> ContextBlock:
    """Which interview the message is about: company and role escaped, the day in their zone."""
    interview = view.interview
    when = slack_date(interview.happened_at, known_zone(interview.owner_tz))
    line = f"Interview: {interview_title(interview)} · {interview.format.label.lower()}, {when}"
    return context(f"{extra} · {line}" if extra else line)


def _quoted(answer: str, room: int) -> str:
    """A person's answer as a mrkdwn quote, escaped, cut to fit in `room` characters."""
    raw = answer.strip()

    def quote(keep: int) -> str:
        shown = raw if keep >= len(raw) else raw[:keep].rstrip() + "…"
        return "\n".join(f">{escape_mrkdwn(line)}" for line in shown.splitlines() or [""])

    if len(quote(len(raw))) <= room:
        return quote(len(raw))
    # Escaping and quoting lengthen the text unevenly: find the longest raw prefix that fits.
    low, high = 0, len(raw)
    while low < high:
        middle = (low + high + 1) // 2
        if len(quote(middle)) <= room:
            low = middle
        else:
            high = middle - 1
    return quote(low)[:room]


def _question(playbook: Playbook, number: int, question: ReflectionQuestion, answer: str) -> str:
    text = f"*{number}.* {playbook.questions.reflection(question)}"
    if answer.strip():
        text += "\n" + _quoted(answer, SECTION_MAX - len(text) - 1)
    return text
