"""A nudge message's buttons and menus: its kind's controls (bot.rules.kinds) that still make
sense once the person has recorded what they did, as one actions block.

The registry says which controls a kind offers and how they stand out; this module knows
how each choice looks (its label, its options, its confirm dialog).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    Option,
    PlainTextObject,
    StaticSelectElement,
)

from bot.rules.domain import Choice, InterviewStatus, Outcome
from bot.rules.kinds import (
    KINDS,
    AnswerButton,
    CallQuestionsButton,
    ChangeTimeButton,
    Control,
    DraftButton,
    NewTimelineButton,
    ReopenButton,
)
from bot.rules.playbook import Playbook
from bot.rules.view_models import HEARD_BACK_OUTCOMES, NudgeView
from bot.ui.messages import plain_title
from bot.ui.nudges.ids import (
    ACTION_IDS,
    ANSWER,
    CALL_QUESTIONS,
    CHANGE_TIME,
    DRAFT,
    NEW_TIMELINE,
    REOPEN,
    controls_block_id,
)
from bot.ui.text import truncate

# The buttons' labels; SNOOZE and HEARD_BACK are menus.
BUTTON_LABELS: dict[Choice, str] = {
    Choice.EMAIL_SENT: "Email sent",
    Choice.CARD_MAILED: "Card mailed",
    Choice.SKIP_THANK_YOU: "Skip",
    Choice.FOLLOW_UP_SENT: "Follow-up sent",
    Choice.KEEP_GOING: "Keep going",
    Choice.STOP: "Stop reminders",
    Choice.CHECK_BACK: "I'll check back in two weeks",
    Choice.CLOSE_IT: "Close it",
}
REOPEN_LABEL = "Reopen"
DRAFT_LABEL = "Draft"
CALL_QUESTIONS_LABEL = "Show the call questions"
CHANGE_TIME_LABEL = "Change its time"
NEW_TIMELINE_LABEL = "They gave a new timeline…"
HEARD_BACK_LABELS: dict[Outcome, str] = {
    Outcome.OFFER: "Offer",
    Outcome.NEXT_ROUND: "Next round",
    Outcome.REJECTED: "Rejected",
    Outcome.WITHDREW: "Withdrew",
}

# After one of these the message has done its job: no control makes sense on it any more.
_FINAL = frozenset(
    {Choice.HEARD_BACK, Choice.STOP, Choice.SKIP_THANK_YOU, Choice.CLOSE_IT, Choice.CHECK_BACK}
)
# The choices that close the interview: the message that recorded one offers Reopen while
# the close can still be undone.
_CLOSING = frozenset({Choice.HEARD_BACK, Choice.STOP, Choice.CLOSE_IT})
# A control that makes no sense once another choice was made on the same message.
_SUPERSEDED_BY: dict[Choice, frozenset[Choice]] = {
    Choice.SKIP_THANK_YOU: frozenset({Choice.EMAIL_SENT, Choice.CARD_MAILED}),
    Choice.SNOOZE: frozenset({Choice.FOLLOW_UP_SENT}),
}


def controls_block(view: NudgeView, playbook: Playbook) -> ActionsBlock | None:
    """The controls the message still offers, in its kind's order; None if none is left."""
    done = {d.choice for d in view.done}
    elements: list[Any] = []
    choices_left = False
    for control in KINDS[view.kind].controls:
        if isinstance(control, AnswerButton):
            elements.append(_answer_button(view))
        elif isinstance(control, DraftButton):
            elements.append(_draft_button(view))
        elif isinstance(control, ChangeTimeButton):
            elements.append(
                ButtonElement(
                    text=PlainTextObject(text=CHANGE_TIME_LABEL),
                    action_id=CHANGE_TIME,
                    value=str(view.nudge_id),
                )
            )
        elif isinstance(control, NewTimelineButton):
            elements.append(
                ButtonElement(
                    text=PlainTextObject(text=NEW_TIMELINE_LABEL),
                    action_id=NEW_TIMELINE,
                    value=str(view.nudge_id),
                )
            )
        elif isinstance(control, ReopenButton):
            # The auto-close's DM is rendered just before it closes the interview.
            about_to_close = view.interview.status is InterviewStatus.ACTIVE
            if view.reopen_until is not None or (about_to_close and not view.reopened_since):
                elements.append(_reopen_button(view))
        elif isinstance(control, CallQuestionsButton):
            if control.only_if is None or control.only_if.holds(view):
                elements.append(
                    ButtonElement(
                        text=PlainTextObject(text=CALL_QUESTIONS_LABEL),
                        action_id=CALL_QUESTIONS,
                        value=str(view.nudge_id),
                    )
                )
        elif _still_offered(control, view, done):
            elements.append(_element(control, view, playbook))
            choices_left = True
    if not choices_left:
        # Once no choice is left the message has done its job, and so have its drafts.
        # A new timeline too: the interview is closed, or the message is settled.
        elements = [e for e in elements if e.action_id not in (DRAFT, CALL_QUESTIONS, NEW_TIMELINE)]
    if not elements:
        return None
    return ActionsBlock(block_id=controls_block_id(view.nudge_id), elements=elements)


