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
    # Nothing left to send and no news for three weeks, or "Close it" on "Still waiting?".
    NO_REPLY = "no_reply"


class NudgeKind(StrEnum):
    DISTANCE = "distance"
    REFLECTION = "reflection"
    THANK_YOU = "thank_you"
    CARD = "card"
    FOLLOW_UP = "follow_up"
    CHECK_IN = "check_in"
    REMINDER = "reminder"  # a snoozed follow-up, brought back when the person asked
    EVENING_BEFORE = "evening_before"  # an interview logged ahead, the evening before it
    # After two follow-ups with no press: "Still waiting?" instead of the rest.
    STILL_WAITING = "still_waiting"
    # Nothing left to send for three weeks: the interview closes itself as "no reply".
    AUTO_CLOSE = "auto_close"


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
    # "I'll check back in two weeks" on "Still waiting?": its `until` is when follow-ups resume.
    CHECKING_BACK = "checking_back"
    # A closed interview reopened within its day: the schedule resumes from here.
    REOPENED = "reopened"


class Choice(StrEnum):
    """The buttons and menus on the coach's messages; which message offers which is the
    kinds registry's (bot.rules.kinds)."""

    EMAIL_SENT = "email_sent"
    CARD_MAILED = "card_mailed"
    SKIP_THANK_YOU = "skip_thank_you"
    FOLLOW_UP_SENT = "follow_up_sent"
    SNOOZE = "snooze"  # option: days, as a string ("1", "3")
    HEARD_BACK = "heard_back"  # option: an Outcome value (offer, next_round, rejected, withdrew)
    KEEP_GOING = "keep_going"
    STOP = "stop"
    CHECK_BACK = "check_back"  # "I'll check back in two weeks" (Still waiting?)
    CLOSE_IT = "close_it"  # "Close it" (Still waiting?): closes as no reply


class ReflectionQuestion(StrEnum):
    """The two reflection prompts, in the order they are asked."""

    SAID_WELL = "said_well"
    TO_CLARIFY = "to_clarify"
