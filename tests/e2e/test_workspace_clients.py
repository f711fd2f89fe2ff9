"""Every Slack client comes from one factory keyed by team: listeners through Bolt's authorize,
the dispatcher through client_for. A workspace with its own token (as OAuth installs will give
it) is served with that token, by listeners and dispatcher alike, and nothing else changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, SlackPerson
from pydantic import SecretStr
from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import select

from bot.app import create_app
from bot.clock import FixedClock
from bot.coach.interviews import LogResult, submit_interview
from bot.coach.people import note_profile
from bot.config import ConfigError
from bot.dispatch.dispatcher import Dispatcher, DispatchReport
from bot.http_server import HttpServer
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.slack.clients import (
    DISPATCH,
    DISPATCH_TIMEOUT_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    SlackClients,
    single_workspace,
)
from bot.store.db import Database
from bot.store.models import SlackUser
from bot.ui.log_modal import CALLBACK_ID
from bot.web import create_wsgi_app
from tests.harness import DANA, SIGNING_SECRET, RunningBot, test_settings

ELSEWHERE = SlackPerson(user_id="U0ELSE0001", team_id="T0999ZZZZ", name="eli")
ELSEWHERE_TOKEN = "xoxb-another-workspace"  # a token the stand-in does not know


class TeamTokens(Authorize):
    """Each workspace its own bot token, and a record of which team each lookup was for."""

    def __init__(self, tokens: dict[str, str]) -> None:
        super().__init__()
        self.tokens = tokens
        self.asked: list[str | None] = []

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        **_actor: Any,
    ) -> AuthorizeResult | None:
        self.asked.append(team_id)
        token = self.tokens.get(team_id or "")
        if token is None:
            return None
        return AuthorizeResult(
            enterprise_id=None, team_id=team_id, bot_token=token, bot_id="B0BOT", bot_user_id="U0"
        )


@pytest.fixture
def tokens(standin: SlackStandIn) -> TeamTokens:
    return TeamTokens({DANA.team_id: standin.bot_token, ELSEWHERE.team_id: ELSEWHERE_TOKEN})


@pytest.fixture
def two_workspaces(
    standin: SlackStandIn, clock: FixedClock, db: Database, tokens: TeamTokens
) -> Iterator[RunningBot]:
    settings = test_settings(standin, db.url)
    bot = create_app(settings, clock=clock, db=db, clients=SlackClients(tokens, standin.api_url))
    server = HttpServer(create_wsgi_app(bot), "127.0.0.1", 0).start()
    sender = SignedSlackSender(
        server.url + "/slack/events", SIGNING_SECRET, response_url=standin.response_url()
    )
    running = RunningBot(bot, server, sender, standin, clock, db)
    try:
        yield running
    finally:
        running.idle()
        server.stop()


def test_listeners_call_slack_with_the_token_of_the_requests_workspace(
    two_workspaces: RunningBot, standin: SlackStandIn, tokens: TeamTokens
) -> None:
    for person in (DANA, ELSEWHERE):
        assert two_workspaces.slack.slash_command("logged Acme", person).status == 200
        two_workspaces.idle()

    opened = standin.calls_to("views.open", include_failed=True)
    assert [(c.token, c.error) for c in opened] == [
        (standin.bot_token, None),
        (ELSEWHERE_TOKEN, "invalid_auth"),  # its own token, which this stand-in refuses
    ]
    assert opened[0].params["view"]["callback_id"] == CALLBACK_ID
    assert set(tokens.asked) == {DANA.team_id, ELSEWHERE.team_id}
    assert standin.calls_to("auth.test") == []  # the injected factory needs no start-up check


def _log(db: Database, clock: FixedClock, person: SlackPerson) -> None:
    now = clock.now()
    note_profile(db, person.team_id, person.user_id, now, playbook=default_playbook())
    logged = submit_interview(
        db,
        team_id=person.team_id,
        user_id=person.user_id,
        form=InterviewForm(
            company="Acme", format="in_person", happened_at=now - timedelta(minutes=30)
        ),
        now=now,
        source_view_id=f"V-{person.user_id}",
        playbook=default_playbook(),
    )
    assert isinstance(logged, LogResult)


def test_the_dispatcher_asks_the_factory_for_each_nudges_workspace(
    db: Database, clock: FixedClock, standin: SlackStandIn, tokens: TeamTokens
) -> None:
    _log(db, clock, DANA)
    _log(db, clock, ELSEWHERE)
    clients = SlackClients(tokens, standin.api_url, DISPATCH)
    dispatcher = Dispatcher(db, clock, clients, default_playbook(), "worker-a")

    report = dispatcher.run_once()

    # Dana's workspace got its nudge; the other one's token was refused, so only it stopped.
    assert report == DispatchReport(claimed=2, sent=1, stopped=1)
    assert set(tokens.asked) == {DANA.team_id, ELSEWHERE.team_id}
    [posted] = standin.calls_to("chat.postMessage")
    assert posted.token == standin.bot_token
    # The two workspaces' DMs are posted at once: their calls come in either order.
    opened = standin.calls_to("conversations.open", include_failed=True)
    assert [c.error for c in opened if c.token == ELSEWHERE_TOKEN] == ["invalid_auth"]
    assert [c.failed for c in opened if c.token == standin.bot_token] in ([], [False])
    with db.transaction() as session:
        gone = {p.team_id: p.deactivated_at is not None for p in session.scalars(select(SlackUser))}
    assert gone == {DANA.team_id: False, ELSEWHERE.team_id: True}


def test_each_profile_gets_the_same_token_and_its_own_retries(standin: SlackStandIn) -> None:
    interactive = single_workspace(test_settings(standin, "sqlite://"))
    dispatch = interactive.with_profile(DISPATCH)

    people, background = interactive.client_for(DANA.team_id), dispatch.client_for("T0OTHER")

    assert people.token == background.token == standin.bot_token
    assert people.timeout == REQUEST_TIMEOUT_SECONDS
    assert any(isinstance(h, RateLimitErrorRetryHandler) for h in people.retry_handlers)
    assert (background.timeout, background.retry_handlers) == (DISPATCH_TIMEOUT_SECONDS, [])
    assert len(standin.calls_to("auth.test")) == 1  # asked once, when the factory was made


def test_a_rejected_bot_token_stops_the_start_in_one_line(
    standin: SlackStandIn, db: Database
) -> None:
    revoked = {"slack_bot_token": SecretStr("xoxb-revoked")}
    settings = test_settings(standin, db.url).model_copy(update=revoked)

    with pytest.raises(ConfigError) as refused:
        create_app(settings, db=db)

    message = str(refused.value)
    assert message.splitlines() == [message]
    assert message.startswith(f"SLACK_BOT_TOKEN was not accepted by Slack at {standin.api_url}")
    assert "(invalid_auth)" in message
