"""Notes at rest on a real database (SQLite, and PostgreSQL with TEST_DATABASE_URL): absent
from a copy of the database under a key, present without one; legacy plaintext still read;
`rotate_notes` re-encrypting every row under the newest key, resumably; the longest notes fit."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest
from sqlalchemy import select, text

from bot.clock import FixedClock
from bot.rules.domain import ANSWER_MAX, ReflectionQuestion
from bot.rules.drafts import BODY_MAX, SUBJECT_MAX
from bot.store.db import Database
from bot.store.encryption import CIPHER_MARK, NoteCipher, unreadable_text
from bot.store.models import Draft, Reflection
from bot.store.rotation import NOTE_TABLES, TableProgress, rotate_notes, rotate_row
from tests.coach_helpers import log
from tests.encryption_helpers import keyed_database, new_key, raw_database_bytes, raw_notes, reader

ANSWER = "PLANTED-answer-4b1d: I froze on the system design question"
DRAFT_BODY = "PLANTED-draft-9c2e: Dear Priya, thank you for your time"


def add_notes(db: Database, interview_id: int, now: datetime, tag: str) -> None:
    """Both reflection answers and one saved draft for the interview, through `db`'s cipher."""
    with db.transaction() as session:
        for question in ReflectionQuestion:
            session.add(
                Reflection(
                    interview_id=interview_id,
                    question_key=question.value,
                    answer=f"{tag} {question.value}",
                    message_ts=None,
                    answered_at=now,
                    updated_at=now,
                )
            )
        session.add(
            Draft(
                interview_id=interview_id,
                draft_key="thank_you.0",
                subject=f"{tag} subject",
                body=f"{tag} body",
                updated_at=now,
            )
        )


def plant(
    db: Database,
    interview_id: int,
    now: datetime,
    *,
    answer: str,
    body: str,
    subject: str | None = None,
    question: ReflectionQuestion = ReflectionQuestion.TO_CLARIFY,
) -> None:
    """One reflection answer and the card's saved draft, through `db`'s cipher."""
    with db.transaction() as session:
        session.add(
            Reflection(
                interview_id=interview_id,
                question_key=question.value,
                answer=answer,
                message_ts=None,
                answered_at=now,
                updated_at=now,
            )
        )
        session.add(
            Draft(
                interview_id=interview_id,
                draft_key="card",
                subject=subject,
                body=body,
                updated_at=now,
            )
        )


def notes(db: Database) -> list[str]:
    """Every note as `db` reads it, in row order."""
    with db.transaction() as session:
        answers = [r.answer for r in session.scalars(select(Reflection).order_by(Reflection.id))]
        drafts = session.scalars(select(Draft).order_by(Draft.id)).all()
        return answers + [v for d in drafts for v in (d.subject, d.body) if v is not None]


@pytest.mark.parametrize("keyed", [True, False], ids=["keyed", "no-key"])
def test_a_copy_of_the_database_shows_no_note_under_a_key(
    database_url: str, clock: FixedClock, keyed: bool
) -> None:
    with keyed_database(database_url, [new_key()] if keyed else []) as db:
        interview = log(db, clock.now()).interview.id
        plant(db, interview, clock.now(), answer=ANSWER, body=DRAFT_BODY)

        dump = raw_database_bytes(db)

        # Without a key the same search finds both: it would see a leak.
        for planted in (ANSWER, DRAFT_BODY):
            assert (planted.encode() in dump) is not keyed
            assert (planted[:20].encode() in dump) is not keyed
        assert b"Acme" in dump  # the dump is of the right data
        assert notes(db) == [ANSWER, DRAFT_BODY]


