"""One log format for the whole process."""

from __future__ import annotations

import logging


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        force=True,
    )
    # Libraries narrate every step at INFO; the bot's own lines are the ones an operator reads.
    for noisy in ("slack_bolt", "slack_sdk", "waitress", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
    quiet_misleading_library_notices()


class _DropBoltTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment even when given a client, then warns
    that the token goes unused; the client carries that same token, so the line misleads."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def quiet_misleading_library_notices() -> None:
    logging.getLogger("slack_bolt.App").addFilter(_DropBoltTokenNotice())
