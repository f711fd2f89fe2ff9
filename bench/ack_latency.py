"""How fast `/interview logged` is acknowledged: Slack gives up after 3 seconds.

Runs the real app (waitress, Bolt with signature checks, SQLite) against the local Slack
stand-in and sends signed slash commands one after another, timing each until its HTTP
answer (the ack). Baselines from the same run: `GET /healthz` (the server alone),
`/interview help` (signature check and Bolt, no Web API call after the ack), and a bare Bolt
app with one `/interview` listener that only acks, served the same way (waitress, Bolt's WSGI
adapter): what Bolt itself costs, which the bot cannot go below.

    .venv/bin/python bench/ack_latency.py [--requests 100]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, SlackPerson
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from bot.app import create_app
from bot.clock import SystemClock
from bot.config import load_settings
from bot.http_server import HttpServer
from bot.store import migrate
from bot.store.db import Database
from bot.web import create_wsgi_app

SECRET = "bench-signing-secret"


def timed(action: Callable[[], object], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def describe(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{name:<28} n={len(samples):<4} median {statistics.median(samples):7.2f} ms"
        f"   p95 {p95:7.2f} ms   worst {max(samples):7.2f} ms"
    )


def bare_bolt(standin: SlackStandIn) -> App:
    """Bolt with one slash-command listener that acks and does nothing else."""
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=standin.bot_token, base_url=standin.api_url),
        token_verification_enabled=False,
        process_before_response=False,
    )

    def interview(ack: Ack) -> None:
        ack()

    app.command("/interview")(interview)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    person = SlackPerson()

    with tempfile.TemporaryDirectory() as tmp, SlackStandIn() as standin:
        standin.add_user(person.user_id, tz="America/Los_Angeles")
        settings = load_settings(
            _env_file=None,
            slack_bot_token=standin.bot_token,
            slack_signing_secret=SECRET,
            slack_api_url=standin.api_url,
            database_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
        )
        db = Database(settings.database_url)
        migrate.upgrade(db.engine)
        bot = create_app(settings, clock=SystemClock(), db=db)
        server = HttpServer(create_wsgi_app(bot), "127.0.0.1", 0).start()
        slack = SignedSlackSender(f"{server.url}/slack/events", SECRET, standin.response_url())
        bare_server = HttpServer(SlackRequestHandler(bare_bolt(standin)), "127.0.0.1", 0).start()
        bare = SignedSlackSender(f"{bare_server.url}/slack/events", SECRET, standin.response_url())
        try:
            # Warm up imports, connections and Bolt's first-request paths.
            for _ in range(5):
                slack.slash_command("logged Warmup", person)
                bare.slash_command("logged Warmup", person)
            bot.listener_executor.wait_idle()

            def health() -> None:
                urllib.request.urlopen(f"{server.url}/healthz", timeout=5).read()

            def help_command() -> None:
                assert slack.slash_command("help", person).status == 200

            def logged_command() -> None:
                assert slack.slash_command("logged Acme Corp", person).status == 200

            def bare_command() -> None:
                assert bare.slash_command("logged Acme Corp", person).status == 200

            healthz = timed(health, args.requests)
            helps = timed(help_command, args.requests)
            bares = timed(bare_command, args.requests)
            before = len(standin.calls_to("views.open"))
            logged = timed(logged_command, args.requests)
            bot.listener_executor.wait_idle()
            opened = len(standin.calls_to("views.open")) - before
        finally:
            server.stop()
            bare_server.stop()
            db.dispose()

    print(f"ack latency over {args.requests} signed requests each (lower is better)")
    print(describe("GET /healthz (baseline)", healthz))
    print(describe("/interview help", helps))
    print(describe("/interview logged", logged))
    print(describe("bare Bolt app, one listener", bares))
    ratio = statistics.median(logged) / statistics.median(healthz)
    print(f"median /interview logged ÷ median /healthz: {ratio:.2f}x")
    to_bare = statistics.median(bares) / statistics.median(logged)
    print(f"ack of /interview logged vs a bare Bolt app (bare ÷ bot, medians): {to_bare:.2f}x")
    print(f"worst ack as a share of Slack's 3 s window: {max(logged) / 3000:.1%}")
    print(f"modals opened: {opened}/{args.requests}")


if __name__ == "__main__":
    main()
