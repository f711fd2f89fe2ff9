"""The `interview-bot` command line, run as the installed console script in a subprocess;
and `serve()`, where `run` ends, in this process where a test must hold work mid-flight."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic.script import ScriptDirectory
from coach_devkit.slack_standin import SlackStandIn
from coach_devkit.slack_standin.signed_sender import SignedSlackSender, SlackPerson
from slack_bolt import Ack
from sqlalchemy import inspect, select

from bot.app import BotApp, create_app
from bot.clock import FixedClock
from bot.config import FIX_HINTS
from bot.runner import serve
from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Base, SlackUser
from bot.store.oauth_tables import OAUTH_TABLES
from tests.harness import DANA, test_settings
from tests.harness import SIGNING_SECRET as HARNESS_SIGNING_SECRET
from tests.processes import clean_env, free_port, interview_bot_command, start_run

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_TABLES = set(Base.metadata.tables) | set(OAUTH_TABLES)  # the bot's, and slack_sdk's stores
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


def the_line_about(problem: str, result: subprocess.CompletedProcess[str]) -> str:
    """The one line of stderr that mentions `problem`, after checking how `run` ended."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if problem in line]
    assert len(lines) == 1, result.stderr
    assert "Fix:" in lines[0]
    return lines[0]


def test_run_with_unreachable_database_explains_in_one_line(tmp_path: Path) -> None:
    result = interview_bot(
        "run",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1111-2222-abcdef",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        DATABASE_URL="postgresql+psycopg://nobody@127.0.0.1:1/x",
    )

    assert "could not be opened" in the_line_about("DATABASE_URL", result)
    assert SIGNING_SECRET not in result.stderr


def settings_for_run(standin: SlackStandIn, tmp_path: Path, **more: str) -> dict[str, str]:
    """Settings under which `run` gets past the database and Slack's auth.test."""
    return {
        "SLACK_BOT_TOKEN": standin.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coach.db'}",
        **more,
    }


def test_run_with_a_bad_playbook_names_file_and_key_before_slack_or_the_database(
    tmp_path: Path,
) -> None:
    default = (REPO_ROOT / "bot" / "rules" / "default_playbook.toml").read_text("utf-8")
    playbook = tmp_path / "playbook.toml"
    playbook.write_text(
        default.replace("follow_up_interval_days = 7", "follow_up_interval_days = 3"), "utf-8"
    )

    result = interview_bot(
        "run",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1111-2222-abcdef",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        # Nothing listens here: the playbook must be refused before Slack is asked.
        SLACK_API_URL="http://127.0.0.1:1/api/",
        DATABASE_URL=f"sqlite:///{tmp_path / 'coach.db'}",
        PLAYBOOK_PATH=str(playbook),
    )

    line = the_line_about("PLAYBOOK_PATH", result)
    assert line.startswith(
        f"  PLAYBOOK_PATH {playbook} has bad keys: timing.follow_up_interval_days: "
        "Input should be greater than or equal to 7. Fix: "
    )
    assert "SLACK_API_URL" not in result.stderr
    assert not (tmp_path / "coach.db").exists()


def test_run_with_unreachable_slack_api_url_explains_in_one_line(tmp_path: Path) -> None:
    result = interview_bot(
        "run",
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1111-2222-abcdef",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL="http://127.0.0.1:1/api/",  # nothing listens on port 1
        DATABASE_URL=f"sqlite:///{tmp_path / 'coach.db'}",
    )

    line = the_line_about("SLACK_API_URL could not be reached", result)
    assert "auth.test at http://127.0.0.1:1/api/ failed (Connection refused)" in line
    assert SIGNING_SECRET not in result.stderr


def test_run_on_a_port_in_use_names_port(standin: SlackStandIn, tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]

        result = interview_bot(
            "run",
            cwd=tmp_path,
            **settings_for_run(standin, tmp_path, HOST="127.0.0.1", PORT=str(port)),
        )

    line = the_line_about("PORT", result)
    assert line.startswith(f"  PORT {port} is already in use on 127.0.0.1")


