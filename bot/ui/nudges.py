"""The coach's nudge messages: their advice, what the person has recorded on them, and the
controls that still make sense.

Pure: a NudgeView in, (fallback text, blocks) out; a press re-renders the message from the
view the coach read back from the database, so no line depends on the message Slack sent
with the press. Every control of a message sits in one actions block whose block_id names
the nudge; a button's value names it too, while a select's value is the option picked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)

from bot.rules.domain import InterviewStatus, NudgeKind, Outcome, ReflectionQuestion
from bot.rules.playbook import Playbook
from bot.rules.view_models import CONTROLS, HEARD_BACK_OUTCOMES, Choice, Done, NudgeView
from bot.rules.zones import known_zone
from bot.ui.messages import Message, interview_title, plain_title
from bot.ui.text import escape_mrkdwn, slack_date, truncate

# One action id per choice, plus the button that opens the reflection modal.
EMAIL_SENT = "nudge_email_sent"
CARD_MAILED = "nudge_card_mailed"
SKIP_THANK_YOU = "nudge_skip_thank_you"
FOLLOW_UP_SENT = "nudge_follow_up_sent"
SNOOZE = "nudge_snooze"
HEARD_BACK = "nudge_heard_back"
KEEP_GOING = "nudge_keep_going"
STOP = "nudge_stop"
ANSWER = "nudge_answer"

ACTION_IDS: dict[Choice, str] = {
    Choice.EMAIL_SENT: EMAIL_SENT,
    Choice.CARD_MAILED: CARD_MAILED,
    Choice.SKIP_THANK_YOU: SKIP_THANK_YOU,
    Choice.FOLLOW_UP_SENT: FOLLOW_UP_SENT,
    Choice.SNOOZE: SNOOZE,
    Choice.HEARD_BACK: HEARD_BACK,
    Choice.KEEP_GOING: KEEP_GOING,
    Choice.STOP: STOP,
}
CHOICE_OF_ACTION: dict[str, Choice] = {action: choice for choice, action in ACTION_IDS.items()}

CONTROLS_PREFIX = "nudge:"  # the actions block: f"nudge:{nudge_id}"

# Slack refuses a section text over 3000 characters.
SECTION_MAX = 3000

HEARD_BACK_LABELS: dict[Outcome, str] = {
    Outcome.OFFER: "Offer",
    Outcome.NEXT_ROUND: "Next round",
    Outcome.REJECTED: "Rejected",
}
OUTCOME_WORDS: dict[Outcome, str] = {
    Outcome.OFFER: "offer",
    Outcome.NEXT_ROUND: "next round",
    Outcome.REJECTED: "rejected",
    Outcome.WITHDREW: "withdrew",
    Outcome.STOPPED: "reminders stopped",
}

# After one of these the message has done its job: no control makes sense on it any more.
_FINAL = frozenset({Choice.HEARD_BACK, Choice.STOP, Choice.SKIP_THANK_YOU})
# These say for themselves that the interview is closed.
_CLOSING = frozenset({Choice.HEARD_BACK, Choice.STOP})
# A control that makes no sense once another choice was made on the same message.
_SUPERSEDED_BY: dict[Choice, frozenset[Choice]] = {
    Choice.SKIP_THANK_YOU: frozenset({Choice.EMAIL_SENT, Choice.CARD_MAILED}),
    Choice.SNOOZE: frozenset({Choice.FOLLOW_UP_SENT}),
}


# -- the message ------------------------------------------------------------------------------


def render_nudge(view: NudgeView, playbook: Playbook) -> Message:
    """The nudge's DM: its advice, the interview it is about, what the person recorded on it,
    and the controls that still make sense (none once the interview is closed)."""
    blocks = _content(view, playbook)
    closed = closed_line(view)
    lines = [recorded_line(done, view) for done in view.done] + ([closed] if closed else [])
    blocks += [_context(line) for line in lines]
    if view.interview.status is InterviewStatus.ACTIVE:
        controls = _controls(view, playbook, _remaining(view))
        if controls is not None:
            blocks.append(controls)
    fallback = _fallback(view)
    if latest := closed or _newest_recorded(view):
        fallback += f" {_plain(latest)}"
    return escape_mrkdwn(fallback), [block.to_dict() for block in blocks]


def _remaining(view: NudgeView) -> tuple[Choice, ...]:
    """The controls still worth offering once the person has recorded what `view.done` says."""
    done = {d.choice for d in view.done}
    if done & _FINAL:
        return ()
    return tuple(
        choice
        for choice in CONTROLS[view.kind]
        if choice not in done and not done & _SUPERSEDED_BY.get(choice, frozenset())
    )


def _newest_recorded(view: NudgeView) -> str | None:
    """The line of the latest choice recorded on the message, for the notification text."""
    if not view.done:
        return None
    # max() keeps the first of equal times: on a tie, the later control's line wins.
    newest = max(reversed(view.done), key=lambda done: done.at)
    return recorded_line(newest, view)


def _fallback(view: NudgeView) -> str:
    title = plain_title(view.interview)
    match view.kind:
        case NudgeKind.DISTANCE:
            return f"Get some distance after your interview with {title}."
        case NudgeKind.REFLECTION:
            return f"How did your interview with {title} go? Two questions for you."
        case NudgeKind.THANK_YOU:
            return f"Send a thank-you note for your interview with {title} today."
        case NudgeKind.CARD:
            return f"Did the thank-you card for {title} go out?"
        case NudgeKind.FOLLOW_UP:
            return f"Time to follow up with {title} ({_follow_up_count(view)})."
        case NudgeKind.REMINDER:
            return f"Reminder: time to follow up with {title}."
        case NudgeKind.CHECK_IN:
            return f"Heard back from {title} yet?"
    return title


def _follow_up_count(view: NudgeView) -> str:
    return f"Follow-up {view.follow_up_number} of at most {view.follow_ups_max}"


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _about(view: NudgeView, extra: str = "") -> ContextBlock:
    """Which interview the message is about: company and role escaped, the day in their zone."""
    interview = view.interview
    when = slack_date(interview.happened_at, known_zone(interview.owner_tz))
    line = f"Interview: {interview_title(interview)} · {interview.format.label.lower()}, {when}"
    return _context(f"{extra} · {line}" if extra else line)


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


def _content(view: NudgeView, playbook: Playbook) -> list[Block]:
    texts = playbook.texts
    blocks: list[Block] = []
    match view.kind:
        case NudgeKind.DISTANCE:
            blocks.append(_section(texts.distance))
            blocks.append(_about(view))
        case NudgeKind.REFLECTION:
            blocks.append(_section(texts.reflection_intro))
            for number, question in enumerate(ReflectionQuestion, start=1):
                answer = view.answers.get(question, "")
                blocks.append(_section(_question(playbook, number, question, answer)))
            blocks.append(_about(view))
        case NudgeKind.THANK_YOU:
            blocks.append(_section(texts.thank_you_email))
            if view.card_advised:
                blocks.append(_section(texts.thank_you_card))
            clarify = view.answers.get(ReflectionQuestion.TO_CLARIFY, "")
            if clarify.strip():
                intro = texts.clarify_reminder
                quote = _quoted(clarify, SECTION_MAX - len(intro) - 1)
                blocks.append(_section(f"{intro}\n{quote}"))
            blocks.append(_about(view))
        case NudgeKind.CARD:
            blocks.append(_section(texts.card_reminder))
            blocks.append(_about(view))
        case NudgeKind.FOLLOW_UP | NudgeKind.REMINDER:
            # Each in its own section: together they could pass Slack's 3000 characters.
            if view.kind is NudgeKind.REMINDER:
                blocks.append(_section(texts.reminder))
            blocks.append(_section(texts.follow_up))
            blocks.append(_section("\n".join(f"• {q}" for q in playbook.questions.call_questions)))
            if view.interview.direct_contact_ok:
                blocks.append(_section(texts.follow_up_direct))
            blocks.append(_context(texts.caution))
            blocks.append(_about(view, _follow_up_count(view)))
        case NudgeKind.CHECK_IN:
            blocks.append(_section(texts.check_in))
            blocks.append(_about(view))
    return blocks


# -- controls ---------------------------------------------------------------------------------


def _button(choice: Choice, label: str, nudge_id: int, style: str | None = None) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=label),
        action_id=ACTION_IDS[choice],
        value=str(nudge_id),
        style=style,
    )


def _select(choice: Choice, placeholder: str, options: Sequence[tuple[str, str]]) -> Any:
    return StaticSelectElement(
        action_id=ACTION_IDS[choice],
        placeholder=PlainTextObject(text=placeholder),
        options=[Option(value=value, text=PlainTextObject(text=label)) for value, label in options],
    )


def _snooze_label(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


def _element(choice: Choice, view: NudgeView, playbook: Playbook) -> Any:
    nudge_id = view.nudge_id
    match choice:
        case Choice.EMAIL_SENT:
            return _button(choice, "Email sent", nudge_id, "primary")
        case Choice.CARD_MAILED:
            primary = "primary" if view.kind is NudgeKind.CARD else None
            return _button(choice, "Card mailed", nudge_id, primary)
        case Choice.SKIP_THANK_YOU:
            return _button(choice, "Skip", nudge_id)
        case Choice.FOLLOW_UP_SENT:
            return _button(choice, "Follow-up sent", nudge_id, "primary")
        case Choice.SNOOZE:
            days = playbook.timing.snooze_days
            return _select(choice, "Snooze", [(str(d), _snooze_label(d)) for d in days])
        case Choice.HEARD_BACK:
            options = [
                (outcome.value, HEARD_BACK_LABELS[outcome]) for outcome in HEARD_BACK_OUTCOMES
            ]
            return _select(choice, "Heard back", options)
        case Choice.KEEP_GOING:
            return _button(choice, "Keep going", nudge_id, "primary")
        case Choice.STOP:
            button = _button(choice, "Stop reminders", nudge_id, "danger")
            button.confirm = ConfirmObject(
                title=PlainTextObject(text="Stop reminders?"),
                # Plain text: a confirm dialog holds 300 characters, escaped names can be longer.
                text=PlainTextObject(
                    text=truncate(f"No more follow-ups for {plain_title(view.interview)}.", 300)
                ),
                confirm=PlainTextObject(text="Stop reminders"),
                deny=PlainTextObject(text="Keep them"),
                style="danger",
            )
            return button
    raise ValueError(f"no control for {choice}")


def _controls(view: NudgeView, playbook: Playbook, choices: Sequence[Choice]) -> Block | None:
    elements: list[Any] = []
    if view.kind is NudgeKind.REFLECTION:
        answered = any(a.strip() for a in view.answers.values())
        elements.append(
            ButtonElement(
                text=PlainTextObject(text="Revise answers" if answered else "Answer"),
                action_id=ANSWER,
                value=str(view.nudge_id),
                style=None if answered else "primary",
            )
        )
    for choice in choices:
        if choice is Choice.CARD_MAILED and not (view.card_advised or view.kind is NudgeKind.CARD):
            continue
        elements.append(_element(choice, view, playbook))
    if not elements:
        return None
    return ActionsBlock(block_id=f"{CONTROLS_PREFIX}{view.nudge_id}", elements=elements)


# -- reading a press back -----------------------------------------------------------------------


def parse_id(text: str) -> int | None:
    """A database id written as text (a button's value, a modal's metadata); None otherwise.

    Under 19 digits, so a forged value cannot overflow a 64-bit column.
    """
    return int(text) if text.isdigit() and len(text) < 19 else None


def nudge_id_of(action: Mapping[str, Any]) -> int | None:
    """The nudge a press is about: a button's value, else the controls block's id."""
    if action.get("type") == "button" or "value" in action:
        return parse_id(str(action.get("value") or ""))
    return parse_id(str(action.get("block_id") or "").removeprefix(CONTROLS_PREFIX))


def parse_press(action: Mapping[str, Any]) -> tuple[Choice, int, str | None] | None:
    """(the choice, its nudge id, the option picked) from a block action; None if unreadable."""
    choice = CHOICE_OF_ACTION.get(str(action.get("action_id", "")))
    nudge_id = nudge_id_of(action)
    if choice is None or nudge_id is None:
        return None
    option = None
    if action.get("type") != "button":
        selected = action.get("selected_option") or {}
        option = str(selected["value"]) if selected.get("value") is not None else None
    return choice, nudge_id, option


# -- what was recorded --------------------------------------------------------------------------


def recorded_line(done: Done, view: NudgeView) -> str:
    """What was recorded, said once, with when in the person's own time."""
    tz = known_zone(view.interview.owner_tz)
    when = f"recorded {slack_date(done.at, tz)}"
    match done.choice:
        case Choice.EMAIL_SENT:
            return f"✓ Email sent: {when}"
        case Choice.CARD_MAILED:
            return f"✓ Card mailed: {when}"
        case Choice.SKIP_THANK_YOU:
            return "Skipped: no more thank-you reminders for this interview."
        case Choice.FOLLOW_UP_SENT:
            return f"✓ Follow-up sent: {when}"
        case Choice.SNOOZE:
            if done.until is None:
                return "Snoozed."
            return f"Snoozed: I'll bring it back {slack_date(done.until, tz)}"
        case Choice.HEARD_BACK:
            return _heard_back(done.outcome)
        case Choice.KEEP_GOING:
            return (
                f"✓ Keep going: I'll remind you weekly, up to "
                f"{view.follow_ups_max} follow-ups in all."
            )
        case Choice.STOP:
            return "Reminders stopped for this interview."
    return when


