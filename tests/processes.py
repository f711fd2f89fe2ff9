"""Starting `interview-bot` as its own process, with only the settings a test gives it."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

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


# Below Linux's ephemeral range (32768-60999): a port the kernel gave us for a probe can be
# handed to any other process's bind(0) or outgoing connection before the bot binds it (seen
# in CI: "PORT … is already in use"); a random free port outside that range can only meet
# another test's own choice.
_PORTS = range(20000, 32000)


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now, outside the kernel's ephemeral range."""
    for _ in range(200):
        port = random.choice(_PORTS)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


def start_run(
    cwd: Path,
    standin: Any,
    signing_secret: str,
    database_url: str,
    port: int,
    stderr: IO[bytes],
    **settings: str,
) -> subprocess.Popen[bytes]:
    """`interview-bot run` on 127.0.0.1:`port` against the stand-in, its log into `stderr`."""
    return subprocess.Popen(
        [*interview_bot_command(), "run"],
        cwd=cwd,
        env=clean_env(
            SLACK_BOT_TOKEN=standin.bot_token,
            SLACK_SIGNING_SECRET=signing_secret,
            SLACK_API_URL=standin.api_url,
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PORT=str(port),
            **settings,
        ),
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
