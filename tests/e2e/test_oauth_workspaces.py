"""Many workspaces through OAuth, end to end against the stand-in: each installs through
/slack/install → Slack's authorize page → /slack/oauth_redirect → oauth.v2.access; each
person's messages go out with their own workspace's token (the stand-in checks it on every
call); an uninstall forgets that workspace's tokens and stops its nudges, and nothing else.
Rotating tokens are refreshed before a post; a refresh that fails waits, or stops the
workspace when Slack refuses it."""

from __future__ import annotations

import html
import logging
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, SlackPerson
from coach_devkit.slack_standin.web_api import APP_ID
from sqlalchemy import func, select, text

from bot.app import create_app
from bot.clock import FixedClock
from bot.coach.interviews import LogResult, submit_interview
from bot.coach.people import note_profile
from bot.config import load_settings
from bot.dispatch.dispatcher import DispatchReport
from bot.dispatch.job import build_dispatcher
from bot.dispatch.retention import retention_tick
from bot.http_server import HttpServer
from bot.rules.domain import NudgeStatus
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.slack.oauth import REFRESH_RETRIES, installation_store_of
from bot.store.db import Database
from bot.store.models import Interview, Nudge, SlackUser, WorkspaceRemoval
from bot.web import create_wsgi_app
from tests.e2e.test_log_submission import submit
from tests.harness import DANA, SIGNING_SECRET, RunningBot
from tests.personal_data_seed import rows_of

TEAM_A = DANA.team_id  # the stand-in's first workspace
TEAM_B = "T0BBB0002"
BEA = SlackPerson(user_id="U0BEA0001", team_id=TEAM_B, name="bea")
STATE_COOKIE = "slack-app-oauth-state"


def oauth_bot(standin: SlackStandIn, clock: FixedClock, db: Database) -> RunningBot:
    """The bot run with SLACK_CLIENT_ID and no SLACK_BOT_TOKEN, Slack being the stand-in."""
    settings = load_settings(
        _env_file=None,
        slack_signing_secret=SIGNING_SECRET,
        slack_client_id=standin.oauth.client_id,
        slack_client_secret=standin.oauth.client_secret,
        slack_api_url=standin.api_url,
        slack_authorize_url=standin.authorize_url,
        database_url=db.url,
    )
    bot = create_app(settings, clock=clock, db=db)
    server = HttpServer(create_wsgi_app(bot), "127.0.0.1", 0).start()
    # The app's Redirect URL, as configured in Slack (PUBLIC_BASE_URL is not set here).
    standin.oauth.redirect_url = server.url + "/slack/oauth_redirect"
    sender = SignedSlackSender(
        server.url + "/slack/events", SIGNING_SECRET, response_url=standin.response_url()
    )
    return RunningBot(bot, server, sender, standin, clock, db)


@pytest.fixture
def running(standin: SlackStandIn, clock: FixedClock, db: Database) -> Iterator[RunningBot]:
    standin.add_workspace(TEAM_B, "Bootcamp")
    standin.add_user(BEA.user_id, tz="Europe/Berlin", name=BEA.name, team_id=TEAM_B)
    bot = oauth_bot(standin, clock, db)
    try:
        yield bot
    finally:
        bot.idle()
        bot.server.stop()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None  # the test follows each redirect itself, as a browser with cookies would


