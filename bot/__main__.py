"""The `interview-bot` command line: run, migrate, rotate-key, demo, preview, manifest."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.config import CLOCK_SPEEDUP_MAX, ConfigError

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

    from bot.rules.playbook import Playbook
    from bot.store.db import Database

# What a shell reports for a command whose reader went away, as for `seq 1000000 | head -1`:
# 128 + SIGPIPE (13). Not 0: the output was cut short.
READER_GONE_EXIT = 141


class _ReaderGone(Exception):
    """stdout is a pipe whose reader has closed it (`interview-bot preview | head -1`)."""


def _fail(message: str) -> int:
    print(f"interview-bot: {message}", file=sys.stderr)
    return 2


def _output(text: str) -> None:
    """Print a command's result; a reader that stopped listening ends the command quietly."""
    try:
        print(text, flush=True)  # flushed now, so a closed pipe shows here and not at exit
    except BrokenPipeError:
        raise _ReaderGone from None


def _unusable_database(exc: DBAPIError) -> ConfigError:
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return ConfigError(
        f"DATABASE_URL could not be opened ({reason}). Fix: check the URL and that the "
        "database server is running; a sqlite URL must name an SQLite database file, or a "
        "path where a new one can be made."
    )


def _open_or_explain(db: Database) -> None:
    """Connect once, so that a database that cannot be used at all is a ConfigError."""
    from sqlalchemy.exc import DBAPIError

    try:
        with db.engine.connect():
            pass
    except DBAPIError as exc:  # no server, no such file, a file that is no database…
        raise _unusable_database(exc) from None


def _upgrade_or_explain(db: Database) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.store import migrate

    _open_or_explain(db)
    try:
        migrate.upgrade(db.engine)
    except OperationalError as exc:  # the server went away, the file stayed locked
        raise _unusable_database(exc) from None


def cmd_run(_args: argparse.Namespace) -> int:
    from bot.app import configured_playbook, create_app, open_database
    from bot.config import load_settings
    from bot.logging_setup import configure_logging, secret_values
    from bot.runner import serve

    unknown_keys: list[str] = []
    settings = load_settings(unknown_keys=unknown_keys)
    configure_logging(settings.log_level, settings.log_format, secret_values(settings))
    for warning in unknown_keys:  # now a record in the format chosen, like every other line
        logging.getLogger("bot.config").warning("%s", warning)
    playbook = configured_playbook(settings)  # before the database: nothing to undo
    db = open_database(settings)
    try:
        _upgrade_or_explain(db)
        bot = create_app(settings, db=db, playbook=playbook)
    except BaseException:
        db.dispose()
        raise
    serve(bot)  # disposes the database when it ends
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.config import DatabaseSettings, read_settings
    from bot.store import migrate
    from bot.store.db import Database

    if args.database_url is None:
        # Only the database matters here; tokens may not exist yet on a fresh machine.
        url = read_settings(DatabaseSettings).database_url
    else:
        url = args.database_url
        problem = _database_url_flag_problem(url)
        if problem is not None:
            return _fail(f"migrate: {problem}")
    db = Database(url)
    try:
        if args.downgrade:
            _open_or_explain(db)
            problem = _downgrade(db, args.downgrade)
            if problem is not None:
                return _fail(f"migrate: {problem}")
        else:
            _upgrade_or_explain(db)
        revision = migrate.current_revision(db.engine) or "base (empty)"
    finally:
        db.dispose()
    _output(f"database at {_redacted(url)} is at revision {revision}")
    return 0


def cmd_rotate_key(args: argparse.Namespace) -> int:
    from bot.app import note_cipher
    from bot.config import RotationSettings, read_settings
    from bot.store import migrate
    from bot.store.db import Database
    from bot.store.rotation import TableProgress, rotate_notes

    if args.batch_size < 1:
        return _fail(f"rotate-key: --batch-size {args.batch_size} must be at least 1")
    settings = read_settings(RotationSettings)
    if not settings.data_encryption_keys:
        return _fail(
            "rotate-key: DATA_ENCRYPTION_KEYS is not set, so there is no key to encrypt with. "
            "Fix: set it to the new key, then the old ones, separated by commas (see README)."
        )
    cipher = note_cipher(settings)
    db = Database(settings.database_url, cipher=cipher)
    try:
        _open_or_explain(db)
        if migrate.current_revision(db.engine) is None:
            return _fail("rotate-key: the database has no tables yet. Fix: run `migrate` first.")

        def progress(done: TableProgress) -> None:
            _output(f"{done.table}: {done.checked} rows checked, {done.rewritten} re-encrypted")

        report = rotate_notes(db, cipher, batch_size=args.batch_size, after_batch=progress)
    finally:
        db.dispose()
    for done in report.tables:
        _output(
            f"{done.table}: done, {done.checked} rows checked, {done.rewritten} re-encrypted "
            f"under the newest key, {len(done.unreadable_ids)} unreadable, "
            f"{done.changed_meanwhile} changed meanwhile"
        )
        if done.unreadable_ids:
            shown = ", ".join(str(i) for i in done.unreadable_ids[:20])
            _output(f"  {done.table} rows no key opens (ids): {shown}")
    if not report.finished:
        return _fail(
            "rotate-key: some rows are not under the newest key yet. Fix: rows changed "
            "meanwhile need another run; unreadable rows need the key that wrote them added at "
            "the end of DATA_ENCRYPTION_KEYS, then another run."
        )
    _output("every note is encrypted under the newest key; older keys can now be removed")
    return 0


