"""Slack's OAuth, as the stand-in plays it: the authorize page, oauth.v2.access (a code for a
workspace's bot token; with rotation, a refresh token for a new pair) and auth.revoke.

The authorize page installs at once into the workspace its `team` parameter names (Slack's
own parameter for preselecting one; the stand-in's first workspace without it) and redirects
to the app's redirect URL with a one-time code and the `state` it was given.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from coach_devkit.slack_standin.errors import ApiError
from coach_devkit.slack_standin.replies import Reply, text_reply
from coach_devkit.slack_standin.workspaces import Workspace, Workspaces

AUTHORIZE_PATH = "/oauth/v2/authorize"
AUTHORIZE_PAGE = "oauth/v2/authorize"  # the pseudo method name its requests are recorded under
APP_ID = "A0789IJKL"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "standin-client-secret"
INSTALLER = "U0INSTALL"  # who clicked "Allow", unless the page names a `user`


@dataclass
class OAuthApp:
    """The app's OAuth configuration and the grants under way. Not thread-safe by itself."""

    workspaces: Workspaces
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    # The app's configured Redirect URL, used when the authorize page gets no redirect_uri.
    redirect_url: str | None = None
    # With a lifetime, tokens rotate: each grant also gives a refresh token and `expires_in`.
    token_lifetime_seconds: int | None = None
    scopes: str = "commands,chat:write,im:write,im:history,users:read"
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)  # code: (team, installer)
    refresh_tokens: dict[str, str] = field(default_factory=dict)  # refresh token: its access token

    def authorize_page(self, params: dict[str, Any]) -> Reply:
        """Slack's "Allow" page, already allowed: a redirect back to the app with a code."""
        if params.get("client_id") != self.client_id:
            return text_reply(400, "invalid_client_id")
        redirect = params.get("redirect_uri") or self.redirect_url
        if not redirect:
            return text_reply(400, "no redirect_uri and no Redirect URL configured")
        team_id = str(params.get("team") or next(iter(self.workspaces.teams)))
        if team_id not in self.workspaces.teams:
            return text_reply(400, "no such workspace")
        code = "code-" + secrets.token_hex(8)
        self.codes[code] = (team_id, str(params.get("user") or INSTALLER))
        query = urlencode({"code": code, "state": params.get("state", "")})
        return text_reply(302, "", headers={"Location": f"{redirect}?{query}"})

    def access(self, params: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: a code or a refresh token for a bot token (and its refresh token)."""
        if params.get("client_id") != self.client_id:
            raise ApiError("invalid_client_id")
        if params.get("client_secret") != self.client_secret:
            raise ApiError("bad_client_secret")
        if params.get("grant_type") == "refresh_token":
            return self._refresh(str(params.get("refresh_token") or ""))
        code = str(params.get("code") or "")
        granted = self.codes.pop(code, None)  # one use only, as Slack's codes
        if granted is None:
            raise ApiError("invalid_code")
        team_id, installer = granted
        self.workspaces.revoke_team(team_id)  # a reinstall replaces the old token
        workspace = self.workspaces.teams[team_id]
        return {
            **self._grant(workspace),
            "scope": self.scopes,
            "bot_user_id": workspace.bot_user_id,
            "app_id": APP_ID,
            "team": {"id": team_id, "name": workspace.name},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": installer},
        }

    def revoke(self, token: str) -> dict[str, Any]:
        """auth.revoke: the calling token stops working."""
        self.workspaces.revoke(token)
        return {"revoked": True}

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        old = self.refresh_tokens.pop(refresh_token, None)
        if old is None:
            raise ApiError("invalid_refresh_token")
        issued = self.workspaces.tokens[old]
        self.workspaces.revoke(old)  # the stand-in is stricter than Slack: the old one ends now
        workspace = self.workspaces.teams[issued.team_id]
        return {**self._grant(workspace), "team": {"id": workspace.team_id}}

    def _grant(self, workspace: Workspace) -> dict[str, Any]:
        lifetime = self.token_lifetime_seconds
        prefix = "xoxe.xoxb-" if lifetime is not None else "xoxb-"
        token = f"{prefix}{workspace.team_id}-{secrets.token_hex(6)}"
        self.workspaces.issue(workspace.team_id, token, lifetime)
        grant: dict[str, Any] = {"access_token": token, "token_type": "bot"}
        if lifetime is not None:
            refresh = f"xoxe-1-{workspace.team_id}-{secrets.token_hex(6)}"
            self.refresh_tokens[refresh] = token
            grant.update(refresh_token=refresh, expires_in=lifetime)
        return grant
