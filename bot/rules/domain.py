"""The bot's vocabulary, shared by every layer; imports nothing of the bot's own."""

from __future__ import annotations

from enum import StrEnum

# How long each thing a person types may be: the form checks it, the modal's inputs enforce
# it, and the columns are sized for it.
COMPANY_MAX = 100
ROLE_MAX = 100
PERSON_MAX = 150
INTERVIEWERS_MAX = 200
ANSWER_MAX = 3000
# A saved draft's key: "thank_you.12", "follow_up.5", "card".
DRAFT_KEY_MAX = 40
# A nudge's last error, as kept for the operator; Slack's messages can run longer.
ERROR_MAX = 200
# An application's optional link (the posting) and note.
LINK_MAX = 300
NOTE_MAX = 500


class InterviewFormat(StrEnum):
    PHONE_SCREEN = "phone_screen"
    VIDEO = "video"
    IN_PERSON = "in_person"

    @property
    def label(self) -> str:
        return {
            InterviewFormat.PHONE_SCREEN: "Phone screen",
            InterviewFormat.VIDEO: "Video call",
            InterviewFormat.IN_PERSON: "Face-to-face",
        }[self]


class InterviewStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class ApplicationStatus(StrEnum):
    """An application is open while any of its rounds may still lead somewhere."""

    OPEN = "open"
    CLOSED = "closed"


class Outcome(StrEnum):
    OFFER = "offer"
    NEXT_ROUND = "next_round"
    REJECTED = "rejected"
    WITHDREW = "withdrew"
    STOPPED = "stopped"


class NudgeKind(StrEnum):
    DISTANCE = "distance"
    REFLECTION = "reflection"
    THANK_YOU = "thank_you"
    CARD = "card"
    FOLLOW_UP = "follow_up"
    CHECK_IN = "check_in"
    REMINDER = "reminder"  # a snoozed follow-up, brought back when the person asked
    EVENING_BEFORE = "evening_before"  # an interview logged ahead, the evening before it


class NudgeStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


class ContactKind(StrEnum):
    """What the person did, or told the coach; the pacing rules read these, not the nudges."""

    THANK_YOU_EMAIL = "thank_you_email"
    THANK_YOU_CARD = "thank_you_card"
    FOLLOW_UP = "follow_up"
    HEARD_BACK = "heard_back"
    THANK_YOU_SKIPPED = "thank_you_skipped"
    SNOOZED = "snoozed"
    KEPT_GOING = "kept_going"


class Choice(StrEnum):
    """The buttons and menus on the coach's messages; which message offers which is the
    kinds registry's (bot.rules.kinds)."""

    EMAIL_SENT = "email_sent"
    CARD_MAILED = "card_mailed"
    SKIP_THANK_YOU = "skip_thank_you"
    FOLLOW_UP_SENT = "follow_up_sent"
    SNOOZE = "snooze"  # option: days, as a string ("1", "3")
    HEARD_BACK = "heard_back"  # option: an Outcome value (offer, next_round, rejected)
    KEEP_GOING = "keep_going"
    STOP = "stop"


class ReflectionQuestion(StrEnum):
    """The two reflection prompts, in the order they are asked."""

    SAID_WELL = "said_well"
    TO_CLARIFY = "to_clarify"
