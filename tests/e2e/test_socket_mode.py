"""Socket Mode end to end: the Socket Mode stand-in, slack_sdk's own client, and the real bot."""

from __future__ import annotations

import base64
import json
import queue
import re
import signal
import socket
import struct
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender
from coach_devkit.slack_standin.socket_mode import (
    OP_CLOSE,
    OP_PING,
    OP_PONG,
    OP_TEXT,
    accept_key,
)
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.store.db import Database
from bot.ui.command_text import usage_text
from bot.ui.log_modal import BLOCK_IDS, CALLBACK_ID
from tests.harness import DANA
from tests.processes import clean_env, free_port, interview_bot_command

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="  # the worked example of RFC 6455 §1.3
URL = re.compile(r"^ws://127\.0\.0\.1:\d+/link/\?ticket=[0-9a-f]{32}$")
# slack_sdk ignores NO_PROXY: with one of these set it would tunnel 127.0.0.1 through the proxy.


def test_accept_key_matches_the_rfc_example():
    assert accept_key(RFC_KEY) == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


# -- apps.connections.open ----------------------------------------------------------------------


def test_connections_open_answers_a_url_for_the_app_token_only(standin: SlackStandIn):
    web = WebClient(token=standin.bot_token, base_url=standin.api_url)
    first = web.apps_connections_open(app_token=standin.app_token)["url"]
    second = web.apps_connections_open(app_token=standin.app_token)["url"]
    assert URL.match(first) and URL.match(second) and first != second
    calls = standin.calls_to("apps.connections.open")
    assert [c.token for c in calls] == [standin.app_token] * 2

    for method, token, error in [
        ("apps.connections.open", standin.bot_token, "not_allowed_token_type"),
        ("apps.connections.open", "xapp-wrong", "invalid_auth"),
        ("auth.test", standin.app_token, "not_allowed_token_type"),
    ]:
        with pytest.raises(SlackApiError) as info:
            WebClient(token=token, base_url=standin.api_url).api_call(method)
        assert info.value.response["error"] == error, method


# -- slack_sdk's builtin client, in process -----------------------------------------------------


