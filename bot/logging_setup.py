"""One log format for the whole process: plain text or JSON lines, never carrying a secret.

Every root handler gets two filters: `ContextFilter` (the request's team and correlation id)
and `RedactingFilter` (secrets, tokens and payloads out; see bot.log_redaction).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO, Any

from pydantic import BaseModel, SecretStr

from bot.log_context import ContextFilter
from bot.log_redaction import RedactingFilter

TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(team_id)s %(correlation_id)s]: %(message)s"


def configure_logging(level: str, log_format: str = "text", secrets: Iterable[str] = ()) -> None:
    """Log to stderr at `level` as `log_format` ("text" or "json"), masking `secrets`."""
    logging.basicConfig(level=level, handlers=[build_handler(log_format, secrets)], force=True)
    # Libraries narrate every step at INFO; the bot's own lines are the ones an operator reads.
    for noisy in ("slack_bolt", "slack_sdk", "waitress", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
    quiet_misleading_library_notices()


def build_handler(
    log_format: str, secrets: Iterable[str] = (), stream: IO[str] | None = None
) -> logging.Handler:
    """A handler writing to `stream` (stderr) in `log_format`, with the context and redacting
    filters the bot's own handlers carry."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactingFilter(secrets))
    return handler


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, team_id and
    correlation_id when inside a request or a dispatched nudge, and any exception's text."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("team_id", "correlation_id"):
            value = getattr(record, key, "-")
            if value != "-":
                line[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


def secret_values(settings: BaseModel) -> list[str]:
    """Every configured secret in `settings`: each SecretStr field (single or in a list), and a
    password in DATABASE_URL. New secret settings are found without being listed here."""
    found: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        values = value if isinstance(value, list | tuple) else [value]
        found.extend(v.get_secret_value() for v in values if isinstance(v, SecretStr))
    url = getattr(settings, "database_url", None)
    if isinstance(url, str):
        from sqlalchemy.engine import make_url

        try:
            password = make_url(url).password
        except Exception:  # a URL too odd to parse has been refused by validation already
            password = None
        if password:
            found.append(str(password))
    return [value for value in found if value]


class _DropBoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when given a client, then warns
    that the token goes unused; the client carries that same token, so the line misleads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def quiet_misleading_library_notices() -> None:
    logging.getLogger("slack_bolt.App").addFilter(_DropBoltTokenNotice())
