"""Only Slack's signed, fresh requests are acted on; replays and garbage change nothing."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import time
import urllib.parse

import pytest
from coach_devkit.slack_standin.signed_sender import fill_view_state, sign
from sqlalchemy import func, select

from bot.store.models import EventReceipt, Interview, SlackUser
from bot.ui.log_modal import BLOCK_IDS
from bot.web import signed_by_slack
from tests.harness import DANA, SIGNING_SECRET, RunningBot, fixture_json

FORM = "application/x-www-form-urlencoded"


def _row_counts(running: RunningBot) -> dict[str, int]:
    with running.db.transaction() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (SlackUser, Interview, EventReceipt)
        }


def _nothing_happened(running: RunningBot) -> None:
    running.idle()
    # auth.test is the app checking its token at start-up; nothing else reached Slack.
    assert [c.method for c in running.standin.calls if c.method != "auth.test"] == []
    assert _row_counts(running) == {"slack_user": 0, "interview": 0, "event_receipt": 0}


def _logged_command(running: RunningBot) -> str:
    return running.slack.slash_command_body("logged Acme", DANA)


# -- signatures --------------------------------------------------------------------------------


def test_an_unsigned_request_is_refused(running: RunningBot) -> None:
    reply = running.slack.post(_logged_command(running), FORM, signed=False)

    assert reply.status == 401
    _nothing_happened(running)


def test_a_request_older_than_five_minutes_is_refused(running: RunningBot) -> None:
    stale = int(time.time()) - 301
    body = _logged_command(running)

    reply = running.slack.post(body, FORM, timestamp=stale)

    assert reply.status == 401
    _nothing_happened(running)


def test_a_request_signed_four_minutes_ago_is_still_accepted(running: RunningBot) -> None:
    # The other side of the five-minute window, so the test above fails for the right reason.
    reply = running.slack.post(_logged_command(running), FORM, timestamp=int(time.time()) - 240)

    assert reply.status == 200
    running.standin.wait_for("views.open")
    running.idle()


def test_a_wrong_signature_is_refused(running: RunningBot) -> None:
    reply = running.slack.post(_logged_command(running), FORM, signature="v0=" + "0" * 64)

    assert reply.status == 401
    _nothing_happened(running)


def test_a_body_altered_after_signing_is_refused(running: RunningBot) -> None:
    timestamp = int(time.time())
    signed_body = running.slack.slash_command_body("help", DANA)
    signature = sign(SIGNING_SECRET, timestamp, signed_body)
    altered = running.slack.slash_command_body("logged Acme", DANA)

    reply = running.slack.post(altered, FORM, timestamp=timestamp, signature=signature)

    assert reply.status == 401
    _nothing_happened(running)
    # The same signature with the body it was made for is good.
    good = running.slack.post(signed_body, FORM, timestamp=timestamp, signature=signature)
    assert good.status == 200


def test_an_unsigned_event_is_refused_and_not_remembered(running: RunningBot) -> None:
    body = json.dumps(fixture_json("event_message_im.json"))

    reply = running.slack.post(body, "application/json", signed=False)

    assert reply.status == 401
    _nothing_happened(running)


# -- replays ------------------------------------------------------------------------------------


def test_a_replayed_view_submission_stores_one_interview_and_sends_one_dm(
    running: RunningBot,
) -> None:
    view = running.open_log_modal("logged Acme Corp")
    answers = {
        BLOCK_IDS["company"]: "Acme Corp",
        BLOCK_IDS["happened_at"]: int(running.clock.now().timestamp()) - 3600,
        BLOCK_IDS["format"]: "in_person",
    }
    values = fill_view_state(view, answers)

    first = running.slack.view_submission(view, values)
    running.idle()
    replay = running.slack.view_submission(view, values)
    running.idle()

    assert (first.status, replay.status) == (200, 200)
    assert (first.body, replay.body) == ("", "")  # both close the modal
    with running.db.transaction() as session:
        stored = session.scalars(select(Interview)).all()
    assert [(i.company, i.source_view_id) for i in stored] == [("Acme Corp", view["id"])]
    posts = running.standin.calls_to("chat.postMessage")
    assert len(posts) == 1
    assert "Acme Corp" in posts[0].params["text"]


# -- malformed bodies ----------------------------------------------------------------------------


def test_a_malformed_payload_is_a_client_error_and_the_bot_keeps_serving(
    running: RunningBot,
) -> None:
    reply = running.slack.post("payload=not-json", FORM)

    assert 400 <= reply.status < 500
    _nothing_happened(running)
    after = running.slack.slash_command("help", DANA)
    assert after.status == 200
    assert "/interview logged" in after.json()["text"]


def test_other_unparseable_bodies_are_client_errors(running: RunningBot) -> None:
    bodies = [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("payload=" + urllib.parse.quote('"just a string"'), FORM),
    ]
    for body, content_type in bodies:
        reply = running.slack.post(body, content_type)
        assert 400 <= reply.status < 500, (body, reply)
    _nothing_happened(running)
    assert running.get("/healthz")[0] == 200


# -- refused at the door: before any body is parsed ----------------------------------------


def _raw_post(running: RunningBot, headers: list[tuple[str, bytes]], body: bytes) -> int:
    """POST with headers exactly as given (any bytes), the way no well-behaved client would."""
    url = urllib.parse.urlsplit(running.url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        connection.putrequest("POST", "/slack/events", skip_accept_encoding=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _deeply_nested(depth: int) -> bytes:
    return ("[" * depth + "]" * depth).encode()


@pytest.mark.parametrize(
    ("timestamp", "signature", "body"),
    [
        (b"not-a-number", b"v0=abc", b"command=%2Finterview"),
        (b"1700000000.5", b"v0=abc", b"command=%2Finterview"),
        (b"\xc2\xb2", b"v0=abc", b"command=%2Finterview"),  # "²" passes str.isdigit()
        (b"9" * 40, b"v0=abc", b"command=%2Finterview"),
        (b"NOW", "v0=\u00e9t\u00e9".encode("latin-1"), b"command=%2Finterview"),
        (b"NOW", b"", _deeply_nested(100_000)),
        (b"NOW", b"v0=" + b"0" * 64, b"payload=" + _deeply_nested(50_000)),
    ],
)
def test_an_unsigned_request_is_refused_whatever_its_headers_and_body(
    running: RunningBot,
    caplog: pytest.LogCaptureFixture,
    timestamp: bytes,
    signature: bytes,
    body: bytes,
) -> None:
    if timestamp == b"NOW":
        timestamp = str(int(time.time())).encode()
    headers = [
        ("Content-Type", FORM.encode()),
        ("X-Slack-Request-Timestamp", timestamp),
        ("X-Slack-Signature", signature),
    ]

    assert _raw_post(running, headers, body) == 401
    _nothing_happened(running)
    assert "Traceback" not in caplog.text


def test_a_signed_body_nested_past_pythons_limit_is_a_client_error(
    running: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    reply = running.slack.post(_deeply_nested(100_000).decode(), "application/json")

    assert reply.status == 400
    _nothing_happened(running)
    assert "Traceback" not in caplog.text


def test_a_body_over_a_megabyte_is_refused_unread(running: RunningBot) -> None:
    url = urllib.parse.urlsplit(running.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as raw:
        # Only the headers are sent: the answer must come from the Content-Length alone.
        raw.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 1000001\r\n\r\n"
        )
        status_line = raw.recv(64).split(b"\r\n")[0]

    assert status_line.split()[1] == b"413"
    _nothing_happened(running)
    # A body just under the limit is read, and refused for its missing signature.
    assert _raw_post(running, [("Content-Type", FORM.encode())], b"x" * 999_000) == 401


def test_signature_checks_refuse_every_odd_header_shape() -> None:
    secret, body, now = b"s3cret", b"a=b", 1_700_000_000.0
    good = "v0=" + hmac.new(secret, b"v0:1700000000:a=b", hashlib.sha256).hexdigest()

    assert signed_by_slack(secret, "1700000000", good, body, now=now)
    for timestamp in ["", "1700000000.0", "+1700000000", " 1700000000", "١٧٠٠٠٠٠٠٠٠", "²"]:
        assert not signed_by_slack(secret, timestamp, good, body, now=now), timestamp
    assert not signed_by_slack(secret, "1700000000", good, body, now=now + 301)
    assert not signed_by_slack(secret, "1700000000", good.upper(), body, now=now)
    assert not signed_by_slack(secret, "1700000000", good + "é", body, now=now)
    assert not signed_by_slack(secret, "1700000000", good, body + b" ", now=now)