def _heard_back(outcome: Outcome | None) -> str:
    match outcome:
        case Outcome.OFFER:
            return "Heard back: offer. Congratulations — no more reminders for this interview."
        case Outcome.NEXT_ROUND:
            return (
                "Heard back: next round. Good luck — no more reminders for this interview; "
                "log the next one with `/interview logged` once it's done."
            )
        case Outcome.REJECTED:
            return "Heard back: rejected. Sorry to hear it — no more reminders for this interview."
    return "Heard back: no more reminders for this interview."


def _closed_sentence(view: NudgeView) -> str:
    outcome = view.interview.outcome
    words = f" ({OUTCOME_WORDS[outcome]})" if outcome else ""
    return f"This interview is closed{words}: no more reminders for it."


def closed_line(view: NudgeView) -> str | None:
    """That the interview is closed, unless a recorded line on the message already says so."""
    if view.interview.status is InterviewStatus.ACTIVE:
        return None
    if any(done.choice in _CLOSING for done in view.done):
        return None
    return _closed_sentence(view)


def pressed_line(view: NudgeView, choice: Choice) -> str:
    """What a press of `choice` left on the message (mrkdwn), for telling the presser directly
    when the message itself cannot be updated."""
    done = next((d for d in view.done if d.choice is choice), None)
    if done is not None:
        return recorded_line(done, view)
    if view.interview.status is not InterviewStatus.ACTIVE:
        return _closed_sentence(view)
    return escape_mrkdwn(_fallback(view))


def _plain(line: str) -> str:
    """A recorded line without its date token's markup, for the notification text."""
    start = line.find("<!date^")
    if start < 0:
        return line
    end = line.find(">", start)
    fallback = line[start:end].rpartition("|")[2]
    return line[:start] + fallback + line[end + 1 :]
