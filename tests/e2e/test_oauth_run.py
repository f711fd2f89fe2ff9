"""`interview-bot run` with SLACK_CLIENT_ID and no SLACK_BOT_TOKEN: it starts without asking
Slack for any token, serves the install page, takes an install, and stops cleanly."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from coach_devkit.slack_standin import SlackStandIn
from sqlalchemy import text

from bot.store.db import Database
from tests.e2e.test_cli import health, wait_while_running
from tests.e2e.test_oauth_workspaces import install_at
from tests.harness import DANA, SIGNING_SECRET
from tests.processes import clean_env, free_port, interview_bot_command


def test_run_with_oauth_serves_the_install_and_keeps_the_token(
    tmp_path: Path, fresh_database_url: str
) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with SlackStandIn() as standin, (tmp_path / "run.stderr").open("wb") as stderr:
        env = clean_env(
            SLACK_CLIENT_ID=standin.oauth.client_id,
            SLACK_CLIENT_SECRET=standin.oauth.client_secret,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=standin.api_url,
            SLACK_AUTHORIZE_URL=standin.authorize_url,
            PUBLIC_BASE_URL=base_url,
            DATABASE_URL=fresh_database_url,
            HOST="127.0.0.1",
            PORT=str(port),
        )
        process = subprocess.Popen(
            [*interview_bot_command(), "run"], cwd=tmp_path, env=env, stderr=stderr
        )
        database = Database(fresh_database_url)
        try:
            assert wait_while_running(process, health(port), 20) == {"ok": True, "database": "up"}
            assert standin.calls == []  # no token to check at start-up

            token = install_at(base_url, standin, DANA.team_id)

            # The redirect went to PUBLIC_BASE_URL's, named in the authorize URL.
            [page] = standin.calls_to("oauth/v2/authorize")
            assert page.params["redirect_uri"] == base_url + "/slack/oauth_redirect"
            with database.engine.connect() as connection:
                stored = connection.execute(text("SELECT team_id, bot_token FROM slack_bots"))
                assert [tuple(row) for row in stored] == [(DANA.team_id, token)]
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0
        finally:
            database.dispose()
            if process.poll() is None:
                process.kill()
                process.wait()
