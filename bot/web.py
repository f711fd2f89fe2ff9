"""The HTTP face: Slack's one request URL, a health check and Prometheus metrics, as a WSGI app.

Before Bolt sees a request to the request URL, this layer refuses a body over MAX_BODY_BYTES
(413, unread) and anything not signed by Slack within the last five minutes (401), whatever
its headers or body look like: nothing an outsider sends is parsed. Each request to it gets a
correlation id for its log lines. GET /metrics is unauthenticated, as Prometheus scrapes are.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.app import BotApp
from bot.http_server import MAX_BODY_BYTES
from bot.listeners.edge import refuse_misfit
from bot.log_context import request_context
from bot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
# Slack's window for a request's timestamp, as Bolt and slack_sdk apply it.
SIGNATURE_MAX_AGE_SECONDS = 300
SIGNATURE_VERSION = "v0"

logger = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


class _SlackHandler(SlackRequestHandler):
    """Bolt's WSGI handler, answering 400 to a body it cannot parse.

    Bolt parses the body before verifying the signature, and an undecodable one (say
    `payload=not-json`) raised out of the handler: a 500 and a traceback for anyone to trigger.
    """

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        try:
            bolt_request = BoltRequest(
                body=request.get_body(),
                query=request.query_string,
                headers=request.get_headers(),
            )
        except (ValueError, TypeError, AttributeError, RecursionError):
            # Not JSON, not UTF-8, JSON that is not an object or nested past Python's limit:
            # nothing Slack sends, though signed.
            logger.info("signed request with a body that does not parse; answered 400")
            return BoltResponse(status=400, body="")
        if refuse_misfit(bolt_request.body):
            return BoltResponse(status=200, body="")
        return self.app.dispatch(bolt_request)


def create_wsgi_app(
    bot: BotApp, socket_connected: Callable[[], bool] | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI app; in Socket Mode, `socket_connected` says whether Slack can reach the bot."""
    slack = _SlackHandler(bot.bolt, path=EVENTS_PATH)
    secret = bot.settings.slack_signing_secret.get_secret_value().encode()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == HEALTH_PATH and method in {"GET", "HEAD"}:
            report = _health_report(bot, socket_connected)
            body = json.dumps(report).encode()
            status = "200 OK" if report["ok"] else "503 Service Unavailable"
            start_response(
                status,
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        if path == METRICS_PATH and method in {"GET", "HEAD"}:
            body = bot.services.metrics.render()
            start_response(
                "200 OK",
                [("Content-Type", METRICS_CONTENT_TYPE), ("Content-Length", str(len(body)))],
            )
            return [body]
        if path == EVENTS_PATH and method != "POST":
            start_response("405 Method Not Allowed", [("Allow", "POST")])
            return [b""]
        with request_context():
            if path == EVENTS_PATH:
                refusal = _refusal(environ, secret)
                if refusal is not None:
                    start_response(refusal, [("Content-Length", "0")])
                    return [b""]
            return slack(environ, start_response)

    return application


def _refusal(environ: dict[str, Any], secret: bytes) -> str | None:
    """The status to refuse a request to the request URL with, or None to let Bolt have it.

    waitress already refuses a long body from its Content-Length; this holds under any WSGI
    server. Reads the body (at most MAX_BODY_BYTES of it) and puts it back for Bolt to read again.
    """
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "400 Bad Request"
    if length > MAX_BODY_BYTES:
        logger.info("request of %d bytes refused unread (413)", length)
        return "413 Content Too Large"
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", "")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE", "")
    if not signed_by_slack(secret, timestamp, signature, body, now=time.time()):
        logger.info("unsigned or badly signed request refused (401)")
        return "401 Unauthorized"
    return None


def signed_by_slack(
    secret: bytes, timestamp: str, signature: str, body: bytes, *, now: float
) -> bool:
    """Whether `signature` is Slack's v0 signature of `body` at `timestamp`, made within
    the last five minutes. Any header shape (empty, a float, non-ASCII) is simply False."""
    if not (timestamp.isascii() and timestamp.isdecimal() and len(timestamp) <= 12):
        return False  # isdecimal() alone takes "١" (Arabic-Indic); Slack sends ASCII digits
    if abs(now - int(timestamp)) > SIGNATURE_MAX_AGE_SECONDS:
        return False
    if not signature.isascii():
        return False
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    expected = f"{SIGNATURE_VERSION}=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _health_report(
    bot: BotApp, socket_connected: Callable[[], bool] | None = None
) -> dict[str, bool | str]:
    """What /healthz says. In Socket Mode a lost WebSocket is unhealthy too: no request URL
    reaches the bot then, and a 503 lets an orchestrator restart it."""
    database_up = bot.services.db.ping()
    report: dict[str, bool | str] = {"ok": database_up, "database": "up" if database_up else "down"}
    if socket_connected is not None:
        connected = socket_connected()
        report["ok"] = database_up and connected
        report["socket_mode"] = "connected" if connected else "disconnected"
    return report
