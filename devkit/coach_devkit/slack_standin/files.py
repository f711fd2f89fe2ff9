"""Files as the bot uploads them with slack_sdk's ``files_upload_v2``: three steps.

1. ``files.getUploadURLExternal`` (filename, length) answers a file id and an upload URL;
2. the bytes are POSTed to that URL (the stand-in's ``/upload/<file id>``, no token);
3. ``files.completeUploadExternal`` (files=[{id, title}], channel_id, initial_comment) makes
   them files and, with a channel, shares them there as a message from the bot.

``files.delete`` deletes one.

Answer shapes follow Slack's documentation of those methods.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

UPLOAD_ID = "_file_id"  # the params an upload is recorded with: which file, and its bytes
UPLOAD_DATA = "_data"


@dataclass
class StandInFile:
    """One file: what was announced, what arrived, and where it was shared."""

    id: str
    filename: str
    length: int
    data: bytes | None = None  # None until the bytes are POSTed to the upload URL
    title: str | None = None
    channel: str | None = None
    completed: bool = False

    def as_slack(self) -> dict[str, Any]:
        """The file object Slack answers with (the fields the bot could read)."""
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": self.length,
            "channels": [self.channel] if self.channel else [],
        }


class Files:
    """The files of one workspace; called with the stand-in's condition held."""

    def __init__(
        self,
        *,
        upload_url: Callable[[str], str],
        new_id: Callable[[str], str],
        share: Callable[[str, str, list[dict[str, Any]]], None],
    ) -> None:
        self._upload_url = upload_url
        self._new_id = new_id
        self._share = share  # posts the bot's message sharing files in a channel
        self.files: dict[str, StandInFile] = {}

    def forget(self) -> None:
        self.files.clear()

    def get_upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        """files.getUploadURLExternal."""
        from coach_devkit.slack_standin.web_api import ApiError

        filename = str(params.get("filename") or "")
        try:
            length = int(params.get("length", ""))
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments", "length must be a number") from None
        if not filename or length < 0:
            raise ApiError("invalid_arguments", "filename and length are required")
        file_id = self._new_id("F")
        self.files[file_id] = StandInFile(file_id, filename, length)
        return {"upload_url": self._upload_url(file_id), "file_id": file_id}

    def receive(self, file_id: str, data: bytes) -> bool:
        """The bytes POSTed to a file's upload URL; False for a URL never handed out."""
        file = self.files.get(file_id)
        if file is None or file.completed:
            return False
        file.data = data
        return True

    def complete(self, params: dict[str, Any]) -> dict[str, Any]:
        """files.completeUploadExternal: each file must have arrived, with its announced size."""
        from coach_devkit.slack_standin.web_api import ApiError

        try:
            wanted = json.loads(params.get("files") or "[]")
        except ValueError:
            raise ApiError("invalid_arguments", "files must be a JSON array") from None
        if not isinstance(wanted, list) or not wanted:
            raise ApiError("invalid_arguments", "files must be a non-empty JSON array")
        chosen: list[StandInFile] = []
        for item in wanted:
            file = self.files.get(str((item or {}).get("id")))
            if file is None or file.data is None:
                raise ApiError("file_not_found")
            if len(file.data) != file.length:
                raise ApiError("invalid_arguments", f"{file.id}: size differs from its length")
            chosen.append(file)
        channel = params.get("channel_id") or params.get("channels")
        for file, item in zip(chosen, wanted, strict=True):
            file.title = item.get("title") or file.filename
            file.channel = str(channel) if channel else None
            file.completed = True
        objects = [f.as_slack() for f in chosen]
        if channel:
            self._share(str(channel), str(params.get("initial_comment") or ""), objects)
        return {"files": objects}

    def delete(self, params: dict[str, Any]) -> dict[str, Any]:
        """files.delete: the file is gone for good."""
        from coach_devkit.slack_standin.web_api import ApiError

        if self.files.pop(str(params.get("file", "")), None) is None:
            raise ApiError("file_not_found")
        return {}
