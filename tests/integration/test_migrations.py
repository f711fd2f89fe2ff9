"""Alembic migrations against an empty database: up, down, up again, and matching the models."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Enum, Integer, MetaData, inspect, text
from sqlalchemy.engine import make_url

from bot.store import migrate
from bot.store.db import Database
from bot.store.models import Base
from bot.store.oauth_tables import OAUTH_TABLES, oauth_metadata

# The bot's own tables, and those slack_sdk's OAuth stores keep in the same database.
MODEL_TABLES = set(Base.metadata.tables) | set(OAUTH_TABLES)


def all_models() -> MetaData:
    """The bot's models and slack_sdk's OAuth store tables, as one MetaData to compare with."""
    combined = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in [*Base.metadata.sorted_tables, *oauth_metadata().sorted_tables]:
        table.to_metadata(combined)
    return combined


@pytest.fixture
def fresh(fresh_database_url: str) -> Iterator[Database]:
    database = Database(fresh_database_url)
    try:
        yield database
    finally:
        database.dispose()


def head_revision() -> str:
    head = ScriptDirectory(str(migrate.MIGRATIONS_DIR)).get_current_head()
    assert head is not None
    return head


def tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def schema_differences(database: Database, metadata: MetaData) -> list:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_the_database_starts_empty(fresh: Database) -> None:
    assert tables(fresh) == set()
    assert migrate.current_revision(fresh.engine) is None


def test_upgrade_creates_exactly_the_model_tables(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)

    assert tables(fresh) == {*MODEL_TABLES, "alembic_version"}
    assert migrate.current_revision(fresh.engine) == head_revision()


def test_downgrade_removes_everything_and_upgrade_works_again(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)

    migrate.downgrade(fresh.engine, "base")

    assert tables(fresh) <= {"alembic_version"}
    assert migrate.current_revision(fresh.engine) is None

    migrate.upgrade(fresh.engine)

    assert tables(fresh) == {*MODEL_TABLES, "alembic_version"}
    assert migrate.current_revision(fresh.engine) == head_revision()
    assert schema_differences(fresh, all_models()) == []


def test_upgrade_twice_changes_nothing(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)
    with fresh.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO slack_user (team_id, user_id, tz, waking_start_hour, "
                "waking_end_hour, paused, created_at, updated_at) VALUES "
                "('T1', 'U1', 'UTC', 8, 20, false, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        )

    migrate.upgrade(fresh.engine)

    with fresh.engine.connect() as connection:
        assert connection.execute(text("SELECT user_id FROM slack_user")).scalars().all() == ["U1"]
    assert migrate.current_revision(fresh.engine) == head_revision()


def test_the_migrations_match_the_models(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)

    assert schema_differences(fresh, all_models()) == []


def test_the_comparison_would_notice_a_model_change(fresh: Database) -> None:
    """Guards the test above: a column missing from the migrations is reported."""
    migrate.upgrade(fresh.engine)
    changed = all_models()
    changed.tables["nudge"].append_column(Column("priority", Integer, nullable=True))

    differences = schema_differences(fresh, changed)

    assert [(d[0], d[3].name) for d in differences if d[0] == "add_column"] == [
        ("add_column", "priority")
    ]


def test_pending_nudges_have_a_partial_index_on_due_at(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)

    indexes = {i["name"]: i for i in inspect(fresh.engine).get_indexes("nudge")}

    index = indexes["ix_nudge_pending_due_at"]
    assert index["column_names"] == ["due_at"]
    assert not index["unique"]
    where = index["dialect_options"][f"{fresh.engine.dialect.name}_where"]
    assert "status" in str(where)
    assert "'pending'" in str(where)


def test_constraints_are_named_by_the_convention(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)
    inspector = inspect(fresh.engine)

    assert {u["name"] for u in inspector.get_unique_constraints("slack_user")} == {
        "uq_slack_user_team_id_user_id"
    }
    assert {u["name"] for u in inspector.get_unique_constraints("nudge")} == {
        "uq_nudge_interview_id_kind_sequence"
    }
    assert "ix_interview_owner_id" in {i["name"] for i in inspector.get_indexes("interview")}
    for table in MODEL_TABLES:
        assert inspector.get_pk_constraint(table)["name"] == f"pk_{table}"
        for fk in inspector.get_foreign_keys(table):
            column = fk["constrained_columns"][0]
            assert fk["name"] == f"fk_{table}_{column}_{fk['referred_table']}"
        for unique in inspector.get_unique_constraints(table):
            assert unique["name"] == f"uq_{table}_{'_'.join(unique['column_names'])}"
        for check in inspector.get_check_constraints(table):
            assert check["name"].startswith(f"ck_{table}_")


def test_enum_checks_allow_exactly_the_model_values(fresh: Database) -> None:
    """A value added to a domain enum without a migration would be refused by the database."""
    migrate.upgrade(fresh.engine)
    inspector = inspect(fresh.engine)
    checked = 0

    for table in Base.metadata.sorted_tables:
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table.name)}
        for column in table.columns:
            if not isinstance(column.type, Enum):
                continue
            sql = checks[f"ck_{table.name}_{column.type.name}"]
            assert set(re.findall(r"'([^']*)'", sql)) == set(column.type.enums), column
            checked += 1

    assert checked >= 6


def _lock_holders(database: Database, application_name: str, *, granted: bool) -> int:
    key = migrate.MIGRATION_LOCK_ID
    with database.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = :high AND l.objid = :low "
                "AND l.granted = :granted AND a.application_name = :name"
            ),
            {
                "high": key >> 32,
                "low": key & 0xFFFFFFFF,
                "granted": granted,
                "name": application_name,
            },
        ).scalar_one()


def test_upgrade_waits_for_the_migration_lock(fresh_database_url: str) -> None:
    """Replicas starting together take turns on PostgreSQL; on SQLite a second start is a no-op."""
    watcher = Database(fresh_database_url)
    try:
        if watcher.is_sqlite:
            first, second = Database(fresh_database_url), Database(fresh_database_url)
            try:
                migrate.upgrade(first.engine)
                migrate.upgrade(second.engine)
            finally:
                first.dispose()
                second.dispose()
            assert tables(watcher) == {*MODEL_TABLES, "alembic_version"}
            return

        name = f"ic-migrator-{uuid.uuid4().hex[:8]}"
        migrator_url = make_url(fresh_database_url).update_query_dict({"application_name": name})
        migrator = Database(migrator_url.render_as_string(hide_password=False))
        errors: list[BaseException] = []

        def upgrade() -> None:
            try:
                migrate.upgrade(migrator.engine)
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=upgrade, name="migrator")
        with watcher.engine.connect() as holder:
            lock = {"id": migrate.MIGRATION_LOCK_ID}
            holder.execute(text("SELECT pg_advisory_lock(:id)"), lock)
            holder.commit()
            try:
                thread.start()
                deadline = time.monotonic() + 10
                while not _lock_holders(watcher, name, granted=False):
                    assert time.monotonic() < deadline, "the migrator never asked for the lock"
                    thread.join(timeout=0.05)  # also ends the wait if the migrator died
                    assert thread.is_alive(), errors
                # Waiting for the lock, it has created nothing.
                assert tables(watcher) == set()
            finally:
                holder.execute(text("SELECT pg_advisory_unlock(:id)"), lock)
                holder.commit()
        thread.join(timeout=30)
        try:
            assert not thread.is_alive()
            assert errors == []
            assert tables(watcher) == {*MODEL_TABLES, "alembic_version"}
            # The migrator's pooled connection gave the lock back.
            assert _lock_holders(watcher, name, granted=True) == 0
        finally:
            migrator.dispose()
    finally:
        watcher.dispose()


# Rows as an older schema holds them, for the migrations' "keeps every row" tests.
PERSON_U1 = text(
    "INSERT INTO slack_user (team_id, user_id, tz, waking_start_hour, waking_end_hour, paused, "
    "created_at, updated_at) VALUES "
    "('T1', 'U1', 'UTC', 8, 20, false, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)
AN_INTERVIEW_EACH = text(
    "INSERT INTO interview (owner_id, company, format, traditional_org, happened_at, "
    "direct_contact_ok, status, created_at, updated_at) SELECT id, 'Acme', 'video', false, "
    "'2026-01-01 00:00:00', false, 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00' "
    "FROM slack_user"
)


def test_0004_adds_drafts_and_display_names_and_gives_them_back(fresh: Database) -> None:
    """Down to 0003 drops the drafts and the display name and keeps everyone else's data;
    up again, a draft is one per interview and key."""
    migrate.upgrade(fresh.engine, "0003")
    with fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
    assert "draft" not in tables(fresh)

    migrate.upgrade(fresh.engine, "0004")

    assert "draft" in tables(fresh)
    columns = {c["name"] for c in inspect(fresh.engine).get_columns("slack_user")}
    assert "display_name" in columns
    with fresh.engine.begin() as connection:
        connection.execute(text("UPDATE slack_user SET display_name = 'Dana'"))
        connection.execute(AN_INTERVIEW_EACH)
        insert = text(
            "INSERT INTO draft (interview_id, draft_key, subject, body, updated_at) "
            "SELECT id, 'card', NULL, 'Thank you', '2026-01-01 00:00:00' FROM interview"
        )
        connection.execute(insert)
    with pytest.raises(Exception, match=r"(?i)unique"), fresh.engine.begin() as connection:
        connection.execute(insert)

    migrate.downgrade(fresh.engine, "0003")

    assert "draft" not in tables(fresh)
    columns = {c["name"] for c in inspect(fresh.engine).get_columns("slack_user")}
    assert "display_name" not in columns
    with fresh.engine.connect() as connection:
        assert connection.execute(text("SELECT user_id FROM slack_user")).scalars().all() == ["U1"]
        assert connection.execute(text("SELECT company FROM interview")).scalars().all() == ["Acme"]


def test_0005_adds_the_persons_rhythm_and_keeps_their_row_both_ways(fresh: Database) -> None:
    """People from before 0005 keep Monday to Friday and their zone's holidays; going back to
    0004 drops only the new columns."""
    migrate.upgrade(fresh.engine, "0004")
    with fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
        connection.execute(AN_INTERVIEW_EACH)

    migrate.upgrade(fresh.engine, "0005")

    with fresh.engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT working_days, holiday_country, follow_up_hour, paused_at, paused_until "
                "FROM slack_user"
            )
        ).one()
    assert tuple(row) == ("01234", None, None, None, None)

    migrate.downgrade(fresh.engine, "0004")

    columns = {c["name"] for c in inspect(fresh.engine).get_columns("slack_user")}
    assert not columns & {"working_days", "holiday_country", "follow_up_hour", "paused_at"}
    with fresh.engine.connect() as connection:
        assert connection.execute(text("SELECT user_id FROM slack_user")).scalars().all() == ["U1"]
        # Dropping the columns must not copy slack_user, which would cascade to interviews.
        assert connection.execute(text("SELECT company FROM interview")).scalars().all() == ["Acme"]


def test_0006_adds_delivery_tries_and_keeps_every_nudge_both_ways(fresh: Database) -> None:
    """Nudges from before 0006 keep their rows; going back to 0005 drops only the new columns."""
    migrate.upgrade(fresh.engine, "0005")
    with fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
        connection.execute(AN_INTERVIEW_EACH)
        connection.execute(
            text(
                "INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, "
                "created_at) SELECT id, 'follow_up', 1, '2026-01-08 10:00:00', 'pending', 0, "
                "'2026-01-01 00:00:00' FROM interview"
            )
        )

    migrate.upgrade(fresh.engine, "0006")

    with fresh.engine.connect() as connection:
        row = connection.execute(text("SELECT first_due_at, post_started_at FROM nudge")).one()
    assert tuple(row) == (None, None)

    migrate.downgrade(fresh.engine, "0005")

    columns = {c["name"] for c in inspect(fresh.engine).get_columns("nudge")}
    assert not columns & {"first_due_at", "post_started_at"}
    with fresh.engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM nudge")).scalars().all() == ["follow_up"]
        assert connection.execute(text("SELECT company FROM interview")).scalars().all() == ["Acme"]


def test_0008_adds_slack_sdks_oauth_stores_and_takes_them_away(fresh: Database) -> None:
    """slack_sdk's stores work on the migrated tables, and going back to 0007 drops only them."""
    from slack_sdk.oauth.installation_store import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    migrate.upgrade(fresh.engine, "0008")
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=fresh.engine)
    store.save(
        Installation(
            app_id="A1",
            team_id="T1",
            user_id="U1",
            bot_token="xoxe.xoxb-1",
            bot_id="B1",
            bot_user_id="U0BOT",
            bot_refresh_token="xoxe-1-refresh",
            bot_token_expires_in=43200,
        )
    )
    states = SQLAlchemyOAuthStateStore(expiration_seconds=600, engine=fresh.engine)
    assert states.consume(states.issue())
    found = store.find_installation(enterprise_id=None, team_id="T1")
    assert found is not None and found.bot_refresh_token == "xoxe-1-refresh"

    migrate.downgrade(fresh.engine, "0007")

    # The tables later revisions added are gone with them.
    assert tables(fresh) == {*Base.metadata.tables, "alembic_version"} - {"application"}


