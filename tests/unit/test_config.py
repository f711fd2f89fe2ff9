"""Settings: defaults, validation with one plain line per bad setting, `.env` and environment."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_DATABASE_URL,
    DEFAULT_SLACK_API_URL,
    FIX_HINTS,
    ConfigError,
    DatabaseSettings,
    PlaybookSettings,
    Settings,
    load_settings,
    read_settings,
)

GOOD = {"slack_bot_token": "xoxb-1111-2222-abcdef", "slack_signing_secret": "8f742231b10e8888"}
SETTING_NAMES = [*FIX_HINTS, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No setting leaks in from the developer's shell or a `.env` in the working directory."""
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def config_error(**settings: object) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None, **settings)
    return str(caught.value)


def test_defaults() -> None:
    settings = load_settings(_env_file=None, **GOOD)

    assert settings.slack_api_url == DEFAULT_SLACK_API_URL == "https://slack.com/api/"
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.database_url.startswith("sqlite:///")
    assert settings.port == 3000
    assert settings.clock_speedup == 1
    assert settings.nudge_history_days == 180
    assert settings.slack_app_token is None
    assert settings.socket_mode is False
    assert settings.playbook_path is None  # the built-in playbook
    assert settings.uninstalled_data_retention_days == 30
    assert settings.notes_retention_days is None  # notes kept
    assert settings.slack_bot_token.get_secret_value() == GOOD["slack_bot_token"]


def test_missing_tokens_name_both_settings_one_line_each() -> None:
    message = config_error()

    lines = message.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("SLACK_BOT_TOKEN is missing")
    assert lines[1].startswith("SLACK_SIGNING_SECRET is missing")
    assert "OAuth & Permissions" in lines[0]
    assert "Basic Information" in lines[1]
    assert all("Fix:" in line for line in lines)


@pytest.mark.parametrize("missing", ["slack_bot_token", "slack_signing_secret"])
def test_each_missing_secret_is_reported_alone(missing: str) -> None:
    settings = {k: v for k, v in GOOD.items() if k != missing}

    message = config_error(**settings)

    assert message.splitlines() == [message]
    assert message.startswith(f"{missing.upper()} is missing. Fix: {FIX_HINTS[missing.upper()]}")


BAD_SETTINGS = [
    ("SLACK_BOT_TOKEN", "xoxp-user-token-not-bot", "must start with xoxb-"),
    ("SLACK_APP_TOKEN", "xoxb-wrong-kind-of-token", "must start with xapp-"),
    ("SLACK_SIGNING_SECRET", "   ", "is empty"),
    ("SLACK_API_URL", "slack.com/api", "must be an http(s) URL"),
    ("DATABASE_URL", "mysql://coach@db.internal/coach", "must be a sqlite or postgresql URL"),
    ("DATABASE_URL", "not a url at all", "is not a database URL"),
    ("PORT", "0", "greater than or equal to 1"),
    ("PORT", "70000", "less than or equal to 65535"),
    ("PORT", "abc", "valid integer"),
    ("DISPATCH_INTERVAL_SECONDS", "0", "greater than 0"),
    ("DISPATCH_INTERVAL_SECONDS", "abc", "valid number"),
    ("CLOCK_SPEEDUP", "0.5", "greater than or equal to 1"),
    ("NUDGE_HISTORY_DAYS", "0", "greater than or equal to 1"),
    ("NUDGE_HISTORY_DAYS", "-30", "greater than or equal to 1"),
    ("NUDGE_HISTORY_DAYS", "half a year", "valid integer"),
    ("LOG_LEVEL", "chatty", "DEBUG"),
    ("UNINSTALLED_DATA_RETENTION_DAYS", "-1", "greater than or equal to 0"),
    ("UNINSTALLED_DATA_RETENTION_DAYS", "a month", "valid integer"),
    ("NOTES_RETENTION_DAYS", "4000", "less than or equal to 3650"),
    ("NOTES_RETENTION_DAYS", "soon", "valid integer"),
]


