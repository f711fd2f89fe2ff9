"""A DM's text as Slack shows it: markup Slack made becomes what it displays, what the person
typed stays as typed, and nothing survives as a live mention."""

from __future__ import annotations

import pytest

from bot.ui.text import as_shown_in_slack, escape_mrkdwn, mentioned_users

NAMES = {"U0SAM0001": "sam"}


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("<https://example.com|my query>", "my query (https://example.com)"),
        ("<https://example.com>", "https://example.com"),
        ("<https://example.com|https://example.com>", "https://example.com"),
        ("<mailto:dana@example.com|dana@example.com>", "dana@example.com"),
        ("<https://x.test/?a=1&amp;b=2|a &amp; b>", "a & b (https://x.test/?a=1&b=2)"),
        ("<@U0SAM0001>", "@sam"),
        ("<@U0NOBODY1>", "@U0NOBODY1"),  # Slack would not say who
        ("<@U0SAM0001|samuel>", "@samuel"),
        ("<#C0GEN4567|job-hunt>", "#job-hunt"),
        ("<#C0GEN4567|>", "#C0GEN4567"),
        ("<!channel> <!here> <!everyone>", "@channel @here @everyone"),
        ("<!here|here>", "@here"),
        ("<!subteam^S0TEAM|@recruiters>", "@recruiters"),
        ("<!date^1392734382^{date_short}|Feb 18, 2014>", "Feb 18, 2014"),
        # Typed by the person: Slack escaped it, and it stays their text.
        ("&lt;!channel&gt; &amp; &lt;@U0ADMIN&gt;", "<!channel> & <@U0ADMIN>"),
        ("a &amp;lt; b", "a &lt; b"),
        ("no markup at all", "no markup at all"),
    ],
)
def test_markup_shows_as_slack_displays_it(sent: str, shown: str) -> None:
    assert as_shown_in_slack(sent, NAMES) == shown


def test_quoted_back_nothing_in_it_is_live() -> None:
    quoted = escape_mrkdwn(as_shown_in_slack("<!channel> <@U0SAM0001> <#C1|x> &lt;!here&gt;", {}))

    assert "<" not in quoted.replace("&lt;", "")
    assert quoted == "@channel @U0SAM0001 #x &lt;!here&gt;"


def test_mentioned_users_are_those_slack_names_by_id_only() -> None:
    text = "<@U0SAM0001> <@U0DANA001|dana> <@U0SAM0001> <@W0GRID0001> &lt;@U0TYPED01&gt;"

    assert mentioned_users(text) == ["U0SAM0001", "W0GRID0001"]
