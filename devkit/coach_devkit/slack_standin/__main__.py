"""Run a Slack stand-in in the foreground for manual poking.

    python -m coach_devkit.slack_standin --port 8765 --user U0456EFGH:America/New_York

Every call it receives is printed, so you can watch the bot talk to "Slack".
"""

from __future__ import annotations

import argparse
import contextlib
import threading

from coach_devkit.slack_standin import RecordedCall, SlackStandIn


class _EchoingStandIn(SlackStandIn):
    def _record(self, call: RecordedCall) -> None:
        super()._record(call)
        outcome = f"FAILED {call.error}" if call.failed else "ok"
        print(f"{call.method}: {outcome} {call.params}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m coach_devkit.slack_standin", description=__doc__
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--token", default="xoxb-standin", help="the bot token it accepts")
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="USER_ID[:TZ]",
        help="a user users.info knows; repeatable (default tz America/Los_Angeles)",
    )
    args = parser.parse_args(argv)

    standin = _EchoingStandIn(bot_token=args.token, host=args.host, port=args.port)
    for spec in args.user:
        user_id, _, tz = spec.partition(":")
        standin.add_user(user_id, tz=tz or "America/Los_Angeles")
    with standin:
        print(f"Slack stand-in listening; api_url={standin.api_url} token={args.token}", flush=True)
        print(f"response URLs: {standin.base_url}/response/<name>", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()  # until Ctrl-C


if __name__ == "__main__":
    main()
