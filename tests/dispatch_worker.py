"""A dispatcher in a process of its own, for tests that kill one or run two side by side.

    python -m tests.dispatch_worker --now 2026-11-26T18:00:00+00:00 [--until-idle] [--batch-size N]

Settings come from the environment, as for the bot: DATABASE_URL, SLACK_API_URL,
SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET. The clock stands still at --now. One tick by default;
with --until-idle, ticks until one claims nothing. Prints one JSON line on stdout: the worker
id and what its ticks did.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict
from datetime import datetime

from bot.clock import FixedClock
from bot.config import load_settings
from bot.dispatch.dispatcher import Dispatcher, DispatchReport
from bot.dispatch.job import dispatch_tick, new_worker_id
from bot.rules.playbook import default_playbook
from bot.slack.clients import DISPATCH, single_workspace
from bot.store.db import Database

# A tick that could not run (SQLite busy beyond its timeout) is tried again this many times.
MAX_FAILED_TICKS = 20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    parser.add_argument("--until-idle", action="store_true")
    parser.add_argument("--batch-size", type=int, default=50)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    settings = load_settings(_env_file=None)
    db = Database(settings.database_url)
    dispatcher = Dispatcher(
        db,
        FixedClock(args.now),
        single_workspace(settings).with_profile(DISPATCH),
        default_playbook(),
        new_worker_id(),
        batch_size=args.batch_size,
    )
    total = DispatchReport()
    failed_ticks = 0
    try:
        while True:
            report = dispatch_tick(dispatcher)
            if report is None:
                failed_ticks += 1
                if failed_ticks > MAX_FAILED_TICKS:
                    return 1
                continue
            total.add(report)
            if report.claimed == 0 or not args.until_idle:
                break
    finally:
        db.dispose()
    print(json.dumps({"worker_id": dispatcher.worker_id, **asdict(total)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
