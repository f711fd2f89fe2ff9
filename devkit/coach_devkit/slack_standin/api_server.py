"""The stand-in's HTTP side: read a request, route it, write the answer.

``/api/<method>`` is the Web API (slack_sdk's ``WebClient(base_url=.../api/)``), and
``/response/<name>`` a response URL (Bolt's ``respond()``, slack_sdk's ``WebhookClient``).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socketserver
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from coach_devkit.slack_standin.calls import RESPONSE_URL, UPLOAD
from coach_devkit.slack_standin.files import UPLOAD_DATA, UPLOAD_ID
from coach_devkit.slack_standin.oauth import AUTHORIZE_PAGE, AUTHORIZE_PATH
from coach_devkit.slack_standin.replies import Reply, text_reply

API_PREFIX = "api"
RESPONSE_PREFIX = "response"
UPLOAD_PREFIX = "upload"
RESPONSE_NAME = "_name"  # the param a response-URL post records its URL's name under


@dataclass(frozen=True)
class ApiRequest:
    """One request as the stand-in sees it: which method, its arguments, and the token."""

    method: str  # a Web API method, or RESPONSE_URL
    params: dict[str, Any]
    token: str | None

    @property
    def webhook(self) -> bool:
        """Whether it was posted to a response URL rather than the Web API."""
        return self.method == RESPONSE_URL


def upload_path(file_id: str) -> str:
    """The path files.getUploadURLExternal hands out for `file_id`."""
    return f"/{UPLOAD_PREFIX}/{quote(file_id, safe='')}"


def response_path(name: str) -> str:
    """The path of the response URL called `name`."""
    return f"/{RESPONSE_PREFIX}/{quote(name, safe='')}"


class ApiServer(ThreadingHTTPServer):
    """Serves every request in a thread of its own and hands it to `handle`."""

    daemon_threads = True  # a stuck client must not keep the test process alive
    # socketserver's default backlog is 5: a sixth connection arriving at once was dropped and
    # its SYN retried a second later, so a client posting several DMs at once stalled.
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], handle: Callable[[ApiRequest], Reply]) -> None:
        self.handle = handle
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) that can stall for seconds
        # where DNS is unreachable; the stand-in never needs the server's name.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _Handler(BaseHTTPRequestHandler):
    server: ApiServer

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: access logs would drown test output, and calls are recorded anyway."""

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        if url.path == AUTHORIZE_PATH:  # the browser's page, not an API call
            params = {k: v[-1] for k, v in parse_qs(url.query).items()}
            self._send(self.server.handle(ApiRequest(AUTHORIZE_PAGE, params, None)))
            return
        prefix, _, name = url.path.lstrip("/").partition("/")
        if not name or prefix not in (API_PREFIX, RESPONSE_PREFIX, UPLOAD_PREFIX):
            self._send(text_reply(404, "not found"))
            return
        if prefix == UPLOAD_PREFIX:
            # A file's bytes, as they are: neither a form nor JSON, and no token.
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            params = {UPLOAD_ID: unquote(name), UPLOAD_DATA: data}
            self._send(self.server.handle(ApiRequest(UPLOAD, params, None)))
            return
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(url.query).items()}
        params.update(self._read_body())
        if prefix == RESPONSE_PREFIX:
            params[RESPONSE_NAME] = unquote(name)
        method = name if prefix == API_PREFIX else RESPONSE_URL
        token = _bearer(self.headers.get("Authorization"))
        # oauth.v2.access: slack_sdk sends the app's client id and secret as Basic auth.
        params.update(_basic(self.headers.get("Authorization")))
        self._send(self.server.handle(ApiRequest(method, params, token)))

    def _read_body(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if not raw:
            return {}
        if self.headers.get_content_type() == "application/json":
            return dict(json.loads(raw))
        return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _send(self, reply: Reply) -> None:
        # The client may have given up, or died, while its call was held: no one hears.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)


def _bearer(authorization: str | None) -> str | None:
    # slack_sdk always sends the token this way, never as a `token` argument.
    if authorization and authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ").strip() or None
    return None


def _basic(authorization: str | None) -> dict[str, str]:
    """client_id and client_secret from HTTP Basic auth, as Slack reads them; else nothing."""
    if not authorization or not authorization.startswith("Basic "):
        return {}
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ").strip()).decode()
    except (binascii.Error, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret}
