"""Nothing secret leaves through the logs: a Filter on the root handlers rewrites every record.

Three layers, each catching what the others cannot:
- known secret values (every SecretStr setting: bot and app tokens, signing secret, client
  secret, encryption keys, whichever are configured) are replaced wherever they appear;
- slack_sdk and Bolt log whole request and response bodies at DEBUG (a DM's text, a modal's
  draft, an event's message text; Bolt logs an unhandled request's body at WARNING): those
  lines keep their method, URL and status and lose their bodies, and SQLAlchemy's DEBUG row
  dumps (stored answers and drafts) lose their values;
- anything shaped like a Slack token (xoxb-, xoxp-, xoxe-, xapp-, ...), and the path of a
  response_url or webhook URL (hooks.slack.com/...), is masked as a backstop.
The bot's own lines never carry a person's words (see docs/ARCHITECTURE.md, "Logs").
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable

MASK = "[redacted]"
# Slack's token shapes: bot, user, refresh (rotation), app-level, legacy workspace and config.
SLACK_TOKEN = re.compile(r"\bx(?:ox[abeprs]|app)(?:\.[A-Za-z0-9]+)?-[A-Za-z0-9-]+")
# A response_url or webhook URL is a credential too: anyone holding it may post there.
SLACK_HOOK = re.compile(r"(https://hooks\.slack(?:-gov)?\.com/)[^\s'\",)]+")
# Libraries whose lines may carry payloads; their lines are rewritten to a summary.
PAYLOAD_LOGGERS = ("slack_sdk", "slack_bolt")
# What slack_sdk logs of each call (BaseClient and the webhook/response_url sender), and what
# of it is kept: the URL of a request, the status of a response.
_SDK_REQUEST = re.compile(r"^Sending a request - url: (?P<url>[^,\s]+),")
_SDK_RESPONSE = re.compile(r"^Received the following response - status: (?P<status>\d+)")
# Bolt's ack line: 'Responding with status: 200 body: "..." (12 millis)'.
_BOLT_RESPONSE = re.compile(
    r'^Responding with status: (?P<status>\d+) body: ".*" \((?P<ms>\d+) millis\)$', re.S
)
# Past these, a library line is payload: everything from the first one on is dropped.
_PAYLOAD_MARKERS = re.compile(r"[{\[]|\bbody\b|\bpayload\b|\btext\b", re.I)
# SQLAlchemy's echo of result rows at DEBUG: the stored values themselves.
_SQL_ROW = "Row %r"


class RedactingFilter(logging.Filter):
    """Rewrites each record so that its formatted text carries no secret and no payload.

    Attach it to handlers (not loggers): a handler filter sees records propagated from every
    logger, including libraries' own.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = self._summary(record)
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        """`text` with every known secret and token-shaped string masked."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return SLACK_HOOK.sub(rf"\1{MASK}", SLACK_TOKEN.sub(MASK, text))

    @staticmethod
    def _summary(record: logging.LogRecord) -> str:
        """The record's message, without payloads when it comes from a library that logs them."""
        if record.name.startswith("sqlalchemy.engine") and record.msg == _SQL_ROW:
            return "Row (values hidden)"
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a library's bad format string: keep the template
            message = str(record.msg)
        if not record.name.startswith(PAYLOAD_LOGGERS):
            return message
        return library_summary(message)


def library_summary(message: str) -> str:
    """A slack_sdk or Bolt line with its bodies cut: what was called, and how it went."""
    if found := _SDK_REQUEST.match(message):
        return f"Sending a request - url: {found['url']} (parameters hidden)"
    if found := _SDK_RESPONSE.match(message):
        return f"Received the following response - status: {found['status']} (body hidden)"
    if found := _BOLT_RESPONSE.match(message):
        return f"Responding with status: {found['status']} (body hidden, {found['ms']} millis)"
    marker = _PAYLOAD_MARKERS.search(message)
    if marker is None:
        return message
    return message[: marker.start()].rstrip() + " … (payload hidden)"
