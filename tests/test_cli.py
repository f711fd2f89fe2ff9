"""The `interview-bot` command line, run as the installed console script in a subprocess."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from bot.slack_standin import SlackStandIn
from bot.slack_standin.slack_requests import SignedSlackSender, SlackPerson
from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Base, SlackUser
from tests.harness import DANA
from tests.processes import clean_env, free_port, interview_bot_command

REPO_ROOT = Path(__file__).resolve().parents[1]
MODEL_TABLES = set(Base.metadata.tables)
SIGNING_SECRET = "cli-test-signing-secret"
T = TypeVar("T")


def interview_bot(
    *args: str, cwd: Path, timeout: float = 30, **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*interview_bot_command(), *args],
        cwd=cwd,
        env=clean_env(**settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def head_revision() -> str:
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    head = script.get_current_head()
    assert head is not None
    return head


def table_names(database_url: str) -> set[str]:
    database = Database(database_url)
    try:
        return set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


# -- run: start-up problems --------------------------------------------------------------------


def test_run_without_settings_names_them_and_exits_2(tmp_path: Path) -> None:
    result = interview_bot("run", cwd=tmp_path)

    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN is missing" in result.stderr
    assert "SLACK_SIGNING_SECRET is missing" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    # Nothing was created on the way out.
    assert not (tmp_path / "interview_coach.db").exists()


def test_run_reads_settings_from_dot_env_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-dot-env\nSLACK_SIGNING_SECRET=s\nPORT=99999\n",
        encoding="utf-8",
    )

    result = interview_bot("run", cwd=tmp_path)

    assert result.returncode == 2
    assert "PORT is not valid (got '99999')" in result.stderr
    assert "SLACK_BOT_TOKEN" not in result.stderr
    assert "Traceback" not in result.stderr


def test_run_with_unreachable_database_explains_in_one_line(tmp_path: Path) -> None:
    result = interview_bot(
        "run",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1111-2222-abcdef",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x",
    )

    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    database_lines = [line for line in result.stderr.splitlines() if "DATABASE_URL" in line]
    assert len(database_lines) == 1
    assert "could not be opened" in database_lines[0]
    assert "Fix:" in database_lines[0]
    assert SIGNING_SECRET not in result.stderr


# -- manifest ----------------------------------------------------------------------------------


def test_manifest_matches_the_committed_manifest_json(tmp_path: Path) -> None:
    result = interview_bot("manifest", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    committed = json.loads((REPO_ROOT / "manifest.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == committed


def test_manifest_with_base_url_is_for_http_mode(tmp_path: Path) -> None:
    result = interview_bot("manifest", "--base-url", "https://coach.example.com", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    manifest = json.loads(result.stdout)
    events_url = "https://coach.example.com/slack/events"
    settings = manifest["settings"]
    [slash_command] = manifest["features"]["slash_commands"]
    assert slash_command["command"] == "/interview"
    assert slash_command["url"] == events_url
    assert settings["event_subscriptions"]["request_url"] == events_url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": events_url}
    assert settings["socket_mode_enabled"] is False
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(
        ["commands", "chat:write", "im:write", "im:history", "users:read"]
    )
    assert sorted(settings["event_subscriptions"]["bot_events"]) == sorted(
        ["app_home_opened", "app_uninstalled", "message.im", "tokens_revoked"]
    )
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False


# -- migrate -----------------------------------------------------------------------------------


def test_migrate_creates_the_tables_and_can_run_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    head = head_revision()

    first = interview_bot("migrate", "--database-url", url, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith(f"is at revision {head}")
    assert table_names(url) == {*MODEL_TABLES, "alembic_version"}

    second = interview_bot("migrate", "--database-url", url, cwd=tmp_path)

    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert table_names(url) == {*MODEL_TABLES, "alembic_version"}


def test_migrate_reads_database_url_from_the_environment_and_downgrades(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"

    up = interview_bot("migrate", cwd=tmp_path, DATABASE_URL=url)
    assert up.returncode == 0, up.stderr
    assert table_names(url) >= MODEL_TABLES

    down = interview_bot("migrate", "--downgrade", "base", cwd=tmp_path, DATABASE_URL=url)

    assert down.returncode == 0, down.stderr
    assert down.stdout.strip().endswith("is at revision base (empty)")
    assert not MODEL_TABLES & table_names(url)


def test_migrate_hides_the_database_password(tmp_path: Path) -> None:
    result = interview_bot(
        "migrate",
        "--database-url",
        "postgresql+psycopg://coach:pw-TOPSECRET@127.0.0.1:1/coach",
        cwd=tmp_path,
    )

    assert result.returncode == 2
    assert "DATABASE_URL could not be opened" in result.stderr
    assert "TOPSECRET" not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


# -- run: end to end ---------------------------------------------------------------------------


def wait_while_running(
    process: subprocess.Popen[bytes], condition: Callable[[], T | None], seconds: float
) -> T:
    """Poll `condition` until it gives a value, the process exits, or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value is not None:
            return value
        # Waiting on the process between polls: an early exit ends the wait at once.
        try:
            code = process.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            continue
        raise AssertionError(f"interview-bot run exited with {code} while the test waited")
    raise AssertionError(f"gave up after {seconds}s waiting for {condition.__name__}")


