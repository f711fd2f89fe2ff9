"""Zone names from Slack (or a person's flag) never crash the bot."""

from __future__ import annotations

import pytest

from bot.rules.zones import UTC_ZONE, find_zone, known_zone


@pytest.mark.parametrize("name", ["America", "Nowhere/City", "../../etc/passwd", "", "UTC+2"])
def test_a_name_that_is_not_a_zone_is_unknown_not_an_error(name: str) -> None:
    assert find_zone(name) is None
    assert known_zone(name) is UTC_ZONE


def test_a_real_zone_is_found() -> None:
    zone = find_zone("Australia/Lord_Howe")
    assert zone is not None
    assert zone.key == "Australia/Lord_Howe"
    assert known_zone("Australia/Lord_Howe") is zone
