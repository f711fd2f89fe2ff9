"""bot.rules is pure: importing every module of it loads no SQLAlchemy, no store and no
Slack, so the rules can be tested and previewed without a database or a workspace."""

from __future__ import annotations

import json
import subprocess
import sys

# A fresh interpreter: this one has long since imported everything the other tests use.
_PROBE = """
import importlib, json, pkgutil, sys
import bot.rules
names = [m.name for m in pkgutil.walk_packages(bot.rules.__path__, "bot.rules.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": names, "loaded": sorted(sys.modules)}))
"""
FORBIDDEN = ("sqlalchemy", "slack_sdk", "slack_bolt", "bot.store")


def test_importing_every_rules_module_loads_no_database_and_no_slack() -> None:
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=30
    )
    report = json.loads(probe.stdout)

    # Walked, not listed: a module added later is checked too.
    assert {"bot.rules.kinds", "bot.rules.planning", "bot.rules.playbook"} <= set(
        report["imported"]
    )
    impure = [
        name
        for name in report["loaded"]
        if any(name == root or name.startswith(f"{root}.") for root in FORBIDDEN)
    ]
    assert impure == []
