"""`interview-bot preview`: the DMs a sample interview would get, and when, in local time.

No Slack and no database: the pure rules run against an outbox kept in memory
(`simulation`), the sample interview comes from the command's options (`options`) and is
played to its end (`sample_interview`), and `report` words what happened.
"""

from bot.preview.options import PreviewError, PreviewOptions
from bot.preview.report import preview_lines
from bot.preview.sample_interview import next_working_day_at, simulate
from bot.preview.simulation import Delivered, Simulation

__all__ = [
    "Delivered",
    "PreviewError",
    "PreviewOptions",
    "Simulation",
    "next_working_day_at",
    "preview_lines",
    "simulate",
]
