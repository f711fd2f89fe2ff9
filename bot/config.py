"""Every setting the bot reads, its default and its validation (environment and `.env`)."""

from __future__ import annotations

import difflib
import logging
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from dotenv import dotenv_values
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///interview_coach.db"
DEFAULT_SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
ENV_FILE = ".env"
# The fastest a clock may run (the demo and trials): a week in about 60 ms.
CLOCK_SPEEDUP_MAX = 10_000_000

logger = logging.getLogger(__name__)

# How to fix each setting, shown beside the name when it is missing or malformed.
FIX_HINTS: dict[str, str] = {
    "SLACK_BOT_TOKEN": (
        "copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page, "
        "or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET to let workspaces install through OAuth"
    ),
    "SLACK_CLIENT_ID": "copy the Client ID from your Slack app's Basic Information page "
    "(with SLACK_CLIENT_SECRET), or leave both unset to serve one workspace with SLACK_BOT_TOKEN",
    "SLACK_CLIENT_SECRET": "copy the Client Secret from your Slack app's Basic Information page "
    "(with SLACK_CLIENT_ID), or leave both unset to serve one workspace with SLACK_BOT_TOKEN",
    "PUBLIC_BASE_URL": "give the public https address Slack reaches the bot at, such as "
    "https://coach.example.com, or leave it unset",
    "SLACK_AUTHORIZE_URL": "leave it unset for Slack's own https://slack.com/oauth/v2/authorize",
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
    "LOG_FORMAT": "use text (one line per record) or json (one JSON object per line)",
    "DISPATCH_INTERVAL_SECONDS": "give a positive number of seconds; fractions such as 0.5 work",
    "DISPATCH_POST_CONCURRENCY": "give a whole number from 1 (one post at a time) to 16",
    "CLOCK_SPEEDUP": "give a number of at least 1 (1 = real time)",
    "SHUTDOWN_GRACE_SECONDS": "give a number of seconds from 1 to 300, below your "
    "orchestrator's kill timeout (Kubernetes: 30)",
    "UNINSTALLED_DATA_RETENTION_DAYS": "give a whole number of days from 0 (at once) to 3650",
    "NOTES_RETENTION_DAYS": "give a whole number of days from 0 to 3650, or leave it unset "
    "to keep notes until the person deletes them",
    "DATA_ENCRYPTION_KEYS": "give Fernet keys separated by commas, newest first; make one with "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`'
    ", or leave it unset to store notes unencrypted",
    "NUDGE_HISTORY_DAYS": "give a whole number of days, at least 1 (default 180), that sent, "
    "cancelled and failed DMs of closed interviews are kept",
    "PLAYBOOK_PATH": "give the path of a playbook TOML file (start from a copy of "
    "bot/rules/default_playbook.toml), or leave it unset for the built-in playbook",
}


class ConfigError(Exception):
    """Start-up cannot go on; the message is one line per bad setting, ready to print."""


SettingsT = TypeVar("SettingsT", bound="EnvSettings")


class EnvSettings(BaseSettings):
    """How every setting is read: the environment first, then the `.env` file in the working
    directory (UTF-8); names in any case. Read through `read_settings`."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )


class DatabaseSettings(EnvSettings):
    """DATABASE_URL alone, for `migrate`: a fresh machine has no Slack tokens yet."""

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url", mode="before")
    @classmethod
    def _database_url_empty_is_default(cls, value: Any) -> Any:
        # `DATABASE_URL=` left blank means "the default", for `migrate` and `run` alike.
        return DEFAULT_DATABASE_URL if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _database_url_parses(cls, value: str) -> str:
        return check_database_url(value)


class PlaybookSettings(EnvSettings):
    """PLAYBOOK_PATH alone, for `preview`, which needs no Slack tokens."""

    # None: the built-in playbook. The file itself is read and checked when the app is built.
    playbook_path: Path | None = None

    @field_validator("playbook_path", mode="before")
    @classmethod
    def _playbook_path_empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class EncryptionSettings(EnvSettings):
    """DATA_ENCRYPTION_KEYS alone: `run` and `rotate-key` read it."""

    # Fernet keys, newest first: notes are written under the first and read under any, so a
    # new key goes in front and the old one stays until `rotate-key` has run. Empty: notes
    # are stored unencrypted (the demo, a first try), with a warning at start-up.
    data_encryption_keys: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)

    @field_validator("data_encryption_keys", mode="before")
    @classmethod
    def _keys_split(cls, value: Any) -> Any:
        # One line in .env: "newkey,oldkey" (commas or spaces), not a JSON list.
        if isinstance(value, str):
            return [part for part in re.split(r"[\s,]+", value) if part]
        return value

    @field_validator("data_encryption_keys")
    @classmethod
    def _keys_are_fernet_keys(cls, value: list[SecretStr]) -> list[SecretStr]:
        # Imported here: `preview` and `manifest` read settings and need no cryptography.
        from cryptography.fernet import Fernet

        for number, key in enumerate(value, start=1):
            try:
                Fernet(key.get_secret_value())
            except ValueError:
                # Never the key itself: it is a secret even when malformed.
                raise ValueError(
                    f"key {number} of {len(value)} is not a Fernet key "
                    "(44 characters of url-safe base64 encoding 32 bytes)"
                ) from None
        return value

    def encryption_keys(self) -> list[str]:
        """The keys as text, newest first, for the cipher (never for a log)."""
        return [key.get_secret_value() for key in self.data_encryption_keys]


class RotationSettings(DatabaseSettings, EncryptionSettings):
    """What `rotate-key` reads: the database and the keys, no Slack tokens."""


class Settings(DatabaseSettings, PlaybookSettings, EncryptionSettings):
    """Everything `run` reads."""

    # Required unless SLACK_CLIENT_ID is set (OAuth: each workspace's token comes from its
    # install); `_oauth_needs_no_bot_token` fills in None then, so a missing token is still
    # reported in its place among the other settings.
    slack_bot_token: SecretStr | None
    slack_signing_secret: SecretStr
    # OAuth ("Add to Slack"), for many workspaces: both or neither.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    # Where Slack reaches the bot (https); OAuth's redirect URL is under it.
    public_base_url: str | None = None
    # Slack's page that asks a workspace to install the app; a stand-in's in tests.
    slack_authorize_url: str = DEFAULT_SLACK_AUTHORIZE_URL
    slack_app_token: SecretStr | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    host: str = "0.0.0.0"
    port: Annotated[int, Field(ge=1, le=65535)] = 3000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    dispatch_interval_seconds: Annotated[float, Field(gt=0, le=3600)] = 10.0
    # DMs to different people the dispatcher posts at once (bot.dispatch.dispatcher).
    dispatch_post_concurrency: Annotated[int, Field(ge=1, le=16)] = 4
    clock_speedup: Annotated[float, Field(ge=1, le=CLOCK_SPEEDUP_MAX)] = 1.0
    # On SIGTERM the dispatcher finishes or hands back its batch within this; Kubernetes
    # kills 30 s after SIGTERM by default.
    shutdown_grace_seconds: Annotated[float, Field(ge=1, le=300)] = 20.0
    # Retention (bot.coach.personal_data): a removed workspace's people go after this many
    # days; closed interviews' answers and drafts after NOTES_RETENTION_DAYS (None: kept).
    uninstalled_data_retention_days: Annotated[int, Field(ge=0, le=3650)] = 30
    notes_retention_days: Annotated[int | None, Field(ge=0, le=3650)] = None
    # Settled nudges of closed interviews older than this are pruned (bot.coach.history).
    nudge_history_days: Annotated[int, Field(ge=1, le=36_500)] = 180

    @model_validator(mode="before")
    @classmethod
    def _oauth_needs_no_bot_token(cls, data: Any) -> Any:
        oauth = isinstance(data, dict) and (
            data.get("slack_client_id") or data.get("slack_client_secret")
        )
        if oauth and not str(data.get("slack_bot_token") or "").strip():  # unset, or left blank
            return {**data, "slack_bot_token": None}
        return data

    @field_validator("slack_bot_token", mode="before")
    @classmethod
    def _bot_token_shape(cls, value: Any) -> Any:
        if value is None:
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        if not raw.startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return value

    @field_validator("slack_client_id", "public_base_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("slack_client_secret", mode="before")
    @classmethod
    def _empty_secret_is_unset(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        return None if isinstance(raw, str) and not raw.strip() else value

    @field_validator("public_base_url", "slack_authorize_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/") if value is not None else None

    @model_validator(mode="after")
    def _one_way_to_get_tokens(self) -> Settings:
        # Messages start with the setting's name, as field errors do (see _describe).
        if (self.slack_client_id is None) != (self.slack_client_secret is None):
            missing = (
                "SLACK_CLIENT_SECRET" if self.slack_client_secret is None else "SLACK_CLIENT_ID"
            )
            raise ValueError(
                f"{missing} is missing: OAuth needs SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
                f"together. Fix: {FIX_HINTS[missing]}"
            )
        if self.slack_client_id is not None and self.slack_bot_token is not None:
            raise ValueError(
                "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: the bot serves either one "
                "workspace (SLACK_BOT_TOKEN) or every workspace that installs it through OAuth "
                "(SLACK_CLIENT_ID and SLACK_CLIENT_SECRET). Fix: unset one of them"
            )
        return self

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

    @field_validator("notes_retention_days", mode="before")
    @classmethod
    def _notes_retention_empty_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level_upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format_lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @property
    def oauth(self) -> bool:
        """Whether workspaces install through OAuth (many), rather than SLACK_BOT_TOKEN (one)."""
        return self.slack_client_id is not None


_PASSWORD_IN_URL = re.compile(r"^([^:/]+://[^:@/]*):[^@]*@")


def check_database_url(url: str) -> str:
    """`url` if it is a SQLAlchemy URL for SQLite or PostgreSQL; else ValueError saying why."""
    # Imported here: `preview` and `manifest` read settings and need no database library.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError("is not a database URL") from exc
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise ValueError("must be a sqlite or postgresql URL")
    return url


def hide_password(url: str) -> str:
    """`url` with any password masked, even one too malformed for SQLAlchemy to parse."""
    return _PASSWORD_IN_URL.sub(r"\1:***@", url)


def _describe(error: dict[str, Any]) -> str:
    if not error["loc"]:
        # A check across settings: its message names them and says how to fix it; the input,
        # every setting with its secrets, is never shown.
        message = error["msg"].removeprefix("Value error, ")
        return f"{message} (in .env or the environment; see .env.example)."
    name = str(error["loc"][0]).upper()
    hint = FIX_HINTS.get(name, "see .env.example")
    if error["type"] == "missing":
        problem = "is missing"
    else:
        given = error.get("input")
        if name == "DATABASE_URL" and isinstance(given, str):
            given = hide_password(given)
        secret = any(word in name for word in ("TOKEN", "SECRET", "KEY"))
        shown = "" if secret else f" (got {given!r})"
        problem = f"is not valid{shown}: {error['msg'].removeprefix('Value error, ')}"
    return f"{name} {problem}. Fix: {hint} (in .env or the environment; see .env.example)."


def read_settings(
    kind: type[SettingsT], *, unknown_keys: list[str] | None = None, **overrides: Any
) -> SettingsT:
    """Read `kind` from the environment and `.env` (`_env_file` names another file, None
    none), turning pydantic's report into one plain line per bad setting (ConfigError).

    Keys in the file that are no setting at all are logged, each with the nearest name;
    or, given `unknown_keys`, left there when the settings are good, for the caller to log
    once it has set logging up from them (`run`: as a WARNING record in the format chosen,
    not a bare line before it). Bad settings log them first either way: the typo is often
    why a setting is missing.
    """
    env_file = overrides.get("_env_file", kind.model_config.get("env_file"))
    warnings: list[str] = []
    try:
        warnings = unknown_env_file_keys(env_file)
        settings = kind(**overrides)
    except ValidationError as exc:
        _log_unknown(warnings)
        raise ConfigError("\n".join(_describe(e) for e in exc.errors())) from None
    except (UnicodeDecodeError, OSError) as exc:
        # The .env file is all that is read from disk; pydantic-settings lets its errors out.
        raise ConfigError(unreadable_env_file(exc, env_file)) from None
    if unknown_keys is None:
        _log_unknown(warnings)
    else:
        unknown_keys.extend(warnings)
    return settings


def _log_unknown(warnings: list[str]) -> None:
    for warning in warnings:
        logger.warning("%s", warning)


def load_settings(*, unknown_keys: list[str] | None = None, **overrides: Any) -> Settings:
    """Every setting `run` needs, read as `read_settings` reads them."""
    return read_settings(Settings, unknown_keys=unknown_keys, **overrides)


def unknown_env_file_keys(env_file: Any) -> list[str]:
    """One line for each key of the .env file(s) that is no setting, naming the nearest one.

    pydantic-settings ignores such keys, so a typo (SLACK_BOT_TOKN) would go unnoticed; the
    process environment is not looked at, as it holds much else besides the bot's settings.
    """
    known = sorted(name.upper() for name in Settings.model_fields)
    lines = []
    for path in _env_file_paths(env_file):
        if not path.is_file():
            continue
        for key in dotenv_values(path, encoding="utf-8"):
            if key.upper() in known:
                continue
            nearest = difflib.get_close_matches(key.upper(), known, n=1)
            hint = f"did you mean {nearest[0]}?" if nearest else "the settings are in .env.example."
            lines.append(
                f".env file {path} sets {key}, which is not a setting and is ignored; {hint}"
            )
    return lines


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


def _env_file_paths(env_file: Any) -> list[Path]:
    """The files an `env_file` setting names (pydantic-settings takes one or several)."""
    given = [env_file] if isinstance(env_file, str | os.PathLike) else list(env_file or [])
    return [Path(name).expanduser().resolve() for name in given]


def _first_non_utf8(env_file: Any) -> tuple[Path, int, int] | None:
    """The first of the given .env files that is not UTF-8: its path, line and bad byte."""
    for path in _env_file_paths(env_file):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            return path, exc.object[: exc.start].count(b"\n") + 1, exc.object[exc.start]
        except OSError:
            continue
    return None
