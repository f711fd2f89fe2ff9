"""What Slack refuses: the Block Kit and text limits the bot could plausibly trip over.

Checking them in the stand-in surfaces the bot's bugs in tests instead of in production.
slack_sdk's own models (``Block.parse``, ``View``, ``Option``) carry most limits as validators
that raise ``SlackObjectFormationError``; those are applied here as they are. Hand-written are
only the ones slack_sdk does not check:

- a message's 50 blocks and 40,000 characters of text (``slack_sdk.models`` has no message
  model with either);
- block_ids repeated within one message or view;
- a modal's title being required (``View`` only bounds its length when there is one);
- the options of a ``static_select`` or ``radio_buttons``, which slack_sdk keeps as raw dicts
  and never validates (they are parsed with its ``Option`` here), an option's description
  (75 characters), and the 10 options checkboxes and radio buttons stop at;
- a text input prefilled beyond its own ``max_length``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block, Option
from slack_sdk.models.views import View

MAX_MESSAGE_BLOCKS = 50
MAX_MESSAGE_TEXT = 40_000
MAX_OPTION_DESCRIPTION = 75
MAX_CHOICE_OPTIONS = {"checkboxes": 10, "radio_buttons": 10}  # a select menu's 100: slack_sdk

# What slack_sdk's constructors raise on payloads too malformed to become models at all.
_MALFORMED = (KeyError, TypeError, ValueError, AttributeError)


def message_text_too_long(text: Any) -> bool:
    """Whether Slack answers ``msg_too_long`` to this message text."""
    return len(str(text or "")) > MAX_MESSAGE_TEXT


def message_blocks_problem(blocks: Any) -> str | None:
    """Why Slack would refuse these blocks in a message, or None if it would take them."""
    if isinstance(blocks, list) and len(blocks) > MAX_MESSAGE_BLOCKS:
        return f"{len(blocks)} blocks, more than the {MAX_MESSAGE_BLOCKS} allowed"
    return blocks_problem(blocks)


def view_problem(view: dict[str, Any]) -> str | None:
    """Why Slack would refuse this modal or Home tab, or None if it would take it."""
    title = view.get("title")
    if view.get("type") == "modal" and not (isinstance(title, dict) and title.get("text")):
        return "modal has no title"
    problem = blocks_problem(view.get("blocks"))
    if problem is not None:
        return problem
    # The blocks parse (checked above), so only the view's own limits can fail here.
    return _sdk_problem(lambda: View(**view).validate_json())


def blocks_problem(blocks: Any) -> str | None:
    """Why Slack would refuse these blocks anywhere, or None; the count is the caller's."""
    if not isinstance(blocks, list):
        return "blocks must be a JSON array"
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or not block.get("type"):
            return f"block {i} has no type"
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                return f"block {i} repeats block_id {block_id!r}"
            block_ids.add(block_id)
        problem = _block_problem(block)
        if problem is not None:
            return f"block {i} ({block['type']}): {problem}"
    return None


def _block_problem(block: dict[str, Any]) -> str | None:
    try:
        parsed = Block.parse(block)
    except _MALFORMED as error:
        return f"is malformed ({type(error).__name__}: {error})"
    if parsed is None:
        return "is not a block type Slack knows"
    # to_dict() validates the block and, recursively, every element and text object in it.
    problem = _sdk_problem(parsed.to_dict)
    if problem is not None:
        return problem
    for element in _interactive_elements(block):
        problem = _element_problem(element)
        if problem is not None:
            return f"{element.get('type')} {problem}"
    return None


def _interactive_elements(block: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The elements a person interacts with; context elements are only text and images."""
    candidates = [block.get("accessory"), block.get("element")]
    if block["type"] == "actions":
        candidates += block.get("elements") or []
    yield from (element for element in candidates if isinstance(element, dict))


def _element_problem(element: dict[str, Any]) -> str | None:
    options = element.get("options")
    max_options = MAX_CHOICE_OPTIONS.get(str(element.get("type")))
    if max_options is not None and isinstance(options, list) and len(options) > max_options:
        return f"has {len(options)} options, more than the {max_options} allowed"
    for j, option in enumerate(options if isinstance(options, list) else []):
        problem = _option_problem(option)
        if problem is not None:
            return f"option {j}: {problem}"
    initial, max_length = str(element.get("initial_value") or ""), element.get("max_length")
    if isinstance(max_length, int) and len(initial) > max_length:
        # Slack will not prefill a text input with more than the person could submit.
        return f"initial_value is {len(initial)} chars, over its max_length {max_length}"
    return None


def _option_problem(option: Any) -> str | None:
    if not isinstance(option, dict):
        return "is not an option object"
    problem = _sdk_problem(lambda: Option(**option).validate_json())
    if problem is not None:
        return problem
    description = option.get("description")
    text = description.get("text", "") if isinstance(description, dict) else ""
    if len(str(text)) > MAX_OPTION_DESCRIPTION:
        return f"description is {len(str(text))} chars, over {MAX_OPTION_DESCRIPTION}"
    return None


def _sdk_problem(validate: Callable[[], object]) -> str | None:
    """What slack_sdk's validators say is wrong, or None when `validate()` passes."""
    try:
        validate()
    except SlackObjectFormationError as error:
        return str(error)
    except _MALFORMED as error:
        return f"is malformed ({type(error).__name__}: {error})"
    return None
