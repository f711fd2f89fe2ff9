"""A local stand-in for the Slack Web API and response URLs, for tests and the demo.

The bot's real ``slack_sdk.WebClient(base_url=standin.api_url)`` and Bolt's ``respond()`` talk to
it unchanged, so tests run the same HTTP, JSON and error-handling code as production does. Answer
shapes mirror the captured fixtures in the captured fixtures (tests/fixtures/slack/api_*.json).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import socketserver
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from coach_devkit.slack_standin.background import BackgroundServer
from coach_devkit.slack_standin.socket_mode import SocketModeStandIn

RESPONSE_URL = "response_url"  # the pseudo method name response-URL posts are recorded under
BOT_ID = "B0BOT1234"
APP_ID = "A0789IJKL"
BOT_NAME = "interview-coach"
TEAM_NAME = "Stand-in Workspace"
TEAM_DOMAIN = "standin"
DEFAULT_RETRY_AFTER = 3
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # the only ones an xapp- token may call

# Slack's own limits, the ones the bot could plausibly trip over; checking them here surfaces the
# bot's bugs in tests instead of in production.
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_BLOCK_TEXT = {"section": 3000, "header": 150}
MAX_MODAL_TEXT = 24  # title, submit and close
MAX_PRIVATE_METADATA = 3000
MAX_MESSAGE_TEXT = 40_000
MAX_ID = 255  # block_id and action_id
MAX_BLOCK_ELEMENTS = {"context": 10, "actions": 25}
MAX_INPUT_TEXT = 2000  # an input block's label and hint
MAX_PLACEHOLDER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_OPTION_TEXT = 75  # an option's text and description
MAX_OPTION_VALUE = 150  # docs.slack.dev's option object; the older api.slack.com page said 75
# Checkboxes and radio buttons stop at 10 options, not a select menu's 100 (docs.slack.dev).
MAX_OPTIONS = {
    "static_select": 100,
    "multi_static_select": 100,
    "checkboxes": 10,
    "radio_buttons": 10,
}

# Form-encoded bodies carry these as JSON strings; decoding them lets tests look inside.
_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "metadata", "user_auth_blocks"})

# zoneinfo only knows abbreviations; Slack's tz_label spells them out.
_TZ_LABELS = {
    "HST": "Hawaii-Aleutian Standard Time",
    "AKST": "Alaska Standard Time",
    "AKDT": "Alaska Daylight Time",
    "PST": "Pacific Standard Time",
    "PDT": "Pacific Daylight Time",
    "MST": "Mountain Standard Time",
    "MDT": "Mountain Daylight Time",
    "CST": "Central Standard Time",
    "CDT": "Central Daylight Time",
    "EST": "Eastern Standard Time",
    "EDT": "Eastern Daylight Time",
    "GMT": "Greenwich Mean Time",
    "UTC": "Coordinated Universal Time",
    "BST": "British Summer Time",
    "WET": "Western European Time",
    "WEST": "Western European Summer Time",
    "CET": "Central European Time",
    "CEST": "Central European Summer Time",
    "EET": "Eastern European Time",
    "EEST": "Eastern European Summer Time",
    "IST": "India Standard Time",
    "JST": "Japan Standard Time",
    "KST": "Korea Standard Time",
    "AEST": "Australian Eastern Standard Time",
    "AEDT": "Australian Eastern Daylight Time",
    "NZST": "New Zealand Standard Time",
    "NZDT": "New Zealand Daylight Time",
}


@dataclass(frozen=True)
class RecordedCall:
    """One request the stand-in received, successful or not."""

    method: str
    params: dict[str, Any]
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    failed: bool = False
    error: str | None = None
    at: float = field(default_factory=time.monotonic)
    detail: str | None = None  # why a check failed, e.g. which Block Kit limit was exceeded
    response: dict[str, Any] | None = None  # the JSON answered to a successful API call


class _ApiError(Exception):
    """A Slack-level refusal: HTTP 200 with ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.detail:
            # Slack explains argument and Block Kit errors the same way.
            body["response_metadata"] = {"messages": [f"[ERROR] {self.detail}"]}
        return body


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def _json_reply(
    payload: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> _Reply:
    return _Reply(status, json.dumps(payload).encode(), headers=headers or {})


def _text_reply(status: int, text: str, content_type: str = "text/plain") -> _Reply:
    return _Reply(status, text.encode(), f"{content_type}; charset=utf-8")


@dataclass(frozen=True)
class _Failure:
    error: str
    status: int | None
    retry_after: int | None

    def reply(self, *, webhook: bool) -> _Reply:
        default_status = 429 if self.error == "ratelimited" else (400 if webhook else 200)
        status = self.status or default_status
        headers: dict[str, str] = {}
        if status == 429 or self.retry_after is not None:
            retry_after = DEFAULT_RETRY_AFTER if self.retry_after is None else self.retry_after
            headers["Retry-After"] = str(retry_after)
        if webhook:
            # Response URLs answer errors as bare text, not JSON.
            return _Reply(status, self.error.encode(), "text/plain; charset=utf-8", headers)
        if status in (502, 503, 504):
            # Gateway errors come from Slack's edge, not the API, so the body is not JSON.
            html = f"<html><body><h1>{status} {self.error}</h1></body></html>"
            return _Reply(status, html.encode(), "text/html; charset=utf-8", headers)
        return _json_reply({"ok": False, "error": self.error}, status, headers)


@dataclass(frozen=True)
class _User:
    id: str
    tz: str
    name: str
    real_name: str
    deleted: bool
    updated: int


def _tz_fields(tz: str) -> tuple[str, int]:
    """Slack's (tz_label, tz_offset) for a zone right now, so DST is reflected like Slack does."""
    local = datetime.now(ZoneInfo(tz))
    offset = int((local.utcoffset() or timedelta(0)).total_seconds())
    label = _TZ_LABELS.get(local.tzname() or "")
    if label is None:
        sign = "+" if offset >= 0 else "-"
        hours, minutes = divmod(abs(offset) // 60, 60)
        label = f"GMT{sign}{hours:02d}:{minutes:02d}"
    return label, offset


def _text_of(obj: Any) -> str:
    """The ``text`` of a Block Kit text object, or "" if there is none."""
    return str(obj.get("text", "")) if isinstance(obj, dict) else ""


def _blocks_problem(blocks: Any, limit: int) -> str | None:
    """Why Slack would reject these blocks, or None if it would take them."""
    if not isinstance(blocks, list):
        return "blocks must be a JSON array"
    if len(blocks) > limit:
        return f"{len(blocks)} blocks, more than the {limit} allowed"
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        if not isinstance(block, dict) or not block.get("type"):
            return f"block {i} has no type"
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in block_ids:
                return f"block {i} repeats block_id {block_id!r}"
            block_ids.add(block_id)
        problem = _block_problem(block)
        if problem:
            return f"block {i} ({block['type']}) {problem}"
    return None


def _too_long(what: str, value: Any, limit: int) -> str | None:
    """Why a string or text object is too long for Slack, or None; absent values pass."""
    text = _text_of(value) if isinstance(value, dict) else "" if value is None else str(value)
    return f"{what} is {len(text)} chars, over {limit}" if len(text) > limit else None


def _block_problem(block: dict[str, Any]) -> str | None:
    """Why Slack would reject this one block, or None; the caller names the block."""
    kind = block["type"]
    elements = block.get("elements")
    max_elements = MAX_BLOCK_ELEMENTS.get(kind)
    if max_elements is not None and isinstance(elements, list) and len(elements) > max_elements:
        return f"has {len(elements)} elements, more than the {max_elements} allowed"
    checks: list[tuple[str, Any, int]] = [("block_id", block.get("block_id"), MAX_ID)]
    if kind in MAX_BLOCK_TEXT:
        checks.append(("text", block.get("text"), MAX_BLOCK_TEXT[kind]))
    if kind == "input":
        checks.append(("label", block.get("label"), MAX_INPUT_TEXT))
        checks.append(("hint", block.get("hint"), MAX_INPUT_TEXT))
    for what, value, limit in checks:
        problem = _too_long(what, value, limit)
        if problem:
            return problem
    # Context elements are text and images; the interactive ones live in these three places.
    interactive = [block.get("accessory"), block.get("element")]
    if kind == "actions" and isinstance(elements, list):
        interactive += elements
    for element in interactive:
        problem = _element_problem(element) if isinstance(element, dict) else None
        if problem:
            return problem
    return None


def _element_problem(element: dict[str, Any]) -> str | None:
    """Why Slack would reject this interactive element, or None."""
    kind = element.get("type")
    options = element.get("options")
    max_options = MAX_OPTIONS.get(str(kind))
    if max_options is not None and isinstance(options, list) and len(options) > max_options:
        return f"{kind} has {len(options)} options, more than the {max_options} allowed"
    checks: list[tuple[str, Any, int]] = [
        ("action_id", element.get("action_id"), MAX_ID),
        ("placeholder", element.get("placeholder"), MAX_PLACEHOLDER),
    ]
    if kind == "button":
        checks.append(("text", element.get("text"), MAX_BUTTON_TEXT))
        checks.append(("value", element.get("value"), MAX_BUTTON_VALUE))
    for j, option in enumerate(options if isinstance(options, list) else []):
        if isinstance(option, dict):
            checks.append((f"option {j} text", option.get("text"), MAX_OPTION_TEXT))
            checks.append((f"option {j} description", option.get("description"), MAX_OPTION_TEXT))
            checks.append((f"option {j} value", option.get("value"), MAX_OPTION_VALUE))
    for what, value, limit in checks:
        problem = _too_long(f"{kind} {what}", value, limit)
        if problem:
            return problem
    # Slack will not prefill a text input with more than the person could submit.
    initial, max_length = str(element.get("initial_value") or ""), element.get("max_length")
    if kind == "plain_text_input" and isinstance(max_length, int) and len(initial) > max_length:
        return f"{kind} initial_value is {len(initial)} chars, over its max_length {max_length}"
    return None


def _view_problem(view: dict[str, Any]) -> str | None:
    """Why Slack would reject this modal or Home tab view, or None."""
    if view["type"] == "modal":
        if not _text_of(view.get("title")):
            return "modal has no title"
        for key in ("title", "submit", "close"):
            text = _text_of(view.get(key))
            if len(text) > MAX_MODAL_TEXT:
                return f"modal {key} is {len(text)} chars, over {MAX_MODAL_TEXT}"
    metadata = str(view.get("private_metadata", ""))
    if len(metadata) > MAX_PRIVATE_METADATA:
        return f"private_metadata is {len(metadata)} chars, over {MAX_PRIVATE_METADATA}"
    return _blocks_problem(view.get("blocks", []), MAX_VIEW_BLOCKS)


def _decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    for key in _JSON_FIELDS & params.keys():
        value = params[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            # Undecodable values stay strings, so the block checks can say what is wrong.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


class SlackStandIn(BackgroundServer):
    """A Slack Web API impersonator on a local port; see the module docstring."""

    def __init__(
        self,
        bot_token: str = "xoxb-standin",
        team_id: str = "T0123ABCD",
        bot_user_id: str = "U0BOT5678",
        host: str = "127.0.0.1",
        port: int = 0,
        app_token: str = "xapp-standin",
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        super().__init__(host, port)
        # One condition guards all state, so wait_for() wakes exactly when a call is recorded.
        self._cond = threading.Condition()
        self._socket_mode: SocketModeStandIn | None = None
        self._users: dict[str, _User] = {}
        self._seq = 0  # survives reset() so ids stay unique for the stand-in's lifetime
        self._last_ts_us = 0
        self._calls: list[RecordedCall] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._home_views: dict[str, str] = {}
        self._open_dms: set[str] = set()
        self._expired_triggers: set[str] = set()
        self._held: set[str] = set()  # methods whose answers wait for release()
        self._waiting: dict[str, int] = {}  # how many calls to each held method are waiting
        self._api: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "apps.connections.open": self._apps_connections_open,
        }

    # -- lifecycle -------------------------------------------------------------------------------

    def _create_server(self) -> _Server:
        return _Server((self.host, self.port), self)

    def _after_stop(self) -> None:
        with self._cond:
            self._held.clear()  # nothing waits on a stand-in that is gone
            self._cond.notify_all()
            socket_mode, self._socket_mode = self._socket_mode, None
        if socket_mode is not None:
            socket_mode.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.bound_port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "default") -> str:
        return f"{self.base_url}/response/{quote(name, safe='')}"

    @property
    def socket_mode(self) -> SocketModeStandIn:
        """The Socket Mode server apps.connections.open points at; started on first use, so
        HTTP-only tests pay nothing for it."""
        with self._cond:
            if self._socket_mode is None:
                self._socket_mode = SocketModeStandIn(host=self.host).start()
            return self._socket_mode

    # -- test controls ---------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        tz: str = "America/Los_Angeles",
        name: str | None = None,
        real_name: str | None = None,
        deleted: bool = False,
    ) -> None:
        ZoneInfo(tz)  # fail here, in the test's setup, rather than inside a request
        name = name or user_id.lower()
        user = _User(user_id, tz, name, real_name or name.title(), deleted, int(time.time()))
        with self._cond:
            self._users[user_id] = user

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        *,
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        if times < 1:
            raise ValueError("times must be at least 1")
        failure = _Failure(error, status, retry_after)
        with self._cond:
            self._failures.setdefault(method, deque()).extend([failure] * times)

    def expire_trigger(self, trigger_id: str) -> None:
        with self._cond:
            self._expired_triggers.add(trigger_id)

    def hold(self, method: str) -> None:
        """Keep every call to `method` waiting, unanswered, until `release(method)`.

        A test can then act while the bot is inside the call: kill it, or move its clock.
        """
        with self._cond:
            self._held.add(method)

    def release(self, method: str) -> None:
        """Answer the calls to `method` held so far, and stop holding it."""
        with self._cond:
            self._held.discard(method)
            self._cond.notify_all()

    def wait_until_held(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Block until `count` calls to the held `method` are waiting for their answer."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._waiting.get(method, 0) >= count, timeout):
                raise AssertionError(
                    f"waited {timeout}s for {count} held {method} call(s), "
                    f"got {self._waiting.get(method, 0)}"
                )

    def reset(self) -> None:
        """Forget calls, queued failures, messages, views and open DMs, and release held
        methods; keep users."""
        with self._cond:
            self._held.clear()
            self._cond.notify_all()
            self._calls.clear()
            self._failures.clear()
            self._messages.clear()
            self._views.clear()
            self._home_views.clear()
            self._open_dms.clear()
            self._expired_triggers.clear()

    # -- inspection ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every request so far, in arrival order (a snapshot)."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str, *, include_failed: bool = False) -> list[RecordedCall]:
        with self._cond:
            return [
                c for c in self._calls if c.method == method and (include_failed or not c.failed)
            ]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Block until `count` successful calls to `method` exist; return all of them."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
                seen = [f"{c.method} ({c.error})" if c.failed else c.method for c in self._calls]
                raise AssertionError(
                    f"waited {timeout}s for {count} successful {method} call(s), "
                    f"got {len(self.calls_to(method))}; recorded: {seen}"
                )
            return self.calls_to(method)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        with self._cond:
            return copy.deepcopy(self._messages.get(channel, []))

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._cond:
            return copy.deepcopy(self._views.get(view_id))

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        with self._cond:
            return copy.deepcopy(self._views.get(self._home_views.get(user_id, "")))

    # -- request handling (server threads) -------------------------------------------------------

    def _handle(
        self,
        method: str,
        params: dict[str, Any],
        token: str | None,
        headers: dict[str, str],
        body_error: str | None = None,
    ) -> _Reply:
        """Answer one request and record it."""
        webhook = method == RESPONSE_URL

        def record(
            error: str | None = None,
            detail: str | None = None,
            response: dict[str, Any] | None = None,
        ) -> None:
            failed = error is not None
            self._record(
                RecordedCall(
                    method, params, token, headers, failed, error, detail=detail, response=response
                )
            )

        with self._cond:
            if method in self._held:
                self._waiting[method] = self._waiting.get(method, 0) + 1
                self._cond.notify_all()
                self._cond.wait_for(lambda: method not in self._held)
                self._waiting[method] -= 1
            queue = self._failures.get(method)
            if queue:
                failure = queue.popleft()
                record(failure.error)
                return failure.reply(webhook=webhook)
            if body_error is not None:
                record(body_error)
                if webhook:
                    return _text_reply(400, body_error)
                return _json_reply(_ApiError(body_error).body())
            if webhook:
                record()
                return _text_reply(200, "ok")
            try:
                # A copy, so state the stand-in keeps never aliases what tests read from calls.
                payload = self._answer(method, copy.deepcopy(params), token)
            except _ApiError as err:
                record(err.error, err.detail)
                return _json_reply(err.body())
            answer = {"ok": True, **payload}
            record(response=copy.deepcopy(answer))
            return _json_reply(answer)

    def _record(self, call: RecordedCall) -> None:
        """Store a call and wake wait_for(); the caller holds the condition."""
        self._calls.append(call)
        self._cond.notify_all()

    def _answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        if not token:
            raise _ApiError("not_authed")
        # Slack keeps the token kinds apart: the app-level token opens sockets and nothing else.
        expected = self.app_token if method in APP_TOKEN_METHODS else self.bot_token
        if token != expected:
            known = token in (self.bot_token, self.app_token)
            raise _ApiError("not_allowed_token_type" if known else "invalid_auth")
        answer = self._api.get(method)
        if answer is None:
            raise _ApiError("unknown_method")
        return answer(params)

    def _next_ts(self) -> str:
        # Real clock time, nudged forward by a microsecond when needed: unique and increasing.
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _next_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    # -- Web API methods (called with the condition held) ----------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": TEAM_NAME,
            "user": BOT_NAME,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(str(params.get("user", "")))
        if user is None:
            raise _ApiError("user_not_found")
        tz_label, tz_offset = _tz_fields(user.tz)
        first_name, _, last_name = user.real_name.partition(" ")
        return {
            "user": {
                "id": user.id,
                "team_id": self.team_id,
                "name": user.name,
                "deleted": user.deleted,
                "color": hashlib.sha1(user.id.encode()).hexdigest()[:6],
                "real_name": user.real_name,
                "tz": user.tz,
                "tz_label": tz_label,
                "tz_offset": tz_offset,
                "profile": {
                    "real_name": user.real_name,
                    "display_name": user.name,
                    "first_name": first_name,
                    "last_name": last_name,
                },
                "is_admin": False,
                "is_owner": False,
                "is_bot": False,
                "is_app_user": False,
                "updated": user.updated,
            }
        }

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(params.get("users", "")).split(",") if u]
        if not users:
            raise _ApiError("users_list_not_supplied")
        if len(users) > 1:
            raise _ApiError("invalid_arguments", "the stand-in only opens 1:1 DMs")
        user_id = users[0]
        known = self._users.get(user_id)
        if known is not None and known.deleted:
            raise _ApiError("user_disabled")
        channel = {"id": "D" + user_id.removeprefix("U")}
        if user_id in self._open_dms:
            return {"no_op": True, "already_open": True, "channel": channel}
        self._open_dms.add(user_id)
        return {"channel": channel}

    def _chat_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _require_channel(params)
        _check_message_content(params)
        ts = self._next_ts()
        message: dict[str, Any] = {
            "bot_id": BOT_ID,
            "type": "message",
            "text": params.get("text", ""),
            "user": self.bot_user_id,
            "ts": ts,
            "app_id": APP_ID,
            "blocks": params.get("blocks", []),
            "team": self.team_id,
        }
        message.update(_pick(params, ("thread_ts", "attachments", "metadata")))
        self._messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": message}

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _require_channel(params)
        ts = str(params.get("ts", ""))
        message = next((m for m in self._messages.get(channel, []) if m["ts"] == ts), None)
        if message is None:
            raise _ApiError("message_not_found")
        _check_message_content(params)
        # Like Slack, fields the update leaves out keep their old values.
        message.update(_pick(params, ("text", "blocks", "attachments", "metadata")))
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        _require_channel(params)
        if not params.get("user"):
            raise _ApiError("user_not_found")
        _check_message_content(params)
        return {"message_ts": self._next_ts()}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(params.get("channel", "")), str(params.get("ts", ""))
        if channel in self._messages:
            self._messages[channel] = [m for m in self._messages[channel] if m["ts"] != ts]
        return {"channel": channel, "ts": ts}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id") or params.get("interactivity_pointer")
        if not trigger_id:
            raise _ApiError("invalid_arguments", "trigger_id is required")
        if trigger_id in self._expired_triggers:
            raise _ApiError("expired_trigger_id")
        view = _require_view(params, ("modal",))
        return {"view": self._store_view(view, previous=None)}

    def _views_update(self, params: dict[str, Any]) -> dict[str, Any]:
        if params.get("view_id"):
            previous = self._views.get(str(params["view_id"]))
        elif params.get("external_id"):
            external_id = params["external_id"]
            views = self._views.values()
            previous = next((v for v in views if v.get("external_id") == external_id), None)
        else:
            raise _ApiError("invalid_arguments", "view_id or external_id is required")
        if previous is None:
            raise _ApiError("not_found")
        _check_hash(params, previous)
        view = _require_view(params, ("modal", "home"))
        return {"view": self._store_view(view, previous)}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id", ""))
        if not user_id:
            raise _ApiError("invalid_arguments", "user_id is required")
        previous = self._views.get(self._home_views.get(user_id, ""))
        if previous is not None:
            _check_hash(params, previous)
        view = _require_view(params, ("home",))
        stored = self._store_view(view, previous)
        self._home_views[user_id] = stored["id"]
        return {"view": stored}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.socket_mode.new_url()}

    def _store_view(self, view: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
        """Keep a view the way Slack echoes it back: the sent fields plus Slack's own."""
        view_id = previous["id"] if previous else self._next_id("V")
        stored: dict[str, Any] = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": None,
            **view,
            "id": view_id,
            "team_id": self.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{self._next_id('')}",
            "root_view_id": previous["root_view_id"] if previous else view_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }
        stored.setdefault("blocks", [])
        self._views[view_id] = stored
        return stored


