"""Many workspaces: each installs through Bolt's OAuth flow, and its bot token, which rotates,
lives in slack_sdk's SQLAlchemy installation store on the bot's own database.

The pieces are Slack's: `OAuthSettings` (the install page, the redirect, the `state` check),
`SQLAlchemyInstallationStore` and `SQLAlchemyOAuthStateStore` (tables from migration 0008),
and `InstallationStoreAuthorize` with slack_sdk's `TokenRotator`, which refreshes a token
that expires within TOKEN_ROTATION_MINUTES before handing it out. Written here, in
`_ReportingTokenRotator`, is only what no library piece does: a failed refresh comes out as
`TokenRefreshFailed` instead of Bolt's quiet "no token" (so the dispatcher can tell a refused
refresh from a workspace that never installed), and a refresh token is spent once, whoever
asks (Bolt's authorize may ask twice in one lookup; another replica may have refreshed first).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackTokenRotationError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.oauth.installation_store import Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.coach.people import workspace_returned
from bot.config import Settings
from bot.slack.clients import DISPATCH_TIMEOUT_SECONDS, SlackClients
from bot.slack.scopes import BOT_SCOPES
from bot.store.db import Database
from bot.store.oauth_tables import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# A token that expires within this is refreshed before it is used (Bolt's default; Slack's
# rotating tokens live 12 hours).
TOKEN_ROTATION_MINUTES = 120
# How long an install may sit on Slack's "Allow" page before its `state` is refused.
STATE_EXPIRATION_SECONDS = 600
# A refresh Slack answers with a 5xx (or no answer) is tried again this many times, briefly:
# the dispatcher's thread waits through at most about 0.2 s + 0.4 s of it.
REFRESH_RETRIES = 2
REFRESH_BACKOFF_FACTOR = 0.2

logger = logging.getLogger(__name__)


class TokenRefreshFailed(SlackApiError):
    """Slack did not refresh a workspace's expiring token (after the client's own retries).

    `response` is oauth.v2.access's answer: a 5xx may pass; an error code such as
    `invalid_refresh_token` will not.
    """

    def __init__(self, team_id: str | None, cause: SlackApiError) -> None:
        super().__init__(f"token refresh for {team_id} failed: {cause}", cause.response)
        self.team_id = team_id


class _ReportingTokenRotator(TokenRotator):
    """slack_sdk's TokenRotator, with two changes.

    It raises TokenRefreshFailed where it raised SlackTokenRotationError, which Bolt's
    authorize turns into a silent None. And it spends a refresh token once: asked without a
    user (the dispatcher), Bolt's authorize finds the same installation twice, as the
    workspace's latest and as its installer's, and asks for each to be rotated; the second
    ask gets the first answer instead of a second oauth.v2.access with a used refresh token.
    A refresh refused because another replica spent the refresh token first takes the
    installation that replica saved.
    """

    def __init__(
        self, *, client_id: str, client_secret: str, client: WebClient, store: InstallationStore
    ) -> None:
        super().__init__(client_id=client_id, client_secret=client_secret, client=client)
        self._store = store
        self._lock = threading.Lock()
        # The latest refresh per workspace: the refresh token spent, and what it gave.
        self._spent: dict[str | None, tuple[str, Installation]] = {}

    def perform_token_rotation(
        self, *, installation: Installation, minutes_before_expiration: int = 120
    ) -> Installation | None:
        team_id, refresh_token = installation.team_id, installation.bot_refresh_token
        with self._lock:  # one refresh at a time per process: each spends a refresh token
            spent = self._spent.get(team_id)
            if spent is not None and refresh_token is not None and spent[0] == refresh_token:
                return spent[1]
            try:
                refreshed = super().perform_token_rotation(
                    installation=installation, minutes_before_expiration=minutes_before_expiration
                )
            except SlackTokenRotationError as exc:
                refreshed = self._refreshed_elsewhere(installation)
                if refreshed is None:
                    raise TokenRefreshFailed(team_id, exc.api_error) from None
            if refreshed is not None and refresh_token is not None:
                self._spent[team_id] = (refresh_token, refreshed)
            return refreshed

    def _refreshed_elsewhere(self, installation: Installation) -> Installation | None:
        """The workspace's installation as another replica refreshed it while this one tried
        the same refresh token (Slack refuses a refresh token's second use); else None."""
        latest = self._store.find_installation(
            enterprise_id=installation.enterprise_id, team_id=installation.team_id
        )
        if latest is None or latest.bot_refresh_token == installation.bot_refresh_token:
            return None
        logger.info("workspace %s: its token was refreshed by another process", latest.team_id)
        return latest


# oauth.v2.access sends a code or refresh token and answers with tokens; slack_sdk logs both
# bodies at DEBUG when its logger's own level allows. This logger's level stays INFO, whatever
# LOG_LEVEL says, so those calls never log their bodies.
_token_calls_logger = logging.getLogger("bot.slack.oauth.token_calls")
_token_calls_logger.setLevel(logging.INFO)


def _token_client(api_url: str) -> WebClient:
    """The client oauth.v2.access goes through (codes and refreshes): a few quick tries on a
    5xx or a dropped connection, never a long sleep (the dispatcher's thread may be waiting),
    and no DEBUG log of what it sends and gets."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=REFRESH_BACKOFF_FACTOR)
    return WebClient(
        base_url=api_url,
        timeout=DISPATCH_TIMEOUT_SECONDS,
        logger=_token_calls_logger,
        retry_handlers=[
            ConnectionErrorRetryHandler(
                max_retry_count=REFRESH_RETRIES, interval_calculator=backoff
            ),
            ServerErrorRetryHandler(max_retry_count=REFRESH_RETRIES, interval_calculator=backoff),
        ],
    )


def oauth_clients(settings: Settings, db: Database) -> SlackClients:
    """Clients for every workspace that installed the app, each with its own (refreshed) token."""
    client_id, client_secret = _credentials(settings)
    store = SQLAlchemyInstallationStore(
        client_id=client_id,
        engine=db.engine,
        bots_table_name=BOTS_TABLE,
        installations_table_name=INSTALLATIONS_TABLE,
    )
    refresher = _token_client(settings.slack_api_url)
    authorize = InstallationStoreAuthorize(
        logger=logger,
        installation_store=store,
        client_id=client_id,
        client_secret=client_secret,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        # auth.test once per token, not once per request or nudge; a new token is a new key.
        cache_enabled=True,
        client=refresher,
    )
    authorize.token_rotator = _ReportingTokenRotator(
        client_id=client_id, client_secret=client_secret, client=refresher, store=store
    )
    return SlackClients(authorize, settings.slack_api_url)


def oauth_flow(settings: Settings, clients: SlackClients, db: Database) -> OAuthFlow:
    """Bolt's OAuth flow on `clients`' installation store: /slack/install and the redirect,
    exchanging codes through a client that does not log the tokens it gets."""
    return OAuthFlow(
        client=_token_client(settings.slack_api_url),
        logger=logger,
        settings=oauth_settings(settings, clients, db),
    )


def oauth_settings(settings: Settings, clients: SlackClients, db: Database) -> OAuthSettings:
    """Bolt's OAuth settings on `clients`' installation store (see `oauth_flow`)."""
    client_id, client_secret = _credentials(settings)
    store = installation_store_of(clients)
    assert store is not None, "oauth_settings needs the clients oauth_clients made"
    redirect_uri = (
        settings.public_base_url + REDIRECT_PATH if settings.public_base_url is not None else None
    )

    def succeeded(args: SuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id is not None and workspace_returned(db, team_id):
            logger.info("workspace %s installed the app again; its data is kept", team_id)
        logger.info("installed into workspace %s", team_id)
        return args.default.success(args)

    def failed(args: FailureArgs) -> BoltResponse:
        logger.warning("an install did not complete: %s", args.reason)
        return args.default.failure(args)

    return OAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=BOT_SCOPES,
        redirect_uri=redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=settings.slack_authorize_url,
        installation_store=store,
        token_rotation_expiration_minutes=TOKEN_ROTATION_MINUTES,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_EXPIRATION_SECONDS,
            engine=db.engine,
            table_name=OAUTH_STATES_TABLE,
        ),
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        callback_options=CallbackOptions(success=succeeded, failure=failed),
    )


def installation_store_of(clients: SlackClients) -> InstallationStore | None:
    """The installation store behind `clients`, or None for the single-workspace token."""
    store: Any = getattr(clients.authorize, "installation_store", None)
    return store if isinstance(store, InstallationStore) else None


def _credentials(settings: Settings) -> tuple[str, str]:
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        raise ValueError("OAuth needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
    return settings.slack_client_id, settings.slack_client_secret.get_secret_value()
