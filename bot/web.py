"""The HTTP face: Slack's one request URL and a health check, as a WSGI app."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.app import BotApp

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

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
        except (ValueError, TypeError, AttributeError):
            # Not JSON, not UTF-8, or JSON that is not an object: nothing Slack sends.
            return BoltResponse(status=400, body="")
        return self.app.dispatch(bolt_request)


def create_wsgi_app(
    bot: BotApp, socket_connected: Callable[[], bool] | None = None
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI app; in Socket Mode, `socket_connected` says whether Slack can reach the bot."""
    slack = _SlackHandler(bot.bolt, path=EVENTS_PATH)

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
        if path == EVENTS_PATH and method != "POST":
            start_response("405 Method Not Allowed", [("Allow", "POST")])
            return [b""]
        return slack(environ, start_response)

    return application


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
