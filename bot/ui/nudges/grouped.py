"""One DM carrying several of a person's nudges: a short header, then each nudge's own
message as a part of its own (a divider, its blocks, its controls), and, when not all fit in
Slack's 50 blocks, a last line saying the rest come next, linking to the Home tab.

Every block of a part carries a block_id naming its nudge (`grp:<id>` on the divider that
opens it, `grp:<id>:<n>` on the rest; the controls keep `nudge:<id>`), so a press on one part
re-renders that part alone and leaves the others' blocks as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot.rules.playbook import Playbook
from bot.rules.view_models import NudgeView
from bot.ui.messages import Message
from bot.ui.nudges.message import render_nudge

# Slack refuses a message of more than 50 blocks.
MAX_BLOCKS = 50
GROUP_PREFIX = "grp:"
HEAD_BLOCK = "grp:head"
MORE_BLOCK = "grp:more"
MORE_TEXT = (
    "There is more from me, in my next message. Everything you have on the go is on my "
    "*Home* tab too (open the coach under Apps)."
)
MORE_LINKED = (
    "There is more from me, in my next message. Everything you have on the go is on my "
    "<{url}|*Home* tab> too."
)

Part = tuple[int, str, list[dict[str, Any]]]  # nudge id, fallback text, blocks


def part_of(view: NudgeView, playbook: Playbook) -> Part:
    """One nudge's part: a divider naming it, then its message's blocks, each named."""
    text, blocks = render_nudge(view, playbook)
    named: list[dict[str, Any]] = [
        {"type": "divider", "block_id": f"{GROUP_PREFIX}{view.nudge_id}"}
    ]
    for index, block in enumerate(blocks):
        named.append(
            {**block, "block_id": block.get("block_id") or f"{GROUP_PREFIX}{view.nudge_id}:{index}"}
        )
    return view.nudge_id, text, named


def render_group(
    views: Sequence[NudgeView],
    playbook: Playbook,
    home_url: Callable[[], str | None] | None = None,
) -> tuple[Message, list[int]]:
    """The grouped DM for `views` (in order), and the ids of the nudges it shows: those that
    fit in Slack's block limit, with room kept for the line saying the rest come next."""
    parts = [part_of(view, playbook) for view in views]
    shown: list[Part] = []
    used = 1  # the header
    for index, part in enumerate(parts):
        more_after = index + 1 < len(parts)
        if used + len(part[2]) + (1 if more_after else 0) > MAX_BLOCKS:
            break
        shown.append(part)
        used += len(part[2])
    if not shown:
        shown, used = parts[:1], 1 + len(parts[0][2])  # one nudge's message always fits
    # Asked only when something is left out: finding the link may cost a Slack call.
    more = _more_block(home_url() if home_url else None) if len(shown) < len(parts) else None
    return _message(shown, more), [part[0] for part in shown]


def is_grouped(blocks: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a message's blocks are a grouped DM's."""
    return any(block.get("block_id") == HEAD_BLOCK for block in blocks)


def part_ids(blocks: Sequence[Mapping[str, Any]]) -> list[int]:
    """The nudges a grouped DM's blocks show, in order."""
    ids: list[int] = []
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block.get("type") == "divider" and block_id.startswith(GROUP_PREFIX):
            number = block_id.removeprefix(GROUP_PREFIX)
            if number.isascii() and number.isdigit():
                ids.append(int(number))
    return ids


def regroup(
    blocks: Sequence[Mapping[str, Any]], views: Mapping[int, NudgeView], playbook: Playbook
) -> Message:
    """A grouped DM after a press: each part whose nudge is in `views` rendered afresh from
    it, any other part kept as the message showed it, the header and last line kept."""
    parts: list[Part] = []
    for nudge_id, old in _split(blocks):
        view = views.get(nudge_id)
        parts.append(part_of(view, playbook) if view is not None else (nudge_id, "", old))
    more = next((dict(b) for b in blocks if b.get("block_id") == MORE_BLOCK), None)
    return _message(parts, more)


def _split(blocks: Sequence[Mapping[str, Any]]) -> list[tuple[int, list[dict[str, Any]]]]:
    """A grouped DM's parts, each as (nudge id, its blocks as the message has them)."""
    parts: list[tuple[int, list[dict[str, Any]]]] = []
    ids = set(part_ids(blocks))
    for block in blocks:
        block_id = str(block.get("block_id") or "")
        if block_id in (HEAD_BLOCK, MORE_BLOCK):
            continue
        opener = block_id.removeprefix(GROUP_PREFIX)
        if block.get("type") == "divider" and opener.isdigit() and int(opener) in ids:
            parts.append((int(opener), []))
        if parts:
            parts[-1][1].append(dict(block))
    return parts


def _more_block(home_url: str | None) -> dict[str, Any]:
    """The last line of a DM that could not show everything: where the rest is."""
    text = MORE_LINKED.format(url=home_url) if home_url else MORE_TEXT
    return {
        "type": "context",
        "block_id": MORE_BLOCK,
        "elements": [{"type": "mrkdwn", "text": text}],
    }


def _message(parts: Sequence[Part], more: dict[str, Any] | None) -> Message:
    count = len(parts)
    head = {
        "type": "section",
        "block_id": HEAD_BLOCK,
        "text": {
            "type": "mrkdwn",
            "text": f"*{count} things from me this hour*, one part per interview; "
            "each part's buttons change only that part.",
        },
    }
    blocks: list[dict[str, Any]] = [head]
    for part in parts:
        blocks += part[2]
    if more is not None:
        blocks.append(more)
    texts = [part[1] for part in parts if part[1]]
    text = f"{count} things from your coach: " + " · ".join(texts)
    return text, blocks