@pytest.mark.parametrize(("name", "value", "problem"), BAD_SETTINGS)
def test_a_bad_setting_is_one_line_naming_it_and_how_to_fix_it(
    name: str, value: str, problem: str
) -> None:
    message = config_error(**{**GOOD, name.lower(): value})

    assert message.splitlines() == [message], "exactly one line for one bad setting"
    assert message.startswith(f"{name} is not valid")
    assert problem in message
    assert f"Fix: {FIX_HINTS[name]}" in message


@pytest.mark.parametrize(("name", "value", "problem"), BAD_SETTINGS)
def test_bad_settings_from_the_environment_read_the_same(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, problem: str
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", GOOD["slack_bot_token"])
    monkeypatch.setenv("SLACK_SIGNING_SECRET", GOOD["slack_signing_secret"])
    monkeypatch.setenv(name, value)

    message = config_error()

    assert message.splitlines() == [message]
    assert message.startswith(f"{name} is not valid")
    assert problem in message


def test_several_bad_settings_give_one_line_each_in_upper_case() -> None:
    message = config_error(
        slack_bot_token="xoxa-legacy",
        slack_api_url="ftp://slack.example",
        database_url="mysql://db/coach",
        port="abc",
        dispatch_interval_seconds=0,
        dispatch_post_concurrency=0,
        clock_speedup=0.5,
    )

    names = [line.split(" ", 1)[0] for line in message.splitlines()]
    assert sorted(names) == sorted(
        [
            "SLACK_SIGNING_SECRET",
            "SLACK_BOT_TOKEN",
            "SLACK_API_URL",
            "DATABASE_URL",
            "PORT",
            "DISPATCH_INTERVAL_SECONDS",
            "DISPATCH_POST_CONCURRENCY",
            "CLOCK_SPEEDUP",
        ]
    )
    assert all(" Fix: " in line for line in message.splitlines())


def test_secrets_are_never_echoed() -> None:
    message = config_error(
        slack_bot_token="xoxp-TOPSECRET-bot",
        slack_signing_secret="",
        slack_app_token="xoxb-TOPSECRET-app",
        database_url="mysql://coach:TOPSECRET-db@db.internal/coach",
    )

    assert "TOPSECRET" not in message
    assert len(message.splitlines()) == 4
    # The non-secret parts of a bad URL still help the reader find it.
    assert "db.internal/coach" in message


def test_accepted_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPATCH_INTERVAL_SECONDS", "0.25")
    monkeypatch.setenv("PORT", "65535")
    monkeypatch.setenv("CLOCK_SPEEDUP", "100")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://coach@db.internal/coach")
    monkeypatch.setenv("UNINSTALLED_DATA_RETENTION_DAYS", "0")
    monkeypatch.setenv("NOTES_RETENTION_DAYS", "90")

    settings = load_settings(_env_file=None, **GOOD)

    assert (settings.uninstalled_data_retention_days, settings.notes_retention_days) == (0, 90)

    assert settings.dispatch_interval_seconds == 0.25
    assert settings.port == 65535
    assert settings.clock_speedup == 100
    assert settings.log_level == "DEBUG"
    assert settings.database_url == "postgresql+psycopg://coach@db.internal/coach"


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-env")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-from-env")
    monkeypatch.setenv("PORT", "8080")

    settings = load_settings(_env_file=None)

    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-env"
    assert settings.slack_signing_secret.get_secret_value() == "secret-from-env"
    assert settings.port == 8080


def test_env_file_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_file = tmp_path / "coach.env"
    env_file.write_text(
        "SLACK_BOT_TOKEN=xoxb-from-file\n"
        "SLACK_SIGNING_SECRET=secret-from-file\n"
        "SLACK_API_URL=http://127.0.0.1:9999/api\n"
        "PORT=4000\n"
        "DATABASE_URL=sqlite:///from-file.db\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PORT", "5000")

    settings = load_settings(_env_file=env_file)

    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert settings.slack_signing_secret.get_secret_value() == "secret-from-file"
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.database_url == "sqlite:///from-file.db"
    assert settings.port == 5000


