"""Signed garbage, built by hypothesis from the shapes Slack sends: fields removed, retyped,
oversized or filled with hostile unicode, posted to the real endpoint of a running bot.

Never a 5xx, never a traceback in the log, and nothing in the database changes for a
request that is not a valid action of its owner (none of these is: Dana owns nothing)."""

from __future__ import annotations

import copy
import json
import logging
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.store.models import ContactLog, Interview, Nudge, Reflection
from tests.harness import RunningBot, fixture_json

FORM = "application/x-www-form-urlencoded"
_HOOKS = "https://hooks.slack.com/"
# Slack's shapes of every kind the bot handles, each posted as Slack posts it.
BASES: dict[str, tuple[str, Any]] = {
    "block_actions": ("payload", fixture_json("block_actions_button.json")),
    "view_submission": ("payload", fixture_json("view_submission.json")),
    "message.im": ("event", fixture_json("event_message_im.json")),
    "message_changed": ("event", fixture_json("event_message_im_edited.json")),
    "app_home_opened": ("event", fixture_json("event_app_home_opened.json")),
    "user_change": ("event", fixture_json("event_user_change.json")),
    "slash_command": ("form", "slash_command.form"),
}
HOSTILE = [
    "<!channel>",
    "{{ config }}",
    "${jndi:x}",
    "\u202eevil",  # right-to-left override
    "\x00",
    "\ud800",  # a lone surrogate
    "²",
    "①",
    "9" * 40,
    "x" * 70_000,
    "V" * 33,
]
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.sampled_from(HOSTILE)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _mutate(body: Any, path: tuple[Any, ...], remove: bool, new: Any) -> Any:
    body = copy.deepcopy(body)
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    if remove and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = new
    return body


def _form_fields() -> dict[str, str]:
    text = (Path(__file__).parents[1] / "fixtures" / "slack" / "slash_command.form").read_text()
    return dict(urllib.parse.parse_qsl(text.strip()))


def _answering_here(body: Any, response_url: str) -> Any:
    """The fixture with its response URLs pointed at the stand-in, as Slack's would work."""
    text = json.dumps(body).replace(json.dumps(_HOOKS)[1:-1], json.dumps(response_url)[1:-1])
    return json.loads(text)


def _changed_rows(running: RunningBot) -> dict[str, int]:
    with running.db.transaction() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Interview, Reflection, ContactLog, Nudge)
        }


def _post(running: RunningBot, how: str, body: Any) -> int:
    if how == "payload":
        encoded = "payload=" + urllib.parse.quote(json.dumps(body))
        return running.slack.post(encoded, FORM).status
    if how == "event":
        return running.slack.post(json.dumps(body), "application/json").status
    return running.slack.post(urllib.parse.urlencode(body), FORM).status


@pytest.mark.timeout(600)
@pytest.mark.parametrize("kind", sorted(BASES))
def test_signed_garbage_never_gets_a_5xx_a_traceback_or_a_change(
    running: RunningBot, caplog: pytest.LogCaptureFixture, kind: str
) -> None:
    how, base = BASES[kind]
    if how == "form":
        base = _form_fields()
    base = _answering_here(base, running.standin.response_url() + "/")
    paths = _paths(base)
    before = _changed_rows(running)

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(path=st.sampled_from(paths), remove=st.booleans(), new=values)
    def one(path: tuple[Any, ...], remove: bool, new: Any) -> None:
        body = _mutate(base, path, remove, new)
        if how == "form":
            body = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        status = _post(running, how, body)
        running.idle()
        assert status < 500, (path, remove, new)

    with caplog.at_level(logging.INFO):
        one()
    running.idle()

    assert _changed_rows(running) == before
    # slack_sdk logs one ERROR line when a forged response_url leads nowhere; not the bot's.
    failures = [
        r
        for r in caplog.records
        if r.exc_info is not None
        or (r.levelno >= logging.ERROR and not r.name.startswith("slack_sdk"))
    ]
    assert failures == [], [r.getMessage() for r in failures]
    assert "Traceback" not in caplog.text
