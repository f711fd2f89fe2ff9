"""`interview-bot demo`: play Dana's script against the real bot and print what she sees."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import TextIO

from coach_devkit.demo.recorder import Recorder
from coach_devkit.demo.scene import WAIT_SECONDS, DemoFailed, Scene
from coach_devkit.demo.script import STEPS, Step
from coach_devkit.demo.stage import Stage, stage
from coach_devkit.demo.summary import Summary

TITLE = (
    "Interview Coach demo: the real bot (HTTP, signatures, SQLite) against a local Slack stand-in"
)


@contextmanager
def quiet_logging() -> Iterator[None]:
    """Warnings and errors only, so library chatter does not bury the transcript.

    Restored afterwards: the demo also runs inside other processes (the test suite).
    """
    root = logging.getLogger()
    level, handler = root.level, None
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(logging.WARNING)
    # The demo's dispatch job runs every few milliseconds; a run skipped because the one
    # before is still busy is expected there, not news.
    scheduler_log = logging.getLogger("apscheduler.scheduler")
    scheduler_level = scheduler_log.level
    scheduler_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)
        scheduler_log.setLevel(scheduler_level)
        if handler is not None:
            root.removeHandler(handler)


def run_demo(speedup: float | None = None, start: date | None = None) -> int:
    """Play Dana's script; 0 when every step showed what it should, 1 otherwise.

    `speedup` overrides CLOCK_SPEEDUP; a bad setting raises ConfigError, as `run` does.
    `start` is the first interview's day (at 10:00, Dana's time); by default the next Tuesday.
    """
    # Looked up now, not at import, so a caller's redirection (or pytest's capture) applies.
    out = sys.stdout
    with quiet_logging(), stage(speedup, start) as on_stage:
        return play(on_stage, STEPS, out)


def play(
    on_stage: Stage, steps: Sequence[Step], out: TextIO, *, wait_seconds: float = WAIT_SECONDS
) -> int:
    """Run `steps` on a stage already set up, writing the transcript and summary to `out`."""
    recorder = Recorder(
        on_stage.standin,
        on_stage.bot.services.clock,
        on_stage.bot.settings.clock_speedup,
        on_stage.tz,
        out,
        on_stage.time,
    )
    recorder.line(TITLE)
    recorder.line(f"Dana ({on_stage.person.user_id}) is in {on_stage.tz.key}; times are hers.")
    recorder.line()
    scene = Scene(on_stage, recorder, wait_seconds=wait_seconds)
    for step in steps:
        try:
            recorder.catch_up()  # whatever the bot sent on its own since the last step
            step.act(scene)
        except DemoFailed as exc:
            return _failed(out, f"while Dana {step.does}: {exc}")
    recorder.catch_up()

    summary = Summary.collect(on_stage.bot.services.db, on_stage.standin.calls, scene.rejected)
    recorder.line()
    for line in summary.lines():
        recorder.line(line)
    problems = summary.problems()
    if problems:
        return _failed(out, "; ".join(problems))
    recorder.line("exit code 0")
    return 0


def _failed(out: TextIO, reason: str) -> int:
    print(f"interview-bot demo: FAILED {reason}", file=sys.stderr, flush=True)
    print("exit code 1", file=out, flush=True)
    return 1
