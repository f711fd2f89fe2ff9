"""Requests shaped and signed the way Slack sends them to the bot's request URL.

The tests, the benchmark and the demo all play "Slack" through this one sender.
"""

from __future__ import annotations

import itertools
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from slack_sdk.signature import SignatureVerifier

_counter = itertools.count(1)
_message_counter = itertools.count(1)  # message ts suffixes: unique within the process


def new_message_ts() -> str:
    """A fresh message ts, unique within the process, as Slack writes them."""
    return f"{int(time.time())}.{next(_message_counter):06d}"


def sign(signing_secret: str, timestamp: int, body: str) -> str:
    """The X-Slack-Signature Slack sends with `body` at `timestamp`, as slack_sdk computes it."""
    return _signature(SignatureVerifier(signing_secret), timestamp, body)


def _signature(verifier: SignatureVerifier, timestamp: int, body: str) -> str:
    signature = verifier.generate_signature(timestamp=str(timestamp), body=body)
    if signature is None:  # slack_sdk's answer to a missing timestamp; there always is one
        raise ValueError("no signature without a timestamp")
    return signature


@dataclass(frozen=True)
class SlackReply:
    """The bot's answer to a request Slack sent."""

    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        """The body as JSON, or None when the bot answered with an empty body."""
        return json.loads(self.body) if self.body else None


@dataclass
class SlackPerson:
    """Who Slack says did something: a user in a workspace."""

    user_id: str = "U0456EFGH"
    team_id: str = "T0123ABCD"
    name: str = "dana"

    def as_payload_user(self) -> dict[str, str]:
        """The `user` object of an interaction payload."""
        return {
            "id": self.user_id,
            "username": self.name,
            "name": self.name,
            "team_id": self.team_id,
        }


