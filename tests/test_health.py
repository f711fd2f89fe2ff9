"""`GET /healthz` and what the one HTTP endpoint answers to anything but Slack's POST."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from bot.store.db import Database
from tests.harness import RunningBot, start_bot


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