def reopen_block(view: NudgeView) -> ActionsBlock | None:
    """A closed interview's message: Reopen, while the close can be undone, on the DM that
    confirms it (the press that closed it, or the auto-close's); None otherwise."""
    if view.interview.status is InterviewStatus.ACTIVE or view.reopen_until is None:
        return None
    closed_here = {d.choice for d in view.done} & _CLOSING
    if not closed_here and not any(isinstance(c, ReopenButton) for c in KINDS[view.kind].controls):
        return None
    return ActionsBlock(block_id=controls_block_id(view.nudge_id), elements=[_reopen_button(view)])


def _still_offered(control: Control, view: NudgeView, done: set[Choice]) -> bool:
    if done & _FINAL or control.choice in done:
        return False
    if done & _SUPERSEDED_BY.get(control.choice, frozenset()):
        return False
    return control.only_if is None or control.only_if.holds(view)


def _answer_button(view: NudgeView) -> ButtonElement:
    answered = any(a.strip() for a in view.answers.values())
    return ButtonElement(
        text=PlainTextObject(text="Revise answers" if answered else "Answer"),
        action_id=ANSWER,
        value=str(view.nudge_id),
        style=None if answered else "primary",
    )


def _reopen_button(view: NudgeView) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=REOPEN_LABEL),
        action_id=REOPEN,
        value=str(view.nudge_id),
        style="primary",
    )


def _draft_button(view: NudgeView) -> ButtonElement:
    return ButtonElement(
        text=PlainTextObject(text=DRAFT_LABEL), action_id=DRAFT, value=str(view.nudge_id)
    )


def _element(control: Control, view: NudgeView, playbook: Playbook) -> Any:
    choice = control.choice
    match choice:
        case Choice.SNOOZE:
            days = playbook.timing.snooze_days
            return _select(choice, "Snooze", [(str(d), _snooze_label(d)) for d in days])
        case Choice.HEARD_BACK:
            options = [
                (outcome.value, HEARD_BACK_LABELS[outcome]) for outcome in HEARD_BACK_OUTCOMES
            ]
            menu = _select(choice, "Heard back", options)
            # Every outcome closes the interview: asked first, and undoable for a day.
            menu.confirm = _closing_confirm(
                view,
                title="Close this interview?",
                # One dialog for every option (Slack allows one on a menu): a next round
                # closes this interview too, but not its application.
                text=(
                    f"Heard back from {truncate(plain_title(view.interview), 100)}: this "
                    "closes this interview, with no more reminders for it (after a next round, the "
                    "application stays open for the next). You can reopen it for a day."
                ),
                confirm="Yes, close it",
            )
            return menu
    button = ButtonElement(
        text=PlainTextObject(text=BUTTON_LABELS[choice]),
        action_id=ACTION_IDS[choice],
        value=str(view.nudge_id),
        style=control.emphasis.value if control.emphasis else None,
    )
    if choice is Choice.CLOSE_IT:
        button.confirm = _closing_confirm(
            view,
            title="Close it?",
            text=(
                f"Close {plain_title(view.interview)} as no reply: no more reminders. You can "
                "reopen it for a day."
            ),
            confirm="Close it",
        )
    if choice is Choice.STOP:
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


def _closing_confirm(view: NudgeView, *, title: str, text: str, confirm: str) -> ConfirmObject:
    # Plain text: a confirm dialog holds 300 characters, escaped names can be longer.
    return ConfirmObject(
        title=PlainTextObject(text=title),
        text=PlainTextObject(text=truncate(text, 300)),
        confirm=PlainTextObject(text=confirm),
        deny=PlainTextObject(text="Not yet"),
        style="danger",
    )


def _select(choice: Choice, placeholder: str, options: Sequence[tuple[str, str]]) -> Any:
    return StaticSelectElement(
        action_id=ACTION_IDS[choice],
        placeholder=PlainTextObject(text=placeholder),
        options=[Option(value=value, text=PlainTextObject(text=label)) for value, label in options],
    )


def _snooze_label(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
