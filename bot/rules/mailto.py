"""The "Open in email" link: a mailto: URL (RFC 6068) carrying a draft's subject and body."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from bot.rules.text_limits import shorten, slack_length

# Longer mailto: links are cut or refused by common mail clients (Outlook, and browsers
# handing links over, stop near 2,000 characters); also well inside the 3,000 characters
# Slack allows a button's url.
MAILTO_MAX = 2000
# RFC 5321: an address (local part, "@", domain) is at most 254 characters.
_ADDRESS_MAX = 254


def _encoded(text: str) -> str:
    # RFC 6068: line breaks in a body are CRLF, as %0D%0A; everything but the unreserved
    # characters is percent-encoded as UTF-8 (a "+" stays a plus, a space is %20).
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    return quote(lines.replace("\n", "\r\n"), safe="")


def _link(to: str, subject: str, body: str) -> str:
    fields = [f"{name}={_encoded(value)}" for name, value in (("subject", subject), ("body", body))]
    query = "&".join(field for field in fields if not field.endswith("="))
    return f"mailto:{to}?{query}" if query else f"mailto:{to}"


def _longest_fitting(text: str, fits: Callable[[str], bool]) -> str:
    """The longest shortened `text` (cut with an ellipsis) for which `fits` holds."""
    if fits(text):
        return text
    # shorten(text, 0) is "", which fits whenever anything does.
    low, high = 0, slack_length(text)
    while high - low > 1:
        middle = (low + high) // 2
        if fits(shorten(text, middle)):
            low = middle
        else:
            high = middle
    return shorten(text, low)


def mailto_link(to_address: str | None, subject: str, body: str) -> str:
    """A mailto: link that opens the person's mail client with this subject and body.

    `to_address` must be an email address or None (the person picks the recipient in their
    mail client): RFC 6068 allows only addresses there, and a name would become a bogus
    recipient. The link is at most MAILTO_MAX characters: the body is cut to fit (and a
    subject taking more than half of it, first), with an ellipsis, between characters, so
    no percent escape is broken.
    """
    to = ""
    if to_address is not None:
        local, at, domain = to_address.rpartition("@")
        spaced = any(char.isspace() for char in to_address)
        if not (local and at and domain) or spaced or len(to_address) > _ADDRESS_MAX:
            raise ValueError(f"not an email address: {to_address!r}")
        to = quote(to_address, safe="@")
    # However long the subject, half the link is left for the body.
    subject = _longest_fitting(subject, lambda s: len(_link(to, s, "")) <= MAILTO_MAX // 2)
    body = _longest_fitting(body, lambda b: len(_link(to, subject, b)) <= MAILTO_MAX)
    return _link(to, subject, body)
