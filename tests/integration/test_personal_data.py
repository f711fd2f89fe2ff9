"""A person's data on a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL): the
export holds all of it in the documented shape, deletion leaves no row about them and every
other person's untouched, and retention deletes what it should, once."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from pathlib import Path

import jsonschema
from sqlalchemy import select

from bot.clock import FixedClock
from bot.coach.people import deactivate_workspace, note_profile, workspace_returned
from bot.coach.personal_data import (
    WorkspacePurge,
    data_counts,
    delete_person,
    export_person,
    purge_old_notes,
    purge_removed_workspaces,
)
from bot.rules.domain import InterviewStatus, NudgeStatus, Outcome
from bot.rules.personal_export import DataCounts, applications_csv, export_json
from bot.rules.playbook import default_playbook
from bot.rules.retention import RetentionPolicy
from bot.store.db import Database
from bot.store.models import Draft, Interview, Reflection, WorkspaceRemoval
from tests.coach_helpers import DANA, TEAM, log
from tests.personal_data_seed import PLANTED, nudge_statuses, rows_of, seed, table_totals

SAM = "U0SAM0001"
OTHER_TEAM = "T0OTHER99"
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text()
)


def test_the_export_holds_everything_in_the_documented_shape(
    db: Database, clock: FixedClock
) -> None:
    first = seed(db, clock, DANA, company="Acme")
    seed(db, clock, DANA, company="Globex")
    seed(db, clock, SAM, company="Initech")

    export = export_person(db, TEAM, DANA, clock.now())
    document = json.loads(export_json(export))

    jsonschema.validate(document, SCHEMA)
    assert document["person"]["user_id"] == DANA
    assert [i["company"] for i in document["interviews"]] == ["Acme", "Globex"]
    acme = document["interviews"][0]
    assert acme["id"] == first
    assert acme["duration_minutes"] == 60  # the default length
    assert PLANTED in [r["answer"] for r in acme["reflections"]]
    assert PLANTED in acme["drafts"][0]["body"]
    assert acme["presses"][0]["kind"] == "thank_you_email"
    assert {n["status"] for n in acme["nudges"]} >= {"sent", "pending"}
    assert "Initech" not in export_json(export)  # nobody else's data
    assert document["person"]["settings"]["working_days"] == [0, 1, 2, 3, 4]


def test_the_applications_csv_has_a_row_per_interview(db: Database, clock: FixedClock) -> None:
    seed(db, clock, DANA, company="Acme")
    seed(db, clock, DANA, company="=HYPERLINK(evil)")

    lines = applications_csv(export_person(db, TEAM, DANA, clock.now())).splitlines()

    assert lines[0].startswith("application_id,round,company,role,format")
    assert len(lines) == 3
    assert ",1,Acme," in lines[1]
    assert ",1,'=HYPERLINK(evil)," in lines[2]  # a spreadsheet shows it, never runs it


def test_the_export_has_each_application_and_a_csv_row_per_round(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V-r1", company="Acme", role="Data analyst")
    clock.advance(timedelta(days=3))
    second = log(
        db,
        clock.now(),
        view_id="V-r2",
        company="Acme",
        application_id=first.interview.application_id,
    )
    log(db, clock.now(), view_id="V-other", company="Globex")

    export = export_person(db, TEAM, DANA, clock.now())
    document = json.loads(export_json(export))
    lines = applications_csv(export).splitlines()

    jsonschema.validate(document, SCHEMA)
    assert [(a["company"], a["role"], a["status"]) for a in document["applications"]] == [
        ("Acme", "Data analyst", "open"),
        ("Globex", None, "open"),
    ]
    acme_id = document["applications"][0]["id"]
    assert [(i["application_id"], i["round_number"]) for i in document["interviews"]] == [
        (acme_id, 1),
        (acme_id, 2),
        (document["applications"][1]["id"], 1),
    ]
    assert second.interview.round_number == 2
    assert [line.split(",")[:3] for line in lines[1:]] == [
        [str(acme_id), "1", "Acme"],
        [str(acme_id), "2", "Acme"],
        [str(document["applications"][1]["id"]), "1", "Globex"],
    ]


def test_someone_the_coach_never_met_exports_an_empty_document(
    db: Database, clock: FixedClock
) -> None:
    document = json.loads(export_json(export_person(db, TEAM, "U0NOBODY1", clock.now())))

    jsonschema.validate(document, SCHEMA)
    assert document["person"] is None
    assert document["interviews"] == []


def test_deleting_a_person_leaves_no_row_about_them_and_the_other_untouched(
    db: Database, clock: FixedClock
) -> None:
    seed(db, clock, DANA, company="Acme")
    seed(db, clock, DANA, company="Globex")
    seed(db, clock, SAM, company="Initech")
    dana_before, sam_before, totals_before = rows_of(db, DANA), rows_of(db, SAM), table_totals(db)
    assert all(dana_before.values()) and all(sam_before.values())
    assert NudgeStatus.PENDING in nudge_statuses(db, DANA)
    counts = data_counts(db, TEAM, DANA)

    deleted = delete_person(db, TEAM, DANA)

    assert deleted.found
    assert (
        deleted.counts
        == counts
        == DataCounts(interviews=2, answers=4, drafts=2, planned=counts.planned)
    )
    assert counts.planned > 0
    assert rows_of(db, DANA) == dict.fromkeys(dana_before, 0)
    assert rows_of(db, SAM) == sam_before
    assert table_totals(db) == {
        table: total - dana_before.get(table, 0) for table, total in totals_before.items()
    }
    # The Slack messages to delete afterwards: each sent nudge's ts, in Dana's DM.
    assert list(deleted.sent_messages) == ["D0456EFGH"]
    assert len(deleted.sent_messages["D0456EFGH"]) == 2
    assert deleted.dm_channel_id == "D0456EFGH"
    # Again: nothing left, nothing else touched.
    assert delete_person(db, TEAM, DANA).found is False
    assert rows_of(db, SAM) == sam_before


def test_a_removed_workspace_keeps_its_data_through_the_grace_period_then_loses_it(
    db: Database, clock: FixedClock
) -> None:
    seed(db, clock, DANA)
    seed(db, clock, SAM, team=OTHER_TEAM)
    sam_before = rows_of(db, SAM)
    policy = RetentionPolicy(uninstalled_days=30)
    deactivate_workspace(db, TEAM, clock.now())

    clock.advance(timedelta(days=29, hours=23))
    assert purge_removed_workspaces(db, clock.now(), policy).workspaces == 0
    assert rows_of(db, DANA)["slack_user"] == 1

    clock.advance(timedelta(hours=1))
    purged = purge_removed_workspaces(db, clock.now(), policy)

    assert (purged.workspaces, purged.people) == (1, 1)
    assert not any(rows_of(db, DANA).values())
    assert rows_of(db, SAM) == sam_before
    with db.transaction() as session:
        assert session.scalars(select(WorkspaceRemoval)).all() == []
    # Idempotent: the next run finds nothing to do.
    assert purge_removed_workspaces(db, clock.now(), policy).workspaces == 0
    assert rows_of(db, SAM) == sam_before


def test_a_workspace_that_returned_keeps_its_data(db: Database, clock: FixedClock) -> None:
    seed(db, clock, DANA)
    before = rows_of(db, DANA)
    deactivate_workspace(db, TEAM, clock.now())
    clock.advance(timedelta(days=3))
    assert workspace_returned(db, TEAM)

    clock.advance(timedelta(days=60))
    assert purge_removed_workspaces(db, clock.now(), RetentionPolicy(30)).workspaces == 0
    assert rows_of(db, DANA)["interview"] == before["interview"]
    assert rows_of(db, DANA)["reflection"] == before["reflection"]


def test_zero_days_means_at_once(db: Database, clock: FixedClock) -> None:
    seed(db, clock, DANA)
    deactivate_workspace(db, TEAM, clock.now())

    purged = purge_removed_workspaces(db, clock.now(), RetentionPolicy(uninstalled_days=0))

    assert purged.people == 1
    assert not any(rows_of(db, DANA).values())


def _close(db: Database, interview_id: int, at: object) -> None:
    with db.transaction() as session:
        interview = session.get_one(Interview, interview_id)
        interview.status, interview.outcome = InterviewStatus.CLOSED, Outcome.REJECTED
        interview.closed_at = at  # type: ignore[assignment]


def test_closed_interviews_lose_their_notes_after_the_retention(
    db: Database, clock: FixedClock
) -> None:
    closed = seed(db, clock, DANA, company="Acme")
    still_open = seed(db, clock, DANA, company="Globex")
    _close(db, closed, clock.now())
    policy = RetentionPolicy(notes_days=14)

    clock.advance(timedelta(days=13))
    assert purge_old_notes(db, clock.now(), policy).answers == 0

    clock.advance(timedelta(days=1))
    purged = purge_old_notes(db, clock.now(), policy)

    assert (purged.answers, purged.drafts) == (2, 1)
    with db.transaction() as session:
        assert set(session.scalars(select(Reflection.interview_id))) == {still_open}
        assert set(session.scalars(select(Draft.interview_id))) == {still_open}
        assert session.get_one(Interview, closed).company == "Acme"  # the interview stays
    assert purge_old_notes(db, clock.now(), policy).answers == 0  # idempotent


def test_notes_are_kept_when_no_retention_is_set(db: Database, clock: FixedClock) -> None:
    closed = seed(db, clock, DANA)
    _close(db, closed, clock.now())
    clock.advance(timedelta(days=3650))

    assert purge_old_notes(db, clock.now(), RetentionPolicy()).answers == 0
    assert rows_of(db, DANA)["reflection"] == 2


def test_hearing_from_someone_in_a_removed_workspace_means_it_is_back(
    db: Database, clock: FixedClock
) -> None:
    seed(db, clock, DANA)
    deactivate_workspace(db, TEAM, clock.now())

    # Slack sends a request only from a workspace that has the app (a reinstall with the
    # same bot token, say): the person is reactivated and the workspace's data stays.
    note_profile(db, TEAM, DANA, clock.now(), playbook=default_playbook())
    clock.advance(timedelta(days=31))

    assert purge_removed_workspaces(db, clock.now(), RetentionPolicy(30)).workspaces == 0
    assert rows_of(db, DANA)["interview"] == 1


def test_two_replicas_purging_together_delete_each_workspace_once(
    db: Database, clock: FixedClock
) -> None:
    for n in range(4):
        seed(db, clock, f"U0TEAM{n}00", team=f"T0TEAM{n}00")
        deactivate_workspace(db, f"T0TEAM{n}00", clock.now())
    clock.advance(timedelta(days=31))
    barrier = threading.Barrier(2)
    reports: list[WorkspacePurge] = []

    def replica() -> None:
        barrier.wait(timeout=5)
        reports.append(purge_removed_workspaces(db, clock.now(), RetentionPolicy(30)))

    threads = [threading.Thread(target=replica) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(reports) == 2  # neither failed
    assert sum(r.workspaces for r in reports) == 4
    assert sum(r.people for r in reports) == 4
    assert table_totals(db)["slack_user"] == 0
    assert table_totals(db)["workspace_removal"] == 0