def test_0009_adds_the_history_indexes_and_its_downgrade_removes_them(fresh: Database) -> None:
    migrate.upgrade(fresh.engine)
    dialect = fresh.engine.dialect.name

    def indexes(table: str) -> dict[str, dict]:
        return {i["name"]: i for i in inspect(fresh.engine).get_indexes(table)}

    nudge = indexes("nudge")
    claimed = nudge["ix_nudge_claimed_lease_until"]
    assert claimed["column_names"] == ["lease_until"]
    assert "'claimed'" in str(claimed["dialect_options"][f"{dialect}_where"])
    settled = nudge["ix_nudge_settled_due_at"]
    assert settled["column_names"] == ["due_at"]
    where = str(settled["dialect_options"][f"{dialect}_where"])
    assert all(f"'{s}'" in where for s in ("sent", "cancelled", "failed"))
    assert "'pending'" not in where
    assert nudge["ix_nudge_channel_id"]["column_names"] == ["channel_id"]
    assert indexes("contact_log")["ix_contact_log_interview_id"]["column_names"] == ["interview_id"]

    migrate.downgrade(fresh.engine, "0008")

    assert not {
        "ix_nudge_claimed_lease_until",
        "ix_nudge_settled_due_at",
        "ix_nudge_channel_id",
    } & set(indexes("nudge"))
    assert "ix_contact_log_interview_id" not in indexes("contact_log")
    assert "ix_nudge_pending_due_at" in indexes("nudge")  # 0001's, untouched

    migrate.upgrade(fresh.engine)

    assert schema_differences(fresh, all_models()) == []


