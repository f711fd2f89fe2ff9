"""The drafts one message's Draft button opens: which ones (its kind's DraftPieces, from the
kinds registry), each under a stable key, with the person's saved edits in place of the
builder's text.

Pure: facts, the playbook and saved edits in; plain text out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.rules.domain import NudgeKind
from bot.rules.draft_facts import DraftFacts
from bot.rules.drafts import (
    BODY_MAX,
    SUBJECT_MAX,
    Draft,
    call_script,
    card_draft,
    follow_up_draft,
    thank_you_emails,
)
from bot.rules.kinds import KINDS, DraftPiece
from bot.rules.playbook import Playbook
from bot.rules.text_limits import slack_length

# Thank-you emails shown at most (one per interviewer named): each takes four of a modal's
# 100 blocks, and a panel of more than a dozen is rare enough to write to the rest by hand.
MAX_EMAILS = 12
CARD_KEY = "card"


def thank_you_key(index: int) -> str:
    """The key of the thank-you email to the `index`-th interviewer named (from 0)."""
    return f"thank_you.{index}"


def follow_up_key(number: int) -> str:
    """The key of follow-up `number` (from 1)."""
    return f"follow_up.{number}"


@dataclass(frozen=True)
class DraftEdit:
    """What the person wrote in a draft's inputs: its subject (None for a card) and body."""

    subject: str | None
    body: str


@dataclass(frozen=True)
class SheetDraft:
    """One editable draft: its key, whom it is for, and the text shown."""

    key: str
    recipient: str
    subject: str | None
    body: str
    # The text is the person's saved edit, not the builder's.
    edited: bool = False


@dataclass(frozen=True)
class DraftSheet:
    """Everything a Draft button shows: the editable drafts and, read-only, a call script."""

    nudge_id: int
    title: str  # the interview's company (role), plain
    drafts: tuple[SheetDraft, ...]
    call_script: str | None
    # Thank-you emails left out past MAX_EMAILS.
    left_out: int = 0


def built_drafts(
    kind: NudgeKind, follow_up_number: int, facts: DraftFacts, playbook: Playbook
) -> tuple[tuple[tuple[str, Draft], ...], str | None, int]:
    """The builder's drafts for a message of `kind`, keyed, in its registry order; the call
    script when the kind shows one; and how many thank-you emails were left out."""
    keyed: list[tuple[str, Draft]] = []
    script: str | None = None
    left_out = 0
    for piece in KINDS[kind].drafts:
        match piece:
            case DraftPiece.THANK_YOU_EMAILS:
                emails = thank_you_emails(facts, playbook)
                left_out = max(0, len(emails) - MAX_EMAILS)
                keyed += [(thank_you_key(i), d) for i, d in enumerate(emails[:MAX_EMAILS])]
            case DraftPiece.CARD:
                card = card_draft(facts, playbook)
                if card is not None:
                    keyed.append((CARD_KEY, card))
            case DraftPiece.FOLLOW_UP:
                number = max(follow_up_number, 1)
                keyed.append((follow_up_key(number), follow_up_draft(facts, number, playbook)))
            case DraftPiece.CALL_SCRIPT:
                script = call_script(playbook)
    return tuple(keyed), script, left_out


def draft_sheet(
    *,
    nudge_id: int,
    title: str,
    kind: NudgeKind,
    follow_up_number: int,
    facts: DraftFacts,
    playbook: Playbook,
    edits: Mapping[str, DraftEdit],
) -> DraftSheet:
    """The message's drafts, each the person's saved edit where there is one."""
    keyed, script, left_out = built_drafts(kind, follow_up_number, facts, playbook)
    drafts = []
    for key, draft in keyed:
        edit = edits.get(key)
        if edit is None:
            drafts.append(SheetDraft(key, draft.recipient, draft.subject, draft.body))
        else:
            subject = edit.subject if draft.subject is not None else None
            drafts.append(SheetDraft(key, draft.recipient, subject, edit.body, edited=True))
    return DraftSheet(nudge_id, title, tuple(drafts), script, left_out)


class EditProblem(Exception):
    """A submitted draft the coach will not store; `key` names it, `field` its input."""

    def __init__(self, key: str, field: str, message: str) -> None:
        super().__init__(message)
        self.key, self.field, self.message = key, field, message


EMPTY_BODY = "Write something here, or press Close to keep what was saved."
SUBJECT_TOO_LONG = f"Please keep the subject under {SUBJECT_MAX} characters."
BODY_TOO_LONG = f"Please keep the text under {BODY_MAX} characters."


def check_edit(key: str, edit: DraftEdit) -> None:
    """Raise EditProblem for an edit Slack's inputs should not have let through: the coach's
    check is the one that counts, the inputs' max_length only a courtesy."""
    if not edit.body.strip():
        raise EditProblem(key, "body", EMPTY_BODY)
    if slack_length(edit.body) > BODY_MAX:
        raise EditProblem(key, "body", BODY_TOO_LONG)
    if edit.subject is not None and slack_length(edit.subject) > SUBJECT_MAX:
        raise EditProblem(key, "subject", SUBJECT_TOO_LONG)
