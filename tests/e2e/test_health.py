"""`GET /healthz` and what the one HTTP endpoint answers to anything but Slack's POST;
and that its server stops quickly."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from bot.http_server import HttpServer
from bot.store.db import Database
from bot.web import create_wsgi_app
from tests.harness import RunningBot, start_bot

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def _request(url: str, method: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_healthz_reports_the_database_up(running: RunningBot) -> None:
    status, body = running.get("/healthz")

    assert status == 200
    assert json.loads(body) == {"ok": True, "database": "up"}


def test_healthz_answers_head_with_headers_and_no_body(running: RunningBot) -> None:
    status, headers, body = _request(running.url + "/healthz", "HEAD")

    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert body == b""


def test_get_on_the_slack_endpoint_is_method_not_allowed(running: RunningBot) -> None:
    status, headers, _ = _request(running.url + "/slack/events", "GET")

    assert status == 405
    assert headers.get("Allow") == "POST"


def test_unknown_path_is_not_found(running: RunningBot) -> None:
    status, _ = running.get("/nope")

    assert status == 404


def test_healthz_is_503_when_the_database_is_unreachable(running: RunningBot) -> None:
    if running.db.is_sqlite:
        # SQLite creates a missing file, but not a missing directory.
        bad_url = "sqlite:////nonexistent-dir/interview-coach/x.db"
    else:
        # Nothing listens on port 1; connect_timeout keeps a refused connect quick.
        bad_url = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
    unreachable = Database(bad_url)
    broken = start_bot(running.standin, running.clock, unreachable)
    try:
        status, body = broken.get("/healthz")
        status_head, _, _ = _request(broken.url + "/healthz", "HEAD")
    finally:
        broken.server.stop()
        unreachable.dispose()

    assert status == 503
    assert json.loads(body) == {"ok": False, "database": "down"}
    assert status_head == 503
    # The healthy bot next to it is unaffected.
    assert running.get("/healthz")[0] == 200


# -- Socket Mode: the WebSocket is part of health ----------------------------------------------


def _call_healthz(app: WsgiApp) -> tuple[str, dict[str, object]]:
    """Call the WSGI app as a server would, for GET /healthz."""
    statuses: list[str] = []

    def start_response(status: str, _headers: list[tuple[str, str]]) -> None:
        statuses.append(status)

    body = b"".join(app({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, start_response))
    return statuses[0], json.loads(body)


def test_healthz_in_socket_mode_is_503_while_disconnected(running: RunningBot) -> None:
    status, report = _call_healthz(create_wsgi_app(running.bot, socket_connected=lambda: False))

    assert status == "503 Service Unavailable"
    assert report == {"ok": False, "database": "up", "socket_mode": "disconnected"}


def test_healthz_in_socket_mode_is_200_while_connected(running: RunningBot) -> None:
    status, report = _call_healthz(create_wsgi_app(running.bot, socket_connected=lambda: True))

    assert status == "200 OK"
    assert report == {"ok": True, "database": "up", "socket_mode": "connected"}


# -- the server: stopping is quick -------------------------------------------------------------


def test_stopping_a_server_that_has_served_takes_no_waiting(running: RunningBot) -> None:
    # Every test's teardown stops a server. Left to notice its closed sockets at select()'s
    # 1 s timeout, waitress's loop made some stops take a whole second (a race: about one in
    # four to ten); woken through its trigger, a stop takes about a millisecond.
    app = create_wsgi_app(running.bot)
    stops: list[float] = []
    for _ in range(50):
        server = HttpServer(app, "127.0.0.1", 0).start()
        assert _request(server.url + "/healthz", "GET")[0] == 200
        started = time.monotonic()
        server.stop()
        stops.append(time.monotonic() - started)

    assert max(stops) < 0.5, f"slowest of {len(stops)} stops took {max(stops):.2f}s"