def _get(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def install(running: RunningBot, team_id: str) -> str:
    """Install the app into `team_id` the way a person's browser does; the bot token it got."""
    return install_at(running.url, running.standin, team_id)


def install_at(bot_url: str, standin: SlackStandIn, team_id: str) -> str:
    """`install`, for a bot at `bot_url` (another process, say) with Slack at `standin`."""
    status, headers, page = _get(bot_url + "/slack/install")
    assert status == 200, page
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith(f"{STATE_COOKIE}=")
    # The "Add to Slack" button links to Slack's authorize page with a fresh state.
    [authorize_url] = {
        html.unescape(link)
        for link in re.findall(r'href="([^"]+)"', page)
        if link.startswith(standin.authorize_url + "?")
    }
    # On Slack's page the person picks the workspace and presses Allow; Slack redirects back.
    status, headers, _ = _get(f"{authorize_url}&team={team_id}")
    assert status == 302
    status, _, page = _get(headers["Location"], cookie=cookie)
    assert status == 200, page
    [exchange] = [c for c in standin.calls_to("oauth.v2.access") if c.params.get("code")][-1:]
    assert exchange.response is not None
    return str(exchange.response["access_token"])


def log_by_command(running: RunningBot, person: SlackPerson) -> None:
    """The person logs an interview: /interview logged, then the modal, over signed HTTP."""
    reply = submit(running, running.open_log_modal("logged Acme Corp", person), person)
    assert reply.status == 200 and reply.body == "", reply.body


def log_directly(running: RunningBot, person: SlackPerson) -> None:
    """An interview logged without a Slack call, so the next call is the dispatcher's."""
    now, playbook = running.clock.now(), default_playbook()
    note_profile(running.db, person.team_id, person.user_id, now, playbook=playbook)
    form = InterviewForm(company="Acme", format="in_person", happened_at=now - timedelta(hours=1))
    logged = submit_interview(
        running.db,
        team_id=person.team_id,
        user_id=person.user_id,
        form=form,
        now=now,
        source_view_id=f"V-{person.user_id}",
        playbook=playbook,
    )
    assert isinstance(logged, LogResult)


def dispatch_next(running: RunningBot) -> DispatchReport:
    """Move the clock to the earliest pending nudge and run the dispatcher once."""
    with running.db.transaction() as session:
        due = session.scalar(
            select(func.min(Nudge.due_at)).where(Nudge.status == NudgeStatus.PENDING)
        )
    assert due is not None, "nothing pending"
    running.clock.set(max(due, running.clock.now()))
    return build_dispatcher(running.bot.services, "test-worker").run_once()


def pending_of(db: Database, team_id: str) -> int:
    with db.transaction() as session:
        return int(
            session.scalar(
                select(func.count(Nudge.id))
                .join(Interview, Interview.id == Nudge.interview_id)
                .join(SlackUser, SlackUser.id == Interview.owner_id)
                .where(SlackUser.team_id == team_id, Nudge.status == NudgeStatus.PENDING)
            )
            or 0
        )


def installation_rows(db: Database, team_id: str) -> int:
    with db.engine.connect() as connection:
        return sum(
            int(
                connection.execute(
                    text(f"SELECT count(*) FROM {table} WHERE team_id = :team"), {"team": team_id}
                ).scalar_one()
            )
            for table in ("slack_installations", "slack_bots")
        )


def posts_to(standin: SlackStandIn, person: SlackPerson) -> list[str | None]:
    """The tokens of the successful chat.postMessage calls to the person's DM."""
    channel = "D" + person.user_id.removeprefix("U")
    return [c.token for c in standin.calls_to("chat.postMessage") if c.params["channel"] == channel]


def test_two_workspaces_install_get_their_own_tokens_and_one_uninstalls(
    running: RunningBot, standin: SlackStandIn, db: Database
) -> None:
    token_a, token_b = install(running, TEAM_A), install(running, TEAM_B)
    assert token_a != token_b
    assert installation_rows(db, TEAM_A) == installation_rows(db, TEAM_B) == 2

    for person in (DANA, BEA):
        log_by_command(running, person)
    while not (posts_to(standin, DANA) and posts_to(standin, BEA)):
        dispatch_next(running)

    # Every call the bot made for a workspace carried that workspace's token (the stand-in
    # refuses any other), and each person's DM got theirs.
    assert set(posts_to(standin, DANA)) == {token_a}
    assert set(posts_to(standin, BEA)) == {token_b}
    assert not [c for c in standin.calls if c.error in {"invalid_auth", "user_not_found"}]

    standin.uninstall(TEAM_A)
    reply = running.slack.event({"type": "app_uninstalled"}, DANA)
    running.idle()

    assert reply.status == 200
    assert installation_rows(db, TEAM_A) == 0
    assert installation_rows(db, TEAM_B) == 2
    assert pending_of(db, TEAM_A) == 0
    assert pending_of(db, TEAM_B) > 0
    with db.transaction() as session:
        assert list(session.scalars(select(WorkspaceRemoval.team_id))) == [TEAM_A]
    calls_before = len(standin.calls)

    while pending_of(db, TEAM_B) and len(posts_to(standin, BEA)) < 2:
        dispatch_next(running)

    assert set(posts_to(standin, BEA)) == {token_b}
    assert len(posts_to(standin, BEA)) == 2
    assert token_a not in {c.token for c in standin.calls[calls_before:]}

    # After the grace period (UNINSTALLED_DATA_RETENTION_DAYS, 30 by default) the scheduler's
    # retention job deletes the removed workspace's people; the other workspace keeps its own.
    assert any(rows_of(db, DANA.user_id).values())
    running.clock.advance(timedelta(days=31))
    report = retention_tick(running.bot.services)

    assert report is not None and report.workspaces.people == 1
    assert not any(rows_of(db, DANA.user_id).values())
    assert rows_of(db, BEA.user_id)["slack_user"] == rows_of(db, BEA.user_id)["interview"] == 1
    with db.transaction() as session:
        assert list(session.scalars(select(WorkspaceRemoval.team_id))) == []


def test_installing_again_brings_the_workspace_back(
    running: RunningBot, standin: SlackStandIn, db: Database
) -> None:
    install(running, TEAM_A)
    running.slack.event({"type": "app_uninstalled"}, DANA)
    running.idle()

    again = install(running, TEAM_A)

    with db.transaction() as session:
        assert list(session.scalars(select(WorkspaceRemoval.team_id))) == []
    store = installation_store_of(running.bot.services.clients)
    assert store is not None
    found = store.find_installation(enterprise_id=None, team_id=TEAM_A)
    assert found is not None and found.bot_token == again


def test_revoked_bot_tokens_delete_the_workspaces_bot(
    running: RunningBot, standin: SlackStandIn, db: Database
) -> None:
    install(running, TEAM_A)
    install(running, TEAM_B)
    log_directly(running, DANA)

    event = {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT5678"]}}
    assert running.slack.event(event, DANA).status == 200
    running.idle()

    with db.engine.connect() as connection:
        bots = connection.execute(text("SELECT team_id FROM slack_bots")).scalars().all()
    assert bots == [TEAM_B]
    assert pending_of(db, TEAM_A) == 0


def test_an_install_with_a_forged_state_is_refused(running: RunningBot, db: Database) -> None:
    status, headers, _ = _get(running.url + "/slack/install")
    cookie = headers["Set-Cookie"].split(";")[0]

    status, _, _ = _get(
        running.url + "/slack/oauth_redirect?code=anything&state=forged", cookie=cookie
    )

    assert status == 400  # the state is not the one this browser was given
    assert installation_rows(db, TEAM_A) == 0


# -- token rotation ------------------------------------------------------------------------


def test_a_token_expiring_in_a_minute_is_refreshed_before_the_post(
    running: RunningBot, standin: SlackStandIn, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # slack_sdk's and Bolt's own debug logs included
    standin.oauth.token_lifetime_seconds = 60  # tokens rotate, and this one is nearly gone
    installed = install(running, TEAM_A)
    standin.oauth.token_lifetime_seconds = 12 * 3600
    log_directly(running, DANA)

    report = dispatch_next(running)

    assert report.sent == 1
    refreshes = [c for c in standin.calls_to("oauth.v2.access") if c.params.get("refresh_token")]
    assert len(refreshes) == 1
    assert refreshes[0].response is not None
    refreshed = refreshes[0].response["access_token"]
    assert refreshed != installed
    assert posts_to(standin, DANA) == [refreshed]
    methods = [c.method for c in standin.calls]
    assert methods.index("oauth.v2.access", methods.index("oauth.v2.access") + 1) < methods.index(
        "chat.postMessage"
    )
    assert standin.tokens_of(TEAM_A) == [refreshed]  # the old token no longer works
    store = installation_store_of(running.bot.services.clients)
    assert store is not None
    found = store.find_installation(enterprise_id=None, team_id=TEAM_A)
    assert found is not None and found.bot_token == refreshed
    # Neither the code exchange nor the refresh logged a token, even at DEBUG.
    granted = [c.response for c in standin.calls_to("oauth.v2.access")]
    secrets = {g[k] for g in granted if g for k in ("access_token", "refresh_token") if k in g}
    assert len(secrets) == 4
    assert [t for t in secrets if t in caplog.text] == []
    assert "oauth.v2.access" in caplog.text or "Sending a request" in caplog.text


def test_a_refresh_slack_cannot_answer_is_retried_and_the_nudge_waits(
    running: RunningBot, standin: SlackStandIn, db: Database
) -> None:
    standin.oauth.token_lifetime_seconds = 60
    install(running, TEAM_A)
    log_directly(running, DANA)
    standin.fail_all("oauth.v2.access", "service_unavailable", status=503)

    report = dispatch_next(running)

    assert report == DispatchReport(claimed=1, rescheduled=1)
    refused = standin.calls_to("oauth.v2.access", include_failed=True)[-(1 + REFRESH_RETRIES) :]
    assert [c.error for c in refused] == ["service_unavailable"] * (1 + REFRESH_RETRIES)
    assert standin.calls_to("chat.postMessage") == []
    assert pending_of(db, TEAM_A) > 0  # nothing burned, nobody stopped

    standin.heal("oauth.v2.access")
    assert dispatch_next(running).sent == 1


def test_a_refresh_slack_refuses_stops_that_workspace_cleanly(
    running: RunningBot, standin: SlackStandIn, db: Database
) -> None:
    standin.oauth.token_lifetime_seconds = 60  # only workspace A's token is about to expire
    install(running, TEAM_A)
    standin.oauth.token_lifetime_seconds = 12 * 3600
    install(running, TEAM_B)
    log_directly(running, DANA)
    log_directly(running, BEA)
    standin.fail_next("oauth.v2.access", "invalid_refresh_token")

    for _ in range(10):
        if not pending_of(db, TEAM_A) and posts_to(standin, BEA):
            break
        dispatch_next(running)

    refreshes = standin.calls_to("oauth.v2.access", include_failed=True)
    assert [c.error for c in refreshes if c.params.get("refresh_token")] == [
        "invalid_refresh_token"  # asked once: a refusal is not tried again
    ]
    assert posts_to(standin, DANA) == []
    assert pending_of(db, TEAM_A) == 0  # cancelled together, not failed one by one
    with db.transaction() as session:
        assert list(session.scalars(select(WorkspaceRemoval.team_id))) == [TEAM_A]
        failed = session.scalars(select(Nudge.last_error).where(Nudge.status == NudgeStatus.FAILED))
        assert list(failed) == ["token refresh refused (invalid_refresh_token)"]
    assert len(posts_to(standin, BEA)) == 1  # the other workspace goes on


def test_a_token_another_replica_refreshed_meanwhile_is_taken_not_refused(
    running: RunningBot, standin: SlackStandIn, db: Database
) -> None:
    """Two replicas refresh the same expiring token at once: Slack refuses the refresh token's
    second use, and the slower replica takes the pair the faster one saved."""
    standin.oauth.token_lifetime_seconds = 60
    install(running, TEAM_A)
    clients = running.bot.services.clients
    store = installation_store_of(clients)
    assert store is not None
    got: list[str | None] = []
    standin.hold("oauth.v2.access")
    slower = threading.Thread(target=lambda: got.append(clients.client_for(TEAM_A).token))
    slower.start()
    standin.wait_until_held("oauth.v2.access")  # it read the installation and asked Slack

    # Meanwhile the other replica refreshed: Slack gave it a new pair, which it saved, and
    # the refresh token both asked with is spent.
    installation = store.find_installation(enterprise_id=None, team_id=TEAM_A)
    assert installation is not None
    theirs = standin.issue_token(TEAM_A)
    installation.bot_token, installation.bot_refresh_token = theirs, "xoxe-1-theirs"
    store.save(installation)
    standin.fail_next("oauth.v2.access", "invalid_refresh_token")
    standin.release("oauth.v2.access")
    slower.join(5)

    assert got == [theirs]
    # It asked Slack once, was refused, and did not try the spent refresh token again.
    [asked] = standin.calls_to("oauth.v2.access", include_failed=True)[1:]
    assert asked.error == "invalid_refresh_token"
    with db.transaction() as session:
        assert list(session.scalars(select(WorkspaceRemoval.team_id))) == []


def test_the_home_tab_link_names_the_installed_app(running: RunningBot) -> None:
    install(running, TEAM_A)

    link = running.bot.services.clients.home_url(TEAM_A)

    assert link == f"slack://app?team={TEAM_A}&id={APP_ID}&tab=home"
    assert running.bot.services.clients.home_url("T0NOBODY0") is None  # never installed
