"""The stand-in's hold: a method's calls wait unanswered until the test releases them."""

from __future__ import annotations

import threading

import pytest
from coach_devkit.slack_standin import SlackStandIn
from slack_sdk import WebClient

DM = "D0456EFGH"


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=5)


def post_in_background(client: WebClient, results: list[str]) -> threading.Thread:
    def post() -> None:
        results.append(str(client.chat_postMessage(channel=DM, text="hi")["ts"]))

    thread = threading.Thread(target=post)
    thread.start()
    return thread


def test_a_held_method_answers_only_when_released(standin: SlackStandIn, client: WebClient) -> None:
    standin.hold("chat.postMessage")
    results: list[str] = []
    thread = post_in_background(client, results)

    standin.wait_until_held("chat.postMessage")
    assert client.auth_test()["ok"]  # other methods still answer meanwhile
    assert results == [] and standin.calls_to("chat.postMessage") == []

    standin.release("chat.postMessage")
    thread.join(timeout=5)
    assert len(results) == 1
    assert [m["ts"] for m in standin.messages(DM)] == results
    assert client.chat_postMessage(channel=DM, text="again")["ok"]  # no longer held


def test_reset_releases_held_calls(standin: SlackStandIn, client: WebClient) -> None:
    standin.hold("chat.postMessage")
    results: list[str] = []
    thread = post_in_background(client, results)
    standin.wait_until_held("chat.postMessage")

    standin.reset()

    thread.join(timeout=5)
    assert len(results) == 1


def test_waiting_for_a_call_that_never_comes_fails_clearly(standin: SlackStandIn) -> None:
    standin.hold("conversations.open")
    with pytest.raises(AssertionError, match=r"held conversations\.open"):
        standin.wait_until_held("conversations.open", timeout=0.05)


def test_a_hold_can_let_the_first_calls_through(standin: SlackStandIn, client: WebClient) -> None:
    standin.hold("chat.postMessage", after=1)
    assert client.chat_postMessage(channel=DM, text="first")["ok"]  # answered at once
    results: list[str] = []
    thread = post_in_background(client, results)

    standin.wait_until_held("chat.postMessage")
    assert results == [] and len(standin.calls_to("chat.postMessage")) == 1

    standin.release("chat.postMessage")
    thread.join(timeout=5)
    assert len(results) == 1