def test_rows_written_before_the_key_are_read_and_new_ones_sealed(
    database_url: str, clock: FixedClock
) -> None:
    key = new_key()
    with keyed_database(database_url, []) as plain:
        first = log(plain, clock.now(), view_id="V1").interview.id
        second = log(plain, clock.now(), view_id="V2").interview.id
        add_notes(plain, first, clock.now(), "legacy")
        with reader(database_url, [key]) as sealed:
            add_notes(sealed, second, clock.now(), "sealed")

            assert notes(sealed) == [
                "legacy said_well",
                "legacy to_clarify",
                "sealed said_well",
                "sealed to_clarify",
                "legacy subject",
                "legacy body",
                "sealed subject",
                "sealed body",
            ]
        stored = raw_notes(plain)
        assert stored[:2] == ["legacy said_well", "legacy to_clarify"]
        assert all(v.startswith(CIPHER_MARK) for v in stored[2:4] + stored[6:])


def test_a_note_no_key_opens_reads_as_unreadable_and_is_logged_once_without_its_text(
    database_url: str, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    with keyed_database(database_url, [new_key()]) as db:
        add_notes(db, log(db, clock.now()).interview.id, clock.now(), "secret words")
        with reader(database_url, [new_key()]) as wrong, reader(database_url, []) as keyless:
            caplog.set_level(logging.DEBUG)
            for other in (wrong, keyless):
                assert (
                    notes(other) == [unreadable_text("answer")] * 2 + [unreadable_text("draft")] * 2
                )
        assert notes(db)[0] == "secret words said_well"  # the right key still reads it
    warnings = [r for r in caplog.records if "DATA_ENCRYPTION_KEYS" in r.getMessage()]
    assert len(warnings) == 2  # once for each Database, however many rows
    assert not any("secret words" in r.getMessage() for r in caplog.records)


def test_the_longest_allowed_notes_fit_once_encrypted(database_url: str, clock: FixedClock) -> None:
    # Four UTF-8 bytes a character: the most bytes a note of the allowed length can take.
    answer, subject, body = "😀" * ANSWER_MAX, "😀" * SUBJECT_MAX, "😀" * BODY_MAX
    with keyed_database(database_url, [new_key()]) as db:
        interview = log(db, clock.now()).interview.id
        plant(
            db,
            interview,
            clock.now(),
            answer=answer,
            subject=subject,
            body=body,
            question=ReflectionQuestion.SAID_WELL,
        )
        assert notes(db) == [answer, subject, body]
        longest = max(len(v) for v in raw_notes(db))
        assert longest > 4 * ANSWER_MAX  # ciphertext of 12,000 bytes, in base64
        with db.engine.connect() as connection:
            # TEXT on both databases: no length limit to outgrow (a VARCHAR(n) would show).
            if db.engine.dialect.name == "postgresql":
                limit = connection.execute(
                    text(
                        "SELECT data_type, character_maximum_length FROM information_schema.columns"
                        " WHERE table_schema = current_schema() AND table_name = 'reflection'"
                        " AND column_name = 'answer'"
                    )
                ).one()
                assert tuple(limit) == ("text", None)


# -- rotation -----------------------------------------------------------------------------------


class Interrupted(Exception):
    """Stands for a crash after a committed batch."""


def test_rotation_re_encrypts_every_row_resumably_and_then_the_old_key_can_go(
    database_url: str, clock: FixedClock
) -> None:
    key_a, key_b = new_key(), new_key()
    now = clock.now()
    with keyed_database(database_url, []) as legacy:
        interviews = [log(legacy, now, view_id=f"V{i}").interview.id for i in range(3)]
        add_notes(legacy, interviews[0], now, "legacy")  # before encryption was enabled
        with reader(database_url, [key_a]) as under_a:
            add_notes(under_a, interviews[1], now, "one")
            add_notes(under_a, interviews[2], now, "two")
        with reader(database_url, [key_b, key_a]) as both:
            expected = notes(both)
            assert len(expected) == 12

            def crash_after_first_batch(progress: TableProgress) -> None:
                raise Interrupted(progress.table)

            with pytest.raises(Interrupted, match="reflection"):
                rotate_notes(both, both.cipher, batch_size=2, after_batch=crash_after_first_batch)

            # The first batch is committed, the rest untouched, and everything still reads.
            only_b = NoteCipher([key_b])
            stored = raw_notes(both)
            assert [only_b.is_current(v) for v in stored[:6]] == [True] * 2 + [False] * 4
            assert notes(both) == expected

            seen: list[tuple[str, int, int]] = []
            report = rotate_notes(
                both,
                both.cipher,
                batch_size=2,
                after_batch=lambda p: seen.append((p.table, p.checked, p.rewritten)),
            )
            assert report.finished
            assert seen == [
                ("reflection", 2, 0),
                ("reflection", 4, 2),
                ("reflection", 6, 4),
                ("draft", 2, 2),
                ("draft", 3, 3),
            ]
            again = rotate_notes(both, both.cipher, batch_size=2)
            assert [(t.checked, t.rewritten) for t in again.tables] == [(6, 0), (3, 0)]

        stored = raw_notes(legacy)
        assert all(only_b.is_current(v) for v in stored)
        # No plaintext note is left. (Not "no 'one' inside": a random Fernet token holds
        # those three letters about once in 200 runs of this test.)
        assert not set(stored) & set(expected)
        with reader(database_url, [key_b]) as b_alone:
            assert notes(b_alone) == expected


def test_rotation_leaves_rows_no_key_opens_as_they_were_and_says_so(
    database_url: str, clock: FixedClock
) -> None:
    lost_key, key_a, key_b = new_key(), new_key(), new_key()
    now = clock.now()
    with keyed_database(database_url, [lost_key]) as lost:
        first, second = (log(lost, now, view_id=f"V{i}").interview.id for i in range(2))
        add_notes(lost, first, now, "lost")
        with reader(database_url, [key_b, key_a]) as both:
            add_notes(both, second, now, "kept")
            before = raw_notes(both)

            report = rotate_notes(both, both.cipher, batch_size=2)

            reflections, drafts = report.tables
            assert (len(reflections.unreadable_ids), len(drafts.unreadable_ids)) == (2, 1)
            assert not report.finished
            after = raw_notes(both)
            assert after[:2] == before[:2] and after[4:6] == before[4:6]
            assert "kept body" in notes(both)


def test_a_row_changed_since_it_was_read_keeps_the_newer_write(
    database_url: str, clock: FixedClock
) -> None:
    key_a, key_b = new_key(), new_key()
    with keyed_database(database_url, [key_a]) as under_a:
        add_notes(under_a, log(under_a, clock.now()).interview.id, clock.now(), "old")
        raw = NOTE_TABLES[0][0]
        with under_a.transaction() as session:
            stale = session.execute(select(raw.c.id, raw.c.answer).order_by(raw.c.id)).first()
        assert stale is not None
        with under_a.transaction() as session:  # a replica still on [A] revises the answer
            row = session.get(Reflection, stale[0])
            assert row is not None
            row.answer = "revised meanwhile"
        with reader(database_url, [key_b, key_a]) as both:
            progress = TableProgress("reflection")
            with both.transaction() as session:
                rotate_row(session, raw, ("answer",), stale, both.cipher, progress)

            assert (progress.rewritten, progress.changed_meanwhile) == (0, 1)
            assert notes(both)[0] == "revised meanwhile"
            # The next run picks it up.
            assert rotate_notes(both, both.cipher).finished
            assert NoteCipher([key_b]).is_current(raw_notes(both)[0])


def test_after_rotation_no_plaintext_is_left_in_a_copy_of_the_database(
    database_url: str, clock: FixedClock
) -> None:
    with keyed_database(database_url, []) as legacy:
        add_notes(legacy, log(legacy, clock.now()).interview.id, clock.now(), "PLANTED-e3f0")
        assert b"PLANTED-e3f0" in raw_database_bytes(legacy)  # in the file itself, checkpointed
        if legacy.is_sqlite:
            with legacy.engine.connect() as connection:
                # Freed space is zeroed whatever the SQLite build's default.
                assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        with reader(database_url, [new_key()]) as keyed:
            assert rotate_notes(keyed, keyed.cipher).finished

            assert b"PLANTED-e3f0" not in raw_database_bytes(keyed)
