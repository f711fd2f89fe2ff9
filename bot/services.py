"""What every listener and job needs from the outside world, handed in at wiring time."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock
from bot.rules.playbook import Playbook, default_playbook
from bot.store.db import Database


@dataclass(frozen=True)
class Services:
    db: Database
    clock: Clock
    playbook: Playbook = field(default_factory=default_playbook)
