"""`interview-bot run`: migrate, then serve Slack over HTTP (or Socket Mode) with the scheduler."""

from __future__ import annotations

import contextlib
import errno
import logging
import signal
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.background import BackgroundScheduler
from slack_sdk.errors import SlackApiError

from bot.app import BotApp, unreachable_slack
from bot.coach.event_receipts import forget_old_receipts
from bot.config import FIX_HINTS, ConfigError, Settings
from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.job import JOB_ID, add_dispatch_job, build_dispatcher
from bot.dispatch.pruning import add_prune_job
from bot.dispatch.retention import add_retention_job
from bot.http_server import HttpServer
from bot.listener_executor import TrackingExecutor
from bot.web import create_wsgi_app

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

logger = logging.getLogger(__name__)

HOUSEKEEPING_INTERVAL_SECONDS = 3600
# Listener work already acked to Slack gets this long to finish on shutdown. Kubernetes allows
# 30 s between SIGTERM and SIGKILL by default; this leaves room for the rest of the shutdown.
DRAIN_SECONDS = 10.0


def build_scheduler(bot: BotApp) -> BackgroundScheduler:
    """The in-memory scheduler; its jobs keep their state in the database, not in APScheduler.

    The dispatch job gets its own retry-less clients and a new worker id.
    """
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"max_instances": 1, "coalesce": True}
    )

    def housekeeping() -> None:
        forgotten = forget_old_receipts(bot.services.db, bot.services.clock.now())
        logger.debug("housekeeping: forgot %d event receipts", forgotten)

    scheduler.add_job(
        housekeeping, "interval", seconds=HOUSEKEEPING_INTERVAL_SECONDS, id="housekeeping"
    )
    dispatcher = build_dispatcher(
        bot.services, post_concurrency=bot.settings.dispatch_post_concurrency
    )
    add_dispatch_job(scheduler, dispatcher, bot.settings.dispatch_interval_seconds)
    add_retention_job(scheduler, bot.services)  # the people's data: README "Your data"
    add_prune_job(scheduler, bot.services.db, bot.services.clock, bot.settings.nudge_history_days)
    return scheduler


def _stop_dispatching(scheduler: BackgroundScheduler, deadline: float) -> None:
    """Stop claiming; let the batch under way finish or hand its rest back by `deadline`
    (a time.monotonic() value), so another replica sends it at its next tick."""
    job = scheduler.get_job(JOB_ID)
    scheduler.pause()  # no new tick starts
    if job is None:
        return
    dispatcher: Dispatcher = job.args[0]
    dispatcher.stop()
    if not dispatcher.wait_idle(timeout=max(deadline - time.monotonic(), 0.0)):
        # A post still waiting on Slack: its claim runs out, and the next worker looks in
        # the DM before posting it again.
        logger.warning("the dispatcher was still sending at the shutdown deadline; leaving it")


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same orderly exit as Ctrl-C


def serve(bot: BotApp, drain_seconds: float = DRAIN_SECONDS) -> None:
    """Serve Slack until SIGTERM or Ctrl-C; then stop taking work, finish what was taken, and
    let go of the database, all within SHUTDOWN_GRACE_SECONDS. A setting that stops the
    start raises ConfigError."""
    settings = bot.settings
    deadline = _Deadline(settings.shutdown_grace_seconds)
    # Everything taken on is given back in reverse order, however far the start got.
    with contextlib.ExitStack() as on_exit:
        on_exit.callback(bot.services.db.dispose)
        on_exit.callback(lambda: _drain(bot.listener_executor, deadline.left(drain_seconds)))
        socket_handler = None
        if settings.slack_app_token is not None:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_handler = SocketModeHandler(
                bot.bolt, settings.slack_app_token.get_secret_value()
            )
            on_exit.callback(socket_handler.close)
        connected = socket_handler.client.is_connected if socket_handler is not None else None
        server = _listen(create_wsgi_app(bot, socket_connected=connected), settings)
        on_exit.callback(server.stop)  # no new requests while accepted work finishes
        scheduler = build_scheduler(bot)
        scheduler.start()
        on_exit.callback(scheduler.shutdown, wait=False)
        on_exit.callback(lambda: _stop_dispatching(scheduler, deadline.at()))
        previous_sigterm = signal.signal(signal.SIGTERM, _stop_on_sigterm)
        # Restored before the drain: a second SIGTERM then ends the process at once.
        on_exit.callback(signal.signal, signal.SIGTERM, previous_sigterm)
        try:
            if socket_handler is not None:
                _connect(socket_handler, settings, server.port)
            else:
                logger.info(
                    "serving Slack on http://%s:%d/slack/events", settings.host, server.port
                )
            if settings.oauth:
                # Where a workspace's admin goes to install the app (OAuth, many workspaces).
                logger.info(
                    "workspaces install the app at %s/slack/install",
                    # 0.0.0.0 listens everywhere but is no address a browser can open.
                    settings.public_base_url or f"http://{_browsable(settings.host)}:{server.port}",
                )
            # waitress ends its loop on KeyboardInterrupt (Ctrl-C, or SIGTERM above) and returns.
            server.serve_forever()
        except KeyboardInterrupt:
            pass  # raised before the server loop started
        deadline.start()
        logger.info("shutting down")


