"""`interview-bot preview` as the installed command, in its own process: the schedule it
prints, its one-line errors, PLAYBOOK_PATH from the environment or `.env`, and that the
preview package runs without SQLAlchemy or Slack's libraries."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.rules.playbook import DEFAULT_PLAYBOOK
from tests.preview_report import when_and_what
from tests.processes import clean_env, interview_bot_command

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEXT = (REPO_ROOT / "bot" / "rules" / DEFAULT_PLAYBOOK).read_text(encoding="utf-8")


def preview(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*interview_bot_command(), "preview", *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_the_command_prints_the_schedule(tmp_path: Path) -> None:
    result = preview(
        "--format",
        "in_person",
        "--traditional",
        "--tz",
        "America/Los_Angeles",
        "--at",
        "2026-12-01T10:00",
        "--emails-sent",
        "--cards-mailed",
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert when_and_what(lines) == [
        "Tue 2026-12-01 10:00 PST distance",
        "Tue 2026-12-01 11:00 PST reflection",
        "Tue 2026-12-01 12:00 PST thank-you",  # "Card mailed" at once: no card reminder
        "Wed 2026-12-09 10:00 PST follow-up 1",
        "Wed 2026-12-16 10:00 PST check-in",
        "Wed 2027-01-06 10:00 PST auto-close",
    ]
    # Nothing was created: no database, no Slack.
    assert list(tmp_path.iterdir()) == []


def test_the_command_defaults_to_new_york(tmp_path: Path) -> None:
    result = preview(
        "--at", "2026-07-01T10:00", "--direct", "--timeline", "2026-07-10", cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "(America/New_York, awake 08-20)" in lines[0]
    assert when_and_what(lines)[3] == "Mon 2026-07-13 10:00 EDT follow-up 1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--tz", "Nowhere/Special"],
            "interview-bot: preview: --tz 'Nowhere/Special' is not a time zone",
        ),
        (["--at", "noon"], "interview-bot: preview: --at 'noon' is not a local date and time"),
        (["--waking", "9"], "interview-bot: preview: --waking '9' is not a range of hours"),
        (["--logged-after", "-5"], "interview-bot: preview: --logged-after -5 is not 0 to"),
        (
            ["--at", "2026-12-01T10:00+02:00"],
            "interview-bot: preview: --at '2026-12-01T10:00+02:00' has a UTC offset or zone",
        ),
    ],
)
def test_a_bad_option_is_one_line_and_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = preview(*args, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith(message)


def test_a_bad_playbook_is_one_line_naming_the_key_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(DEFAULT_TEXT.replace("max_follow_ups = 5", "max_follow_ups = 6"), "utf-8")

    result = preview("--playbook", str(path), cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        f"interview-bot: preview: --playbook {path} has bad keys: timing.max_follow_ups: "
        "Input should be less than or equal to 5"
    )


def test_the_command_follows_playbook_path_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "two.toml"
    path.write_text(DEFAULT_TEXT.replace("max_follow_ups = 5", "max_follow_ups = 2"), "utf-8")

    result = preview("--direct", "--at", "2026-12-01T10:00", cwd=tmp_path, PLAYBOOK_PATH=str(path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("6 DMs, 2 of them follow-ups")


@pytest.mark.parametrize("where", ["environment", ".env"])
def test_a_bad_playbook_path_setting_is_named_as_the_setting(tmp_path: Path, where: str) -> None:
    missing = tmp_path / "nope.toml"
    if where == ".env":
        (tmp_path / ".env").write_text(f"PLAYBOOK_PATH={missing}\n", "utf-8")
        result = preview(cwd=tmp_path)
    else:
        result = preview(cwd=tmp_path, PLAYBOOK_PATH=str(missing))

    assert result.returncode == 2
    assert result.stdout == ""
    # As `interview-bot run` words it: no --playbook flag was given.
    assert "--playbook" not in result.stderr
    assert result.stderr.splitlines() == [
        "interview-bot: configuration problem:",
        f"  PLAYBOOK_PATH {missing} could not be read (No such file or directory). Fix: give "
        "the path of a playbook TOML file (start from a copy of "
        "bot/rules/default_playbook.toml), or leave it unset for the built-in playbook.",
    ]


def test_the_playbook_flag_wins_over_playbook_path_and_a_blank_one_is_unset(
    tmp_path: Path,
) -> None:
    path = tmp_path / "two.toml"
    path.write_text(DEFAULT_TEXT.replace("max_follow_ups = 5", "max_follow_ups = 2"), "utf-8")
    args = ("--direct", "--at", "2026-12-01T10:00")

    flag = preview(*args, "--playbook", str(path), cwd=tmp_path, PLAYBOOK_PATH="/nope")
    blank = preview(*args, cwd=tmp_path, PLAYBOOK_PATH="  ")

    assert flag.returncode == 0, flag.stderr
    assert flag.stdout.splitlines()[-1].startswith("6 DMs, 2 of them follow-ups")
    assert blank.returncode == 0, blank.stderr
    # No press on the follow-ups: two, then "Still waiting?", then the auto-close.
    assert blank.stdout.splitlines()[-1].startswith("7 DMs, 2 of them follow-ups")


# Printed by the command before bot.preview became a package; the report must not change
# (but for what the DMs now say: after the first, the call questions are behind a button; and
# three weeks after the last follow-up, the interview closes itself as "no reply").
FACE_TO_FACE_WITH_EVERY_PRESS = """\
A face-to-face interview at a traditional organization on Tue 2026-12-01 10:00 PST \
(America/Los_Angeles, awake 08-20); hear back by Fri 2026-12-04; direct contact OK; the person \
presses Card mailed, Follow-up sent, Keep going.