def test_0010_gives_every_interview_an_hour_and_keeps_it_both_ways(fresh: Database) -> None:
    """Interviews from before 0010 last the default hour; going back to 0009 drops only the
    column, keeping the interview (and so its nudges: no copy of the table cascades)."""
    migrate.upgrade(fresh.engine, "0009")
    with fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
        connection.execute(AN_INTERVIEW_EACH)

    migrate.upgrade(fresh.engine, "0010")

    with fresh.engine.connect() as connection:
        lengths = connection.execute(text("SELECT duration_minutes FROM interview")).all()
    assert [tuple(r) for r in lengths] == [(60,)]

    migrate.downgrade(fresh.engine, "0009")

    columns = {c["name"] for c in inspect(fresh.engine).get_columns("interview")}
    assert "duration_minutes" not in columns
    with fresh.engine.connect() as connection:
        assert connection.execute(text("SELECT company FROM interview")).scalars().all() == ["Acme"]

    migrate.upgrade(fresh.engine)
    assert schema_differences(fresh, all_models()) == []


def test_0011_makes_every_interview_a_one_round_application_keeping_its_schedule(
    fresh: Database,
) -> None:
    """A database at 0010 with interviews (planned and sent nudges, a reflection, a contact)
    is migrated: each interview becomes round 1 of an application of its own, and none of
    its rows change. Going back to 0010 keeps every interview and its schedule too."""
    migrate.upgrade(fresh.engine, "0010")
    with fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
        for company, role, status, outcome, closed_at in [
            ("Acme", "Analyst", "active", None, None),
            ("Globex", None, "closed", "rejected", datetime(2026, 1, 5, 9)),
            ("Initrode", "Engineer", "closed", "next_round", datetime(2026, 1, 6, 9)),
        ]:
            connection.execute(
                text(
                    "INSERT INTO interview (owner_id, company, role, format, traditional_org, "
                    "happened_at, direct_contact_ok, status, outcome, created_at, updated_at, "
                    "closed_at) SELECT id, :company, :role, 'video', false, "
                    "'2026-01-01 10:00:00', false, :status, :outcome, '2026-01-01 11:00:00', "
                    "'2026-01-02 00:00:00', :closed_at FROM slack_user"
                ),
                {
                    "company": company,
                    "role": role,
                    "status": status,
                    "outcome": outcome,
                    "closed_at": closed_at,
                },
            )
        for status, kind, sequence in [
            ("sent", "thank_you", 0),
            ("pending", "follow_up", 1),
            ("cancelled", "card", 0),
        ]:
            connection.execute(
                text(
                    "INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, "
                    "created_at) SELECT id, :kind, :sequence, '2026-01-08 10:00:00', :status, 0, "
                    "'2026-01-01 11:00:00' FROM interview"
                ),
                {"kind": kind, "sequence": sequence, "status": status},
            )
        connection.execute(
            text(
                "INSERT INTO reflection (interview_id, question_key, answer, answered_at, "
                "updated_at) SELECT id, 'went_well', 'the SQL part', '2026-01-01 12:00:00', "
                "'2026-01-01 12:00:00' FROM interview"
            )
        )
        connection.execute(
            text(
                "INSERT INTO contact_log (interview_id, kind, occurred_at) SELECT id, "
                "'thank_you_email', '2026-01-01 15:00:00' FROM interview"
            )
        )

    def schedule() -> list[tuple]:
        with fresh.engine.connect() as connection:
            nudges = connection.execute(
                text(
                    "SELECT interview_id, kind, sequence, due_at, status FROM nudge "
                    "ORDER BY interview_id, kind"
                )
            ).all()
            notes = connection.execute(
                text("SELECT interview_id, answer FROM reflection ORDER BY interview_id")
            ).all()
            contacts = connection.execute(
                text("SELECT interview_id, kind FROM contact_log ORDER BY interview_id")
            ).all()
            interviews = connection.execute(
                text("SELECT id, company, happened_at, status, outcome FROM interview ORDER BY id")
            ).all()
        return [tuple(r) for r in [*nudges, *notes, *contacts, *interviews]]

    before = schedule()
    assert len(before) == 3 * 3 + 3 + 3 + 3

    migrate.upgrade(fresh.engine, "0011")

    assert schedule() == before
    with fresh.engine.connect() as connection:
        rounds = connection.execute(
            text(
                "SELECT i.company, i.round_number, a.company, a.role, a.status, a.closed_at, "
                "a.owner_id = i.owner_id FROM interview i JOIN application a "
                "ON a.id = i.application_id ORDER BY i.id"
            )
        ).all()
        applications = connection.execute(text("SELECT count(*) FROM application")).scalar_one()
    assert applications == 3
    # Closed as "next round", the application stays open for that round to be logged.
    assert [(r[0], r[1], r[2], r[3], r[4], r[5] is not None, bool(r[6])) for r in rounds] == [
        ("Acme", 1, "Acme", "Analyst", "open", False, True),
        ("Globex", 1, "Globex", None, "closed", True, True),
        ("Initrode", 1, "Initrode", "Engineer", "open", False, True),
    ]
    # A new application after the migrated ones gets an id of its own (PostgreSQL's sequence).
    with fresh.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO application (owner_id, company, status, created_at, updated_at) "
                "SELECT id, 'Initech', 'open', '2026-02-01 00:00:00', '2026-02-01 00:00:00' "
                "FROM slack_user"
            )
        )
    assert schema_differences(fresh, all_models()) == []

    migrate.downgrade(fresh.engine, "0010")

    assert "application" not in tables(fresh)
    columns = {c["name"] for c in inspect(fresh.engine).get_columns("interview")}
    assert not columns & {"application_id", "round_number"}
    assert schedule() == before

    migrate.upgrade(fresh.engine)
    assert schema_differences(fresh, all_models()) == []


