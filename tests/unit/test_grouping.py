"""The rule for one DM per person per hour (bot.rules.grouping), and the grouped DM's blocks
(bot.ui.nudges.grouped): pure, table-driven."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.domain import Choice, NudgeKind
from bot.rules.grouping import GROUP_WINDOW, Due, group_due
from bot.rules.view_models import Done
from bot.ui.nudges.grouped import (
    HEAD_BLOCK,
    MAX_BLOCKS,
    MORE_BLOCK,
    is_grouped,
    part_ids,
    regroup,
    render_group,
)
from tests.nudge_views import AT, PLAYBOOK, nudge

T0 = datetime(2026, 12, 8, 18, 0, tzinfo=UTC)


def due(key: str, person: str, minutes: float) -> Due[str]:
    return Due(key, person, T0 + timedelta(minutes=minutes))


@pytest.mark.parametrize(
    ("items", "dms"),
    [
        pytest.param([], [], id="nothing due"),
        pytest.param([due("a", "dana", 0)], [["a"]], id="one alone"),
        pytest.param(
            [due("a", "dana", 0), due("b", "dana", 0)], [["a", "b"]], id="same minute: one DM"
        ),
        pytest.param(
            [due("a", "dana", 0), due("b", "dana", 59)], [["a", "b"]], id="within the hour"
        ),
        pytest.param(
            [due("a", "dana", 0), due("b", "dana", 60)], [["a"], ["b"]], id="an hour apart: two"
        ),
        pytest.param(
            [due("a", "dana", 0), due("b", "lee", 0)], [["a"], ["b"]], id="two people: two DMs"
        ),
        pytest.param(
            [due("c", "dana", 50), due("a", "dana", 0), due("b", "dana", 70)],
            [["a", "c"], ["b"]],
            id="measured from the DM's first, in due order",
        ),
        pytest.param(
            [due("l", "lee", 5), due("a", "dana", 0), due("b", "dana", 10)],
            [["a", "b"], ["l"]],
            id="DMs in the order of their first nudge",
        ),
    ],
)
def test_the_dms_a_batch_goes_out_as(items: list[Due[str]], dms: list[list[str]]) -> None:
    assert group_due(items) == dms


def test_every_nudge_is_in_exactly_one_dm_of_one_person() -> None:
    items = [due(f"n{i}", f"p{i % 3}", (i * 37) % 200) for i in range(30)]
    dms = group_due(items)
    assert sorted(k for dm in dms for k in dm) == sorted(i.key for i in items)
    by_key = {i.key: i for i in items}
    for dm in dms:
        assert len({by_key[k].person for k in dm}) == 1
        times = [by_key[k].due_at for k in dm]
        assert times == sorted(times) and times[-1] - times[0] < GROUP_WINDOW


def views(count: int) -> list:
    return [nudge(NudgeKind.FOLLOW_UP, nudge_id=100 + i) for i in range(count)]


def test_a_grouped_dm_has_a_header_and_one_part_per_nudge_each_named() -> None:
    (text, blocks), shown = render_group(views(2), PLAYBOOK)
    assert shown == [100, 101]
    assert blocks[0]["block_id"] == HEAD_BLOCK and "2 things" in text
    assert is_grouped(blocks) and part_ids(blocks) == [100, 101]
    assert MORE_BLOCK not in [b.get("block_id") for b in blocks]
    ids = [b["block_id"] for b in blocks]
    assert len(ids) == len(set(ids))  # Slack refuses a message with a block_id twice
    assert "nudge:100" in ids and "nudge:101" in ids  # each part keeps its own controls


def test_past_fifty_blocks_what_fits_is_shown_and_a_last_line_says_more_comes() -> None:
    (_, blocks), shown = render_group(views(20), PLAYBOOK)
    assert len(blocks) <= MAX_BLOCKS
    assert 1 < len(shown) < 20 and shown == list(range(100, 100 + len(shown)))
    assert part_ids(blocks) == shown
    assert blocks[-1]["block_id"] == MORE_BLOCK


def test_a_press_re_renders_its_part_and_keeps_the_others_as_they_were() -> None:
    original = views(3)
    (_, blocks), _ = render_group(original, PLAYBOOK)
    pressed = replace(original[1], done=(Done(Choice.FOLLOW_UP_SENT, AT),))
    _, after = regroup(blocks, {101: pressed}, PLAYBOOK)

    def part(bs: list[dict], nudge_id: int) -> list[dict]:
        return [
            b
            for b in bs
            if str(b.get("block_id", "")).split(":")[:2]
            in (["grp", str(nudge_id)], ["nudge", str(nudge_id)])
        ]

    assert part(after, 100) == part(blocks, 100)
    assert part(after, 102) == part(blocks, 102)
    assert part(after, 101) != part(blocks, 101)
    assert part_ids(after) == [100, 101, 102] and after[0] == blocks[0]
