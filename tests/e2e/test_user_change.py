"""`user_change` over signed HTTP: a person's new time zone re-plans their pending follow-up
in that zone at once; a stranger's profile change stores nothing."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.rules.domain import NudgeKind
from bot.store.models import SlackUser
from tests.e2e.test_buttons import log_interview, pending_due
from tests.harness import RunningBot, fixture_json

LA, BERLIN = ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/Berlin")


def change(running: RunningBot, **user: object) -> None:
    body = copy.deepcopy(fixture_json("event_user_change.json"))
    body["event"]["user"].update(user)
    reply = running.slack.post(json.dumps(body), "application/json")
    assert reply.status == 200
    running.idle()


def test_a_new_zone_moves_the_pending_follow_up_at_once(running: RunningBot) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )
    before = pending_due(running, NudgeKind.FOLLOW_UP)
    assert before.astimezone(LA).hour == 10

    change(running, tz="Europe/Berlin")

    after = pending_due(running, NudgeKind.FOLLOW_UP)
    assert after.astimezone(BERLIN).hour == 10
    assert after.astimezone(BERLIN).date() == before.astimezone(LA).date()
    assert after != before
    with running.db.transaction() as session:
        assert session.scalars(select(SlackUser.tz)).one() == "Europe/Berlin"


def test_an_unknown_zone_or_a_stranger_changes_nothing(running: RunningBot) -> None:
    log_interview(
        running, happened_at=int((running.clock.now() - timedelta(minutes=30)).timestamp())
    )
    before = pending_due(running, NudgeKind.FOLLOW_UP)

    change(running, tz="Mars/Olympus_Mons")
    change(running, id="U0STRANGER", tz="Asia/Tokyo")

    assert pending_due(running, NudgeKind.FOLLOW_UP) == before
    with running.db.transaction() as session:
        assert session.scalars(select(SlackUser.user_id)).all() == ["U0456EFGH"]
