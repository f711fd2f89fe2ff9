"""The bench's lean Slack stand-in (`coach_devkit.slack_standin.lean`): the bot's real
`slack_sdk` client gets Slack's answers from it for the two methods it knows, and it counts
each nudge the dispatcher posts once, since the scale-out bench counts duplicates and losses
from it."""

from __future__ import annotations

import socket
import time
from collections import Counter
from urllib.parse import urlsplit

import pytest
from coach_devkit.slack_standin.lean import BOT_USER_ID, TEAM_ID, lean_slack_running
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import load_settings
from bot.dispatch.dispatcher import Dispatcher, group_metadata, nudge_metadata
from bot.dispatch.job import dispatch_until_idle
from bot.rules.domain import NudgeStatus
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, single_workspace
from bot.store.db import Database
from bot.store.models import Nudge
from tests.coach_helpers import log
from tests.harness import SIGNING_SECRET


def test_it_answers_auth_test_and_each_post_with_its_channel_and_a_new_ts() -> None:
    with lean_slack_running() as (slack, url):
        client = WebClient(token=slack.token, base_url=url)
        assert (client.auth_test()["team_id"], client.auth_test()["user_id"]) == (
            TEAM_ID,
            BOT_USER_ID,
        )
        first = client.chat_postMessage(channel="D1", text="hi", metadata=nudge_metadata(7))
        second = client.chat_postMessage(
            channel="D2", text="hi", metadata=group_metadata([8, 9]), blocks=[]
        )
        plain = client.chat_postMessage(channel="D3", text="no metadata")

        assert (first["channel"], second["channel"], plain["channel"]) == ("D1", "D2", "D3")
        assert len({first["ts"], second["ts"], plain["ts"]}) == 3
        assert slack.posted == [7, 8, 9]  # a grouped DM counts each nudge it shows
        assert slack.posts == 3


def test_it_refuses_another_token_and_a_method_it_does_not_know() -> None:
    with lean_slack_running() as (slack, url):
        with pytest.raises(SlackApiError) as refused:
            WebClient(token="xoxb-other", base_url=url).chat_postMessage(channel="D1", text="x")
        assert refused.value.response["error"] == "invalid_auth"
        with pytest.raises(SlackApiError) as unknown:
            WebClient(token=slack.token, base_url=url).conversations_open(users="U1")
        assert unknown.value.response["error"] == "unknown_method"
        assert slack.posted == [] and slack.posts == 0


def _exchange(url: str, request: bytes, *, close: bool = True) -> tuple[bytes, socket.socket]:
    """Send raw bytes to the stand-in; its answer (read to the end of its body) and the
    socket, left open when `close` is False."""
    address = urlsplit(url)
    sock = socket.create_connection((address.hostname, address.port), timeout=10)
    sock.sendall(request)
    answer = b""
    while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer += chunk
    if close:
        sock.close()
    return answer, sock


def _post(body: bytes, *, extra: bytes = b"") -> bytes:
    return (
        b"POST /api/chat.postMessage HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer xoxb-lean\r\n"
        b"Content-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s"
        % (extra, len(body), body)
    )


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"NONSENSE\r\n\r\n",  # no method, path and version
        _post(b"channel=D1&text=hi"),  # a form body: not what a post is sent as
        _post(b'{"text": "no channel"}'),
        _post(b'{"channel": "D1", "metadata": {"event_payload": {"nudge_id": "x"}}}'),
        b"POST /api/chat.postMessage HTTP/1.1\r\nAuthorization: Bearer xoxb-lean\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        _post(b"{}", extra=b"Content-Length: lots\r\n"),
    ],
)
def test_a_request_it_cannot_read_is_answered_400_and_counts_no_post(
    request_bytes: bytes,
) -> None:
    with lean_slack_running() as (slack, url):
        answer, _ = _exchange(url, request_bytes)
        assert answer.startswith(b"HTTP/1.1 400 ")
        assert answer.endswith(b'{"ok":false,"error":"invalid_arguments"}')
        # Still serving: the next post is answered and counted.
        WebClient(token=slack.token, base_url=url).chat_postMessage(
            channel="D1", text="hi", metadata=nudge_metadata(5)
        )
        assert slack.posted == [5] and slack.posts == 1


def test_it_stops_with_a_kept_alive_connection_still_open() -> None:
    with lean_slack_running() as (slack, url):
        answer, idle = _exchange(url, _post(b'{"channel": "D1"}'), close=False)
        assert b"Connection: keep-alive" in answer
    # The block ended while the client held the connection: the stand-in closed it.
    assert idle.recv(1) == b""
    idle.close()
    assert slack.posts == 1


def test_with_latency_each_post_is_answered_no_sooner() -> None:
    with lean_slack_running(latency=0.2) as (slack, url):
        client = WebClient(token=slack.token, base_url=url)
        started = time.monotonic()
        client.chat_postMessage(channel="D1", text="hi")
        # A lower bound only: however busy the machine, the answer cannot come sooner.
        assert time.monotonic() - started >= 0.2
        assert slack.posts == 1


def test_the_dispatcher_delivers_to_it_and_every_nudge_is_counted_once(
    db: Database, clock: FixedClock, database_url: str
) -> None:
    now = clock.now()
    for n in range(30):
        log(db, now, user_id=f"U0L{n:06d}", view_id=f"V{n}")
    with db.transaction() as session:
        due = set(
            session.scalars(
                select(Nudge.id).where(Nudge.status == NudgeStatus.PENDING, Nudge.due_at <= now)
            )
        )
    assert len(due) == 30

    with lean_slack_running() as (slack, url):
        settings = load_settings(
            _env_file=None,
            slack_bot_token=slack.token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=url,
            database_url=database_url,
        )
        clients = single_workspace(settings).with_profile(DISPATCH)
        dispatcher = Dispatcher(db, clock, clients, default_playbook(), "lean", batch_size=7)
        report = dispatch_until_idle(dispatcher, max_ticks=20)

    assert report.sent == 30
    assert Counter(slack.posted) == Counter(due)  # each once: no duplicate, none lost
    with db.transaction() as session:
        sent = set(session.scalars(select(Nudge.id).where(Nudge.status == NudgeStatus.SENT)))
    assert sent == due
