"""The redacting filter and the log formats, record by record."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest
from cryptography.fernet import Fernet

from bot.config import ConfigError, Settings, read_settings
from bot.log_context import log_context
from bot.log_redaction import MASK, RedactingFilter, library_summary
from bot.logging_setup import build_handler, secret_values

TOKEN = "xoxb-1111-2222-abcdefABCDEF"
SECRET = "s3cr3t-signing-value"


def logged(
    logger: str, level: int, msg: str, *args: object, log_format: str = "text", **kw: object
) -> str:
    """What the bot's handler writes for one record."""
    stream = io.StringIO()
    handler = build_handler(log_format, [SECRET, TOKEN], stream)
    record = logging.getLogger(logger).makeRecord(logger, level, "f.py", 1, msg, args, None, **kw)
    if handler.filter(record):
        handler.emit(record)
    return stream.getvalue()


def test_known_secrets_and_token_shapes_are_masked_anywhere_in_the_line() -> None:
    line = logged("bot.app", logging.ERROR, "auth with %s and %s failed", TOKEN, SECRET)
    assert TOKEN not in line and SECRET not in line
    assert line.count(MASK) == 2
    # A token nobody configured (a user's, a refresh token) still has Slack's shape.
    for other in ("xoxp-9-8-7abc", "xoxe.xoxb-1-abcDEF", "xoxe-1-refreshABC", "xapp-1-A1-xyz"):
        assert other not in logged("bot.x", logging.INFO, "got %s", other)
    hook = "https://hooks.slack.com/commands/T0123/456/AbCdEf123"
    line = logged("slack_sdk.webhook.client", logging.DEBUG, f"Sending a request: POST {hook}")
    assert "AbCdEf123" not in line and f"https://hooks.slack.com/{MASK}" in line


def test_an_exceptions_text_is_masked_too() -> None:
    try:
        raise RuntimeError(f"token {TOKEN} refused")
    except RuntimeError:
        exc_info = sys.exc_info()
    stream = io.StringIO()
    handler = build_handler("json", [TOKEN], stream)
    record = logging.getLogger("bot").makeRecord("bot", 40, "f", 1, "boom", (), exc_info)
    handler.handle(record)
    line = json.loads(stream.getvalue())
    assert "RuntimeError" in line["exception"] and TOKEN not in line["exception"]


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "Sending a request - url: https://slack.com/api/chat.update, query_params: {}, "
            "body_params: {}, files: {}, json_body: {'text': 'my answer'}, headers: {}",
            "Sending a request - url: https://slack.com/api/chat.update (parameters hidden)",
        ),
        (
            'Received the following response - status: 200, headers: {}, body: {"text": "a"}',
            "Received the following response - status: 200 (body hidden)",
        ),
        (
            'Responding with status: 200 body: "{"response_action": "update"}" (12 millis)',
            "Responding with status: 200 (body hidden, 12 millis)",
        ),
        (
            "Unhandled request ({'event': {'text': 'my answer'}})",
            "Unhandled request ( … (payload hidden)",
        ),
        ("Running listener: handle_press ...", "Running listener: handle_press ..."),
    ],
)
def test_slack_library_lines_keep_what_happened_and_lose_the_payload(
    message: str, shown: str
) -> None:
    assert library_summary(message) == shown
    assert "my answer" not in logged("slack_sdk.web.base_client", logging.DEBUG, message)


def test_sqlalchemy_rows_lose_their_values_and_the_bots_own_lines_stay_whole() -> None:
    row = logged("sqlalchemy.engine.Engine", logging.DEBUG, "Row %r", (1, "my answer"))
    assert "my answer" not in row and "Row (values hidden)" in row
    own = "nudge 4 (reflection) try 1 failed (internal_error); retrying at {soon}"
    assert own in logged("bot.dispatch.dispatcher", logging.WARNING, own)


def test_json_lines_name_time_level_logger_and_the_request_context() -> None:
    with log_context(team_id="T1", correlation_id="abc123"):
        inside = json.loads(logged("bot.web", logging.INFO, "hello %s", "you", log_format="json"))
    outside = json.loads(logged("bot.web", logging.INFO, "bye", log_format="json"))
    assert inside["message"] == "hello you" and inside["level"] == "INFO"
    assert inside["logger"] == "bot.web" and inside["time"].endswith("+00:00")
    assert (inside["team_id"], inside["correlation_id"]) == ("T1", "abc123")
    assert "team_id" not in outside and "correlation_id" not in outside
    assert "[T1 abc123]" in _text_inside()


def _text_inside() -> str:
    with log_context(team_id="T1", correlation_id="abc123"):
        return logged("bot.web", logging.INFO, "hello")


def test_every_secret_setting_is_collected() -> None:
    settings = Settings(
        _env_file=None,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_app_token="xapp-1-abc-def",
        database_url="postgresql+psycopg://coach:pa55word-x@db/coach",
    )
    assert set(secret_values(settings)) == {TOKEN, SECRET, "xapp-1-abc-def", "pa55word-x"}

    keys = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    keyed = Settings(
        _env_file=None,
        slack_signing_secret=SECRET,
        slack_client_id="123.456",
        slack_client_secret="client-secret-abcdef",
        data_encryption_keys=",".join(keys),
    )
    assert {*keys, "client-secret-abcdef"} <= set(secret_values(keyed))
    assert RedactingFilter(["short"]).secrets == []  # too short to mask without mangling lines


def test_log_format_is_text_or_json() -> None:
    base = {"_env_file": None, "slack_bot_token": TOKEN, "slack_signing_secret": SECRET}
    assert read_settings(Settings, **base, log_format="JSON").log_format == "json"
    assert read_settings(Settings, **base).log_format == "text"
    with pytest.raises(ConfigError, match=r"LOG_FORMAT is not valid .* use text .* or json"):
        read_settings(Settings, **base, log_format="xml")


def test_without_the_http_face_each_request_gets_its_own_correlation_id() -> None:
    """Socket Mode: Bolt's middleware is the first to see a request; each gets a new id."""
    import contextvars

    from bot.log_context import bind_request, correlation_id_var, request_context, team_id_var

    def socket_request(team: str) -> tuple[str | None, str | None]:
        bind_request(team)
        return team_id_var.get(), correlation_id_var.get()

    thread = contextvars.Context()  # one Socket Mode worker thread, two requests in turn
    first, second = thread.run(socket_request, "T1"), thread.run(socket_request, "T2")
    assert (first[0], second[0]) == ("T1", "T2")
    assert first[1] and second[1] and first[1] != second[1]

    def http_request() -> tuple[str | None, str | None]:
        with request_context():
            face_id = correlation_id_var.get()
            bind_request("T3")  # keeps the id the HTTP face gave
            assert correlation_id_var.get() == face_id
        return team_id_var.get(), correlation_id_var.get()

    assert contextvars.Context().run(http_request) == (None, None)  # undone once answered