Tue 2026-12-01 10:00 PST  distance       Get some distance first.
Tue 2026-12-01 11:00 PST  reflection     How did it go? Asks the 2 reflection questions.
Tue 2026-12-01 12:00 PST  thank-you      Send a thank-you note today. Also a thank-you card by mail.
Mon 2026-12-07 10:00 PST  follow-up 1    Time to follow up. 3 call questions and the caution \
(at most 5). Weekly, direct contact OK.
Mon 2026-12-14 10:00 PST  follow-up 2    Time to follow up again. Call questions behind a button, \
the caution (at most 5). Weekly, direct contact OK.
Mon 2026-12-21 10:00 PST  follow-up 3    Time to follow up again. Call questions behind a button, \
the caution (at most 5). Weekly, direct contact OK.
Mon 2026-12-28 10:00 PST  follow-up 4    Time to follow up again. Call questions behind a button, \
the caution (at most 5). Weekly, direct contact OK.
Mon 2027-01-04 10:00 PST  follow-up 5    Time to follow up again. Call questions behind a button, \
the caution (at most 5). Weekly, direct contact OK.
Mon 2027-01-25 10:00 PST  auto-close     I've closed this interview as "no reply". Reopen for a day.

9 DMs, 5 of them follow-ups; after that nothing is planned.
"""


def test_the_report_is_word_for_word_what_it_was(tmp_path: Path) -> None:
    result = preview(
        *("--format", "in_person", "--traditional", "--tz", "America/Los_Angeles"),
        *("--at", "2026-12-01T10:00", "--direct", "--timeline", "2026-12-04"),
        *("--cards-mailed", "--follow-ups-sent", "--keep-going"),
        cwd=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout == FACE_TO_FACE_WITH_EVERY_PRESS


def test_the_preview_package_imports_no_database_or_slack_library() -> None:
    # A fresh interpreter: this one has long imported both for other tests.
    probe = (
        "import json, sys, bot.preview, bot.preview.options, bot.preview.report; "
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=True
    )

    imported = set(json.loads(result.stdout))
    assert "bot" in imported
    assert not imported & {"sqlalchemy", "alembic", "psycopg", "slack_sdk", "slack_bolt"}
