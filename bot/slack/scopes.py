"""The bot token's scopes: one list, asked for by the OAuth install and named in the manifest."""

from __future__ import annotations

BOT_SCOPES = ["commands", "chat:write", "im:write", "im:history", "users:read"]
