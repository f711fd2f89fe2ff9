"""Starting `interview-bot` as its own process, with only the settings a test gives it."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

from bot.config import FIX_HINTS

SETTING_NAMES = {*FIX_HINTS, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
# slack_sdk's Socket Mode client ignores NO_PROXY and would send even 127.0.0.1 to a proxy.
PROXY_VARS = {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"}


def interview_bot_command() -> list[str]:
    script = Path(sys.executable).with_name("interview-bot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any bot setting or proxy, plus `settings`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SLACK_")
        and name.upper() not in SETTING_NAMES
        and name not in PROXY_VARS
    }
    env.update(settings)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
