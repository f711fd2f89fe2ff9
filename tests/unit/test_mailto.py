"""The "Open in email" link: RFC 6068 encoding, and the length mail clients accept."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import pytest

from bot.rules.mailto import MAILTO_MAX, mailto_link
from bot.rules.text_limits import ELLIPSIS

# Slack refuses a button whose url is longer.
SLACK_URL_MAX = 3000


def fields(link: str) -> dict[str, str]:
    """The link's subject and body, decoded as a mail client does."""
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert urlunsplit(parts) == link
    decoded = parse_qs(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    assert all(len(values) == 1 for values in decoded.values())
    return {name: values[0] for name, values in decoded.items()}


def test_subject_and_body_are_percent_encoded_with_crlf_line_breaks() -> None:
    link = mailto_link(None, "Thank you, Priya", "Dear Priya,\n\nThanks!\nDana")

    assert link == (
        "mailto:?subject=Thank%20you%2C%20Priya&body=Dear%20Priya%2C%0D%0A%0D%0AThanks%21%0D%0ADana"
    )
    assert fields(link) == {
        "subject": "Thank you, Priya",
        "body": "Dear Priya,\r\n\r\nThanks!\r\nDana",
    }


@pytest.mark.parametrize(
    "text",
    [
        "A&B=C #1 50% + more? yes/no",
        "{{ 7*7 }} <!channel> *bold*",
        "דנה כהן عمر \u202eevil\u202c",
        "Zoë 👩🏽‍💻",
    ],
)
def test_what_would_break_a_url_survives_the_trip(text: str) -> None:
    link = mailto_link(None, text, text)

    assert fields(link) == {"subject": text, "body": text}
    # Nothing but unreserved characters and escapes after "mailto:?".
    assert re.fullmatch(r"[A-Za-z0-9._~%=&-]*", link.removeprefix("mailto:?"))


def test_every_line_break_becomes_crlf() -> None:
    link = mailto_link(None, "", "a\r\nb\rc\nd")

    assert link == "mailto:?body=a%0D%0Ab%0D%0Ac%0D%0Ad"


def test_empty_fields_are_left_out() -> None:
    assert mailto_link(None, "", "") == "mailto:"
    assert mailto_link(None, "Hi", "") == "mailto:?subject=Hi"


@pytest.mark.parametrize("unit", ["word ", "ü", "😀", "%", "line\n"])
def test_a_long_body_is_cut_to_what_mail_clients_accept(unit: str) -> None:
    body = "Start. " + unit * 3000

    link = mailto_link(None, "Thank you", body)

    assert MAILTO_MAX - 15 < len(link) <= MAILTO_MAX < SLACK_URL_MAX
    # Every escape whole, and the bytes they spell valid UTF-8 (no character split).
    assert re.fullmatch(r"(?:[^%]|%[0-9A-F]{2})*", link)
    unquote(link, errors="strict")
    sent = fields(link)
    assert sent["subject"] == "Thank you"
    assert sent["body"].endswith(ELLIPSIS)
    kept = sent["body"].removesuffix(ELLIPSIS).replace("\r\n", "\n")
    assert kept.startswith("Start. ")
    assert body.startswith(kept)


def test_an_address_goes_before_the_fields_and_a_name_is_refused() -> None:
    assert mailto_link("priya@acme.example", "Hi", "Yo") == (
        "mailto:priya@acme.example?subject=Hi&body=Yo"
    )
    assert mailto_link("a?b%c@x.example", "", "").startswith("mailto:a%3Fb%25c@x.example")
    for not_an_address in ["Priya Shah", "priya @acme.example", "@acme", "x@", "a" * 250 + "@x.io"]:
        with pytest.raises(ValueError, match="not an email address"):
            mailto_link(not_an_address, "Hi", "Yo")
