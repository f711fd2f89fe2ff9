"""The bot token's scopes: one list, asked for by the OAuth install and named in the manifest."""

from __future__ import annotations

# files:write: a person's export arrives in their DM as files (files_upload_v2).
BOT_SCOPES = ["commands", "chat:write", "im:write", "im:history", "users:read", "files:write"]
