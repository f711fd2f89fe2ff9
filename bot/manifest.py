"""The Slack app manifest: scopes, events and URLs the bot needs, in one place."""

from __future__ import annotations

from typing import Any

from bot.web import EVENTS_PATH

BOT_SCOPES = ["commands", "chat:write", "im:write", "im:history", "users:read"]
BOT_EVENTS = ["app_home_opened", "app_uninstalled", "message.im", "tokens_revoked"]

LONG_DESCRIPTION = (
    "Interview Coach walks you through the days and weeks after a job interview. "
    "Log an interview with /interview logged and the coach reminds you to get some distance, "
    "prompts you to analyze how you did, tells you which thank-you note fits (an email after a "
    "phone screen; an email and a mailed card after a face-to-face interview at a traditional "
    "organization), and paces your follow-ups so you stay enthusiastic without being annoying."
)


def build_manifest(base_url: str | None = None, name: str = "Interview Coach") -> dict[str, Any]:
    """Socket Mode without a base URL; HTTP request URLs under `base_url` with one."""
    request_url = base_url.rstrip("/") + EVENTS_PATH if base_url else None
    slash_command: dict[str, Any] = {
        "command": "/interview",
        "description": "Log an interview and get coached on what comes next",
        "usage_hint": "logged [company] | list | help",
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
        "oauth_config": {"scopes": {"bot": BOT_SCOPES}},
        "settings": {
            "event_subscriptions": event_subscriptions,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": request_url is None,
            "token_rotation_enabled": False,
        },
    }
