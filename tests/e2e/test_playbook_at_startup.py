"""create_app and the playbook: the configured one reaches every listener, and a bad one is
refused before the bot asks Slack anything. The file's own rules are in
tests/unit/test_playbook_rules.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from coach_devkit.slack_standin import SlackStandIn

from bot.app import create_app
from bot.clock import FixedClock
from bot.config import ConfigError
from bot.rules.playbook import default_playbook
from bot.store.db import Database
from tests.harness import test_settings
from tests.playbook_files import edited, write


def test_create_app_hands_the_configured_playbook_to_every_listener(
    tmp_path: Path, standin: SlackStandIn, clock: FixedClock, db: Database
) -> None:
    path = write(tmp_path, edited("max_follow_ups = 5", "max_follow_ups = 2"))

    bot = create_app(test_settings(standin, db.url, playbook_path=str(path)), clock=clock, db=db)
    default = create_app(test_settings(standin, db.url), clock=clock, db=db)

    assert bot.services.playbook.timing.max_follow_ups == 2
    assert default.services.playbook is default_playbook()


def test_create_app_refuses_a_bad_playbook_before_asking_slack(
    tmp_path: Path, standin: SlackStandIn, db: Database
) -> None:
    path = write(tmp_path, edited("max_follow_ups = 5", "max_follow_ups = 6"))

    with pytest.raises(ConfigError, match=r"PLAYBOOK_PATH .* timing\.max_follow_ups"):
        create_app(test_settings(standin, db.url, playbook_path=str(path)), db=db)
    assert standin.calls_to("auth.test") == []