def _database_url_flag_problem(url: str) -> str | None:
    from bot.config import FIX_HINTS, check_database_url, hide_password

    try:
        check_database_url(url)
    except ValueError as exc:
        given = hide_password(url)
        return f"--database-url {given!r} {exc}. Fix: {FIX_HINTS['DATABASE_URL']}."
    return None


def _downgrade(db: Database, revision: str) -> str | None:
    """Go back to `revision`; None, or why not in one line, naming the revisions there are."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from bot.store import migrate

    try:
        migrate.downgrade(db.engine, revision)
    except CommandError as exc:  # no such revision, or not behind the current one
        script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
        known = ", ".join(["base", *(r.revision for r in reversed(list(script.walk_revisions())))])
        return (
            f"--downgrade {revision!r} is not a revision to go back to ({exc}). "
            f"Fix: give one of {known} (oldest first)."
        )
    return None


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_manifest(args: argparse.Namespace) -> int:
    from bot.manifest import ManifestError, build_manifest

    try:
        manifest = build_manifest(args.base_url, args.name, oauth=args.oauth)
    except ManifestError as exc:
        return _fail(f"manifest: {exc}")
    _output(json.dumps(manifest, indent=2))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from datetime import date

    try:
        start = date.fromisoformat(args.start.strip()) if args.start is not None else None
    except ValueError:
        return _fail(f"demo: --start {args.start!r} is not a date like 2026-12-01")
    # The demo plays against the Slack stand-in, which is a development tool: it lives in
    # the separate interview-coach-devkit distribution, never in the runtime install.
    try:
        from coach_devkit.demo import run_demo
    except ModuleNotFoundError as exc:
        if exc.name is None or not exc.name.startswith("coach_devkit"):
            raise
        # Not a setting to fix, so one line rather than a "configuration problem".
        return _fail(
            "demo needs the development kit, which this install does not have. Fix: install "
            "the interview-coach-devkit package (pip install 'interview-coach[demo]'), or run "
            "`make demo` from a clone."
        )
    if args.speedup is not None and not 1 <= args.speedup <= CLOCK_SPEEDUP_MAX:
        # Said of the flag given, not of CLOCK_SPEEDUP in .env, which the demo does not read.
        return _fail(
            f"demo: --speedup {args.speedup:,.15g} is not a number from 1 (real time)"
            f" to {CLOCK_SPEEDUP_MAX:,}"
        )
    return run_demo(speedup=args.speedup, start=start)


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.preview.options import PreviewError, options_from_args
    from bot.preview.report import preview_lines

    try:
        options = options_from_args(args)
        if options.playbook is None:
            options = dataclasses.replace(options, playbook=_playbook_from_settings())
        lines = preview_lines(options, SystemClock().now())
    except PreviewError as exc:
        return _fail(f"preview: {exc}")
    _output("\n".join(lines))
    return 0


def _playbook_from_settings() -> Playbook | None:
    """PLAYBOOK_PATH's playbook, a bad one reported as `run` reports it; None, the built-in
    one, when it is unset."""
    from bot.config import PlaybookSettings, read_settings

    settings = read_settings(PlaybookSettings)
    if settings.playbook_path is None:
        return None
    from bot.app import configured_playbook  # only now: it brings Slack's libraries

    return configured_playbook(settings)


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand and its options; each subcommand's `func` runs it."""
    from bot.preview.options import add_preview_arguments

    parser = argparse.ArgumentParser(
        prog="interview-bot", description="Interview Coach, a Slack bot for after the interview."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="migrate the database, then serve Slack").set_defaults(func=cmd_run)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--database-url", help="overrides DATABASE_URL")
    migrate.add_argument("--downgrade", metavar="REVISION", help="go back to REVISION (or base)")
    migrate.set_defaults(func=cmd_migrate)

    rotate = sub.add_parser(
        "rotate-key",
        help="re-encrypt every stored note under the newest DATA_ENCRYPTION_KEYS key",
    )
    rotate.add_argument(
        "--batch-size", type=int, default=200, help="rows per transaction (default 200)"
    )
    rotate.set_defaults(func=cmd_rotate_key)

    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument(
        "--base-url", help="public https base URL for HTTP mode; omit for Socket Mode"
    )
    manifest.add_argument("--name", default="Interview Coach", help="the app's display name")
    manifest.add_argument(
        "--oauth",
        action="store_true",
        help="for many workspaces (SLACK_CLIENT_ID): token rotation on; needs --base-url",
    )
    manifest.set_defaults(func=cmd_manifest)

    demo = sub.add_parser("demo", help="play a scripted person against a local Slack stand-in")
    demo.add_argument("--speedup", type=float, default=None, help="overrides CLOCK_SPEEDUP")
    demo.add_argument(
        "--start",
        metavar="YYYY-MM-DD",
        help="the first interview's day, at 10:00 Dana's time (default: the next Tuesday)",
    )
    demo.set_defaults(func=cmd_demo)

    preview = sub.add_parser(
        "preview",
        help="print the DMs a sample interview would get, in local time (no Slack, no database)",
    )
    add_preview_arguments(preview)
    preview.set_defaults(func=cmd_preview)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command `argv` names; the exit code: 0, 2 for a problem the user can fix."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        return _fail(f"configuration problem:\n  {str(exc).replace(chr(10), chr(10) + '  ')}")
    except _ReaderGone:
        # Python flushes stdout once more on the way out, which would fail the same way and
        # print "Exception ignored"; what is left goes to devnull instead.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return READER_GONE_EXIT


if __name__ == "__main__":
    sys.exit(main())
