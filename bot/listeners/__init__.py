"""Bolt listeners, split by kind as in Slack's Bolt templates; each module registers itself."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, events, view_submissions
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    events.register_middleware(app, services)
    commands.register(app, services)
    view_submissions.register(app, services)
    actions.register(app, services)
    events.register(app, services)
