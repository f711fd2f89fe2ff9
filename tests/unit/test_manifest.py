"""The Slack app manifest's options: a base URL and a name Slack would refuse are refused here,
in one line naming the option."""

from __future__ import annotations

import pytest

from bot.manifest import MAX_NAME_LENGTH, ManifestError, build_manifest
from bot.slack.scopes import BOT_SCOPES


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("x.example", "is not an absolute https:// URL"),
        ("coach.example.com/slack", "is not an absolute https:// URL"),
        ("http://coach.example.com", "is not an absolute https:// URL"),
        # Slack's servers send the requests: a URL only this machine reaches never works.
        ("http://localhost:3000", "is not an absolute https:// URL"),
        ("ftp://coach.example.com", "is not an absolute https:// URL"),
        ("https://", "has no host"),
        ("https:///slack", "has no host"),
        ("https://coach example.com", "has a space in it"),
        ("https://coach.example.com/?team=1", "has a query or fragment"),
        ("https://coach.example.com/#top", "has a query or fragment"),
        ("https://coach.example.com:99999", "has a port that is not a number"),
        ("", "is not an absolute https:// URL"),
    ],
)
def test_a_base_url_slack_would_refuse_is_one_line_naming_it(base_url: str, problem: str) -> None:
    with pytest.raises(ManifestError) as caught:
        build_manifest(base_url)

    message = str(caught.value)
    assert message.splitlines() == [message]
    assert message.startswith(f"--base-url {base_url!r} {problem}")
    assert "Fix: give the public https address" in message


@pytest.mark.parametrize(
    ("base_url", "events_url"),
    [
        ("https://coach.example.com", "https://coach.example.com/slack/events"),
        ("https://coach.example.com/", "https://coach.example.com/slack/events"),
        ("HTTPS://coach.example.com:8443/bots", "HTTPS://coach.example.com:8443/bots/slack/events"),
        (" https://coach.example.com ", "https://coach.example.com/slack/events"),
    ],
)
def test_an_https_base_url_gives_the_request_urls(base_url: str, events_url: str) -> None:
    settings = build_manifest(base_url)["settings"]

    assert settings["event_subscriptions"]["request_url"] == events_url
    assert settings["interactivity"]["request_url"] == events_url
    assert settings["socket_mode_enabled"] is False


def test_a_name_slack_allows_names_the_app_and_its_bot_user() -> None:
    name = "N" * MAX_NAME_LENGTH

    manifest = build_manifest(name=name)

    assert manifest["display_information"]["name"] == name
    assert manifest["features"]["bot_user"]["display_name"] == name


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Interview Coach for the Whole Company", "is 37 characters; Slack allows at most 35"),
        ("", "--name is empty"),
        ("   ", "--name is empty"),
    ],
)
def test_a_name_slack_would_refuse_is_one_line_naming_it(name: str, problem: str) -> None:
    with pytest.raises(ManifestError) as caught:
        build_manifest(name=name)

    message = str(caught.value)
    assert message.splitlines() == [message]
    assert problem in message
    assert "Fix:" in message


def test_with_a_base_url_the_oauth_redirect_url_and_the_scopes_are_listed() -> None:
    manifest = build_manifest("https://coach.example.com/")

    assert manifest["oauth_config"] == {
        "scopes": {"bot": BOT_SCOPES},
        "redirect_urls": ["https://coach.example.com/slack/oauth_redirect"],
    }
    assert manifest["settings"]["token_rotation_enabled"] is False  # one static token


def test_oauth_turns_token_rotation_on() -> None:
    manifest = build_manifest("https://coach.example.com", oauth=True)

    assert manifest["settings"]["token_rotation_enabled"] is True
    assert manifest["oauth_config"]["redirect_urls"] == [
        "https://coach.example.com/slack/oauth_redirect"
    ]


def test_oauth_without_a_base_url_is_refused_in_one_line() -> None:
    with pytest.raises(ManifestError) as caught:
        build_manifest(None, oauth=True)

    message = str(caught.value)
    assert message.splitlines() == [message]
    assert message.startswith("--oauth needs --base-url")


def test_the_install_asks_for_the_scopes_the_manifest_lists() -> None:
    """One list in code: the OAuth flow's scopes are the manifest's."""
    from bot.slack import oauth

    assert oauth.BOT_SCOPES is BOT_SCOPES
