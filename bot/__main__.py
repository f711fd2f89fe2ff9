"""The `interview-bot` command line: run, migrate, demo, preview, manifest."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.exc import OperationalError

from bot.config import ConfigError
from bot.store.db import Database

if TYPE_CHECKING:
    from bot.rules.playbook import Playbook


def _fail(message: str) -> int:
    print(f"interview-bot: {message}", file=sys.stderr)
    return 2


def _upgrade_or_explain(db: Database) -> None:
    from bot.store import migrate

    try:
        migrate.upgrade(db.engine)
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ConfigError(
            f"DATABASE_URL could not be opened ({reason}). Fix: check the URL and that the "
            "database server is running."
        ) from None


def cmd_run(_args: argparse.Namespace) -> int:
    from bot.app import configured_playbook, create_app
    from bot.config import load_settings
    from bot.logging_setup import configure_logging
    from bot.runner import serve

    settings = load_settings()
    configure_logging(settings.log_level)
    playbook = configured_playbook(settings)  # before the database: nothing to undo
    db = Database(settings.database_url)
    try:
        _upgrade_or_explain(db)
        bot = create_app(settings, db=db, playbook=playbook)
    except BaseException:
        db.dispose()
        raise
    serve(bot)  # disposes the database when it ends
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from bot.config import DEFAULT_DATABASE_URL
    from bot.store import migrate

    # Only the database matters here; tokens may not exist yet on a fresh machine.
    url = args.database_url or _database_url_from_env() or DEFAULT_DATABASE_URL
    db = Database(url)
    try:
        if args.downgrade:
            migrate.downgrade(db.engine, args.downgrade)
        else:
            _upgrade_or_explain(db)
        revision = migrate.current_revision(db.engine) or "base (empty)"
    finally:
        db.dispose()
    print(f"database at {_redacted(url)} is at revision {revision}")
    return 0


def _database_url_from_env() -> str | None:
    from bot.config import Settings

    url = _setting_from_env("DATABASE_URL")
    if url is not None:
        try:
            Settings._database_url_parses(url)
        except ValueError as exc:
            raise ConfigError(f"DATABASE_URL is not valid: {exc}") from None
    return url


def _setting_from_env(name: str) -> str | None:
    """One setting from the environment or .env, where Settings reads it, without needing
    the others (a fresh machine has no Slack tokens yet); empty or blank is unset, as
    Settings takes PLAYBOOK_PATH."""
    from pydantic import create_model
    from pydantic_settings import BaseSettings, SettingsConfigDict

    from bot.config import ENV_FILE, unreadable_env_file

    class Environment(BaseSettings):
        model_config = SettingsConfigDict(
            env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", case_sensitive=False
        )

    field = name.lower()
    one = create_model(f"Only{name}", __base__=Environment, **{field: (str | None, None)})
    try:
        value = getattr(one(), field)
    except (UnicodeDecodeError, OSError) as exc:
        raise ConfigError(unreadable_env_file(exc, ENV_FILE)) from None
    return value if value and value.strip() else None


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_manifest(args: argparse.Namespace) -> int:
    from bot.manifest import build_manifest

    print(json.dumps(build_manifest(args.base_url, args.name), indent=2))
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
    return run_demo(speedup=args.speedup, start=start)


def cmd_preview(args: argparse.Namespace) -> int:
    from bot.clock import SystemClock
    from bot.preview import (
        PreviewError,
        PreviewOptions,
        parse_local_time,
        parse_logged_after,
        parse_timeline,
        parse_waking,
        parse_zone,
        preview_lines,
    )
    from bot.rules.domain import InterviewFormat

    try:
        options = PreviewOptions(
            format=InterviewFormat(args.format),
            traditional=args.traditional,
            timeline=parse_timeline(args.timeline),
            direct=args.direct,
            tz=parse_zone(args.tz),
            at=parse_local_time(args.at) if args.at else None,
            logged_after=parse_logged_after(args.logged_after),
            waking=parse_waking(args.waking),
            playbook=_preview_playbook(args.playbook),
            emails_sent=args.emails_sent,
            cards_mailed=args.cards_mailed,
            follow_ups_sent=args.follow_ups_sent,
            keep_going=args.keep_going,
        )
        lines = preview_lines(options, SystemClock().now())
    except PreviewError as exc:
        return _fail(f"preview: {exc}")
    print("\n".join(lines))
    return 0


def _preview_playbook(flag: str | None) -> Playbook | None:
    """--playbook's playbook; else PLAYBOOK_PATH's, a bad one reported as `run` reports it;
    else None, the built-in one."""
    from bot.preview import parse_playbook_path

    if flag:
        return parse_playbook_path(flag)
    path = _setting_from_env("PLAYBOOK_PATH")
    if path is None:
        return None
    from bot.app import configured_playbook
    from bot.config import Settings

    # Settings without validation: configured_playbook reads only the path, and the preview
    # needs no Slack tokens.
    return configured_playbook(Settings.model_construct(playbook_path=Path(path)))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interview-bot", description="Interview Coach, a Slack bot for after the interview."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="migrate the database, then serve Slack").set_defaults(func=cmd_run)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date")
    migrate.add_argument("--database-url", help="overrides DATABASE_URL")
    migrate.add_argument("--downgrade", metavar="REVISION", help="go back to REVISION (or base)")
    migrate.set_defaults(func=cmd_migrate)

    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument(
        "--base-url", help="public https base URL for HTTP mode; omit for Socket Mode"
    )
    manifest.add_argument("--name", default="Interview Coach", help="the app's display name")
    manifest.set_defaults(func=cmd_manifest)

    demo = sub.add_parser("demo", help="play a scripted person against a local Slack stand-in")
    demo.add_argument("--speedup", type=float, default=None, help="overrides CLOCK_SPEEDUP")
    demo.add_argument(
        "--start",
        metavar="YYYY-MM-DD",
        help="the interview's day, at 10:00 Dana's time (default: the next Tuesday)",
    )
    demo.set_defaults(func=cmd_demo)

    _add_preview(sub)
    return parser


def _add_preview(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.preview import PreviewOptions
    from bot.rules.domain import InterviewFormat

    defaults = PreviewOptions()  # in DEFAULT_TZ
    preview = sub.add_parser(
        "preview",
        help="print the DMs a sample interview would get, in local time (no Slack, no database)",
    )
    preview.add_argument(
        "--format",
        choices=[f.value for f in InterviewFormat],
        default=defaults.format.value,
        help="the interview's format (default: %(default)s)",
    )
    preview.add_argument(
        "--traditional", action="store_true", help="a more traditional organization"
    )
    preview.add_argument(
        "--timeline",
        default="none",
        metavar="YYYY-MM-DD",
        help="when the employer said you'd hear back (default: none)",
    )
    preview.add_argument(
        "--direct", action="store_true", help="OK to follow up with the hiring manager directly"
    )
    preview.add_argument(
        "--tz", default=defaults.tz.key, help="IANA time zone (default: %(default)s)"
    )
    preview.add_argument(
        "--at",
        metavar="YYYY-MM-DDTHH:MM",
        help="the interview, local time (default: the next weekday at 10:00)",
    )
    preview.add_argument(
        "--logged-after",
        type=int,
        default=defaults.logged_after // timedelta(minutes=1),
        metavar="MINUTES",
        help="how long after the interview it is logged (default: %(default)s)",
    )
    start, end = defaults.waking
    preview.add_argument(
        "--waking",
        default=f"{start}-{end}",
        metavar="START-END",
        help="waking hours (default: %(default)s)",
    )
    preview.add_argument(
        "--playbook", metavar="PATH", help="a playbook file (default: PLAYBOOK_PATH, or built-in)"
    )
    preview.add_argument(
        "--emails-sent", action="store_true", help='press "Email sent" at the thank-you'
    )
    preview.add_argument(
        "--cards-mailed", action="store_true", help='press "Card mailed" at the thank-you'
    )
    preview.add_argument(
        "--follow-ups-sent", action="store_true", help='press "Follow-up sent" at each follow-up'
    )
    preview.add_argument(
        "--keep-going", action="store_true", help='press "Keep going" at the check-in'
    )
    preview.set_defaults(func=cmd_preview)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        return _fail(f"configuration problem:\n  {str(exc).replace(chr(10), chr(10) + '  ')}")


if __name__ == "__main__":
    sys.exit(main())
