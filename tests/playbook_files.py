"""Playbook files for tests: the built-in one's text, edited, written where a test reads it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from bot.rules.playbook import DEFAULT_PLAYBOOK

DEFAULT_TEXT = resources.files("bot.rules").joinpath(DEFAULT_PLAYBOOK).read_text("utf-8")


def edited(old: str, new: str) -> str:
    """The default playbook with one edit, which must apply exactly once."""
    assert DEFAULT_TEXT.count(old) == 1, old
    return DEFAULT_TEXT.replace(old, new)


def write(tmp_path: Path, content: str, name: str = "playbook.toml") -> Path:
    """`content` as a playbook file in `tmp_path`."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path
