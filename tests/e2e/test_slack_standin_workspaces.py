"""The stand-in's workspaces and OAuth, through slack_sdk's real WebClient: each workspace's
token reaches only its own people, oauth.v2.access exchanges codes and rotates tokens, and a
token that expired, was replaced or revoked is refused as Slack refuses it."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from coach_devkit.slack_standin import SlackStandIn
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

TEAM_B = "T0BBB0002"
BEA = "U0BEA0001"
REDIRECT = "https://coach.example.com/slack/oauth_redirect"


@pytest.fixture
def standin() -> Any:
    with SlackStandIn() as server:
        server.add_user("U0456EFGH")
        server.add_workspace(TEAM_B, "Bootcamp")
        server.add_user(BEA, team_id=TEAM_B)
        yield server


def client(standin: SlackStandIn, token: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=standin.api_url)


def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as refused:
        call()
    return str(refused.value.response["error"])


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def code_for(standin: SlackStandIn, team_id: str, state: str = "s1") -> tuple[str, str]:
    """The code and state Slack's authorize page sends back for an install into `team_id`."""
    query = urllib.parse.urlencode(
        {"client_id": standin.oauth.client_id, "state": state, "team": team_id}
    )
    opener = urllib.request.build_opener(_NoRedirects)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(f"{standin.authorize_url}?{query}&redirect_uri={REDIRECT}", timeout=5)
    assert redirect.value.code == 302
    location = urllib.parse.urlsplit(redirect.value.headers["Location"])
    assert location._replace(query="").geturl() == REDIRECT
    answer = dict(urllib.parse.parse_qsl(location.query))
    return answer["code"], answer["state"]


def exchange(standin: SlackStandIn, code: str) -> dict[str, Any]:
    answer = client(standin).oauth_v2_access(
        client_id=standin.oauth.client_id, client_secret=standin.oauth.client_secret, code=code
    )
    return dict(answer.data)  # type: ignore[arg-type]


def test_an_install_gives_a_token_that_works_only_in_its_own_workspace(
    standin: SlackStandIn,
) -> None:
    code, state = code_for(standin, TEAM_B)
    granted = exchange(standin, code)
    token = granted["access_token"]
    b = client(standin, token)

    assert state == "s1"
    assert granted["team"] == {"id": TEAM_B, "name": "Bootcamp"}
    assert "refresh_token" not in granted  # no rotation unless asked for
    assert b.auth_test()["team_id"] == TEAM_B
    assert b.users_info(user=BEA)["user"]["team_id"] == TEAM_B
    # Workspace A's person and DM are out of reach for B's token, and the other way round.
    assert error_of(lambda: b.users_info(user="U0456EFGH")) == "user_not_found"
    a = client(standin, standin.bot_token)
    assert error_of(lambda: a.conversations_open(users=BEA)) == "user_not_found"
    assert error_of(lambda: a.chat_postMessage(channel="D0BEA0001", text="hi")) == (
        "channel_not_found"
    )
    assert error_of(lambda: client(standin, "xoxb-made-up").auth_test()) == "invalid_auth"


def test_a_code_works_once_and_only_with_the_apps_secret(standin: SlackStandIn) -> None:
    code, _ = code_for(standin, TEAM_B)
    wrong = client(standin)

    assert error_of(
        lambda: wrong.oauth_v2_access(
            client_id=standin.oauth.client_id, client_secret="guessed", code=code
        )
    ) == ("bad_client_secret")
    exchange(standin, code)
    assert error_of(lambda: exchange(standin, code)) == "invalid_code"


def test_rotating_tokens_refresh_into_a_new_pair_and_the_old_token_stops(
    standin: SlackStandIn,
) -> None:
    standin.oauth.token_lifetime_seconds = 43200
    granted = exchange(standin, code_for(standin, TEAM_B)[0])
    old, refresh = granted["access_token"], granted["refresh_token"]

    refreshed = client(standin).oauth_v2_access(
        client_id=standin.oauth.client_id,
        client_secret=standin.oauth.client_secret,
        grant_type="refresh_token",
        refresh_token=refresh,
    )

    assert refreshed["token_type"] == "bot"
    assert refreshed["expires_in"] == 43200
    assert refreshed["access_token"] != old and refreshed["refresh_token"] != refresh
    assert client(standin, refreshed["access_token"]).auth_test()["team_id"] == TEAM_B
    assert error_of(lambda: client(standin, old).auth_test()) == "token_revoked"
    assert standin.tokens_of(TEAM_B) == [refreshed["access_token"]]
    spent = client(standin)
    assert error_of(
        lambda: spent.oauth_v2_access(
            client_id=standin.oauth.client_id,
            client_secret=standin.oauth.client_secret,
            grant_type="refresh_token",
            refresh_token=refresh,
        )
    ) == ("invalid_refresh_token")


def test_an_expired_token_is_refused_as_expired(standin: SlackStandIn) -> None:
    standin.oauth.token_lifetime_seconds = 0  # expired the moment it is issued
    token = exchange(standin, code_for(standin, TEAM_B)[0])["access_token"]

    assert error_of(lambda: client(standin, token).auth_test()) == "token_expired"


def test_auth_revoke_ends_the_calling_token(standin: SlackStandIn) -> None:
    token = exchange(standin, code_for(standin, TEAM_B)[0])["access_token"]
    b = client(standin, token)

    assert b.auth_revoke()["revoked"] is True
    assert error_of(b.auth_test) == "token_revoked"


def test_uninstalling_ends_every_token_of_that_workspace_only(standin: SlackStandIn) -> None:
    token = exchange(standin, code_for(standin, TEAM_B)[0])["access_token"]

    standin.uninstall(TEAM_B)

    assert error_of(lambda: client(standin, token).auth_test()) == "token_revoked"
    assert client(standin, standin.bot_token).auth_test()["team_id"] == standin.team_id