def _pick(params: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {k: params[k] for k in keys if k in params}


def _require_channel(params: dict[str, Any]) -> str:
    channel = str(params.get("channel", ""))
    if not channel:
        raise _ApiError("channel_not_found")
    return channel


def _check_message_content(params: dict[str, Any]) -> None:
    if not any(params.get(k) for k in ("text", "blocks", "attachments", "markdown_text")):
        raise _ApiError("no_text")
    if len(str(params.get("text", ""))) > MAX_MESSAGE_TEXT:
        raise _ApiError("msg_too_long")
    if "blocks" in params:
        problem = _blocks_problem(params["blocks"], MAX_MESSAGE_BLOCKS)
        if problem:
            raise _ApiError("invalid_blocks", problem)


def _require_view(params: dict[str, Any], types: tuple[str, ...]) -> dict[str, Any]:
    view = params.get("view")
    if not isinstance(view, dict) or view.get("type") not in types:
        raise _ApiError("invalid_arguments", f"view must be a JSON object of type {types}")
    problem = _view_problem(view)
    if problem:
        raise _ApiError("invalid_blocks", problem)
    return view


def _check_hash(params: dict[str, Any], previous: dict[str, Any]) -> None:
    # Slack refuses an update computed from a stale copy of the view.
    if params.get("hash") and params["hash"] != previous["hash"]:
        raise _ApiError("hash_conflict")


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a stuck client must not keep the test process alive

    def __init__(self, address: tuple[str, int], standin: SlackStandIn) -> None:
        self.standin = standin
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) that can stall for seconds
        # where DNS is unreachable; the stand-in never needs the server's name.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: access logs would drown test output, and calls are recorded anyway."""

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        prefix, _, name = url.path.lstrip("/").partition("/")
        if not name or prefix not in ("api", "response"):
            self._send(_text_reply(404, "not found"))
            return
        method = name if prefix == "api" else RESPONSE_URL
        headers = dict(self.headers.items())
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body_error = None
        try:
            params.update(self._read_body())
        except ValueError:
            body_error = "invalid_payload" if prefix == "response" else "invalid_json"
        token = _bearer(self.headers.get("Authorization")) or params.pop("token", None)
        if prefix == "response":
            params["_name"] = unquote(name)
        reply = self.server.standin._handle(
            method, _decode_json_fields(params), token, headers, body_error
        )
        self._send(reply)

    def _read_body(self) -> dict[str, Any]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if not raw:
            return {}
        if self.headers.get_content_type() == "application/json":
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            return body
        return {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def _send(self, reply: _Reply) -> None:
        # The client may have given up, or died, while its call was held: no one hears.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._write(reply)

    def _write(self, reply: _Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.startswith("Bearer "):
        return authorization.removeprefix("Bearer ").strip() or None
    return None
