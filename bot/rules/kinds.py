"""The registry of nudge kinds: everything a kind of message is, declared in one place.

Each NudgeKind has one KindSpec: its label in listings, its notification (fallback) text,
what its message shows (content parts), the controls it offers (a DraftButton names the
drafts it opens, bot.rules.draft_sheet), how late it may still go out, and so which
playbook texts it needs. The UI renders the parts as Block Kit, the coach
reads the controls, the playbook schema takes its texts and lateness defaults from here:
none of them asks "which kind is this?" on its own.

Adding a kind: a NudgeKind member and its KindSpec here, its texts in the built-in playbook
(bot/rules/default_playbook.toml), and a migration that lets the nudge table's CHECK accept
it. When it is sent is the planner's (bot.rules.planning). tests/unit/test_nudge_kinds.py
fails until all of that is there.

Pure data: no Slack, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING

from bot.rules.domain import Choice, InterviewFormat, NudgeKind, ReflectionQuestion
from bot.rules.zones import known_zone

if TYPE_CHECKING:
    from bot.rules.view_models import NudgeView


class Condition(StrEnum):
    """When a part or a control is shown only for some interviews."""

    CARD_ADVISED = "card_advised"  # a card by mail is advised (format and organization)
    DIRECT_CONTACT_OK = "direct_contact_ok"  # the person may contact the hiring manager
    IN_PERSON = "in_person"  # the interview was face-to-face, at the employer's
    REMOTE = "remote"  # a phone screen or a video call, most likely taken at home
    FIRST_FOLLOW_UP = "first_follow_up"  # the first follow-up message itself
    LATER_FOLLOW_UP = "later_follow_up"  # a later follow-up, or one brought back
    # Due on a later local day than the interview's, before noon: "first thing today" fits.
    FIRST_THING = "first_thing"
    NOT_FIRST_THING = "not_first_thing"  # the interview's own day, or a later day's afternoon
    TIMELINE_GIVEN = "timeline_given"  # the employer said when they would decide
    NO_TIMELINE = "no_timeline"  # they did not: no "timeline they gave you" to wait out
    FOLLOW_UP_MARKED_SENT = "follow_up_marked_sent"  # "Follow-up sent" was pressed
    NO_FOLLOW_UP_MARKED_SENT = "no_follow_up_marked_sent"  # it never was

    def holds(self, view: NudgeView) -> bool:
        """Whether the condition holds for the message `view` describes."""
        match self:
            case Condition.CARD_ADVISED:
                return view.card_advised
            case Condition.DIRECT_CONTACT_OK:
                return view.interview.direct_contact_ok
            case Condition.IN_PERSON:
                return view.interview.format is InterviewFormat.IN_PERSON
            case Condition.REMOTE:
                return view.interview.format is not InterviewFormat.IN_PERSON
            case Condition.FIRST_FOLLOW_UP:
                return view.kind is NudgeKind.FOLLOW_UP and view.follow_up_number == 1
            case Condition.LATER_FOLLOW_UP:
                return not (view.kind is NudgeKind.FOLLOW_UP and view.follow_up_number == 1)
            case Condition.FIRST_THING:
                return first_thing_today(view)
            case Condition.NOT_FIRST_THING:
                return not first_thing_today(view)
            case Condition.TIMELINE_GIVEN:
                return view.interview.employer_timeline is not None
            case Condition.NO_TIMELINE:
                return view.interview.employer_timeline is None
            case Condition.FOLLOW_UP_MARKED_SENT:
                return view.follow_up_marked_sent
            case Condition.NO_FOLLOW_UP_MARKED_SENT:
                return not view.follow_up_marked_sent


def first_thing_today(view: NudgeView) -> bool:
    """Whether the message comes on a later day than the interview, in the morning: "first
    thing today" is true then, and only then (logged late, a thank-you due at 13:00 the next
    day is just "today")."""
    if view.due_at is None or days_after_interview(view) <= 0:
        return False
    return view.due_at.astimezone(known_zone(view.interview.owner_tz)).hour < NOON


def days_after_interview(view: NudgeView) -> int:
    """How many local days after the interview's the message is due, in the person's zone
    (0 when it is not the planner's)."""
    if view.due_at is None:
        return 0
    tz = known_zone(view.interview.owner_tz)
    return (
        view.due_at.astimezone(tz).date() - view.interview.happened_at.astimezone(tz).date()
    ).days


NOON = 12  # local hour: "first thing today" is said before it


# -- what a message shows, top to bottom -------------------------------------------------------


@dataclass(frozen=True)
class Advice:
    """A playbook text (a key of its [texts]), in a section of its own."""

    text: str
    only_if: Condition | None = None


@dataclass(frozen=True)
class SmallPrint:
    """A playbook text as a small context line under the advice."""

    text: str
    only_if: Condition | None = None


@dataclass(frozen=True)
class ReflectionQuestions:
    """Every reflection question, numbered, each with the answer given so far quoted."""


@dataclass(frozen=True)
class QuotedAnswer:
    """A playbook text introducing the person's answer to `question`, quoted under it;
    shown only once that question has an answer."""

    text: str
    question: ReflectionQuestion


@dataclass(frozen=True)
class CallQuestions:
    """The playbook's questions to ask on a call, as one bulleted section."""

    only_if: Condition | None = None


@dataclass(frozen=True)
class SinceInterview:
    """Why the advice comes on a later day than the interview ("your interview was Friday
    evening"), as a small line; shown only then."""


@dataclass(frozen=True)
class About:
    """Which interview the message is about (company, role, format, day), prefixed with
    "Follow-up n" where `follow_up_count` is set (see follow_up_count)."""

    follow_up_count: bool = False


@dataclass(frozen=True)
class Upcoming:
    """An interview still ahead: when it starts (Slack's date token) and with whom (the
    interviewers named), as one section."""


Part = (
    Advice
    | Upcoming
    | SmallPrint
    | ReflectionQuestions
    | QuotedAnswer
    | CallQuestions
    | SinceInterview
    | About
)


# -- what a message offers --------------------------------------------------------------------


class Emphasis(StrEnum):
    """How a button stands out (Slack's button styles); a menu has none."""

    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Control:
    """A choice the message offers: a button, or a menu for a choice with options."""

    choice: Choice
    emphasis: Emphasis | None = None
    only_if: Condition | None = None


@dataclass(frozen=True)
class CallQuestionsButton:
    """ "Show the call questions": opens them (a modal) instead of repeating them in full; it
    records nothing."""

    only_if: Condition | None = None


@dataclass(frozen=True)
class ChangeTimeButton:
    """ "Change its time": opens a small modal (date and time, prefilled) that moves the
    interview and re-plans at once; the press itself records nothing."""


@dataclass(frozen=True)
class NewTimelineButton:
    """ "They gave a new timeline…": opens a date picker ("They said they'd decide by…")
    that stores the employer's new timeline and re-paces the follow-ups from it; the press
    itself records nothing."""


@dataclass(frozen=True)
class ReopenButton:
    """ "Reopen": undoes the interview's close within a day of it (bot.rules.outcomes), and
    re-plans what is still due; the press itself records nothing on the message."""


@dataclass(frozen=True)
class AnswerButton:
    """The button that opens the modal for the reflection questions; it records nothing."""


class DraftPiece(StrEnum):
    """A draft the Draft button's modal shows (bot.rules.drafts writes each)."""

    THANK_YOU_EMAILS = "thank_you_emails"  # one per interviewer named, or one to the team
    CARD = "card"  # only where a card is advised
    FOLLOW_UP = "follow_up"  # the message's follow-up, by its number
    CALL_SCRIPT = "call_script"  # read-only: what to ask on a call


@dataclass(frozen=True)
class DraftButton:
    """The button that opens the person's drafts for this message, in this order; it records
    nothing, and nothing is ever sent for them."""

    pieces: tuple[DraftPiece, ...]


# -- the registry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class KindSpec:
    """One kind of message, whole."""

    # What the coach's next message is, in a listing ("the thank-you note").
    label: str
    # The notification text, plain: {title} is the interview's company (role), and
    # {follow_up_count} says "Follow-up n", "of at most m" where m are possible.
    fallback: str
    content: tuple[Part, ...]
    # In the order shown; the choices among them are the only presses the coach accepts
    # from this kind of message.
    controls: tuple[
        Control
        | AnswerButton
        | CallQuestionsButton
        | DraftButton
        | ChangeTimeButton
        | NewTimelineButton
        | ReopenButton,
        ...,
    ]
    # How late, after downtime, it may still go out (the playbook may set another).
    max_lateness_hours: float

    @property
    def choices(self) -> tuple[Choice, ...]:
        """The choices the message offers, in the order shown."""
        return tuple(c.choice for c in self.controls if isinstance(c, Control))

    @property
    def quotes_answers(self) -> bool:
        """Whether the message quotes a reflection answer, so a later answer changes it."""
        return any(isinstance(part, QuotedAnswer) for part in self.content)

    @property
    def drafts(self) -> tuple[DraftPiece, ...]:
        """The drafts the message's Draft button opens; () when it has none."""
        return next((c.pieces for c in self.controls if isinstance(c, DraftButton)), ())

    @property
    def texts(self) -> tuple[str, ...]:
        """The playbook texts (keys of [texts]) the message shows, in the order shown."""
        return tuple(
            part.text
            for part in self.content
            if isinstance(part, Advice | SmallPrint | QuotedAnswer)
        )


def _follow_up(*, brought_back: bool) -> tuple[Part, ...]:
    """A follow-up's content; a reminder (a snoozed follow-up) says first that it was asked for."""
    reminder: tuple[Part, ...] = (Advice("reminder"),) if brought_back else ()
    # Each in its own section: together they could pass Slack's 3000 characters. The call
    # questions in full on the first follow-up only; after it, behind a button.
    return (
        *reminder,
        Advice("follow_up", only_if=Condition.FIRST_FOLLOW_UP),
        Advice("follow_up_again", only_if=Condition.LATER_FOLLOW_UP),
        CallQuestions(only_if=Condition.FIRST_FOLLOW_UP),
        Advice("follow_up_direct", only_if=Condition.DIRECT_CONTACT_OK),
        # "Let the timeline they gave you run its course" only when they gave one.
        SmallPrint("caution", only_if=Condition.TIMELINE_GIVEN),
        SmallPrint("caution_no_timeline", only_if=Condition.NO_TIMELINE),
        About(follow_up_count=True),
    )


_FOLLOW_UP_CONTROLS: tuple[Control | CallQuestionsButton | DraftButton | NewTimelineButton, ...] = (
    Control(Choice.FOLLOW_UP_SENT, Emphasis.PRIMARY),
    Control(Choice.SNOOZE),
    Control(Choice.HEARD_BACK),
    Control(Choice.STOP, Emphasis.DANGER),
    CallQuestionsButton(only_if=Condition.LATER_FOLLOW_UP),
    DraftButton((DraftPiece.FOLLOW_UP, DraftPiece.CALL_SCRIPT)),
    NewTimelineButton(),
)

KINDS: Mapping[NudgeKind, KindSpec] = MappingProxyType(
    {
        NudgeKind.DISTANCE: KindSpec(
            label="a reminder to get some distance",
            fallback="Get some distance after your interview with {title}.",
            # "Leave the building" fits only an interview at the employer's: after a phone
            # screen or a video call at home, close the laptop and step away.
            content=(
                Advice("distance", only_if=Condition.IN_PERSON),
                Advice("distance_remote", only_if=Condition.REMOTE),
                About(),
            ),
            controls=(),
            max_lateness_hours=2,
        ),
        NudgeKind.REFLECTION: KindSpec(
            label="two questions on how it went",
            fallback="How did your interview with {title} go? Two questions for you.",
            content=(Advice("reflection_intro"), ReflectionQuestions(), About()),
            controls=(AnswerButton(),),
            max_lateness_hours=48,
        ),
        NudgeKind.THANK_YOU: KindSpec(
            label="the thank-you note",
            fallback="Send a thank-you note for your interview with {title} today.",
            # Advised a day later in the morning (an interview at 18:30 on a Friday), it is
            # "first thing today"; otherwise "today" (logged late, due the next afternoon);
            # on a later day the message says why.
            content=(
                Advice("thank_you_email", only_if=Condition.NOT_FIRST_THING),
                Advice("thank_you_email_later", only_if=Condition.FIRST_THING),
                SinceInterview(),
                Advice("thank_you_card", only_if=Condition.CARD_ADVISED),
                QuotedAnswer("clarify_reminder", ReflectionQuestion.TO_CLARIFY),
                About(),
            ),
            controls=(
                Control(Choice.EMAIL_SENT, Emphasis.PRIMARY),
                Control(Choice.CARD_MAILED, only_if=Condition.CARD_ADVISED),
                Control(Choice.SKIP_THANK_YOU),
                DraftButton((DraftPiece.THANK_YOU_EMAILS, DraftPiece.CARD)),
            ),
            max_lateness_hours=48,
        ),
        NudgeKind.CARD: KindSpec(
            label="the thank-you card",
            fallback="Did the thank-you card for {title} go out?",
            content=(Advice("card_reminder"), About()),
            controls=(
                Control(Choice.CARD_MAILED, Emphasis.PRIMARY),
                Control(Choice.SKIP_THANK_YOU),
                DraftButton((DraftPiece.CARD,)),
            ),
            max_lateness_hours=72,
        ),
        NudgeKind.FOLLOW_UP: KindSpec(
            label="a follow-up",
            fallback="Time to follow up with {title} ({follow_up_count}).",
            content=_follow_up(brought_back=False),
            controls=_FOLLOW_UP_CONTROLS,
            max_lateness_hours=72,
        ),
        NudgeKind.CHECK_IN: KindSpec(
            label="a check-in: heard back yet?",
            fallback="Heard back from {title} yet?",
            # "A week since your follow-up" only when they said they sent one.
            content=(
                Advice("check_in", only_if=Condition.FOLLOW_UP_MARKED_SENT),
                Advice("check_in_unsent", only_if=Condition.NO_FOLLOW_UP_MARKED_SENT),
                About(),
            ),
            controls=(
                Control(Choice.HEARD_BACK),
                Control(Choice.KEEP_GOING, Emphasis.PRIMARY),
                Control(Choice.STOP, Emphasis.DANGER),
                NewTimelineButton(),
            ),
            max_lateness_hours=72,
        ),
        NudgeKind.REMINDER: KindSpec(
            label="the follow-up you snoozed",
            fallback="Reminder: time to follow up with {title}.",
            content=_follow_up(brought_back=True),
            controls=_FOLLOW_UP_CONTROLS,
            max_lateness_hours=72,
        ),
        NudgeKind.EVENING_BEFORE: KindSpec(
            label="a reminder the evening before",
            fallback="Tomorrow: your interview with {title}.",
            content=(Advice("evening_before"), Upcoming(), About()),
            controls=(ChangeTimeButton(),),
            # Only worth it the evening before: a few hours late it is still before the
            # interview, later it would arrive too close to it (or after).
            max_lateness_hours=3,
        ),
        NudgeKind.STILL_WAITING: KindSpec(
            label="a question: still waiting?",
            fallback="Still waiting on {title}?",
            content=(Advice("still_waiting"), About()),
            controls=(
                Control(Choice.KEEP_GOING, Emphasis.PRIMARY),
                Control(Choice.CHECK_BACK),
                Control(Choice.CLOSE_IT, Emphasis.DANGER),
            ),
            max_lateness_hours=72,
        ),
        NudgeKind.AUTO_CLOSE: KindSpec(
            label="closing it as no reply",
            fallback="No reply from {title} in three weeks: I've closed it.",
            content=(Advice("auto_close"), About()),
            controls=(ReopenButton(),),
            # Sent late it is still true; the interview closes when it goes out.
            max_lateness_hours=24 * 7,
        ),
    }
)

# The choices each kind of message offers, in the order shown; a press of any other (a
# forged payload) is refused, and a message shows what was recorded for these only.
CONTROLS: Mapping[NudgeKind, tuple[Choice, ...]] = MappingProxyType(
    {kind: spec.choices for kind, spec in KINDS.items()}
)


def follow_up_count(view: NudgeView) -> str:
    """Which follow-up this is: "of at most m" only where m can come, i.e. weekly follow-ups
    (direct permission, or "Keep going" pressed); otherwise one follow-up and a check-in."""
    if view.weekly and view.follow_ups_max > 1:
        return f"Follow-up {view.follow_up_number} of at most {view.follow_ups_max}"
    return f"Follow-up {view.follow_up_number}"


def playbook_texts() -> tuple[str, ...]:
    """Every playbook text some kind shows, each once, in registry order."""
    return tuple(dict.fromkeys(key for spec in KINDS.values() for key in spec.texts))
