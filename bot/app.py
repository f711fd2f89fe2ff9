"""Wiring: settings and a clock in, a ready Bolt app with its database out."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http.client import HTTPException

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from bot.clock import Clock, clock_for_speedup
from bot.config import (
    DEFAULT_SLACK_API_URL,
    FIX_HINTS,
    ConfigError,
    EncryptionSettings,
    PlaybookSettings,
    Settings,
)
from bot.listener_executor import TrackingExecutor
from bot.listeners import register_listeners
from bot.rules.playbook import Playbook, PlaybookError, load_playbook
from bot.rules.retention import RetentionPolicy
from bot.services import Services
from bot.slack.clients import SlackClients, single_workspace
from bot.slack.errors import failure_reason
from bot.slack.oauth import oauth_clients, oauth_flow
from bot.store.db import Database
from bot.store.encryption import NoteCipher

logger = logging.getLogger(__name__)

# Bolt runs each listener, ack included, in this pool and keeps the thread for the work after
# the ack. Slack calls there are bounded (5 s, two retries), so while Slack is slow a wide
# pool keeps new requests acked within their 3 s.
LISTENER_THREADS = 32


@dataclass(frozen=True)
class BotApp:
    """The Bolt app, what its listeners use, and the pool they run in."""

    bolt: App
    services: Services
    settings: Settings
    listener_executor: TrackingExecutor


def create_app(
    settings: Settings,
    clock: Clock | None = None,
    db: Database | None = None,
    playbook: Playbook | None = None,
    clients: SlackClients | None = None,
) -> BotApp:
    """Build the app; the caller owns migrations and serving.

    `playbook` defaults to the one PLAYBOOK_PATH names (or the built-in one); `clients`, the
    Slack clients of every workspace, to SLACK_BOT_TOKEN's for all of them, or with
    SLACK_CLIENT_ID to each installed workspace's own (OAuth).
    """
    # Before anything else: a bad playbook is a settings problem, found without Slack.
    playbook = playbook or configured_playbook(settings)
    clock = clock or clock_for_speedup(settings.clock_speedup)
    if settings.clock_speedup != 1:
        logger.warning(
            "CLOCK_SPEEDUP=%s: the bot's clock runs %s times faster than real time",
            settings.clock_speedup,
            settings.clock_speedup,
        )
    oauth = None
    if settings.oauth:
        # Each workspace's token is in the database, once it installs; none is asked for now.
        db = db or Database(settings.database_url)
        clients = clients or oauth_clients(settings, db)
        oauth = oauth_flow(settings, clients, db)
    clients = clients or _slack_clients(settings)  # auth.test: before any database
    executor = TrackingExecutor(max_workers=LISTENER_THREADS)
    bolt = App(
        name="interview-coach",
        listener_executor=executor,
        # Bolt copies this client for each request, with the token `authorize` finds for the
        # request's team: the same factory the dispatcher asks.
        client=clients.request_template(),
        authorize=clients.authorize,
        # With OAuth: /slack/install and /slack/oauth_redirect, on the same installation store.
        oauth_flow=oauth,
        signing_secret=settings.slack_signing_secret.get_secret_value(),
        # Events and interactivity share one URL, as the manifest says.
        process_before_response=False,
        # A request no listener takes goes to the error handler, which answers 200.
        raise_error_for_unhandled_request=True,
    )
    db = db or open_database(settings)
    if not db.cipher.encrypts:
        warn_unencrypted()
    services = Services(
        db=db,
        clock=clock,
        playbook=playbook,
        clients=clients,
        retention=RetentionPolicy(
            uninstalled_days=settings.uninstalled_data_retention_days,
            notes_days=settings.notes_retention_days,
        ),
    )
    services.metrics.watch_database(services.db, clock)
    register_listeners(bolt, services)
    return BotApp(bolt=bolt, services=services, settings=settings, listener_executor=executor)


def open_database(settings: Settings) -> Database:
    """The database DATABASE_URL names, its notes sealed with DATA_ENCRYPTION_KEYS."""
    return Database(settings.database_url, cipher=note_cipher(settings))


def note_cipher(settings: EncryptionSettings) -> NoteCipher:
    """The cipher for DATA_ENCRYPTION_KEYS (validated by the settings): none, plaintext."""
    return NoteCipher(settings.encryption_keys())


def warn_unencrypted() -> None:
    """The start-up warning of a bot that stores people's notes in plain text."""
    logger.warning(
        "DATA_ENCRYPTION_KEYS is not set: reflection answers and drafts are stored "
        "UNENCRYPTED in the database, readable by anyone with a copy of it. Fine for the demo "
        "or a first try; for real use set it (see README, 'Notes encrypted at rest')"
    )


def configured_playbook(settings: PlaybookSettings) -> Playbook:
    """The playbook PLAYBOOK_PATH names, or the built-in one; ConfigError naming the bad key."""
    try:
        return load_playbook(settings.playbook_path)
    except PlaybookError as exc:
        raise ConfigError(f"PLAYBOOK_PATH {exc}. Fix: {FIX_HINTS['PLAYBOOK_PATH']}.") from None


def _slack_clients(settings: Settings) -> SlackClients:
    """The workspace's clients, once Slack has accepted the bot token; ConfigError otherwise."""
    try:
        return single_workspace(settings)
    except SlackApiError as exc:
        raise ConfigError(
            f"SLACK_BOT_TOKEN was not accepted by Slack at {settings.slack_api_url} "
            f"({failure_reason(exc)}). "
            "Fix: copy the Bot User OAuth Token again, or check SLACK_API_URL."
        ) from None
    except (OSError, HTTPException) as exc:  # URLError, refused, timed out, no such host
        raise unreachable_slack(settings, "auth.test", exc) from None


def unreachable_slack(settings: Settings, method: str, exc: BaseException) -> ConfigError:
    """The start-up error for a Slack API that did not answer at all (no HTTP reply)."""
    return ConfigError(
        f"SLACK_API_URL could not be reached: {method} at {settings.slack_api_url} failed "
        f"({_network_reason(exc)}). Fix: check SLACK_API_URL (leave it unset for Slack's own "
        f"{DEFAULT_SLACK_API_URL}) and that this machine can reach it."
    )


def _network_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)  # URLError wraps the socket's own error
    if isinstance(reason, BaseException):
        return getattr(reason, "strerror", None) or str(reason) or type(reason).__name__
    return str(reason)
