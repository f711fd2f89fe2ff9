"""The workspaces the stand-in serves: each with its own bot tokens and people.

Every Web API call names its workspace by its token, as with Slack: a token the stand-in never
issued is `invalid_auth`, one past its expiry `token_expired`, one revoked (auth.revoke, a
refresh that replaced it, an uninstall) `token_revoked`; a call that reaches into another
workspace (its person, their DM) finds nothing there.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from coach_devkit.slack_standin.errors import ApiError

# A workspace's users and DMs: users.info, conversations.open and the like name them here.
_USER_PARAMS = ("user", "users", "user_id")


@dataclass
class Workspace:
    """One Slack workspace (team) the app is installed in, or can be."""

    team_id: str
    name: str
    domain: str
    bot_user_id: str
    bot_id: str
    users: set[str] = field(default_factory=set)


@dataclass
class IssuedToken:
    """A bot token the stand-in gave out, and whether it still works."""

    team_id: str
    expires_at: float | None = None  # epoch seconds; None never expires
    revoked: bool = False


class Workspaces:
    """Workspaces by team id, and the bot tokens issued to each. Not thread-safe by itself."""

    def __init__(self) -> None:
        self.teams: dict[str, Workspace] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.user_team: dict[str, str] = {}

    def add(self, workspace: Workspace) -> Workspace:
        """Make `workspace` known (again); its existing tokens and people stay."""
        known = self.teams.setdefault(workspace.team_id, workspace)
        return known

    def issue(self, team_id: str, token: str, lifetime_seconds: float | None = None) -> None:
        """`token` now works for `team_id`, for `lifetime_seconds` (None: until revoked)."""
        expires_at = time.time() + lifetime_seconds if lifetime_seconds is not None else None
        self.tokens[token] = IssuedToken(team_id, expires_at)

    def revoke(self, token: str) -> bool:
        """`token` stops working; whether it was a working token."""
        issued = self.tokens.get(token)
        if issued is None or issued.revoked:
            return False
        issued.revoked = True
        return True

    def revoke_team(self, team_id: str) -> None:
        """Every token of `team_id` stops working: the app was uninstalled there."""
        for issued in self.tokens.values():
            if issued.team_id == team_id:
                issued.revoked = True

    def add_user(self, team_id: str, user_id: str) -> None:
        self.user_team[user_id] = team_id
        self.teams[team_id].users.add(user_id)

    def knows(self, token: str) -> bool:
        return token in self.tokens

    def caller(self, token: str) -> Workspace:
        """The workspace `token` works for; ApiError as Slack refuses a token otherwise."""
        issued = self.tokens.get(token)
        if issued is None:
            raise ApiError("invalid_auth")
        if issued.revoked:
            raise ApiError("token_revoked")
        if issued.expires_at is not None and issued.expires_at <= time.time():
            raise ApiError("token_expired")
        return self.teams[issued.team_id]

    def check_reach(self, caller: Workspace, params: dict[str, Any]) -> None:
        """Refuse a call naming a person, or a DM, of another workspace than the caller's."""
        for name in _USER_PARAMS:
            user = str(params.get(name) or "")
            if user and self.user_team.get(user, caller.team_id) != caller.team_id:
                raise ApiError("user_not_found")
        channel = str(params.get("channel") or "")
        if channel.startswith("D"):
            owner = self.user_team.get("U" + channel.removeprefix("D"), caller.team_id)
            if owner != caller.team_id:
                raise ApiError("channel_not_found")