def test_after_migrating_the_foreign_keys_hold(fresh: Database) -> None:
    """Migrations run with SQLite's foreign keys off (a copied table cascades nowhere); the
    pooled connection must get them back, or deletes would stop cascading. On both
    databases a round of no application is refused."""
    migrate.upgrade(fresh.engine)
    migrate.downgrade(fresh.engine, "0010")
    migrate.upgrade(fresh.engine)

    with fresh.engine.connect() as connection:
        if fresh.is_sqlite:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    with pytest.raises(Exception, match=r"(?i)foreign key"), fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
        connection.execute(
            text(
                "INSERT INTO interview (owner_id, application_id, company, format, "
                "traditional_org, happened_at, direct_contact_ok, status, created_at, "
                "updated_at) SELECT id, 999, 'Acme', 'video', false, '2026-01-01 00:00:00', "
                "false, 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00' FROM slack_user"
            )
        )


def test_0012_takes_the_outcome_kinds_and_keeps_every_row_both_ways(fresh: Database) -> None:
    """0012 lets an interview close as "no reply" and stores "Still waiting?", the auto-close,
    "I'll check back" and Reopen; the interview's CHECK changes without copying the table
    (on SQLite a copy would cascade to its nudges and contacts). Down to 0010: the rows of
    the new kinds go, "no reply" becomes "stopped", and everything else stays."""
    migrate.upgrade(fresh.engine, "0010")
    with fresh.engine.begin() as connection:
        connection.execute(PERSON_U1)
        connection.execute(AN_INTERVIEW_EACH)
        connection.execute(
            text(
                "INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, "
                "created_at) SELECT id, 'follow_up', 1, '2026-01-08 10:00:00', 'sent', 1, "
                "'2026-01-01 00:00:00' FROM interview"
            )
        )
    with fresh.engine.connect() as connection:
        with pytest.raises(Exception):  # noqa: B017 - the driver's own IntegrityError
            connection.execute(text("UPDATE interview SET outcome = 'no_reply'"))
        connection.rollback()

    migrate.upgrade(fresh.engine, "0012")

    with fresh.engine.begin() as connection:
        connection.execute(text("UPDATE interview SET status = 'closed', outcome = 'no_reply'"))
        connection.execute(
            text(
                "INSERT INTO nudge (interview_id, kind, sequence, due_at, status, attempts, "
                "created_at) SELECT id, k.kind, 0, '2026-01-29 10:00:00', 'sent', 1, "
                "'2026-01-01 00:00:00' FROM interview, (SELECT 'still_waiting' AS kind "
                "UNION ALL SELECT 'auto_close') AS k"
            )
        )
        connection.execute(
            text(
                "INSERT INTO contact_log (interview_id, kind, occurred_at) SELECT id, k.kind, "
                "'2026-01-29 11:00:00' FROM interview, (SELECT 'checking_back' AS kind "
                "UNION ALL SELECT 'reopened') AS k"
            )
        )
    with fresh.engine.connect() as connection:
        kinds = connection.execute(text("SELECT kind FROM nudge ORDER BY id")).scalars().all()
        assert kinds == ["follow_up", "still_waiting", "auto_close"]
    assert schema_differences(fresh, all_models()) == []

    migrate.downgrade(fresh.engine, "0010")

    with fresh.engine.connect() as connection:
        assert connection.execute(text("SELECT kind FROM nudge")).scalars().all() == ["follow_up"]
        assert connection.execute(text("SELECT count(*) FROM contact_log")).scalar_one() == 0
        assert connection.execute(text("SELECT company, status, outcome FROM interview")).one() == (
            "Acme",
            "closed",
            "stopped",
        )
    migrate.upgrade(fresh.engine)
    assert schema_differences(fresh, all_models()) == []