class _Deadline:
    """The shutdown's time budget, counted from the signal (or from the first use)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._at: float | None = None

    def start(self) -> None:
        if self._at is None:
            self._at = time.monotonic() + self._seconds

    def at(self) -> float:
        self.start()
        assert self._at is not None
        return self._at

    def left(self, at_most: float) -> float:
        """Seconds left before the deadline, but no more than `at_most`."""
        return max(min(at_most, self.at() - time.monotonic()), 0.0)


def _drain(executor: TrackingExecutor, seconds: float) -> None:
    """Give listener work that Slack was already acked for up to `seconds` to finish."""
    pending = executor.pending
    if pending:
        logger.info("waiting up to %gs for %d listener task(s) to finish", seconds, pending)
    try:
        executor.wait_idle(timeout=seconds)
    except TimeoutError as exc:
        logger.warning("gave up waiting after %gs: %s", seconds, exc)
    # Without waiting: anything still running ends with the process (or finishes first).
    executor.shutdown(wait=False)


def _listen(wsgi_app: Callable[..., Any], settings: Settings) -> HttpServer:
    try:
        return HttpServer(wsgi_app, settings.host, settings.port)
    except OSError as exc:  # bind(): in use, privileged, or not an address of this machine
        raise ConfigError(_cannot_listen(settings, exc)) from None
    except ValueError:  # waitress: the host name did not resolve
        raise ConfigError(
            f"HOST is not valid (got {settings.host!r}): no address by that name. "
            f"Fix: {FIX_HINTS['HOST']} (in .env or the environment; see .env.example)."
        ) from None


def _cannot_listen(settings: Settings, exc: OSError) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EADDRINUSE:
        return (
            f"PORT {settings.port} is already in use on {settings.host} ({reason}). "
            "Fix: stop whatever listens there, or choose another PORT."
        )
    if exc.errno == errno.EACCES:
        return (
            f"PORT {settings.port} needs privileges this process lacks ({reason}). "
            "Fix: choose a PORT above 1023 and map the public port to it."
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        return (
            f"HOST {settings.host} is not an address of this machine ({reason}). "
            f"Fix: {FIX_HINTS['HOST']}."
        )
    return (
        f"HOST and PORT {settings.host}:{settings.port} could not be listened on ({reason}). "
        "Fix: check both."
    )


def _connect(socket_handler: SocketModeHandler, settings: Settings, http_port: int) -> None:
    try:
        socket_handler.connect()  # apps.connections.open, then the WebSocket
    except SlackApiError as exc:
        # A rejected app token is a setting to fix, like a rejected bot token in create_app.
        raise ConfigError(
            f"SLACK_APP_TOKEN was not accepted by Slack at {settings.slack_api_url} "
            f"({exc.response.get('error')}). Fix: use an app-level token (xapp-…) with "
            "connections:write, or check SLACK_API_URL."
        ) from None
    except OSError as exc:  # apps.connections.open got no HTTP reply at all
        raise unreachable_slack(settings, "apps.connections.open", exc) from None
    if socket_handler.client.is_connected():
        logger.info("connected to Slack in Socket Mode; /healthz on port %d", http_port)
    else:
        # slack_sdk logs a failed WebSocket handshake and retries on its own.
        logger.warning("Socket Mode not connected yet; slack_sdk keeps retrying")


def _browsable(host: str) -> str:
    """A host a browser on this machine can open, for a server bound to `host`."""
    return "localhost" if host in {"0.0.0.0", "::", ""} else host
