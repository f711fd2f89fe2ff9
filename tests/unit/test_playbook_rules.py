"""The playbook file: the built-in one loads, PLAYBOOK_PATH replaces it, and a file the bot
cannot use is refused with a message naming the file and each bad key (in the library and
at start-up; create_app's use of it is in tests/e2e/test_playbook_at_startup.py, `interview-bot
run` and `preview` are in test_cli.py and test_preview.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import configured_playbook
from bot.config import ConfigError, load_settings
from bot.rules.domain import NudgeKind, ReflectionQuestion
from bot.rules.playbook import (
    Playbook,
    PlaybookError,
    default_playbook,
    load_playbook,
    parse_playbook,
)
from tests.playbook_files import DEFAULT_TEXT, edited, write

GOOD = {"slack_bot_token": "xoxb-1111-2222-abcdef", "slack_signing_secret": "8f742231b10e8888"}


# -- the default -----------------------------------------------------------------------------


def test_the_default_playbook_loads_with_the_advice_of_the_issue() -> None:
    playbook = default_playbook()

    assert isinstance(playbook, Playbook)
    assert load_playbook(None) is playbook
    timing = playbook.timing
    assert timing.max_follow_ups == 5
    assert timing.follow_up_interval_days == 7
    assert timing.follow_up_after_days == 7
    assert timing.reflection_after_minutes == 60
    assert timing.reflection_after_minutes <= timing.thank_you_after_minutes
    assert timing.snooze_days == (1, 3)
    assert len(playbook.questions.call_questions) == 3
    assert "enthusiastic and annoying" in playbook.texts.caution
    assert playbook.questions.reflection(ReflectionQuestion.SAID_WELL).startswith("What did I say")
    # Every kind of nudge has its lateness.
    assert all(playbook.max_lateness_hours.of(kind).total_seconds() > 0 for kind in NudgeKind)


def test_the_default_file_is_what_a_copy_loads_as(tmp_path: Path) -> None:
    # Operators start their own from a copy: it must load to the same playbook.
    assert load_playbook(write(tmp_path, DEFAULT_TEXT)) == default_playbook()


# -- a replacement -----------------------------------------------------------------------------


def test_playbook_path_replaces_the_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        edited("max_follow_ups = 5", "max_follow_ups = 3").replace(
            "follow_up_interval_days = 7", "follow_up_interval_days = 10"
        ),
    )
    settings = load_settings(_env_file=None, playbook_path=str(path), **GOOD)

    playbook = configured_playbook(settings)

    assert settings.playbook_path == path
    assert playbook.timing.max_follow_ups == 3
    assert playbook.timing.follow_up_interval_days == 10
    assert playbook != default_playbook()


@pytest.mark.parametrize("unset", [None, "", "  "])
def test_no_playbook_path_means_the_built_in_one(unset: str | None) -> None:
    settings = load_settings(_env_file=None, playbook_path=unset, **GOOD)

    assert settings.playbook_path is None
    assert configured_playbook(settings) is default_playbook()


def test_a_replacement_text_reaches_the_playbook(tmp_path: Path) -> None:
    path = write(tmp_path, edited('reminder = """You asked me', 'reminder = """Back, as asked'))

    assert load_playbook(path).texts.reminder.startswith("Back, as asked")


# -- bad files: each names the key -----------------------------------------------------------------

BAD_FILES = [
    pytest.param(
        edited("max_follow_ups = 5", "max_follow_ups = 6"),
        "timing.max_follow_ups: Input should be less than or equal to 5",
        id="more than five follow-ups",
    ),
    pytest.param(
        edited("follow_up_interval_days = 7", "follow_up_interval_days = 3"),
        "timing.follow_up_interval_days: Input should be greater than or equal to 7",
        id="follow-ups closer than a week",
    ),
    pytest.param(
        edited("max_follow_ups = 5", "max_follow_ups = 0"),
        "timing.max_follow_ups: Input should be greater than or equal to 1",
        id="no follow-up at all",
    ),
    pytest.param(
        edited("follow_up_hour = 10", "follow_up_hour = 24"),
        "timing.follow_up_hour: Input should be less than or equal to 23",
        id="an hour that is not one",
    ),
    pytest.param(
        edited("max_follow_ups = 5", "max_follow_ups = 5\nmax_followups = 4"),
        "timing.max_followups: not a playbook key (misspelt?)",
        id="unknown key",
    ),
    pytest.param(
        DEFAULT_TEXT + "\n[extras]\nfoo = 1\n",
        "extras: not a playbook key (misspelt?)",
        id="unknown table",
    ),
    pytest.param(
        edited("check_in_after_days = 7", ""),
        "timing.check_in_after_days: missing",
        id="missing key",
    ),
    pytest.param(
        edited('caution = """', 'unused = """'),
        "texts.caution: missing; texts.unused: not a playbook key (misspelt?)",
        id="renamed key: both named",
    ),
    pytest.param(
        edited("max_follow_ups = 5", 'max_follow_ups = "5"'),
        "timing.max_follow_ups: Input should be a valid integer",
        id="a number written as text",
    ),
    pytest.param(
        edited("max_follow_ups = 5", "max_follow_ups = true"),
        "timing.max_follow_ups: Input should be a valid integer",
        id="a boolean for a number",
    ),
    pytest.param(
        edited("max_follow_ups = 5", "max_follow_ups = 4.5"),
        "timing.max_follow_ups: Input should be a valid integer",
        id="a fraction for a count",
    ),
    pytest.param(
        edited("distance = 2\n", 'distance = "2h"\n'),
        "max_lateness_hours.distance: Input should be a valid number",
        id="text for hours",
    ),
    pytest.param(
        edited("snooze_days = [1, 3]", "snooze_days = []"),
        "timing.snooze_days: Tuple should have at least 1 item",
        id="no snooze choice",
    ),
    pytest.param(
        edited("snooze_days = [1, 3]", "snooze_days = [1, 30]"),
        "timing.snooze_days.1: Input should be less than or equal to 14",
        id="a snooze of a month",
    ),
    pytest.param(
        edited("thank_you_after_minutes = 120", "thank_you_after_minutes = 30"),
        "timing: thank_you_after_minutes must not be less than reflection_after_minutes",
        id="thank-you before the reflection",
    ),
    pytest.param(
        edited(
            'reminder = """You asked me to bring this back: *time for that follow-up.*"""',
            'reminder = ""',
        ),
        "texts.reminder: String should have at least 1 character",
        id="empty text",
    ),
    pytest.param(
        edited('reminder = """You asked me', f'reminder = """{"x" * 2001}'),
        "texts.reminder: String should have at most 2000 characters",
        id="text too long for Slack",
    ),
    pytest.param(
        edited('said_well = "What did I', "said_well = 5 #"),
        "questions.said_well: Input should be a valid string",
        id="a number for a question",
    ),
]


@pytest.mark.parametrize(("content", "problem"), BAD_FILES)
def test_a_bad_file_names_the_file_and_the_key(tmp_path: Path, content: str, problem: str) -> None:
    path = write(tmp_path, content)

    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)

    message = str(caught.value)
    assert message.startswith(f"{path} has bad keys: ")
    assert problem in message
    assert message.splitlines() == [message], "one line"
    assert "Value error" not in message


def test_bad_toml_names_the_file_and_where(tmp_path: Path) -> None:
    path = write(tmp_path, edited("max_follow_ups = 5", "max_follow_ups = "))

    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)

    message = str(caught.value)
    assert message.startswith(f"{path} is not valid TOML: ")
    line = DEFAULT_TEXT[: DEFAULT_TEXT.index("max_follow_ups = 5")].count("\n") + 1
    assert f"line {line}," in message
    assert message.splitlines() == [message]


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError) as caught:
        load_playbook(tmp_path / "nowhere.toml")

    assert (
        str(caught.value)
        == f"{tmp_path / 'nowhere.toml'} could not be read (No such file or directory)"
    )


def test_a_directory_or_a_non_utf8_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlaybookError, match="could not be read"):
        load_playbook(tmp_path)
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(DEFAULT_TEXT.replace("Leave the building", "Café").encode("latin-1"))
    with pytest.raises(PlaybookError, match="is not UTF-8 text"):
        load_playbook(latin1)


def test_parse_names_the_source_it_is_given() -> None:
    with pytest.raises(PlaybookError, match=r"^the test's text is not valid TOML"):
        parse_playbook("timing = [", "the test's text")


# -- at start-up ----------------------------------------------------------------------------------


def test_a_bad_playbook_path_is_a_configuration_error_naming_setting_file_and_key(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, edited("max_follow_ups = 5", "max_follow_ups = 6"))
    settings = load_settings(_env_file=None, playbook_path=str(path), **GOOD)

    with pytest.raises(ConfigError) as caught:
        configured_playbook(settings)

    message = str(caught.value)
    assert message.startswith(
        f"PLAYBOOK_PATH {path} has bad keys: timing.max_follow_ups: "
        "Input should be less than or equal to 5. Fix: "
    )
    assert message.splitlines() == [message]