def test_run_on_a_host_that_is_not_this_machine_names_host(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    # 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never an address of this machine.
    settings = settings_for_run(standin, tmp_path, HOST="192.0.2.1", PORT=str(free_port()))

    result = interview_bot("run", cwd=tmp_path, **settings)

    line = the_line_about("HOST", result)
    assert line.startswith("  HOST 192.0.2.1 is not an address of this machine")


def test_run_on_a_host_name_that_does_not_resolve_names_host(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    settings = settings_for_run(standin, tmp_path, HOST="no-such-host.invalid")

    result = interview_bot("run", cwd=tmp_path, **settings)

    line = the_line_about("HOST", result)
    assert "HOST is not valid (got 'no-such-host.invalid')" in line


@pytest.mark.parametrize("command", ["run", "migrate"])
def test_a_dot_env_that_is_not_utf8_is_named_with_the_line(tmp_path: Path, command: str) -> None:
    # "café" saved as Latin-1, as an editor set to a Western code page would.
    (tmp_path / ".env").write_bytes(b"SLACK_SIGNING_SECRET=s\nSLACK_BOT_TOKEN=xoxb-caf\xe9\n")

    result = interview_bot(command, cwd=tmp_path)

    line = the_line_about(".env file", result)
    assert f"{(tmp_path / '.env').resolve()} has byte 0xe9 on line 2" in line
    assert "not UTF-8" in line


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
        ["commands", "chat:write", "im:write", "im:history", "users:read", "files:write"]
    )
    assert sorted(settings["event_subscriptions"]["bot_events"]) == sorted(
        ["app_home_opened", "app_uninstalled", "message.im", "tokens_revoked", "user_change"]
    )
    app_home = manifest["features"]["app_home"]
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False


def test_manifest_with_a_base_url_slack_refuses_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = interview_bot("manifest", "--base-url", "x.example", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "interview-bot: manifest: --base-url 'x.example' is not an absolute https:// URL "
        "(Slack sends requests only to https). Fix: give the public https address Slack "
        "reaches the bot at, such as https://coach.example.com."
    ]


def test_manifest_with_a_name_over_slacks_limit_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = interview_bot("manifest", "--name", "N" * 36, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"interview-bot: manifest: --name {'N' * 36!r} is 36 characters; Slack allows at "
        "most 35. Fix: give a shorter name."
    ]


# -- output into a pipe whose reader is gone ---------------------------------------------------


@pytest.mark.parametrize(
    "args", [("preview", "--at", "2026-12-01T10:00"), ("manifest",)], ids=["preview", "manifest"]
)
def test_output_to_a_reader_that_has_gone_ends_quietly(tmp_path: Path, args: tuple[str]) -> None:
    # `interview-bot preview | head -1`, with head gone before the first byte rather than
    # whenever it happens to exit: a pipe whose read end no process holds.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [*interview_bot_command(), *args],
            cwd=tmp_path,
            env=clean_env(),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=30,
            check=False,
        )
    finally:
        os.close(write_end)

    assert result.stderr == ""  # no BrokenPipeError, not even "Exception ignored"
    assert result.returncode == 141  # as a shell reports `seq 100000 | head -1`'s seq


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


def test_migrate_with_a_bad_database_url_flag_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = interview_bot("migrate", "--database-url", "interview_coach.db", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "interview-bot: migrate: --database-url 'interview_coach.db' is not a database URL. "
        "Fix: give a SQLAlchemy URL such as sqlite:///interview_coach.db or "
        "postgresql+psycopg://user@host/db."
    ]


