"""How listeners reach the bot's services: Bolt's context, filled in by one global middleware.

Listeners are plain module-level functions registered by reference; what they need from the
outside world (database, clock, playbook, Slack clients) arrives as `context["services"]`.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.services import Services

SERVICES = "services"


class ProvideServices(Middleware):
    """Puts the bot's services into every request's context, for listeners and middleware."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],
    ) -> BoltResponse | None:
        """Set context["services"], then go on."""
        req.context[SERVICES] = self.services
        return next()


def services_of(context: BoltContext) -> Services:
    """The bot's services, as ProvideServices put them into the request's context."""
    services = context[SERVICES]
    assert isinstance(services, Services), "ProvideServices runs before every listener"
    return services
