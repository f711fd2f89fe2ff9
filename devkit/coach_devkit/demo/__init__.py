"""`interview-bot demo`: a scripted person against the real bot and a local Slack stand-in."""

from coach_devkit.demo.run import run_demo

__all__ = ["run_demo"]
