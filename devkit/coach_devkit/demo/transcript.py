"""Block Kit, mrkdwn and views as plain text lines: roughly what a person reads in Slack. Pure.

The demo prints these lines instead of JSON so a newcomer can follow the conversation. The
rendering is deliberately plain: it shows what is on screen (labels, values, fallbacks), not
how it is styled.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

YOU = "you"
COACH = "Interview Coach"
SLACK = "Slack"

STAMP_WIDTH = len("Wed 30 Sep 10:02")
# Body lines start a little right of the speaker, so each entry reads as one block.
INDENT = " " * (STAMP_WIDTH + 4)
DIVIDER = "─" * 24
WIDTH = 100  # a transcript line, stamp included

# `<…>` is Slack's markup for links, mentions and date tokens; user text has its `<` escaped.
_ANGLE_TOKEN = re.compile(r"<([^<>]*)>")

Block = Mapping[str, Any]
# Slack's `state.values`: block id → action id → the element's state.
StateValues = Mapping[str, Mapping[str, Mapping[str, Any]]]


# -- transcript entries --------------------------------------------------------------------------


def stamp(instant: datetime, tz: ZoneInfo) -> str:
    """`Thu 26 Nov 10:02` in the reader's zone, padded so entries line up."""
    local = instant.astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %H:%M}".ljust(STAMP_WIDTH)


def wrap(line: str, width: int) -> list[str]:
    """A long line folded at spaces, continuations hanging two spaces in; short ones as is."""
    if len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(
        line, width, subsequent_indent=lead + "  ", break_long_words=False, break_on_hyphens=False
    )


def format_entry(when: str, speaker: str, headline: str, body: Iterable[str] = ()) -> list[str]:
    """One transcript entry: a stamped headline, then the body indented under it."""
    lines = [f"{when}  {speaker} {headline}".rstrip()]
    for line in body:
        lines.extend(f"{INDENT}{part}".rstrip() for part in wrap(line, WIDTH - len(INDENT)))
    return lines


# -- text ----------------------------------------------------------------------------------------


