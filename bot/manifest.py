"""The Slack app manifest: scopes, events and URLs the bot needs, in one place."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.slack.oauth import REDIRECT_PATH
from bot.slack.scopes import BOT_SCOPES
from bot.web import EVENTS_PATH

__all__ = ["BOT_SCOPES", "ManifestError", "build_manifest", "check_name", "events_url"]
BOT_EVENTS = ["app_home_opened", "app_uninstalled", "message.im", "tokens_revoked", "user_change"]

LONG_DESCRIPTION = (
    "Interview Coach walks you through the days and weeks after a job interview. "
    "Log an interview with /interview logged and the coach reminds you to get some distance, "
    "prompts you to analyze how you did, tells you which thank-you note fits (an email after a "
    "phone screen; an email and a mailed card after a face-to-face interview at a traditional "
    "organization), and paces your follow-ups so you stay enthusiastic without being annoying."
)

# Slack's longest app name (display_information.name); the bot user is named the same.
MAX_NAME_LENGTH = 35


class ManifestError(ValueError):
    """An option Slack would refuse the manifest for; the message is one line naming it."""


def events_url(base_url: str) -> str:
    """The one request URL (events, commands, interactivity) under `base_url`.

    Slack sends requests only to https URLs it can reach, so `base_url` must be an absolute
    https URL with a host; not even http://localhost, which Slack's servers cannot reach.
    """
    url = base_url.strip()
    problem = _base_url_problem(url)
    if problem is not None:
        raise ManifestError(
            f"--base-url {base_url!r} {problem}. Fix: give the public https address Slack "
            "reaches the bot at, such as https://coach.example.com."
        )
    return url.rstrip("/") + EVENTS_PATH


def _base_url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        return "is not an absolute https:// URL (Slack sends requests only to https)"
    if not parts.hostname:
        return "has no host"
    if any(character.isspace() for character in url):
        return "has a space in it"
    if "?" in url or "#" in url:
        return "has a query or fragment, which the request path cannot follow"
    try:
        parts.port  # noqa: B018 (urlsplit checks the port only when it is read)
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    return None


def check_name(name: str) -> str:
    """`name` if Slack accepts it as the app's and the bot user's name."""
    if not name.strip():
        raise ManifestError("--name is empty. Fix: give the app's name, such as Interview Coach.")
    if len(name) > MAX_NAME_LENGTH:
        raise ManifestError(
            f"--name {name!r} is {len(name)} characters; Slack allows at most "
            f"{MAX_NAME_LENGTH}. Fix: give a shorter name."
        )
    return name


def build_manifest(
    base_url: str | None = None, name: str = "Interview Coach", *, oauth: bool = False
) -> dict[str, Any]:
    """Socket Mode without a base URL; HTTP request URLs (and OAuth's redirect URL) under
    `base_url` with one. `oauth`: workspaces install through /slack/install, with rotating
    tokens (the bot run with SLACK_CLIENT_ID); it needs a base URL for Slack's redirect.

    ManifestError for a base URL or name Slack would refuse.
    """
    name = check_name(name)
    if oauth and base_url is None:
        raise ManifestError(
            "--oauth needs --base-url: Slack sends each install back to the bot's "
            f"{REDIRECT_PATH}. Fix: give the public https address Slack reaches the bot at."
        )
    request_url = events_url(base_url) if base_url is not None else None
    oauth_config: dict[str, Any] = {"scopes": {"bot": BOT_SCOPES}}
    if base_url is not None:
        oauth_config["redirect_urls"] = [base_url.strip().rstrip("/") + REDIRECT_PATH]
    slash_command: dict[str, Any] = {
        "command": "/interview",
        "description": "Log an interview and get coached on what comes next",
        "usage_hint": (
            "logged [company] | list | edit [company] | pause [until YYYY-MM-DD] | resume"
            " | settings | export | delete my data | help"
        ),
        "should_escape": False,
    }
    event_subscriptions: dict[str, Any] = {"bot_events": BOT_EVENTS}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if request_url:
        slash_command["url"] = request_url
        event_subscriptions["request_url"] = request_url
        interactivity["request_url"] = request_url
    return {
        "_metadata": {"major_version": 2, "minor_version": 1},
        "display_information": {
            "name": name,
            "description": "Coaching for the days after a job interview",
            "long_description": LONG_DESCRIPTION,
            "background_color": "#2c4a6e",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [slash_command],
        },
        "oauth_config": oauth_config,
        "settings": {
            "event_subscriptions": event_subscriptions,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            # Rotation only with OAuth: a single SLACK_BOT_TOKEN that expired would stop the bot.
            "token_rotation_enabled": oauth,
        },
    }
