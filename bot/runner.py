"""`interview-bot run`: migrate, then serve Slack over HTTP (or Socket Mode) with the scheduler."""

from __future__ import annotations

import logging
import signal
from types import FrameType

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.errors import SlackApiError

from bot.app import BotApp
from bot.coach.event_receipts import forget_old_receipts
from bot.config import ConfigError
from bot.server import HttpServer
from bot.web import create_wsgi_app

logger = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL_SECONDS = 3600


def build_scheduler(bot: BotApp) -> BackgroundScheduler:
    """The in-memory scheduler; its jobs keep their state in the database, not in APScheduler."""
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"max_instances": 1, "coalesce": True}
    )

    def housekeeping() -> None:
        forgotten = forget_old_receipts(bot.services.db, bot.services.clock.now())
        logger.debug("housekeeping: forgot %d event receipts", forgotten)

    scheduler.add_job(
        housekeeping, "interval", seconds=HOUSEKEEPING_INTERVAL_SECONDS, id="housekeeping"
    )
    return scheduler


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same orderly exit as Ctrl-C


def serve(bot: BotApp) -> None:
    settings = bot.settings
    scheduler = build_scheduler(bot)
    server = HttpServer(create_wsgi_app(bot), settings.host, settings.port)
    socket_handler = None
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    scheduler.start()
    try:
        if settings.slack_app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_handler = SocketModeHandler(
                bot.bolt, settings.slack_app_token.get_secret_value()
            )
            try:
                socket_handler.connect()  # apps.connections.open, then the WebSocket
            except SlackApiError as exc:
                # A rejected app token is a setting to fix, like a rejected bot token in create_app.
                raise ConfigError(
                    f"SLACK_APP_TOKEN was not accepted by Slack at {settings.slack_api_url} "
                    f"({exc.response.get('error')}). Fix: use an app-level token (xapp-…) with "
                    "connections:write, or check SLACK_API_URL."
                ) from None
            if socket_handler.client.is_connected():
                logger.info("connected to Slack in Socket Mode; /healthz on port %d", server.port)
            else:
                # slack_sdk logs a failed WebSocket handshake and retries on its own.
                logger.warning("Socket Mode not connected yet; slack_sdk keeps retrying")
        else:
            logger.info("serving Slack on http://%s:%d/slack/events", settings.host, server.port)
        # waitress ends its loop on KeyboardInterrupt (Ctrl-C, or SIGTERM above) and returns.
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # raised before the server loop started
    finally:
        logger.info("shutting down")
        if socket_handler is not None:
            socket_handler.close()
        scheduler.shutdown(wait=False)
        bot.services.db.dispose()
