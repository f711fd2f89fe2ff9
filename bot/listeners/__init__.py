"""Bolt listeners, split by kind as in Slack's Bolt templates: module-level functions, each
module registering its own by reference. Services reach them through Bolt's context."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    actions,
    answer_routing,
    change_time,
    commands,
    corrections,
    drafts,
    events,
    home,
    my_data,
    outcomes,
    rhythm,
    view_submissions,
)
from bot.listeners.context import ProvideServices
from bot.listeners.edge import validate_at_edge
from bot.listeners.error_handler import handle_listener_error
from bot.listeners.observe import ObserveRequests
from bot.listeners.redeliveries import skip_redelivered_events
from bot.services import Services


def register_listeners(app: App, services: Services) -> None:
    """Middleware first (services into the context, requests that do not fit out, then
    redeliveries out), the listeners, and the error handler every failure and unhandled
    request goes to."""
    app.use(ObserveRequests(services.metrics))  # first: every request counted, its lines tagged
    app.use(ProvideServices(services))
    app.use(validate_at_edge)
    app.use(skip_redelivered_events)
    commands.register(app)
    view_submissions.register(app)
    # Before actions: its last listener takes every press no other listener took.
    drafts.register(app)
    rhythm.register(app)
    my_data.register(app)
    change_time.register(app)
    corrections.register(app)
    home.register(app)
    outcomes.register(app)
    answer_routing.register(app)
    actions.register(app)
    events.register(app)
    app.error(handle_listener_error)
