"""How a press is kept: the contact it logs, and the key that makes logging it idempotent.

The keys are stored in contact_log.source_key, so they must never change shape: a row
written by an earlier version has to keep matching the same press.
"""

from __future__ import annotations

from bot.rules.domain import ContactKind
from bot.rules.view_models import Choice

# The contact each press logs; STOP and CLOSE_IT log none (they only close the interview).
CONTACT_OF: dict[Choice, ContactKind] = {
    Choice.EMAIL_SENT: ContactKind.THANK_YOU_EMAIL,
    Choice.CARD_MAILED: ContactKind.THANK_YOU_CARD,
    Choice.SKIP_THANK_YOU: ContactKind.THANK_YOU_SKIPPED,
    Choice.FOLLOW_UP_SENT: ContactKind.FOLLOW_UP,
    Choice.SNOOZE: ContactKind.SNOOZED,
    Choice.HEARD_BACK: ContactKind.HEARD_BACK,
    Choice.KEEP_GOING: ContactKind.KEPT_GOING,
    Choice.CHECK_BACK: ContactKind.CHECKING_BACK,
}
# Presses kept once per follow-up (FOLLOW_UP_SENT) or per message (SNOOZE); every other press
# is kept once per interview, whichever message it came from.
PER_MESSAGE = frozenset({Choice.FOLLOW_UP_SENT, Choice.SNOOZE})


def press_key(
    choice: Choice, *, interview_id: int, nudge_id: int, follow_up_number: int
) -> str | None:
    """The press's idempotency key; None for STOP and CLOSE_IT, which the interview's status
    keeps."""
    if choice in (Choice.STOP, Choice.CLOSE_IT):
        return None
    if choice is Choice.SNOOZE:
        return f"snooze:{nudge_id}"
    key = f"{choice.value}:{interview_id}"
    if choice is Choice.FOLLOW_UP_SENT:
        return f"{key}:{follow_up_number}"
    return key
