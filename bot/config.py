"""Every setting the bot reads, its default and its validation (environment and `.env`)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///interview_coach.db"
ENV_FILE = ".env"

# How to fix each setting, shown beside the name when it is missing or malformed.
FIX_HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": (
        "copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page"
    ),
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from your Slack app's Basic Information page",
    "SLACK_APP_TOKEN": (
        "use an app-level token (xapp-…) with connections:write, or leave it unset for HTTP mode"
    ),
    "SLACK_API_URL": "give an http(s) URL such as https://slack.com/api/, or leave it unset",
    "DATABASE_URL": "give a SQLAlchemy URL such as sqlite:///interview_coach.db "
    "or postgresql+psycopg://user@host/db",
    "PORT": "give a whole number from 1 to 65535",
    "HOST": "give an interface address such as 0.0.0.0 or 127.0.0.1",
    "LOG_LEVEL": "use one of DEBUG, INFO, WARNING, ERROR",
    "DISPATCH_INTERVAL_SECONDS": "give a positive number of seconds; fractions such as 0.5 work",
    "CLOCK_SPEEDUP": "give a number of at least 1 (1 = real time)",
    "PLAYBOOK_PATH": "give the path of a playbook TOML file (start from a copy of "
    "bot/rules/default_playbook.toml), or leave it unset for the built-in playbook",
}


class ConfigError(Exception):
    """Start-up cannot go on; the message is one line per bad setting, ready to print."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "0.0.0.0"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    dispatch_interval_seconds: Annotated[float, Field(gt=0, le=3600)] = 10.0
    clock_speedup: Annotated[float, Field(ge=1, le=10_000_000)] = 1.0
    # None: the built-in playbook. The file itself is read and checked when the app is built.
    playbook_path: Path | None = None

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_signing_secret")
    @classmethod
    def _signing_secret_present(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("is empty")
        return value

    @field_validator("slack_app_token", mode="before")
    @classmethod
    def _app_token_shape(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        if not str(value).startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url_empty_is_default(cls, value: Any) -> Any:
        # `DATABASE_URL=` left blank means "the default", as migrate reads it too.
        return DEFAULT_DATABASE_URL if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("is not a database URL") from exc
        if url.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ValueError("must be a sqlite or postgresql URL")
        return value

    @field_validator("playbook_path", mode="before")
    @classmethod
    def _playbook_path_empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None


_PASSWORD_IN_URL = re.compile(r"^([^:/]+://[^:@/]*):[^@]*@")


def _describe(error: dict[str, Any]) -> str:
    name = str(error["loc"][0]).upper() if error["loc"] else "SETTINGS"
    hint = FIX_HINTS.get(name, "see .env.example")
    if error["type"] == "missing":
        problem = "is missing"
    else:
        given = error.get("input")
        if name == "DATABASE_URL" and isinstance(given, str):
            given = _PASSWORD_IN_URL.sub(r"\1:***@", given)  # a URL may carry a password
        shown = "" if "TOKEN" in name or "SECRET" in name else f" (got {given!r})"
        problem = f"is not valid{shown}: {error['msg'].removeprefix('Value error, ')}"
    return f"{name} {problem}. Fix: {hint} (in .env or the environment; see .env.example)."


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one plain line per bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError("\n".join(_describe(e) for e in exc.errors())) from None
    except (UnicodeDecodeError, OSError) as exc:
        # The .env file is all that is read from disk; pydantic-settings lets its errors out.
        raise ConfigError(unreadable_env_file(exc, overrides.get("_env_file", ENV_FILE))) from None


def unreadable_env_file(exc: UnicodeDecodeError | OSError, env_file: Any) -> str:
    """One line for a .env file that exists but cannot be read as UTF-8 text."""
    if isinstance(exc, OSError):
        where = exc.filename or env_file
        return (
            f".env file {where} could not be read ({exc.strerror or exc}). "
            "Fix: make it readable by the user the bot runs as, or remove it."
        )
    found = _first_non_utf8(env_file)
    if found is None:  # read differently than we can tell; name what was configured
        where = f"{env_file} has"
    else:
        path, line, byte = found
        where = f"{path} has byte 0x{byte:02x} on line {line}, which is"
    return (
        f".env file {where} not UTF-8 text. Fix: save it as UTF-8 "
        "(in Windows Notepad: Save As, Encoding: UTF-8)."
    )


def _first_non_utf8(env_file: Any) -> tuple[Path, int, int] | None:
    """The first of the given .env files that is not UTF-8: its path, line and bad byte."""
    given = [env_file] if isinstance(env_file, str | os.PathLike) else list(env_file or [])
    for path in (Path(name).resolve() for name in given):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            return path, exc.object[: exc.start].count(b"\n") + 1, exc.object[exc.start]
        except OSError:
            continue
    return None
