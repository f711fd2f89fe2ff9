"""What a failed Slack call means for a nudge: wait, retry later, or stop for good.

A pure function of the exception, so the dispatcher's choices can be tested as a table. How
to read Slack's answer (its error code, Retry-After) lives in bot.slack.errors.
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

from bot.slack.errors import error_code, retry_after_seconds
from bot.slack.oauth import TokenRefreshFailed

# Slack says these when its side failed; the same call may well work later.
TRANSIENT_ERRORS = frozenset(
    {
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
    }
)
# The person cannot be reached any more: stop their nudges rather than retry each one.
PERSON_GONE_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "user_disabled",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
    }
)
# The bot's token no longer works anywhere in the workspace.
WORKSPACE_GONE_ERRORS = frozenset(
    {"invalid_auth", "token_revoked", "token_expired", "not_authed", "team_not_found"}
)


@dataclass(frozen=True)
class RateLimited:
    retry_after: float  # seconds


@dataclass(frozen=True)
class Transient:
    reason: str


@dataclass(frozen=True)
class PersonGone:
    reason: str


@dataclass(frozen=True)
class WorkspaceGone:
    reason: str


@dataclass(frozen=True)
class Permanent:
    """Anything else: this message will not go out as it is, but nobody else is affected."""

    reason: str


SlackFailure = RateLimited | Transient | PersonGone | WorkspaceGone | Permanent


def classify(exc: BaseException) -> SlackFailure:
    """Map an exception raised by a WebClient call to what the dispatcher should do."""
    if isinstance(exc, TokenRefreshFailed):
        return _classify_refresh(exc)
    if isinstance(exc, SlackApiError):
        return _classify_api_error(exc)
    # URLError, refused or reset connections and socket timeouts are all OSErrors.
    if isinstance(exc, OSError | http.client.HTTPException):
        return Transient(f"{type(exc).__name__}: {exc}")
    # A request slack_sdk refused to send, or a bug of ours: retrying would not help.
    return Permanent(f"{type(exc).__name__}: {exc}")


def _classify_refresh(exc: TokenRefreshFailed) -> SlackFailure:
    """A workspace's expiring token could not be refreshed, after the refresh's own retries.

    Slack down (a 5xx, a rate limit): the nudge waits and tries again, like any post Slack
    could not take. Slack refusing the refresh (`invalid_refresh_token`, the app's credentials
    changed): no later try can work, so the workspace stops as one that lost the app would,
    its nudges cancelled at once rather than each failing in turn, until it installs again.
    """
    failure = _classify_api_error(exc)
    code = error_code(exc) or f"HTTP {exc.response.status_code}"
    if isinstance(failure, RateLimited | Transient):
        return Transient(f"token refresh failed ({code})")
    return WorkspaceGone(f"token refresh refused ({code})")


def _classify_api_error(exc: SlackApiError) -> SlackFailure:
    status = int(exc.response.status_code or 0)
    code = error_code(exc) or ""
    if status == 429 or code == "ratelimited":
        return RateLimited(retry_after_seconds(exc.response.headers))
    if status >= 500 or code in TRANSIENT_ERRORS:
        # A gateway's HTML body gives no Slack error code; the status says enough.
        return Transient(code if code in TRANSIENT_ERRORS else f"HTTP {status}")
    if code in WORKSPACE_GONE_ERRORS:
        return WorkspaceGone(code)
    if code in PERSON_GONE_ERRORS:
        return PersonGone(code)
    return Permanent(code or f"HTTP {status}")