def health(port: int) -> Callable[[], dict[str, Any] | None]:
    def healthz() -> dict[str, Any] | None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as reply:
                return json.loads(reply.read()) if reply.status == 200 else None
        except (urllib.error.URLError, ConnectionError):
            return None

    return healthz


def stored_time_zone(database: Database, person: SlackPerson) -> Callable[[], str | None]:
    def time_zone_stored() -> str | None:
        with database.transaction() as session:
            return session.scalars(
                select(SlackUser.tz).where(
                    SlackUser.team_id == person.team_id, SlackUser.user_id == person.user_id
                )
            ).one_or_none()

    return time_zone_stored


def test_run_migrates_serves_slack_and_stops_cleanly_on_sigterm(
    tmp_path: Path, fresh_database_url: str
) -> None:
    port = free_port()
    stderr_path = tmp_path / "run.stderr"
    with SlackStandIn() as standin, stderr_path.open("wb") as stderr:
        standin.add_user(DANA.user_id, tz="America/Los_Angeles", name=DANA.name)
        process = subprocess.Popen(
            [*interview_bot_command(), "run"],
            cwd=tmp_path,
            env=clean_env(
                SLACK_BOT_TOKEN=standin.bot_token,
                SLACK_SIGNING_SECRET=SIGNING_SECRET,
                SLACK_API_URL=standin.api_url,
                DATABASE_URL=fresh_database_url,
                HOST="127.0.0.1",
                PORT=str(port),
                CLOCK_SPEEDUP="100",
            ),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        database = Database(fresh_database_url)
        try:
            assert wait_while_running(process, health(port), 20) == {"ok": True, "database": "up"}

            slack = SignedSlackSender(
                f"http://127.0.0.1:{port}/slack/events",
                SIGNING_SECRET,
                response_url=standin.response_url(),
            )
            trigger_id = slack.new_trigger_id()
            reply = slack.slash_command("logged Acme", DANA, trigger_id=trigger_id)
            assert reply.status == 200, reply

            [opened] = standin.wait_for("views.open", timeout=10)
            assert opened.params["trigger_id"] == trigger_id
            assert opened.token == standin.bot_token
            # After the modal, the bot learns Dana's time zone and keeps it.
            stored = wait_while_running(process, stored_time_zone(database, DANA), 10)
            assert stored == "America/Los_Angeles"

            # A request signed with another secret is refused by the running process.
            forged = SignedSlackSender(slack.events_url, "not-the-secret")
            assert forged.slash_command("logged Acme", DANA).status == 401

            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            database.dispose()
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)

    log = stderr_path.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in log, log
    speedup_warnings = [
        line for line in log.splitlines() if "WARNING" in line and "CLOCK_SPEEDUP" in line
    ]
    assert speedup_warnings, log
    # It migrated the empty database on start.
    assert table_names(fresh_database_url) == {*MODEL_TABLES, "alembic_version"}
    database = Database(fresh_database_url)
    try:
        assert migrate.current_revision(database.engine) == head_revision()
    finally:
        database.dispose()