def test_bad_setting_in_env_file_is_reported(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_SIGNING_SECRET=s\nPORT=99999\n", encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=env_file)

    lines = str(caught.value).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == ["SLACK_BOT_TOKEN", "PORT"]


def test_env_file_not_in_utf8_is_one_line_naming_it(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_bytes("SLACK_SIGNING_SECRET=s\nSLACK_BOT_TOKEN=xoxb-café\n".encode("cp1252"))

    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=env_file)

    message = str(caught.value)
    assert message.splitlines() == [message]
    assert message.startswith(f".env file {env_file.resolve()} has byte 0xe9 on line 2")
    assert "Fix: save it as UTF-8" in message


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://slack-gov.com/api", "https://slack-gov.com/api/"),
        ("https://slack.com/api/", "https://slack.com/api/"),
        ("http://127.0.0.1:8765/api", "http://127.0.0.1:8765/api/"),
    ],
)
def test_slack_api_url_gains_a_trailing_slash(given: str, stored: str) -> None:
    assert load_settings(_env_file=None, slack_api_url=given, **GOOD).slack_api_url == stored


@pytest.mark.parametrize(
    ("app_token", "socket_mode"),
    [(None, False), ("", False), ("xapp-1-A0789IJKL-123-abc", True)],
)
def test_socket_mode_follows_the_app_token(app_token: str | None, socket_mode: bool) -> None:
    settings = load_settings(_env_file=None, slack_app_token=app_token, **GOOD)

    assert settings.socket_mode is socket_mode
    assert isinstance(settings, Settings)
    if socket_mode:
        assert settings.slack_app_token is not None
        assert settings.slack_app_token.get_secret_value() == app_token


def test_secrets_are_hidden_in_repr() -> None:
    settings = load_settings(_env_file=None, slack_app_token="xapp-1-hidden-value", **GOOD)

    shown = repr(settings) + str(settings)
    assert GOOD["slack_bot_token"] not in shown
    assert GOOD["slack_signing_secret"] not in shown
    assert "xapp-1-hidden-value" not in shown


def test_env_example_documents_every_setting_and_nothing_else() -> None:
    keys = {
        line.split("=", 1)[0].strip()
        for line in EXAMPLE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    }
    assert keys == {name.upper() for name in Settings.model_fields}


def test_env_example_values_are_valid_settings() -> None:
    # Copying .env.example to .env must give a bot that starts (placeholders included).
    settings = load_settings(_env_file=EXAMPLE)
    assert settings.socket_mode is False
    assert settings.port == 3000


def test_a_blank_database_url_means_the_default_sqlite_file() -> None:
    settings = load_settings(
        _env_file=None,
        slack_bot_token="xoxb-1",
        slack_signing_secret="s",
        database_url="  ",
    )
    assert settings.database_url == DEFAULT_DATABASE_URL


def test_env_example_values_are_the_defaults_where_there_are_defaults() -> None:
    # "Leave as is" must mean "as if unset": the example may not quietly change a default.
    example = load_settings(_env_file=EXAMPLE)
    defaults = load_settings(_env_file=None, **GOOD)

    for name, field in Settings.model_fields.items():
        if field.is_required():
            continue  # the two placeholders
        given, default = getattr(example, name), getattr(defaults, name)
        assert given == default, f"{name.upper()} in .env.example is not its default"


# -- one setting alone, for the commands that need no Slack tokens -------------------------------


