"""Every WebClient the bot uses, made for a workspace by one factory.

A workspace's bot token comes from a Bolt `Authorize`. Bolt asks it on every request, so a
listener's `client` carries the token of the request's team; the dispatcher asks the same
one through `SlackClients.client_for(team_id)`. With SLACK_BOT_TOKEN one token serves every
team (`SingleWorkspaceAuthorize`); with OAuth each workspace's installed, rotating token comes
from Bolt's `InstallationStoreAuthorize` (bot.slack.oauth). Only the Authorize differs; the
listeners and the dispatcher are the same.

Clients differ by profile: people waiting on a click get short, patient retries; the
dispatcher gets none, so no call ever sleeps in its thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.slack.errors import SLACK_CALL_ERRORS, retry_after_seconds

# A person waiting on a click will sit through a second or two, not more; a modal's
# trigger id also expires 3 s after the click.
PATIENCE_SECONDS = 2
# Slack usually answers in well under a second; a stuck call must not hold a worker long.
REQUEST_TIMEOUT_SECONDS = 5
# Nobody waits on a background send; still, a hung call holds a claimed nudge until it ends.
DISPATCH_TIMEOUT_SECONDS = 10


class PatientRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retries a 429 only when Slack asks for a wait a person would sit through."""

    def __init__(self, max_wait_seconds: float = PATIENCE_SECONDS) -> None:
        super().__init__(max_retry_count=1)
        self.max_wait_seconds = max_wait_seconds

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        assert response is not None
        return retry_after_seconds(response.headers) <= self.max_wait_seconds


def _interactive_retries() -> list[RetryHandler]:
    # A retried 5xx may duplicate a post Slack did make: accepted, since a lost confirmation
    # is worse than a repeated one.
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.2)
    return [
        ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
        PatientRateLimitRetryHandler(),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=backoff),
    ]


@dataclass(frozen=True)
class ClientProfile:
    """How a client behaves when Slack is slow or refuses: its timeout and in-thread retries."""

    name: str
    timeout: int  # seconds
    retry_handlers: Callable[[], list[RetryHandler]]


# For work a person is waiting on (a command, a button): retry briefly in-thread. Sleeping on
# a short Retry-After is right here and wrong for the dispatcher.
INTERACTIVE = ClientProfile("interactive", REQUEST_TIMEOUT_SECONDS, _interactive_retries)
# For the dispatcher: a 429 or a 5xx comes straight back; it reschedules the nudge in the
# database and moves on, so one slow workspace cannot stall everyone's messages.
DISPATCH = ClientProfile("dispatch", DISPATCH_TIMEOUT_SECONDS, list)


class SingleWorkspaceAuthorize(Authorize):
    """Today's install: SLACK_BOT_TOKEN serves every team that writes to the bot.

    Slack said who the token belongs to once, at start-up (auth.test); every request reuses
    that answer, as Bolt's own single-workspace mode does, so Bolt can still tell the bot's
    own messages apart.
    """

    def __init__(self, bot_token: str, identity: Mapping[str, Any]) -> None:
        super().__init__()
        self._bot_token = bot_token
        self._identity = dict(identity)

    @property
    def identity(self) -> Mapping[str, Any]:
        """What auth.test said of the token (bot_id, user_id, team_id …)."""
        return self._identity

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult:
        """The bot token for any team, with the identity auth.test gave it."""
        identity = self._identity
        return AuthorizeResult(
            enterprise_id=identity.get("enterprise_id"),
            team_id=identity.get("team_id"),
            team=identity.get("team"),
            url=identity.get("url"),
            bot_id=identity.get("bot_id"),
            bot_user_id=identity.get("user_id") if identity.get("bot_id") else None,
            bot_token=self._bot_token,
        )


class SlackClients:
    """The one factory of Slack clients: for a team, with the token `authorize` gives it."""

    def __init__(
        self, authorize: Authorize, api_url: str, profile: ClientProfile = INTERACTIVE
    ) -> None:
        self.authorize = authorize
        self.api_url = api_url
        self.profile = profile
        self._app_ids: dict[str, str] = {}

    def home_url(self, team_id: str) -> str | None:
        """A deep link to the app's Home tab in `team_id`'s workspace, or None when Slack
        would not say which app this is.

        The app id comes from the workspace's installation (OAuth) or from `bots.info` for
        the bot auth.test named (one token); asked once per team, then kept."""
        app_id = self._app_ids.get(team_id) or self._find_app_id(team_id)
        if app_id is None:
            return None
        self._app_ids[team_id] = app_id
        return f"slack://app?team={team_id}&id={app_id}&tab=home"

    def _find_app_id(self, team_id: str) -> str | None:
        store: Any = getattr(self.authorize, "installation_store", None)
        try:
            if store is not None:
                bot = store.find_bot(enterprise_id=None, team_id=team_id)
                return getattr(bot, "app_id", None) if bot is not None else None
            identity = getattr(self.authorize, "identity", {})
            bot_id = identity.get("bot_id")
            if not bot_id:
                return None
            answer = self.client_for(team_id).bots_info(bot=bot_id)
            found = answer.get("bot") or {}
            return found.get("app_id") if isinstance(found, dict) else None
        except (*SLACK_CALL_ERRORS, SQLAlchemyError):
            return None  # the link is a convenience: the line names the Home tab anyway

    def client_for(self, team_id: str | None) -> WebClient:
        """A client for `team_id`'s workspace.

        A team nobody authorizes gets a client without a token: Slack answers it `not_authed`,
        which every caller already treats as a workspace that lost the app.
        """
        # Outside a request there is no Bolt context; an Authorize only needs one for the
        # request's own details, which a background job does not have, and for a client to
        # ask Slack whose a stored token is (auth.test, by an installation store's Authorize).
        # An installation store's Authorize may refresh the token first, and raise
        # bot.slack.oauth.TokenRefreshFailed (a SlackApiError) when Slack will not.
        context = BoltContext(client=self._client(None))
        result = self.authorize(context=context, enterprise_id=None, team_id=team_id, user_id=None)
        return self._client(result.bot_token if result is not None else None)

    def request_template(self) -> WebClient:
        """This profile without a token: Bolt copies it for each request and sets the token
        its `authorize` found for the request's team."""
        return self._client(None)

    def with_profile(self, profile: ClientProfile) -> SlackClients:
        """The same workspaces' clients, behaving as `profile` says."""
        return SlackClients(self.authorize, self.api_url, profile)

    def _client(self, token: str | None) -> WebClient:
        return WebClient(
            token=token,
            base_url=self.api_url,
            timeout=self.profile.timeout,
            retry_handlers=self.profile.retry_handlers(),
        )


def single_workspace(settings: Settings) -> SlackClients:
    """Clients for the workspace SLACK_BOT_TOKEN belongs to, after asking Slack (auth.test)
    whose token it is.

    Raises what the call raised: SlackApiError when Slack refused the token, OSError or
    HTTPException when it could not be reached.
    """
    if settings.slack_bot_token is None:
        raise ValueError("single_workspace needs SLACK_BOT_TOKEN")
    token = settings.slack_bot_token.get_secret_value()
    unchecked = SlackClients(SingleWorkspaceAuthorize(token, {}), settings.slack_api_url)
    answer = unchecked.client_for(None).auth_test().data
    identity = answer if isinstance(answer, dict) else {}
    return SlackClients(SingleWorkspaceAuthorize(token, identity), settings.slack_api_url)
