"""Which reflection prompt a DM answers, as a pure decision: store it under one prompt, ask
which interview it is for (never guess, never drop it), or none is open.

The coach (bot.coach.reflections) reads the facts (the person's prompts still open, latest
first, and the last message the coach sent in the DM) and applies the decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# The most interviews one "which interview?" question offers (Slack allows 25 buttons a block,
# and a question longer than this helps no one).
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class OpenPrompt:
    """A reflection prompt sent for an interview still open."""

    nudge_id: int
    unanswered: int  # how many of its questions have no answer yet


@dataclass(frozen=True)
class Ask:
    """Ask which interview: these prompts, in the order given (latest first)."""

    nudge_ids: tuple[int, ...]


Route = int | Ask | None  # a prompt's nudge id to store under; ask; no prompt open


def route_top_level(
    prompts: Sequence[OpenPrompt], *, latest_sent: int | None, numbered: bool
) -> Route:
    """Where a top-level DM goes. `prompts`: the person's, latest first; `latest_sent`: the
    nudge id of the last message the coach sent in the DM; `numbered`: the reply names its
    question ("1: …"), so it may revise an answered one.

    The prompts it could answer are all of them when numbered, else those with a question
    unanswered. One numbered: stored there. One unnumbered: stored there while it is the last
    thing the coach sent (a "thanks!" after the thank-you note is not an answer unasked).
    Otherwise, with any open, ask.
    """
    eligible = [p for p in prompts if numbered or p.unanswered > 0]
    if not eligible:
        return None
    if len(eligible) == 1 and (numbered or eligible[0].nudge_id == latest_sent):
        return eligible[0].nudge_id
    return Ask(tuple(p.nudge_id for p in eligible[:MAX_CANDIDATES]))


def route_thread(prompt_ids: Sequence[int]) -> Route:
    """Where a reply in a thread goes: its prompt; asked when the thread carries several (a
    grouped DM with two interviews' prompts); None when it is no prompt's thread."""
    if len(prompt_ids) > 1:
        return Ask(tuple(prompt_ids[:MAX_CANDIDATES]))
    return prompt_ids[0] if prompt_ids else None
