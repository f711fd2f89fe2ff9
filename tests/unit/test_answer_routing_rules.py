"""Which prompt a DM answers (bot.rules.answer_routing): a table of the cases and properties
over arbitrary sets of open prompts. Never guessed: stored directly only when exactly one
prompt could be meant; never dropped: with any prompt it could answer, it is stored or asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.answer_routing import (
    MAX_CANDIDATES,
    Ask,
    OpenPrompt,
    Route,
    route_thread,
    route_top_level,
)

A_OPEN, B_OPEN = OpenPrompt(1, 2), OpenPrompt(2, 1)
A_DONE = OpenPrompt(1, 0)


@pytest.mark.parametrize(
    ("prompts", "latest_sent", "numbered", "route"),
    [
        ([], None, False, None),  # nothing open: the generic help
        ([], None, True, None),
        ([A_OPEN], 1, False, 1),  # the prompt is the latest message: it
        ([A_OPEN], 9, False, Ask((1,))),  # something came after it: ask ("thanks!")
        ([A_OPEN], 9, True, 1),  # numbered: plainly an answer, to the one prompt
        ([A_DONE], 1, False, None),  # both answered, unnumbered: not an answer to store
        ([A_DONE], 1, True, 1),  # numbered: a revision
        ([B_OPEN, A_OPEN], 2, False, Ask((2, 1))),  # two open: ask, latest first
        ([B_OPEN, A_OPEN], 2, True, Ask((2, 1))),
        ([B_OPEN, A_DONE], 2, False, 2),  # only one with a question open, and the latest
        ([B_OPEN, A_DONE], 2, True, Ask((2, 1))),  # numbered may revise either
    ],
)
def test_top_level(
    prompts: list[OpenPrompt], latest_sent: int | None, numbered: bool, route: Route
) -> None:
    assert route_top_level(prompts, latest_sent=latest_sent, numbered=numbered) == route


@pytest.mark.parametrize(("ids", "route"), [([], None), ([5], 5), ([5, 6], Ask((5, 6)))])
def test_thread(ids: list[int], route: Route) -> None:
    assert route_thread(ids) == route


prompt_sets = st.lists(
    st.builds(OpenPrompt, st.integers(1, 10_000), st.integers(0, 2)),
    max_size=30,
    unique_by=lambda p: p.nudge_id,
)


@given(prompts=prompt_sets, latest=st.none() | st.integers(1, 10_000), numbered=st.booleans())
def test_never_dropped_never_guessed(
    prompts: list[OpenPrompt], latest: int | None, numbered: bool
) -> None:
    route = route_top_level(prompts, latest_sent=latest, numbered=numbered)
    eligible = [p.nudge_id for p in prompts if numbered or p.unanswered > 0]
    if not eligible:
        assert route is None
    elif isinstance(route, Ask):
        assert route.nudge_ids == tuple(eligible[:MAX_CANDIDATES])  # latest first, all of them
        assert len(set(route.nudge_ids)) == len(route.nudge_ids)
    else:
        # Stored without asking: the only prompt it could mean, and (unnumbered) the latest.
        assert eligible == [route]
        assert numbered or route == latest


@given(ids=st.lists(st.integers(1, 10_000), unique=True, max_size=30))
def test_a_thread_reply_goes_to_its_prompt_or_asks(ids: list[int]) -> None:
    route = route_thread(ids)
    if len(ids) == 1:
        assert route == ids[0]
    elif ids:
        assert isinstance(route, Ask) and route.nudge_ids == tuple(ids[:MAX_CANDIDATES])
    else:
        assert route is None