def test_the_database_url_is_read_alone_without_slack_tokens(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=postgresql+psycopg://coach@db.internal/coach\n", "utf-8")

    settings = read_settings(DatabaseSettings, _env_file=env_file)

    assert settings.database_url == "postgresql+psycopg://coach@db.internal/coach"
    assert read_settings(DatabaseSettings, _env_file=None).database_url == DEFAULT_DATABASE_URL


def test_a_bad_database_url_read_alone_is_the_same_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://coach:TOPSECRET@db.internal/coach")

    with pytest.raises(ConfigError) as caught:
        read_settings(DatabaseSettings, _env_file=None)

    message = str(caught.value)
    assert message.splitlines() == [message]
    assert message.startswith("DATABASE_URL is not valid")
    assert "must be a sqlite or postgresql URL" in message
    assert "TOPSECRET" not in message


def test_the_playbook_path_is_read_alone_and_blank_is_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLAYBOOK_PATH", "/etc/coach/playbook.toml")
    assert read_settings(PlaybookSettings, _env_file=None).playbook_path == Path(
        "/etc/coach/playbook.toml"
    )

    monkeypatch.setenv("PLAYBOOK_PATH", "  ")
    assert read_settings(PlaybookSettings, _env_file=None).playbook_path is None


def test_every_reader_shares_one_way_of_reading(tmp_path: Path) -> None:
    # Names in any case, from the same .env file, as Settings reads them.
    env_file = tmp_path / ".env"
    env_file.write_text("database_url=sqlite:///lower.db\nPlaybook_Path=mine.toml\n", "utf-8")

    assert read_settings(DatabaseSettings, _env_file=env_file).database_url == "sqlite:///lower.db"
    assert read_settings(PlaybookSettings, _env_file=env_file).playbook_path == Path("mine.toml")
    settings = load_settings(_env_file=env_file, **GOOD)
    assert (settings.database_url, settings.playbook_path) == (
        "sqlite:///lower.db",
        Path("mine.toml"),
    )


# -- keys in .env that are no setting -----------------------------------------------------------


def warnings_for(caplog: pytest.LogCaptureFixture, env_text: str, tmp_path: Path) -> list[str]:
    env_file = tmp_path / ".env"
    env_file.write_text(env_text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.config"):
        load_settings(_env_file=env_file, **GOOD)
    return [r.getMessage() for r in caplog.records if r.name == "bot.config"]


def test_a_misspelt_key_in_env_is_named_with_the_setting_it_is_closest_to(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    warnings = warnings_for(caplog, "SLACK_BOT_TOKN=xoxb-typo\nPORTT=4000\nPORT=3000\n", tmp_path)

    env_file = (tmp_path / ".env").resolve()
    assert warnings == [
        f".env file {env_file} sets SLACK_BOT_TOKN, which is not a setting and is ignored; "
        "did you mean SLACK_BOT_TOKEN?",
        f".env file {env_file} sets PORTT, which is not a setting and is ignored; "
        "did you mean PORT?",
    ]
    assert "xoxb-typo" not in " ".join(warnings)  # a misspelt secret is still a secret


def test_a_key_like_no_setting_at_all_points_to_env_example(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    [warning] = warnings_for(caplog, "COMPLETELY_UNRELATED=1\n", tmp_path)

    assert warning.endswith(
        "sets COMPLETELY_UNRELATED, which is not a setting and is ignored; "
        "the settings are in .env.example."
    )


def test_known_keys_in_any_case_and_the_process_environment_raise_no_warning(
    caplog: pytest.LogCaptureFixture, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The environment holds much besides the bot's settings; only .env is the bot's alone.
    monkeypatch.setenv("PORTT", "4000")
    monkeypatch.setenv("SLACK_BOT_TOKN", "xoxb-from-elsewhere")

    warnings = warnings_for(caplog, "port=4000\nLog_Level=debug\n" + EXAMPLE.read_text(), tmp_path)

    assert warnings == []


def test_a_misspelt_key_is_named_even_when_the_settings_are_refused(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # The typo is why SLACK_BOT_TOKEN is missing: the warning says so before the error.
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKN=xoxb-1\nSLACK_SIGNING_SECRET=s\n", encoding="utf-8")

    with (
        caplog.at_level(logging.WARNING, logger="bot.config"),
        pytest.raises(ConfigError) as caught,
    ):
        load_settings(_env_file=env_file)

    assert str(caught.value).startswith("SLACK_BOT_TOKEN is missing")
    [warning] = [r.getMessage() for r in caplog.records]
    assert warning.endswith("did you mean SLACK_BOT_TOKEN?")


def test_a_reader_of_one_setting_warns_about_keys_of_no_setting_only(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # `migrate` reads DATABASE_URL alone; the Slack settings beside it are settings all the same.
    env_file = tmp_path / ".env"
    env_file.write_text("SLACK_BOT_TOKEN=xoxb-1\nDATABSE_URL=sqlite:///typo.db\n", encoding="utf-8")

    with caplog.at_level(logging.WARNING, logger="bot.config"):
        settings = read_settings(DatabaseSettings, _env_file=env_file)

    assert settings.database_url == DEFAULT_DATABASE_URL
    [warning] = [r.getMessage() for r in caplog.records]
    assert "sets DATABSE_URL" in warning
    assert warning.endswith("did you mean DATABASE_URL?")


def test_no_env_file_no_warning(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("PORTT=1\n", encoding="utf-8")  # in the working directory

    with caplog.at_level(logging.WARNING, logger="bot.config"):
        settings = load_settings(_env_file=None, **GOOD)

    assert caplog.records == []
    assert settings.port == 3000


# -- OAuth: many workspaces -----------------------------------------------------------------

OAUTH = {
    "slack_client_id": "1111.2222",
    "slack_client_secret": "0a1b2c3d4e5f",
    "slack_signing_secret": GOOD["slack_signing_secret"],
}


def test_a_client_id_and_secret_need_no_bot_token() -> None:
    settings = load_settings(_env_file=None, **OAUTH)

    assert settings.oauth is True
    assert settings.slack_bot_token is None
    assert settings.slack_client_secret is not None
    assert settings.slack_client_secret.get_secret_value() == OAUTH["slack_client_secret"]


def test_a_bot_token_alone_is_one_workspace_as_before() -> None:
    settings = load_settings(_env_file=None, **GOOD)

    assert settings.oauth is False
    assert settings.slack_client_id is None


def test_oauth_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in OAUTH.items():
        monkeypatch.setenv(name.upper(), value)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://coach.example.com/")

    settings = load_settings(_env_file=None)

    assert settings.oauth and settings.slack_bot_token is None
    assert settings.public_base_url == "https://coach.example.com"


@pytest.mark.parametrize("missing", ["slack_client_id", "slack_client_secret"])
def test_oauth_needs_both_the_client_id_and_secret(missing: str) -> None:
    settings = {k: v for k, v in OAUTH.items() if k != missing}

    message = config_error(**settings)

    assert message.splitlines() == [message]
    assert message.startswith(f"{missing.upper()} is missing")
    assert f"Fix: {FIX_HINTS[missing.upper()]}" in message
    assert OAUTH["slack_client_secret"] not in message


def test_a_bot_token_and_a_client_id_together_are_refused_without_showing_either() -> None:
    message = config_error(**OAUTH, slack_bot_token=GOOD["slack_bot_token"])

    assert message.splitlines() == [message]
    assert message.startswith("SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set")
    assert "Fix: unset one of them" in message
    for secret in (
        GOOD["slack_bot_token"],
        OAUTH["slack_client_secret"],
        GOOD["slack_signing_secret"],
    ):
        assert secret not in message


def test_neither_a_bot_token_nor_a_client_id_names_both_ways() -> None:
    message = config_error(slack_signing_secret=GOOD["slack_signing_secret"])

    assert message.startswith("SLACK_BOT_TOKEN is missing")
    assert "SLACK_CLIENT_ID and SLACK_CLIENT_SECRET" in message


@pytest.mark.parametrize("name", ["public_base_url", "slack_authorize_url"])
def test_oauth_urls_must_be_http_urls(name: str) -> None:
    message = config_error(**OAUTH, **{name: "coach.example.com"})

    assert message.startswith(f"{name.upper()} is not valid")
    assert "must be an http(s) URL" in message
