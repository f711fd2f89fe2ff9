"""The drafts the coach writes for the person to send themselves: a thank-you email per
interviewer, a card, each follow-up, and a call script. It never sends them.

Pure: an interview's facts and the playbook's templates in, plain text out, always within
what the modal's inputs hold, whatever the person typed and however long.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.rules.draft_facts import DraftFacts, fact_variables, follow_up_to, joined_names
from bot.rules.draft_templates import render
from bot.rules.planning import card_advised
from bot.rules.playbook import DraftTemplates, EmailTemplate, Playbook, built_in_draft_templates
from bot.rules.text_limits import shorten, slack_length

# Slack's plain_text_input holds at most 3000 characters: the body's input, and a card's.
BODY_MAX = 3000
# Mail clients show 60-80 characters of a subject and RFC 5322 asks for header lines under
# 78; 150 holds the built-in subjects for a long company and role, and leaves most of the
# mailto: link's budget for the body.
SUBJECT_MAX = 150
# An answer cut shorter than this says nothing: its sentence is left out instead.
_ANSWER_MIN = 40
# The variables holding the person's own answers: the first thing trimmed to fit.
_ANSWERS = ("said_well", "to_clarify")
# Who a draft is for, when no one was named.
TEAM = "the team"
RECRUITER = "the recruiter"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """One draft: who it is for (a name, or TEAM / RECRUITER), its subject, its body."""

    recipient: str
    subject: str | None  # None for a card
    body: str


Pick = Callable[[DraftTemplates], str]


def _rendered(playbook: Playbook, pick: Pick, key: str, variables: Mapping[str, Any]) -> str:
    """The playbook's template rendered; the built-in one should it fail for these facts.

    The playbook's templates were rendered on sample interviews when it loaded, so this is
    rare (say, a template indexing into an answer that is shorter here): a draft is still
    better than none, and the operator hears which key.
    """
    try:
        return render(pick(playbook.drafts), variables)
    except Exception as exc:
        _log.warning("The playbook's drafts.%s failed (%s); using the built-in one", key, exc)
        return render(pick(built_in_draft_templates()), variables)


def _fitted(
    playbook: Playbook,
    pick: Pick,
    key: str,
    variables: Mapping[str, Any],
    limit: int,
    *,
    one_line: bool = False,
) -> str:
    """The rendered template within `limit`: the person's answers are shortened first (with
    an ellipsis, as little as needed), and only then is the text itself cut."""

    def draw(values: Mapping[str, Any]) -> str:
        text = _rendered(playbook, pick, key, values)
        return " ".join(text.split()) if one_line else text

    def capped(cap: int) -> str:
        return draw(
            {
                **variables,
                **{
                    name: shorten(variables[name], cap) if cap >= _ANSWER_MIN else None
                    for name in _ANSWERS
                    if variables.get(name)
                },
            }
        )

    text = draw(variables)
    if slack_length(text) <= limit:
        return text
    longest = max((slack_length(variables.get(name) or "") for name in _ANSWERS), default=0)
    if longest and slack_length(capped(0)) <= limit:
        # The longest cap that fits: capped(low) fits, capped(high) does not.
        low, high = 0, longest
        while high - low > 1:
            middle = (low + high) // 2
            if slack_length(capped(middle)) <= limit:
                low = middle
            else:
                high = middle
        return capped(low)
    return shorten(capped(0) if longest else text, limit)


def _names(facts: DraftFacts) -> tuple[str, ...]:
    return tuple(name for name in (n.strip() for n in facts.interviewers) if name)


def _email(
    playbook: Playbook,
    pick: Callable[[DraftTemplates], EmailTemplate],
    key: str,
    recipient: str,
    variables: Mapping[str, Any],
) -> Draft:
    return Draft(
        recipient=recipient,
        subject=_fitted(
            playbook,
            lambda d: pick(d).subject,
            f"{key}.subject",
            variables,
            SUBJECT_MAX,
            one_line=True,
        ),
        body=_fitted(playbook, lambda d: pick(d).body, f"{key}.body", variables, BODY_MAX),
    )


def thank_you_emails(facts: DraftFacts, playbook: Playbook) -> list[Draft]:
    """A thank-you email to each interviewer named, in the order given; one to the team
    when none was."""
    recipients = [(name, name) for name in _names(facts)] or [(TEAM, None)]
    return [
        _email(
            playbook,
            lambda d: d.thank_you,
            "thank_you",
            label,
            fact_variables(facts, to_name=to_name),
        )
        for label, to_name in recipients
    ]


def card_draft(facts: DraftFacts, playbook: Playbook) -> Draft | None:
    """One handwritten card to everyone named, when a card is advised (face-to-face, at a
    traditional organization); None otherwise."""
    if not card_advised(facts.format, facts.traditional_org):
        return None
    to_name = joined_names(_names(facts)) or None
    variables = fact_variables(facts, to_name=to_name)
    body = _fitted(playbook, lambda d: d.card, "card", variables, BODY_MAX)
    return Draft(recipient=to_name or TEAM, subject=None, body=body)


def follow_up_draft(facts: DraftFacts, number: int, playbook: Playbook) -> Draft:
    """Follow-up `number` (from 1): to the hiring manager with direct permission, else to
    the recruiter. Each number has its own template; past the playbook's last, the last."""
    if number < 1:
        raise ValueError(f"follow-ups count from 1, not {number}")
    to_name = follow_up_to(facts)

    def pick(drafts: DraftTemplates) -> EmailTemplate:
        return drafts.follow_ups[min(number, len(drafts.follow_ups)) - 1]

    index = min(number, len(playbook.drafts.follow_ups)) - 1  # as the key's error names it
    return _email(
        playbook,
        pick,
        f"follow_ups.{index}",
        to_name or RECRUITER,
        fact_variables(facts, to_name=to_name, number=number),
    )


def call_script(playbook: Playbook) -> str:
    """What to ask if they reach someone by phone: the playbook's call questions."""
    variables = {"questions": list(playbook.questions.call_questions)}
    return _fitted(playbook, lambda d: d.call_script, "call_script", variables, BODY_MAX)
