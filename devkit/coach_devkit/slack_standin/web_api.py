"""The Web API methods the bot calls, answered the way Slack answers them, and their state.

Only what the bot (and the demo driving it) calls is here: Bolt's ``auth.test`` at start-up,
``users.info``, ``conversations.open``, ``conversations.history``, ``chat.postMessage``
(with message metadata), ``chat.update``, ``chat.postEphemeral``, ``views.open``,
``views.publish``, ``chat.delete``, ``conversations.replies``, the methods of
``files_upload_v2`` and ``files.delete`` (in `files`) and Socket Mode's
``apps.connections.open``. Answer shapes mirror tests/fixtures/slack/api_*.json.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from coach_devkit.slack_standin import limits
from coach_devkit.slack_standin.errors import ApiError
from coach_devkit.slack_standin.files import Files
from coach_devkit.slack_standin.oauth import OAuthApp
from coach_devkit.slack_standin.users import StandInUser, user_object
from coach_devkit.slack_standin.workspaces import Workspace, Workspaces

BOT_ID = "B0BOT1234"
APP_ID = "A0789IJKL"
BOT_NAME = "interview-coach"
TEAM_NAME = "Stand-in Workspace"
TEAM_DOMAIN = "standin"
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # the only ones an xapp- token may call
# Called with the app's client id and secret, not a token.
CLIENT_CREDENTIAL_METHODS = frozenset({"oauth.v2.access"})

__all__ = ["ApiError", "WebApi"]


class WebApi:
    """One workspace's Web API: its people, DMs, messages and views.

    Not thread-safe by itself: the stand-in calls it with its condition held.
    """

    def __init__(
        self,
        *,
        bot_token: str,
        app_token: str,
        team_id: str,
        bot_user_id: str,
        new_socket_url: Callable[[], str],
        upload_url: Callable[[str], str] = lambda file_id: file_id,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        # The constructor's workspace is the first; tests add others and install into them.
        self.workspaces = Workspaces()
        self.workspaces.add(Workspace(team_id, TEAM_NAME, TEAM_DOMAIN, bot_user_id, BOT_ID))
        self.workspaces.issue(team_id, bot_token)
        self.oauth = OAuthApp(self.workspaces)
        self.caller = self.workspaces.teams[team_id]  # whose token the current call carries
        self._new_socket_url = new_socket_url
        self.users: dict[str, StandInUser] = {}
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.home_views: dict[str, str] = {}  # user id to the id of their Home tab's view
        self.expired_triggers: set[str] = set()
        self._open_dms: set[str] = set()
        self._seq = 0  # survives forget() so ids stay unique for the stand-in's lifetime
        self._last_ts_us = 0
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "bots.info": self._bots_info,
            "users.info": self._users_info,
            "conversations.open": self._conversations_open,
            "conversations.history": self._conversations_history,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._views_open,
            "views.publish": self._views_publish,
            "apps.connections.open": self._apps_connections_open,
            "chat.delete": self._chat_delete,
            "conversations.replies": self._conversations_replies,
            "oauth.v2.access": self.oauth.access,
            "auth.revoke": lambda _params: self.oauth.revoke(self._token),
        }
        self._token = ""
        self.files = Files(upload_url=upload_url, new_id=self._next_id, share=self._share_files)
        self._methods["files.getUploadURLExternal"] = self.files.get_upload_url
        self._methods["files.completeUploadExternal"] = self.files.complete
        self._methods["files.delete"] = self.files.delete

    def forget(self) -> None:
        """Forget messages, views, open DMs and expired triggers; keep the people."""
        self.messages.clear()
        self.views.clear()
        self.home_views.clear()
        self._open_dms.clear()
        self.expired_triggers.clear()
        self.files.forget()

    def answer(self, method: str, params: dict[str, Any], token: str | None) -> dict[str, Any]:
        """The fields of a successful answer (without ``ok``); raises ApiError on a refusal."""
        if method not in CLIENT_CREDENTIAL_METHODS:
            self._check_token(method, params, token)
        handler = self._methods.get(method)
        if handler is None:
            raise ApiError("unknown_method")
        return handler(params)

    def _check_token(self, method: str, params: dict[str, Any], token: str | None) -> None:
        """Refuse the call unless `token` may make it; note whose workspace it is for."""
        if not token:
            raise ApiError("not_authed")
        # Slack keeps the token kinds apart: the app-level token opens sockets and nothing else.
        if method in APP_TOKEN_METHODS or token == self.app_token:
            if token != self.app_token or method not in APP_TOKEN_METHODS:
                known = token == self.app_token or self.workspaces.knows(token)
                raise ApiError("not_allowed_token_type" if known else "invalid_auth")
            return
        self.caller = self.workspaces.caller(token)
        self._token = token
        self.workspaces.check_reach(self.caller, params)

    # -- ids ---------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        # Real clock time, nudged forward by a microsecond when needed: unique and increasing.
        self._last_ts_us = max(time.time_ns() // 1000, self._last_ts_us + 1)
        seconds, micros = divmod(self._last_ts_us, 1_000_000)
        return f"{seconds}.{micros:06d}"

    def _next_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq:08d}"

    # -- the methods -------------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        caller = self.caller
        return {
            "url": f"https://{caller.domain}.slack.com/",
            "team": caller.name,
            "user": BOT_NAME,
            "team_id": caller.team_id,
            "user_id": caller.bot_user_id,
            "bot_id": caller.bot_id,
            "is_enterprise_install": False,
        }

    def _bots_info(self, params: dict[str, Any]) -> dict[str, Any]:
        """The calling workspace's own bot only, with the app it belongs to."""
        caller = self.caller
        if str(params.get("bot", "")) != caller.bot_id:
            raise ApiError("bot_not_found")
        return {
            "bot": {
                "id": caller.bot_id,
                "deleted": False,
                "name": BOT_NAME,
                "app_id": APP_ID,
                "user_id": caller.bot_user_id,
            }
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(params.get("user", "")))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user_object(user, self.caller.team_id)}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("users", ""))
        if not user_id:
            raise ApiError("users_list_not_supplied")
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
            "bot_id": self.caller.bot_id,
            "type": "message",
            "text": params.get("text", ""),
            "user": self.caller.bot_user_id,
            "ts": ts,
            "app_id": APP_ID,
            "blocks": params.get("blocks", []),
            "team": self.caller.team_id,
        }
        if "thread_ts" in params:
            message["thread_ts"] = params["thread_ts"]
        metadata = _message_metadata(params.get("metadata"))
        if metadata is not None:
            message["metadata"] = metadata
        self.messages.setdefault(channel, []).append(message)
        return {"channel": channel, "ts": ts, "message": message}

    def _conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Newest first, like Slack; metadata only when asked for with include_all_metadata.

        Like Slack, replies stay in their thread (conversations.replies) and their parent
        carries reply_count; a reply whose parent the stand-in never saw (the person's own
        message) is shown at the top level, as nothing else would show it.
        """
        channel = _require_channel(params)
        if not channel.startswith("D"):
            raise ApiError("channel_not_found")  # only the bot's DMs are kept here
        messages = self.messages.get(channel, [])
        parents = {m["ts"] for m in messages}
        replies: dict[str, int] = {}
        for m in messages:
            if m.get("thread_ts") in parents and m["thread_ts"] != m["ts"]:
                replies[m["thread_ts"]] = replies.get(m["thread_ts"], 0) + 1
        top = [
            m for m in messages if m.get("thread_ts") not in parents and _within(m["ts"], params)
        ]
        shown = [
            {**m, "thread_ts": m["ts"], "reply_count": replies[m["ts"]]}
            if m["ts"] in replies
            else m
            for m in top
        ]
        return self._page(list(reversed(shown)), params)

    def _conversations_replies(self, params: dict[str, Any]) -> dict[str, Any]:
        """A thread, oldest first: its parent, then the replies."""
        channel = _require_channel(params)
        ts = str(params.get("ts", ""))
        messages = self.messages.get(channel, [])
        parent = next((m for m in messages if m["ts"] == ts), None)
        if parent is None:
            raise ApiError("thread_not_found")
        thread = [parent, *(m for m in messages if m.get("thread_ts") == ts and m["ts"] != ts)]
        return self._page(thread, params)

    def _page(self, messages: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
        limit = _int_param(params.get("limit"), default=100, low=1, high=999)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in {"1", "true"}
        start = _int_param(params.get("cursor") or 0, default=0, low=0, high=len(messages))
        page = []
        for message in messages[start : start + limit]:
            shown = {k: v for k, v in message.items() if k != "metadata" or with_metadata}
            page.append(shown)
        more = len(messages) > start + limit
        return {
            "messages": page,
            "has_more": more,
            "pin_count": 0,
            # Slack's cursors are opaque; here, the offset of the next page.
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = _require_channel(params)
        ts = str(params.get("ts", ""))
        message = next((m for m in self.messages.get(channel, []) if m["ts"] == ts), None)
        if message is None:
            raise ApiError("message_not_found")
        _check_message_content(params)
        # Like Slack, fields the update leaves out keep their old values.
        message.update({k: params[k] for k in ("text", "blocks") if k in params})
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _chat_delete(self, params: dict[str, Any]) -> dict[str, Any]:
        """Only the bot's own messages: Slack refuses a bot token anyone else's."""
        channel = _require_channel(params)
        ts = str(params.get("ts", ""))
        messages = self.messages.get(channel, [])
        message = next((m for m in messages if m["ts"] == ts), None)
        if message is None:
            raise ApiError("message_not_found")
        if message.get("user") != self.caller.bot_user_id:
            raise ApiError("cant_delete_message")
        messages.remove(message)
        return {"channel": channel, "ts": ts}

    def _share_files(self, channel: str, text: str, files: list[dict[str, Any]]) -> None:
        """The bot's message that shares uploaded files in `channel`."""
        message = {"type": "message", "user": self.caller.bot_user_id, "ts": self._next_ts()}
        self.messages.setdefault(channel, []).append({**message, "text": text, "files": files})

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        _require_channel(params)
        if not params.get("user"):
            raise ApiError("user_not_found")
        _check_message_content(params)
        return {"message_ts": self._next_ts()}

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        trigger_id = params.get("trigger_id")
        if not trigger_id:
            raise ApiError("invalid_arguments", "trigger_id is required")
        if trigger_id in self.expired_triggers:
            raise ApiError("expired_trigger_id")
        view = _require_view(params, "modal")
        return {"view": self._store_view(view, view_id=self._next_id("V"))}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user_id", ""))
        if not user_id:
            raise ApiError("invalid_arguments", "user_id is required")
        view = _require_view(params, "home")
        # One Home tab per person, like Slack: publishing again replaces it under the same id.
        view_id = self.home_views.get(user_id) or self._next_id("V")
        self.home_views[user_id] = view_id
        return {"view": self._store_view(view, view_id=view_id)}

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self._new_socket_url()}

    def _store_view(self, view: dict[str, Any], *, view_id: str) -> dict[str, Any]:
        """Keep a view the way Slack echoes it back: the sent fields plus Slack's own."""
        stored: dict[str, Any] = {
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            "previous_view_id": None,
            **view,
            "id": view_id,
            "team_id": self.caller.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{self._next_id('')}",
            "root_view_id": view_id,
            "app_id": APP_ID,
            "bot_id": self.caller.bot_id,
        }
        self.views[view_id] = stored
        return stored