def test_builtin_client_gets_hello_and_acks_an_envelope(standin: SlackStandIn):
    messages: queue.Queue[str] = queue.Queue()

    def ack(client: SocketModeClient, request: SocketModeRequest) -> None:
        event_type = request.payload["event"]["type"]
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload={"seen": event_type})
        )

    client = SocketModeClient(
        app_token=standin.app_token,
        web_client=WebClient(base_url=standin.api_url),
        auto_reconnect_enabled=False,
        on_message_listeners=[messages.put],
    )
    client.socket_mode_request_listeners.append(ack)
    try:
        client.connect()
        hello = json.loads(messages.get(timeout=5))
        assert hello["type"] == "hello"
        assert hello["num_connections"] == 1
        assert hello["connection_info"] == {"app_id": "A0789IJKL"}
        assert hello["debug_info"].keys() >= {"host", "approximate_connection_time"}

        server = standin.socket_mode
        server.wait_for_connections(1)
        event = {"type": "app_home_opened", "user": DANA.user_id, "tab": "home"}
        envelope_id = server.push("events_api", {"type": "event_callback", "event": event})

        envelope = json.loads(messages.get(timeout=5))
        assert envelope == {
            "envelope_id": envelope_id,
            "type": "events_api",
            "payload": {"type": "event_callback", "event": event},
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
        ack_message = server.wait_for_ack(envelope_id)
        assert ack_message == {"envelope_id": envelope_id, "payload": {"seen": "app_home_opened"}}
    finally:
        client.close()
    standin.socket_mode.wait_for_connections(0)


def test_push_needs_a_connected_client(standin: SlackStandIn):
    with pytest.raises(RuntimeError, match="no Socket Mode client"):
        standin.socket_mode.push("slash_commands", {"text": "help"})
    with pytest.raises(ValueError, match="envelope_type"):
        standin.socket_mode.push("hello", {})


# -- the WebSocket protocol, byte by byte -------------------------------------------------------


def _open(url: str, key: str = RFC_KEY) -> tuple[socket.socket, str]:
    """A raw client: send the opening handshake, return the socket and the response head."""
    parts = urllib.parse.urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    sock.sendall(
        f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    head = b""
    while not head.endswith(b"\r\n\r\n"):
        chunk = sock.recv(1)
        if not chunk:
            break
        head += chunk
    return sock, head.decode()


def _send(sock: socket.socket, opcode: int, payload: bytes, *, masked: bool = True) -> None:
    mask = b"\x01\x02\x03\x04" if masked else b""
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if masked else payload
    sock.sendall(bytes([0x80 | opcode, (0x80 if masked else 0) | len(payload)]) + mask + body)


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        assert chunk, "connection closed mid-frame"
        data += chunk
    return data


def _next_frame(sock: socket.socket) -> tuple[int, bytes]:
    """The next frame other than the stand-in's keep-alive pings."""
    while True:
        first, second = _recv_exactly(sock, 2)
        assert not second & 0x80, "a server must not mask"
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", _recv_exactly(sock, 2))
        payload = _recv_exactly(sock, size)
        if first & 0x0F != OP_PING:
            return first & 0x0F, payload


def test_handshake_hello_ping_and_close(standin: SlackStandIn):
    sock, head = _open(standin.socket_mode.new_url())
    with sock:
        assert head.startswith("HTTP/1.1 101 ")
        assert "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in head
        opcode, hello = _next_frame(sock)
        assert (opcode, json.loads(hello)["type"]) == (OP_TEXT, "hello")

        _send(sock, OP_PING, b"are you there")
        assert _next_frame(sock) == (OP_PONG, b"are you there")

        _send(sock, OP_TEXT, json.dumps({"envelope_id": "not-pushed"}).encode())
        _send(sock, OP_CLOSE, struct.pack("!H", 1000))
        assert _next_frame(sock) == (OP_CLOSE, struct.pack("!H", 1000))
    standin.socket_mode.wait_for_connections(0)
    assert standin.socket_mode.received == [{"envelope_id": "not-pushed"}]


def test_unmasked_client_frame_is_a_protocol_error(standin: SlackStandIn):
    sock, _ = _open(standin.socket_mode.new_url())
    with sock:
        _next_frame(sock)  # hello
        _send(sock, OP_TEXT, b"{}", masked=False)
        opcode, payload = _next_frame(sock)
        assert (opcode, struct.unpack("!H", payload[:2])[0]) == (OP_CLOSE, 1002)


@pytest.mark.parametrize(
    ("url_suffix", "key", "status"),
    [
        ("?ticket=made-up", RFC_KEY, 401),  # only URLs apps.connections.open handed out
        ("", base64.b64encode(b"too short").decode(), 400),  # a key is 16 bytes
    ],
)
def test_handshake_refusals(standin: SlackStandIn, url_suffix: str, key: str, status: int):
    url = standin.socket_mode.new_url()
    if url_suffix:
        url = url.split("?")[0] + url_suffix
    sock, head = _open(url, key=key)
    with sock:
        assert head.startswith(f"HTTP/1.1 {status} ")
    assert standin.socket_mode.connection_count == 0


# -- the real bot, as `interview-bot run` -------------------------------------------------------


def _bot_env(standin: SlackStandIn, database_url: str, port: int, app_token: str) -> dict:
    return clean_env(
        SLACK_BOT_TOKEN=standin.bot_token,
        SLACK_APP_TOKEN=app_token,
        SLACK_SIGNING_SECRET="x",
        SLACK_API_URL=standin.api_url,
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
    )


BOT = [*interview_bot_command(), "run"]


def test_bot_serves_slash_commands_over_socket_mode(
    standin: SlackStandIn, database_url: str, db: Database, tmp_path: Path
):
    # `db` is only here so the schema is migrated before and emptied after, as for other tests.
    port = free_port()
    env = _bot_env(standin, database_url, port, standin.app_token)
    log_path = tmp_path / "bot.log"
    server = standin.socket_mode
    with log_path.open("w") as log:
        bot = subprocess.Popen(BOT, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            server.wait_for_connections(1, timeout=20)
        except AssertionError:
            pytest.fail(f"bot never connected (exit {bot.poll()}):\n{log_path.read_text()}")
        [opened] = standin.calls_to("apps.connections.open")
        assert opened.token == standin.app_token
        # The HTTP server was listening before the socket connected, and serves only once it
        # has: no polling is needed. Health includes the WebSocket in Socket Mode.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as health:
            assert json.loads(health.read()) == {
                "ok": True,
                "database": "up",
                "socket_mode": "connected",
            }

        # Socket Mode carries the same fields Slack would post to the request URL.
        slack = SignedSlackSender("unused", "unused", response_url=standin.response_url())
        logged = dict(urllib.parse.parse_qsl(slack.slash_command_body("logged Acme Corp", DANA)))
        envelope_id = server.push("slash_commands", logged)
        assert server.wait_for_ack(envelope_id) == {"envelope_id": envelope_id}  # a bare ack
        call = standin.wait_for("views.open")[0]
        view = call.params["view"]
        assert call.token == standin.bot_token
        assert call.params["trigger_id"] == logged["trigger_id"]
        assert view["callback_id"] == CALLBACK_ID
        company = next(b for b in view["blocks"] if b.get("block_id") == BLOCK_IDS["company"])
        assert company["element"]["initial_value"] == "Acme Corp"
        standin.wait_for("users.info")  # the work after the ack reached Slack too

        helped = dict(urllib.parse.parse_qsl(slack.slash_command_body("help", DANA)))
        envelope_id = server.push("slash_commands", helped)
        payload = server.wait_for_ack(envelope_id)["payload"]
        assert payload["response_type"] == "ephemeral"
        assert payload["text"] == usage_text()

        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=10) == 0, log_path.read_text()
        server.wait_for_connections(0)
        assert "Traceback" not in log_path.read_text()
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait(timeout=5)


def test_bot_explains_a_rejected_app_token(standin: SlackStandIn, database_url: str, tmp_path):
    env = _bot_env(standin, database_url, free_port(), "xapp-revoked")
    done = subprocess.run(BOT, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=20)
    assert done.returncode == 2, done.stderr
    assert "SLACK_APP_TOKEN was not accepted by Slack" in done.stderr
    assert "(invalid_auth)" in done.stderr
    assert "Traceback" not in done.stderr
