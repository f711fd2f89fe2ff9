"""What each Slack failure means for a nudge, from exceptions the real client raises."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from coach_devkit.slack_standin import SlackStandIn
from slack_sdk import WebClient

from bot.dispatch.slack_errors import (
    Permanent,
    PersonGone,
    RateLimited,
    SlackFailure,
    Transient,
    WorkspaceGone,
    classify,
)
from bot.slack.clients import DISPATCH, DISPATCH_TIMEOUT_SECONDS, single_workspace
from bot.slack.errors import DEFAULT_RETRY_AFTER_SECONDS, retry_after_seconds
from tests.harness import test_settings
from tests.processes import free_port

DM = "D0456EFGH"


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return dispatch_client(standin)


def dispatch_client(standin: SlackStandIn) -> WebClient:
    """The client the dispatcher gets for the stand-in's workspace."""
    clients = single_workspace(test_settings(standin, "sqlite://")).with_profile(DISPATCH)
    return clients.client_for(standin.team_id)


def raised_by(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("the call succeeded")


# (error, HTTP status or None for Slack's usual one, Retry-After or None) -> what it means
TABLE: list[tuple[str, int | None, int | None, SlackFailure]] = [
    ("ratelimited", None, 30, RateLimited(30.0)),
    ("ratelimited", 429, 1, RateLimited(1.0)),
    ("ratelimited", 200, None, RateLimited(DEFAULT_RETRY_AFTER_SECONDS)),
    ("internal_error", 500, None, Transient("internal_error")),
    ("fatal_error", 500, None, Transient("fatal_error")),
    ("fatal_error", 200, None, Transient("fatal_error")),
    ("service_unavailable", 200, None, Transient("service_unavailable")),
    ("service_unavailable", 503, None, Transient("HTTP 503")),
    ("request_timeout", 200, None, Transient("request_timeout")),
    ("bad_gateway", 502, None, Transient("HTTP 502")),  # an HTML page, no Slack error code
    ("gateway_timeout", 504, None, Transient("HTTP 504")),
    ("account_inactive", None, None, PersonGone("account_inactive")),
    ("user_not_found", None, None, PersonGone("user_not_found")),
    ("user_disabled", None, None, PersonGone("user_disabled")),
    ("cannot_dm_bot", None, None, PersonGone("cannot_dm_bot")),
    ("channel_not_found", None, None, PersonGone("channel_not_found")),
    ("is_archived", None, None, PersonGone("is_archived")),
    ("invalid_auth", None, None, WorkspaceGone("invalid_auth")),
    ("token_revoked", None, None, WorkspaceGone("token_revoked")),
    ("not_authed", None, None, WorkspaceGone("not_authed")),
    ("team_not_found", None, None, WorkspaceGone("team_not_found")),
    ("invalid_blocks", None, None, Permanent("invalid_blocks")),
    ("msg_too_long", None, None, Permanent("msg_too_long")),
    ("teapot", 418, None, Permanent("teapot")),
]


@pytest.mark.parametrize(
    ("error", "status", "retry_after", "expected"),
    TABLE,
    ids=[f"{error}-{status}" for error, status, *_ in TABLE],
)
def test_slack_answers_are_classified(
    standin: SlackStandIn,
    client: WebClient,
    error: str,
    status: int | None,
    retry_after: int | None,
    expected: SlackFailure,
) -> None:
    standin.fail_next("chat.postMessage", error, status=status, retry_after=retry_after)

    exc = raised_by(lambda: client.chat_postMessage(channel=DM, text="hi"))

    assert classify(exc) == expected
    # The dispatcher's client does not retry: exactly the one failed call reached Slack.
    assert len(standin.calls_to("chat.postMessage", include_failed=True)) == 1


def test_no_answer_at_all_is_transient(standin: SlackStandIn) -> None:
    closed_port = free_port()  # a port nobody listens on
    client = dispatch_client(standin)
    client.base_url = f"http://127.0.0.1:{closed_port}/api/"

    exc = raised_by(lambda: client.chat_postMessage(channel=DM, text="hi"))

    assert isinstance(classify(exc), Transient)


def test_a_timeout_is_transient(standin: SlackStandIn, client: WebClient) -> None:
    standin.hold("chat.postMessage")
    client.timeout = 0.2  # held calls never answer in time
    try:
        exc = raised_by(lambda: client.chat_postMessage(channel=DM, text="hi"))
    finally:
        standin.release("chat.postMessage")

    assert isinstance(exc, TimeoutError | OSError)
    assert isinstance(classify(exc), Transient)


def test_anything_else_is_permanent() -> None:
    assert classify(ValueError("bug")) == Permanent("ValueError: bug")


def test_the_dispatch_client_never_retries_or_waits_long(client: WebClient) -> None:
    assert client.retry_handlers == []
    assert client.timeout == DISPATCH_TIMEOUT_SECONDS


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "30"}, 30.0),
        ({"retry-after": ["7"]}, 7.0),
        ({"RETRY-AFTER": "0"}, 0.0),
        ({"Retry-After": "soon"}, DEFAULT_RETRY_AFTER_SECONDS),
        ({"Retry-After": "-5"}, DEFAULT_RETRY_AFTER_SECONDS),
        ({}, DEFAULT_RETRY_AFTER_SECONDS),
        (None, DEFAULT_RETRY_AFTER_SECONDS),
    ],
)
def test_retry_after_header(headers: dict | None, seconds: float) -> None:
    assert retry_after_seconds(headers) == seconds
