"""Wiring: settings and a clock in, a ready Bolt app with its database out."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk.errors import SlackApiError

from bot.clock import Clock, clock_for_speedup
from bot.config import ConfigError, Settings
from bot.listener_executor import TrackingExecutor
from bot.listeners import register_listeners
from bot.services import Services
from bot.slack_client import interactive_client
from bot.store.db import Database

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BotApp:
    bolt: App
    services: Services
    settings: Settings
    listener_executor: TrackingExecutor


def create_app(
    settings: Settings, clock: Clock | None = None, db: Database | None = None
) -> BotApp:
    """Build the app; the caller owns migrations and serving."""
    clock = clock or clock_for_speedup(settings.clock_speedup)
    if settings.clock_speedup != 1:
        logger.warning(
            "CLOCK_SPEEDUP=%s: the bot's clock runs %s times faster than real time",
            settings.clock_speedup,
            settings.clock_speedup,
        )
    services = Services(db=db or Database(settings.database_url), clock=clock)
    executor = TrackingExecutor()
    try:
        bolt = App(
            name="interview-coach",
            listener_executor=executor,
            client=interactive_client(settings),
            signing_secret=settings.slack_signing_secret.get_secret_value(),
            # Events and interactivity share one URL, as the manifest says.
            process_before_response=False,
        )
    except (BoltError, SlackApiError) as exc:
        raise ConfigError(
            f"SLACK_BOT_TOKEN was not accepted by Slack at {settings.slack_api_url} ({exc}). "
            "Fix: copy the Bot User OAuth Token again, or check SLACK_API_URL."
        ) from None
    register_listeners(bolt, services)
    return BotApp(bolt=bolt, services=services, settings=settings, listener_executor=executor)