def _within(ts: str, params: dict[str, Any]) -> bool:
    """Whether a message at `ts` is inside conversations.history's `oldest`/`latest` window
    (exclusive unless `inclusive`), as Slack filters."""
    inclusive = str(params.get("inclusive", "")).lower() in {"1", "true"}
    at = float(ts)
    oldest, latest = params.get("oldest"), params.get("latest")
    if oldest is not None and (at < float(oldest) or (at == float(oldest) and not inclusive)):
        return False
    return latest is None or at < float(latest) or (at == float(latest) and inclusive)


def _require_channel(params: dict[str, Any]) -> str:
    channel = str(params.get("channel", ""))
    if not channel:
        raise ApiError("channel_not_found")
    return channel


def _message_metadata(value: Any) -> dict[str, Any] | None:
    """Message metadata as Slack keeps it: a JSON object (or its JSON text) with an
    event_type and an event_payload object; anything else is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise ApiError("invalid_metadata_format") from None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("event_type"), str)
        or not isinstance(value.get("event_payload"), dict)
    ):
        raise ApiError("invalid_metadata_schema")
    return {"event_type": value["event_type"], "event_payload": value["event_payload"]}


def _int_param(value: Any, *, default: int, low: int, high: int) -> int:
    try:
        number = int(value) if value is not None else default
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments", "limit must be a number") from None
    return min(max(number, low), high)


def _check_message_content(params: dict[str, Any]) -> None:
    if not any(params.get(k) for k in ("text", "blocks")):
        raise ApiError("no_text")
    if limits.message_text_too_long(params.get("text")):
        raise ApiError("msg_too_long")
    if "blocks" in params:
        problem = limits.message_blocks_problem(params["blocks"])
        if problem:
            raise ApiError("invalid_blocks", problem)


def _require_view(params: dict[str, Any], kind: str) -> dict[str, Any]:
    view = params.get("view")
    if not isinstance(view, dict) or view.get("type") != kind:
        raise ApiError("invalid_arguments", f"view must be a JSON object of type {kind!r}")
    problem = limits.view_problem(view)
    if problem:
        raise ApiError("invalid_blocks", problem)
    return view
