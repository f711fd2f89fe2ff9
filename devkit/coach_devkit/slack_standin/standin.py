"""A local stand-in for Slack's Web API, response URLs and Socket Mode, for tests and the demo.

The bot's real ``slack_sdk.WebClient(base_url=standin.api_url)`` and Bolt's ``respond()`` talk
to it unchanged, so tests run the same HTTP, JSON and error-handling code as production does.
This module is the stand-in a test holds: start and stop it, inject faults, and look at what it
received; `web_api` answers the methods, `limits` refuses what Slack refuses, `api_server`
speaks HTTP.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import threading
import time
from typing import Any
from zoneinfo import ZoneInfo

from coach_devkit.slack_standin.api_server import ApiRequest, ApiServer, response_path, upload_path
from coach_devkit.slack_standin.background import BackgroundServer
from coach_devkit.slack_standin.calls import UPLOAD, CallLog, RecordedCall
from coach_devkit.slack_standin.faults import Failure, Faults
from coach_devkit.slack_standin.files import UPLOAD_DATA, UPLOAD_ID, StandInFile
from coach_devkit.slack_standin.oauth import AUTHORIZE_PAGE, OAuthApp
from coach_devkit.slack_standin.replies import Reply, json_reply, text_reply
from coach_devkit.slack_standin.socket_mode import SocketModeStandIn
from coach_devkit.slack_standin.users import StandInUser
from coach_devkit.slack_standin.web_api import BOT_ID, ApiError, WebApi
from coach_devkit.slack_standin.workspaces import Workspace

_ISSUED = itertools.count(1)


class SlackStandIn(BackgroundServer):
    """A Slack impersonator on a local port; see the module docstring."""

    def __init__(
        self,
        bot_token: str = "xoxb-standin",
        team_id: str = "T0123ABCD",
        bot_user_id: str = "U0BOT5678",
        host: str = "127.0.0.1",
        port: int = 0,
        app_token: str = "xapp-standin",
    ) -> None:
        super().__init__(host, port)
        # One condition guards all state, so waiters wake exactly when something changes.
        self._cond = threading.Condition()
        self._log = CallLog(self._cond)
        self._faults = Faults(self._cond)
        self._api = WebApi(
            bot_token=bot_token,
            app_token=app_token,
            team_id=team_id,
            bot_user_id=bot_user_id,
            new_socket_url=lambda: self.socket_mode.new_url(),
            upload_url=lambda file_id: self.base_url + upload_path(file_id),
        )
        self._socket_mode: SocketModeStandIn | None = None

    @property
    def bot_token(self) -> str:
        return self._api.bot_token

    @property
    def app_token(self) -> str:
        return self._api.app_token

    @property
    def team_id(self) -> str:
        return self._api.team_id

    @property
    def bot_user_id(self) -> str:
        return self._api.bot_user_id

    # -- lifecycle -------------------------------------------------------------------------------

    def _create_server(self) -> ApiServer:
        return ApiServer((self.host, self.port), self._handle)

    def _after_stop(self) -> None:
        with self._cond:
            self._faults.release_all_locked()  # nothing waits on a stand-in that is gone
            socket_mode, self._socket_mode = self._socket_mode, None
        if socket_mode is not None:
            socket_mode.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.bound_port}"

    @property
    def api_url(self) -> str:
        """The ``base_url`` a slack_sdk ``WebClient`` is given."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str = "default") -> str:
        """A response URL; posts to it are recorded as RESPONSE_URL calls with ``_name``."""
        return self.base_url + response_path(name)

    @property
    def socket_mode(self) -> SocketModeStandIn:
        """The Socket Mode server apps.connections.open points at; started on first use, so
        HTTP-only tests pay nothing for it."""
        with self._cond:
            if self._socket_mode is None:
                self._socket_mode = SocketModeStandIn(host=self.host).start()
            return self._socket_mode

    @property
    def oauth(self) -> OAuthApp:
        """The app's OAuth side: its client id and secret, Redirect URL and token lifetime
        (set `token_lifetime_seconds` for rotating tokens)."""
        return self._api.oauth

    @property
    def authorize_url(self) -> str:
        """Slack's "Add to Slack" page, as OAuthSettings(authorization_url=...) takes it."""
        return f"{self.base_url}/oauth/v2/authorize"

    # -- test controls ---------------------------------------------------------------------------

    def add_workspace(self, team_id: str, name: str | None = None) -> None:
        """Another workspace the app can be installed into (oauth), with its own bot user.

        It has no token until an install gives it one.
        """
        suffix = team_id.removeprefix("T")
        workspace = Workspace(
            team_id, name or f"Workspace {suffix}", suffix.lower(), f"U0BOT{suffix}", BOT_ID
        )
        with self._cond:
            self._api.workspaces.add(workspace)

    def tokens_of(self, team_id: str) -> list[str]:
        """Every bot token issued for `team_id` that still works, oldest first."""
        with self._cond:
            issued = self._api.workspaces.tokens.items()
            return [t for t, i in issued if i.team_id == team_id and not i.revoked]

    def issue_token(self, team_id: str) -> str:
        """A new working bot token for `team_id`, as an install or a refresh elsewhere gives."""
        token = f"xoxb-{team_id}-{next(_ISSUED)}"
        with self._cond:
            self._api.workspaces.issue(team_id, token)
        return token

    def uninstall(self, team_id: str) -> None:
        """The app is removed from `team_id`: its tokens stop working (send the event yourself)."""
        with self._cond:
            self._api.workspaces.revoke_team(team_id)

    def add_user(
        self,
        user_id: str,
        tz: str = "America/Los_Angeles",
        name: str | None = None,
        real_name: str | None = None,
        team_id: str | None = None,
    ) -> None:
        """Make `user_id` known to users.info, living in time zone `tz`, a member of `team_id`
        (the first workspace unless given)."""
        ZoneInfo(tz)  # fail here, in the test's setup, rather than inside a request
        name = name or user_id.lower()
        user = StandInUser(user_id, tz, name, real_name or name.title(), int(time.time()))
        with self._cond:
            self._api.users[user_id] = user
            self._api.workspaces.add_user(team_id or self.team_id, user_id)

    def person_wrote(
        self,
        channel: str,
        user_id: str,
        text: str,
        ts: str,
        *,
        thread_ts: str | None = None,
        team_id: str | None = None,
    ) -> None:
        """Keep a person's own message in `channel` (a DM) as Slack would, so
        conversations.history and conversations.replies find it: send the message event
        yourself (SignedSlackSender.direct_message with the same ts)."""
        message: dict[str, Any] = {
            "type": "message",
            # Slack escapes these three in message text: the person never typed them.
            "text": text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"),
            "user": user_id,
            "ts": ts,
            "team": team_id or self.team_id,
        }
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        with self._cond:
            self._api.messages.setdefault(channel, []).append(message)

    def fail_next(
        self,
        method: str,
        error: str = "ratelimited",
        *,
        status: int | None = None,
        retry_after: int | None = None,
        times: int = 1,
        after_effect: bool = False,
    ) -> None:
        """Refuse the next `times` calls to `method` (or RESPONSE_URL) with `error`.

        The default is Slack's rate limit: a 429 with Retry-After. A 502, 503 or 504 answers
        with the HTML page Slack's edge sends. `after_effect`: the call still takes effect
        (the message is posted) and only the answer is the failure.
        """
        self._faults.fail_next(method, Failure(error, status, retry_after, after_effect), times)

    def fail_all(
        self, method: str, error: str = "service_unavailable", *, status: int | None = 503
    ) -> None:
        """An outage: refuse every call to `method` with `error` until `heal(method)`."""
        self._faults.fail_all(method, Failure(error, status))

    def heal(self, method: str) -> None:
        """End an outage of `method`, and drop failures still queued for it."""
        self._faults.heal(method)

    def slow(self, method: str, seconds: float) -> None:
        """Answer each call to `method` only after `seconds` (0 ends it): a slow Slack."""
        self._faults.slow(method, seconds)

    def expire_trigger(self, trigger_id: str) -> None:
        """Make views.open answer ``expired_trigger_id`` for `trigger_id`."""
        with self._cond:
            self._api.expired_triggers.add(trigger_id)

    def hold(self, method: str, after: int = 0) -> None:
        """Keep every call to `method` waiting, unanswered, until `release(method)`; the
        next `after` calls are answered as usual first.

        A test can then act while the bot is inside the call: kill it, or move its clock.
        """
        self._faults.hold(method, after)

    def release(self, method: str) -> None:
        """Answer the calls to `method` held so far, and stop holding it."""
        self._faults.release(method)

    def wait_until_held(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Block until `count` calls to the held `method` are waiting for their answer."""
        self._faults.wait_until_held(method, count, timeout)

    def reset(self) -> None:
        """Forget calls, queued failures, messages, views and open DMs, and release held
        methods; keep users."""
        with self._cond:
            self._faults.clear_locked()
            self._log.clear_locked()
            self._api.forget()

    # -- inspection ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        """Every request so far, in arrival order (a snapshot)."""
        return self._log.all()

    def calls_to(self, method: str, *, include_failed: bool = False) -> list[RecordedCall]:
        """The calls to `method` so far; failed ones only when asked for."""
        return self._log.to(method, include_failed=include_failed)

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        """Block until `count` successful calls to `method` exist; return all of them."""
        return self._log.wait_for(method, count, timeout)

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """The messages in `channel` as they stand now, oldest first."""
        with self._cond:
            return copy.deepcopy(self._api.messages.get(channel, []))

    def view(self, view_id: str) -> dict[str, Any] | None:
        """The view with this id as Slack would echo it, or None."""
        with self._cond:
            return copy.deepcopy(self._api.views.get(view_id))

    def files(self) -> list[StandInFile]:
        """Every file uploaded so far (copies), in the order their uploads began."""
        with self._cond:
            return copy.deepcopy(list(self._api.files.files.values()))

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The Home tab last published for `user_id`, or None."""
        with self._cond:
            return copy.deepcopy(self._api.views.get(self._api.home_views.get(user_id, "")))

    # -- request handling (server threads) -------------------------------------------------------

    def _handle(self, request: ApiRequest) -> Reply:
        """Answer one request and record it."""
        delay = self._faults.delay_for(request.method)
        if delay:
            time.sleep(delay)  # Slack's own latency, outside the lock: other calls go on
        with self._cond:
            self._faults.wait_while_held_locked(request.method)
            failure = self._faults.next_failure_locked(request.method)
            if failure is not None:
                if failure.after_effect and not request.webhook:
                    # A refusal it would have met anyway is hidden by the failure too.
                    with contextlib.suppress(ApiError):
                        self._api.answer(
                            request.method, copy.deepcopy(request.params), request.token
                        )
                self._record(_recorded(request, error=failure.error))
                return failure.reply(webhook=request.webhook)
            if request.webhook:
                self._record(_recorded(request))
                return text_reply(200, "ok")
            if request.method == UPLOAD:
                data = request.params[UPLOAD_DATA]
                if not self._api.files.receive(request.params[UPLOAD_ID], data):
                    self._record(_recorded(request, error="not_found"))
                    return text_reply(404, "not found")
                self._record(_recorded(request))
                return text_reply(200, f"OK - {len(data)}")
            if request.method == AUTHORIZE_PAGE:
                self._record(_recorded(request))
                return self._api.oauth.authorize_page(request.params)
            try:
                # A copy, so state the stand-in keeps never aliases what tests read from calls.
                params = copy.deepcopy(request.params)
                payload = self._api.answer(request.method, params, request.token)
            except ApiError as err:
                self._record(_recorded(request, error=err.error, detail=err.detail))
                return json_reply(err.body())
            answer = {"ok": True, **payload}
            self._record(_recorded(request, response=copy.deepcopy(answer)))
            return json_reply(answer)

    def _record(self, call: RecordedCall) -> None:
        """Keep a call; the caller holds the condition. The CLI overrides it to echo calls."""
        self._log.record_locked(call)


def _recorded(
    request: ApiRequest,
    *,
    error: str | None = None,
    detail: str | None = None,
    response: dict[str, Any] | None = None,
) -> RecordedCall:
    return RecordedCall(
        request.method,
        request.params,
        request.token,
        failed=error is not None,
        error=error,
        detail=detail,
        response=response,
    )
