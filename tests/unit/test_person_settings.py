"""The settings form's checks, one row per field problem (bot.rules.person_settings)."""

from __future__ import annotations

import pytest

from bot.rules.person_settings import Field, PersonSettings, SettingsForm, read_settings

GOOD = SettingsForm("8", "20", ("0", "1", "2", "3", "4"), "auto", None)


def form(**changes: object) -> SettingsForm:
    return SettingsForm(**{**GOOD.__dict__, **changes})  # type: ignore[arg-type]


def test_a_good_form_reads_as_settings() -> None:
    assert read_settings(form(working_days=("6", "0"), holidays="il", follow_up_hour="9")) == (
        PersonSettings(8, 20, frozenset({6, 0}), "IL", 9)
    )
    assert read_settings(GOOD) == PersonSettings(8, 20, frozenset(range(5)), None, None)
    assert read_settings(form(holidays="none")).holiday_country == "none"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"waking_start": None}, Field.WAKING_START),
        ({"waking_start": "24"}, Field.WAKING_START),
        ({"waking_end": "8"}, Field.WAKING_END),
        ({"waking_end": "25"}, Field.WAKING_END),
        ({"working_days": ()}, Field.WORKING_DAYS),
        ({"working_days": ("7",)}, Field.WORKING_DAYS),
        ({"holidays": "Narnia"}, Field.HOLIDAYS),
        ({"holidays": "<!channel>"}, Field.HOLIDAYS),
        ({"follow_up_hour": "21"}, Field.FOLLOW_UP_HOUR),
        ({"follow_up_hour": "x"}, Field.FOLLOW_UP_HOUR),
    ],
)
def test_each_problem_is_named_by_its_field(changes: dict, field: Field) -> None:
    errors = read_settings(form(**changes))
    assert isinstance(errors, dict)
    assert set(errors) == {field}
    assert errors[field]
