"""What every listener and job needs from the outside world, handed in at wiring time."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.metrics import BotMetrics
from bot.rules.playbook import Playbook
from bot.rules.retention import RetentionPolicy
from bot.slack.clients import SlackClients
from bot.store.db import Database


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    playbook: Playbook
    # Slack clients by workspace; listeners get theirs from Bolt, which asks the same
    # authorize for each request's team.
    clients: SlackClients
    # What GET /metrics shows; counters are fed by the dispatch job and a Bolt middleware.
    metrics: BotMetrics = field(default_factory=BotMetrics)
    # How long people's data is kept (UNINSTALLED_DATA_RETENTION_DAYS, NOTES_RETENTION_DAYS).
    retention: RetentionPolicy = field(default_factory=RetentionPolicy)