def _angle_token(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("!date^"):
        # Slack renders the date in the reader's zone; the fallback already is the person's.
        return label or target
    if target.startswith("@"):
        return f"@{label or target[1:]}"
    if target.startswith("#"):
        return f"#{label or target[1:]}"
    if target.startswith("!"):
        # <!here>, <!channel>, <!subteam^S123|@team>
        return label or f"@{target[1:].split('^')[0]}"
    return label or target  # a link: people see its label


def unescape(text: str) -> str:
    """Undo Slack's three escapes; `&amp;` last so `&amp;lt;` stays the literal text `&lt;`."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render_mrkdwn(text: str) -> list[str]:
    """mrkdwn as shown: tokens replaced by what they display, escapes undone, one item a line.

    Emphasis markers (`*bold*`, `_italic_`) stay: they read well as plain text.
    """
    return unescape(_ANGLE_TOKEN.sub(_angle_token, text)).split("\n")


def text_lines(obj: Any) -> list[str]:
    """A Block Kit text object (plain_text or mrkdwn) as lines; anything else as none."""
    if not isinstance(obj, Mapping):
        return []
    text = str(obj.get("text", ""))
    return render_mrkdwn(text) if obj.get("type") == "mrkdwn" else text.split("\n")


def plain(obj: Any) -> str:
    """A text object on one line, for labels and buttons."""
    return " ".join(text_lines(obj))


# -- elements ------------------------------------------------------------------------------------


def local_date_time(epoch: int | str, tz: ZoneInfo) -> str:
    local = datetime.fromtimestamp(int(epoch), UTC).astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def local_date(iso_day: str) -> str:
    day = date.fromisoformat(iso_day)
    return f"{day:%a} {day.day} {day:%b %Y}"


def render_element(element: Mapping[str, Any], tz: ZoneInfo) -> str:
    """An interactive element as it sits in a message: buttons as `[Label]`."""
    kind = str(element.get("type", ""))
    if kind == "button":
        # A link button (Open in email) opens its url instead of telling the bot.
        return (
            f"[{plain(element.get('text'))} ↗]"
            if element.get("url")
            else f"[{plain(element.get('text'))}]"
        )
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if kind == "overflow":
        return "[⋯]"
    if kind.endswith("_select") or kind == "datepicker":
        shown = _chosen_option_text(element, None) or _initial_text(element, tz)
        return f"[{shown or plain(element.get('placeholder')) or 'Select'} ▾]"
    return f"[{kind}]"


def _initial_text(element: Mapping[str, Any], tz: ZoneInfo) -> str:
    if element.get("initial_date_time") is not None:
        return local_date_time(element["initial_date_time"], tz)
    if element.get("initial_date"):
        return local_date(str(element["initial_date"]))
    return str(element.get("initial_value") or element.get("initial_time") or "")


def _chosen_option_text(element: Mapping[str, Any], state: Mapping[str, Any] | None) -> str:
    option = state.get("selected_option") if state is not None else element.get("initial_option")
    return plain(option.get("text")) if isinstance(option, Mapping) else ""


def _chosen_values(element: Mapping[str, Any], state: Mapping[str, Any] | None) -> set[str]:
    if state is not None:
        chosen = state.get("selected_options") or []
    else:
        chosen = element.get("initial_options") or []
    return {str(o.get("value")) for o in chosen if isinstance(o, Mapping)}


def _input_value(element: Mapping[str, Any], state: Mapping[str, Any] | None, tz: ZoneInfo) -> str:
    """What an input shows: the person's answer if given a state, else its initial value."""
    kind = element.get("type")
    if state is None:
        shown = _chosen_option_text(element, None) or _initial_text(element, tz)
    elif kind == "datetimepicker":
        raw = state.get("selected_date_time")
        shown = local_date_time(raw, tz) if raw not in (None, "") else ""
    elif kind == "datepicker":
        raw = state.get("selected_date")
        shown = local_date(str(raw)) if raw else ""
    elif kind in {"static_select", "radio_buttons"}:
        shown = _chosen_option_text(element, state)
    else:
        shown = str(state.get("value") or state.get("selected_time") or "")
    if shown:
        return shown
    placeholder = plain(element.get("placeholder"))
    return f"({placeholder})" if placeholder else "(empty)"


def _option_lines(element: Mapping[str, Any], state: Mapping[str, Any] | None) -> list[str]:
    """Checkbox and radio options, each with its mark, as Slack lists them under the label."""
    if element.get("type") == "checkboxes":
        chosen = _chosen_values(element, state)
        marks = ("☑", "☐")
    else:
        selected = state.get("selected_option") if state is not None else None
        option = selected or element.get("initial_option") or {}
        chosen = {str(option.get("value"))} if option else set()
        marks = ("◉", "○")
    lines = []
    for option in element.get("options", []):
        mark = marks[0] if str(option.get("value")) in chosen else marks[1]
        lines.append(f"  {mark} {plain(option.get('text'))}")
    return lines


def render_input(block: Block, tz: ZoneInfo, state: Mapping[str, Any] | None = None) -> list[str]:
    """An input block as `Label: value`; `state` is the element's entry in `state.values`."""
    label = plain(block.get("label"))
    if block.get("optional"):
        label += " (optional)"
    element = block.get("element") or {}
    if element.get("type") in {"checkboxes", "radio_buttons"}:
        lines = [f"{label}:", *_option_lines(element, state)]
    else:
        value_lines = _input_value(element, state, tz).split("\n")
        lines = [f"{label}: {value_lines[0]}", *(f"  {line}" for line in value_lines[1:])]
    if block.get("hint"):
        lines.append(f"  ({plain(block['hint'])})")
    return lines


# -- blocks --------------------------------------------------------------------------------------


def _rich_text(elements: Sequence[Any]) -> str:
    parts: list[str] = []
    for element in elements:
        if not isinstance(element, Mapping):
            continue
        kind = element.get("type")
        if kind in {"rich_text_section", "rich_text_preformatted", "rich_text_quote"}:
            parts.append(_rich_text(element.get("elements", [])) + "\n")
        elif kind == "rich_text_list":
            for item in element.get("elements", []):
                parts.append("• " + _rich_text(item.get("elements", [])) + "\n")
        elif kind == "text":
            parts.append(str(element.get("text", "")))
        elif kind == "link":
            parts.append(str(element.get("text") or element.get("url", "")))
        elif kind == "user":
            parts.append(f"@{element.get('user_id', '')}")
        elif kind == "emoji":
            parts.append(f":{element.get('name', '')}:")
    return "".join(parts)


def render_block(
    block: Block, tz: ZoneInfo, state: Mapping[str, Mapping[str, Any]] | None = None
) -> list[str]:
    """One block as lines; `state` (the block's `state.values` entry) only matters for inputs."""
    kind = block.get("type")
    if kind == "header":
        title = plain(block.get("text"))
        return [title, "═" * len(title)]
    if kind == "section":
        lines = text_lines(block.get("text"))
        for field in block.get("fields") or []:
            lines.extend(text_lines(field))
        if block.get("accessory"):
            lines.append(render_element(block["accessory"], tz))
        return lines
    if kind == "context":
        parts = [
            " ".join(text_lines(e)) if e.get("type") != "image" else render_element(e, tz)
            for e in block.get("elements", [])
        ]
        return ["  ".join(parts)]
    if kind == "divider":
        return [DIVIDER]
    if kind == "actions":
        return ["  ".join(render_element(e, tz) for e in block.get("elements", []))]
    if kind == "input":
        element_state = None
        if state is not None:
            action_id = (block.get("element") or {}).get("action_id", "")
            element_state = state.get(action_id) or {}
        return render_input(block, tz, element_state)
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return unescape(_rich_text(block.get("elements", []))).rstrip("\n").split("\n")
    return [f"[{kind} block]"]


def render_blocks(blocks: Iterable[Block], tz: ZoneInfo) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines.extend(render_block(block, tz))
    return lines


def render_message(message: Mapping[str, Any], tz: ZoneInfo) -> list[str]:
    """A message (chat.postMessage params or an ack/response body) as the person sees it.

    Slack shows the blocks when there are any; the text is then only the notification fallback.
    """
    blocks = message.get("blocks")
    if isinstance(blocks, list) and blocks:
        return render_blocks(blocks, tz)
    return render_mrkdwn(str(message.get("text", "")))


# -- views ---------------------------------------------------------------------------------------


def view_title(view: Mapping[str, Any]) -> str:
    return plain(view.get("title"))


def render_inputs(
    view: Mapping[str, Any],
    tz: ZoneInfo,
    values: StateValues,
    only: Collection[str] | None = None,
) -> list[str]:
    """A modal's inputs as the person filled them in; `only` limits it to those block ids."""
    lines: list[str] = []
    for block in view.get("blocks", []):
        block_id = block.get("block_id")
        if block.get("type") != "input" or (only is not None and block_id not in only):
            continue
        lines.extend(render_block(block, tz, values.get(block_id) or {}))
    return lines


def render_modal(view: Mapping[str, Any], tz: ZoneInfo) -> list[str]:
    """A modal as it opens: every block with its prefilled values, then its buttons."""
    lines = render_blocks(view.get("blocks", []), tz)
    buttons = [f"[{plain(view[key])}]" for key in ("close", "submit") if view.get(key)]
    if buttons:
        lines.append("  ".join(buttons))
    return lines


def render_home(view: Mapping[str, Any], tz: ZoneInfo) -> list[str]:
    return render_blocks(view.get("blocks", []), tz)


def input_label(view: Mapping[str, Any], block_id: str) -> str:
    """The label Slack shows above the input with this block id (the id if there is none)."""
    for block in view.get("blocks", []):
        if block.get("block_id") == block_id:
            return plain(block.get("label")) or block_id
    return block_id
