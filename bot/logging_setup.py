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