@pytest.mark.parametrize("command", ["migrate", "run"])
def test_a_database_url_naming_a_file_that_is_no_database_is_one_line(
    tmp_path: Path, command: str
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("Call Acme back on Monday.\n" * 20, encoding="utf-8")

    result = interview_bot(
        command,
        cwd=tmp_path,
        SLACK_BOT_TOKEN="xoxb-1111-2222-abcdef",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        # Nothing listens here: the database must be refused before Slack is asked.
        SLACK_API_URL="http://127.0.0.1:1/api/",
        DATABASE_URL=f"sqlite:///{notes}",
    )

    line = the_line_about("DATABASE_URL", result)
    assert line.startswith("  DATABASE_URL could not be opened (file is not a database). Fix:")
    assert "SLACK_API_URL" not in result.stderr
    assert result.stdout == ""
    assert notes.read_text(encoding="utf-8") == "Call Acme back on Monday.\n" * 20


def test_migrate_downgrade_to_no_such_revision_names_it_and_the_ones_there_are(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    assert interview_bot("migrate", "--database-url", url, cwd=tmp_path).returncode == 0
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    oldest_first = [r.revision for r in reversed(list(script.walk_revisions()))]

    result = interview_bot("migrate", "--downgrade", "nonsense", cwd=tmp_path, DATABASE_URL=url)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "interview-bot: migrate: --downgrade 'nonsense' is not a revision to go back to "
        "(Can't locate revision identified by 'nonsense'). Fix: give one of "
        f"{', '.join(['base', *oldest_first])} (oldest first)."
    ]
    # Nothing was undone.
    assert table_names(url) == {*MODEL_TABLES, "alembic_version"}
    again = interview_bot("migrate", "--database-url", url, cwd=tmp_path)
    assert again.stdout.strip().endswith(f"is at revision {head_revision()}")


def test_migrate_cannot_go_back_further_than_base(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    assert interview_bot("migrate", "--database-url", url, cwd=tmp_path).returncode == 0
    back = len(list(ScriptDirectory(str(migrate.MIGRATIONS_DIR)).walk_revisions())) + 1

    result = interview_bot(
        "migrate", "--database-url", url, "--downgrade", f"-{back}", cwd=tmp_path
    )

    assert result.returncode == 2
    assert result.stderr.startswith(f"interview-bot: migrate: --downgrade '-{back}' is not")
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert table_names(url) == {*MODEL_TABLES, "alembic_version"}


# -- settings in .env that are no settings -----------------------------------------------------


def test_run_names_a_misspelt_key_in_dot_env_with_the_setting_meant(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKN=xoxb-1111-2222-abcdef\nSLACK_SIGNING_SECRET=s\n", encoding="utf-8"
    )

    result = interview_bot("run", cwd=tmp_path, PORTT="1")  # the environment is not checked

    assert result.returncode == 2
    env_file = (tmp_path / ".env").resolve()
    assert result.stderr.splitlines() == [
        f".env file {env_file} sets SLACK_BOT_TOKN, which is not a setting and is ignored; "
        "did you mean SLACK_BOT_TOKEN?",
        "interview-bot: configuration problem:",
        f"  SLACK_BOT_TOKEN is missing. Fix: {FIX_HINTS['SLACK_BOT_TOKEN']} "
        "(in .env or the environment; see .env.example).",
    ]


def test_migrate_names_a_misspelt_database_url_in_dot_env(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DATABSE_URL=sqlite:///{tmp_path / 'meant.db'}\n", "utf-8")

    result = interview_bot("migrate", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (
        "sets DATABSE_URL, which is not a setting and is ignored; did you mean DATABASE_URL?"
        in (result.stderr)
    )
    assert "interview_coach.db" in result.stdout  # the default, as the warning said


def test_run_logs_a_misspelt_key_as_a_record_in_the_log_format_chosen(
    tmp_path: Path, fresh_database_url: str
) -> None:
    """With good settings, the warning waits until logging is set up from them: under
    LOG_FORMAT=json it is a JSON record like every other line, not a bare line before them."""
    (tmp_path / ".env").write_text("PORTT=4000\n", encoding="utf-8")
    port = free_port()
    stderr_path = tmp_path / "run.stderr"
    with SlackStandIn() as standin, stderr_path.open("wb") as stderr:
        process = start_run(
            tmp_path, standin, SIGNING_SECRET, fresh_database_url, port, stderr, LOG_FORMAT="json"
        )
        try:
            assert wait_while_running(process, health(port), 20)["ok"] is True
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()
    lines = stderr_path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # every line JSON: none bare
    [typo] = [r for r in records if "PORTT" in r["message"]]
    assert typo["level"] == "WARNING"
    assert typo["message"].endswith("which is not a setting and is ignored; did you mean PORT?")


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
        process = start_run(
            tmp_path, standin, SIGNING_SECRET, fresh_database_url, port, stderr, CLOCK_SPEEDUP="100"
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


# -- run: shutdown, with serve() in this process -----------------------------------------------
# A subprocess cannot be made to hold a listener mid-flight; here a test listener waits on an
# event the test controls, and bot.runner's log lines are the cues, so nothing sleeps.

HELD_COMMAND = "/held-work"


@dataclass
class HeldWork:
    """A listener that acks at once, then works until released: work Slack counts as done."""

    started: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)

    def register(self, bot: BotApp) -> None:
        @bot.bolt.command(HELD_COMMAND)
        def held(ack: Ack) -> None:
            ack()
            self.started.set()
            if self.release.wait(timeout=20):
                self.finished.set()


class LogCues(logging.Handler):
    """Keeps bot.runner's messages and sets an event when one starts with its cue."""

    def __init__(self, cues: dict[str, threading.Event]) -> None:
        super().__init__(level=logging.INFO)
        self.cues = cues
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.messages.append(message)
        for start, event in self.cues.items():
            if message.startswith(start):
                event.set()


@contextmanager
def runner_log(cues: dict[str, threading.Event]) -> Iterator[LogCues]:
    runner_logger = logging.getLogger("bot.runner")
    handler, level = LogCues(cues), runner_logger.level
    runner_logger.addHandler(handler)
    runner_logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        runner_logger.removeHandler(handler)
        runner_logger.setLevel(level)


def send_held_command_then_sigterm(
    port: int, serving: threading.Event, work: HeldWork, statuses: list[int]
) -> threading.Thread:
    """From a second thread: once serving, send the command, wait for its work, then SIGTERM."""
    main_thread = threading.main_thread().ident
    assert main_thread is not None

    def drive() -> None:
        try:
            if serving.wait(timeout=10):
                sender = SignedSlackSender(
                    f"http://127.0.0.1:{port}/slack/events", HARNESS_SIGNING_SECRET
                )
                body = sender.slash_command_body("", DANA).replace(
                    urllib.parse.quote("/interview", safe=""),
                    urllib.parse.quote(HELD_COMMAND, safe=""),
                )
                statuses.append(sender.post(body, "application/x-www-form-urlencoded").status)
                work.started.wait(timeout=10)
        finally:
            # To the main thread, where serve() runs: its select() wakes at once.
            signal.pthread_kill(main_thread, signal.SIGTERM)

    driver = threading.Thread(target=drive, name="test-driver", daemon=True)
    driver.start()
    return driver


def serve_with_held_work(
    standin: SlackStandIn,
    clock: FixedClock,
    db: Database,
    *,
    release_on: str | None = None,
    **serve_options: float,
) -> tuple[HeldWork, list[int], bool, LogCues]:
    """Serve a bot whose one command holds its work until SIGTERM has come.

    The work is let go when bot.runner logs a line starting with `release_on`, else only
    after serve() returned. Gives the work, the HTTP statuses, whether the work had finished
    when serve() returned, and the log.
    """
    work, serving, statuses = HeldWork(), threading.Event(), []
    bot, port = bot_with_held_work(standin, clock, db, work)
    cues = {"serving Slack": serving}
    if release_on is not None:
        cues[release_on] = work.release
    with runner_log(cues) as log:
        try:
            driver = send_held_command_then_sigterm(port, serving, work, statuses)
            serve(bot, **serve_options)  # until the SIGTERM
            finished_before_serve_returned = work.finished.is_set()
        finally:
            work.release.set()
            bot.listener_executor.wait_idle()
        driver.join(timeout=10)
    return work, statuses, finished_before_serve_returned, log


def bot_with_held_work(
    standin: SlackStandIn, clock: FixedClock, db: Database, work: HeldWork
) -> tuple[BotApp, int]:
    port = free_port()
    bot = create_app(test_settings(standin, db.url, host="127.0.0.1", port=port), clock, db)
    work.register(bot)
    return bot, port


def test_shutdown_waits_for_listener_work_already_acked(
    standin: SlackStandIn, clock: FixedClock, db: Database
) -> None:
    # The work may finish once serve() says it is waiting for it, and not before.
    _, statuses, finished_before_serve_returned, log = serve_with_held_work(
        standin, clock, db, release_on="waiting up to"
    )

    assert statuses == [200]
    assert finished_before_serve_returned, log.messages
    assert "waiting up to 10s for 1 listener task(s) to finish" in log.messages
    assert not [m for m in log.messages if m.startswith("gave up")]


def test_shutdown_gives_up_on_listener_work_after_its_time(
    standin: SlackStandIn, clock: FixedClock, db: Database
) -> None:
    # No time at all to drain: serve() gives up at once.
    work, statuses, finished_before_serve_returned, log = serve_with_held_work(
        standin, clock, db, drain_seconds=0
    )

    assert statuses == [200]
    assert not finished_before_serve_returned
    assert "gave up waiting after 0s: 1 listener task(s) still running" in log.messages
    # Let go of, not cut off: once released, the work still finishes.
    assert work.finished.is_set()


def test_the_install_link_logged_without_a_public_url_is_one_a_browser_can_open() -> None:
    from bot.runner import _browsable

    assert _browsable("0.0.0.0") == _browsable("::") == "localhost"
    assert _browsable("10.0.0.7") == "10.0.0.7"