class SignedSlackSender:
    """Posts commands, interactions and events to the bot as Slack would."""

    def __init__(self, events_url: str, signing_secret: str, response_url: str = "") -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self._verifier = SignatureVerifier(signing_secret)
        self.response_url = response_url or "https://hooks.slack.com/commands/T0/1/x"

    # -- the raw request ------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        signed: bool = True,
        extra_headers: dict[str, str] | None = None,
    ) -> SlackReply:
        """POST `body` to the bot, signed now with the signing secret.

        Tests of request verification bend it: an old `timestamp`, a `signature` of their
        own (a wrong one, or one made for another body), or no signature at all.
        """
        timestamp = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": content_type, **(extra_headers or {})}
        if signed:
            headers["X-Slack-Request-Timestamp"] = str(timestamp)
            headers["X-Slack-Signature"] = signature or _signature(self._verifier, timestamp, body)
        request = urllib.request.Request(
            self.events_url, data=body.encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return SlackReply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return SlackReply(error.code, error.read().decode(), dict(error.headers))

    # -- bodies, as Slack shapes them -----------------------------------------------------------
    @staticmethod
    def new_trigger_id() -> str:
        """A fresh trigger_id, shaped like Slack's."""
        return f"{next(_counter)}.1234567890.{secrets.token_hex(16)}"

    def slash_command_body(
        self, text: str, person: SlackPerson, *, trigger_id: str | None = None
    ) -> str:
        """The form body Slack posts when `person` runs ``/interview text``."""
        return urllib.parse.urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": person.team_id,
                "team_domain": "careers-club",
                "channel_id": "C0GEN4567",
                "channel_name": "job-hunt",
                "user_id": person.user_id,
                "user_name": person.name,
                "command": "/interview",
                "text": text,
                "api_app_id": "A0789IJKL",
                "is_enterprise_install": "false",
                "response_url": self.response_url,
                "trigger_id": trigger_id or self.new_trigger_id(),
            }
        )

    def slash_command(
        self, text: str, person: SlackPerson | None = None, **kwargs: Any
    ) -> SlackReply:
        """`person` runs ``/interview text``; `kwargs` go to `post` (and ``trigger_id``)."""
        trigger_id = kwargs.pop("trigger_id", None)
        body = self.slash_command_body(text, person or SlackPerson(), trigger_id=trigger_id)
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> SlackReply:
        """Post an interaction payload, form-encoded the way Slack sends it."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kwargs)

    def view_submission(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        person: SlackPerson | None = None,
        **kwargs: Any,
    ) -> SlackReply:
        """Submit a view the bot opened, with `values` as Slack's `state.values`."""
        person = person or SlackPerson()
        submitted = {**view, "state": {"values": values}, "team_id": person.team_id}
        payload = {
            "type": "view_submission",
            "team": {"id": person.team_id, "domain": "careers-club"},
            "user": person.as_payload_user(),
            "api_app_id": "A0789IJKL",
            "token": "legacy-verification-token",
            "trigger_id": self.new_trigger_id(),
            "view": submitted,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return self.interaction(payload, **kwargs)

    def block_action(
        self,
        action: dict[str, Any],
        *,
        person: SlackPerson | None = None,
        container: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> SlackReply:
        """`person` presses `action` in a message (`container`, `message`) or a view."""
        person = person or SlackPerson()
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": person.as_payload_user(),
            "api_app_id": "A0789IJKL",
            "token": "legacy-verification-token",
            "container": container or {"type": "view", "view_id": (view or {}).get("id", "")},
            "trigger_id": self.new_trigger_id(),
            "team": {"id": person.team_id, "domain": "careers-club"},
            "enterprise": None,
            "is_enterprise_install": False,
            "response_url": self.response_url,
            "actions": [{"type": "button", "action_ts": f"{time.time():.6f}", **action}],
            "state": {"values": {}},
        }
        if message is not None:
            payload["message"] = message
            payload["channel"] = {
                "id": container.get("channel_id") if container else "",
                "name": "directmessage",
            }
        if view is not None:
            payload["view"] = view
        return self.interaction(payload, **kwargs)

    def direct_message(
        self,
        text: str,
        person: SlackPerson,
        channel: str,
        *,
        thread_ts: str | None = None,
        ts: str | None = None,
        **kwargs: Any,
    ) -> SlackReply:
        """The person writes `text` in their DM with the bot (in a thread, given its ts); the
        message's ts is `ts` when given (see SlackStandIn.person_wrote), else a fresh one."""
        ts = ts or new_message_ts()
        event: dict[str, Any] = {
            "type": "message",
            # Slack escapes these three in message text: the person never typed them.
            "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            "user": person.user_id,
            "ts": ts,
            "team": person.team_id,
            "channel": channel,
            "event_ts": ts,
            "channel_type": "im",
        }
        if thread_ts is not None:
            event |= {"thread_ts": thread_ts, "parent_user_id": "U0BOT5678"}
        return self.event(event, person, **kwargs)

    def event(
        self,
        event: dict[str, Any],
        person: SlackPerson | None = None,
        *,
        event_id: str | None = None,
        **kwargs: Any,
    ) -> SlackReply:
        """Deliver `event` in an Events API envelope, as JSON."""
        person = person or SlackPerson()
        envelope = {
            "token": "legacy-verification-token",
            "team_id": person.team_id,
            "context_team_id": person.team_id,
            "context_enterprise_id": None,
            "api_app_id": "A0789IJKL",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_counter):09d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": person.team_id,
                    "user_id": "U0BOT5678",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self.post(json.dumps(envelope), "application/json", **kwargs)


def fill_view_state(view: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The `state.values` Slack would send after a person answered a modal's inputs.

    `answers` maps an input block's id to what the person chose: text for a text input,
    epoch seconds for a date-time picker, "YYYY-MM-DD" for a date picker, an option value
    for a select, a list of option values for checkboxes. Unanswered inputs are sent empty,
    as Slack does.
    """
    values: dict[str, Any] = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block["element"]
        kind, action_id = element["type"], element["action_id"]
        answer = answers.get(block["block_id"])
        state: dict[str, Any] = {"type": kind}
        if kind == "plain_text_input":
            state["value"] = answer
        elif kind == "datetimepicker":
            state["selected_date_time"] = answer
        elif kind == "datepicker":
            state["selected_date"] = answer
        elif kind in {"static_select", "radio_buttons"}:
            options = {o["value"]: o for o in element.get("options", [])}
            state["selected_option"] = options.get(answer, {"value": answer} if answer else None)
        elif kind == "checkboxes":
            options = {o["value"]: o for o in element.get("options", [])}
            state["selected_options"] = [options.get(v, {"value": v}) for v in answer or []]
        values[block["block_id"]] = {action_id: state}
    return values
