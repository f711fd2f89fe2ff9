"""`interview-bot rotate-key` as an operator runs it (the console script, in a subprocess):
under [B, A] every note, plaintext ones too, ends under B, with progress printed; a second run
changes nothing; settings it cannot use are one clear line."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FixedClock
from bot.store.encryption import NoteCipher
from tests.coach_helpers import log
from tests.e2e.test_cli import interview_bot
from tests.encryption_helpers import keyed_database, new_key, raw_notes, reader
from tests.integration.test_note_encryption import add_notes, notes


def test_rotate_key_moves_every_note_to_the_newest_key_and_a_rerun_changes_nothing(
    tmp_path: Path, database_url: str, clock: FixedClock
) -> None:
    key_a, key_b = new_key(), new_key()
    with keyed_database(database_url, []) as legacy:
        first, second = (log(legacy, clock.now(), view_id=f"V{i}").interview.id for i in (1, 2))
        add_notes(legacy, first, clock.now(), "plain")
        with reader(database_url, [key_a]) as under_a:
            add_notes(under_a, second, clock.now(), "under A")
        settings = {"DATABASE_URL": database_url, "DATA_ENCRYPTION_KEYS": f"{key_b},{key_a}"}

        result = interview_bot("rotate-key", "--batch-size", "3", cwd=tmp_path, **settings)

        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == [
            "reflection: 3 rows checked, 3 re-encrypted",
            "reflection: 4 rows checked, 4 re-encrypted",
            "draft: 2 rows checked, 2 re-encrypted",
            "reflection: done, 4 rows checked, 4 re-encrypted under the newest key, "
            "0 unreadable, 0 changed meanwhile",
            "draft: done, 2 rows checked, 2 re-encrypted under the newest key, "
            "0 unreadable, 0 changed meanwhile",
            "every note is encrypted under the newest key; older keys can now be removed",
        ]
        assert all(NoteCipher([key_b]).is_current(v) for v in raw_notes(legacy))
        with reader(database_url, [key_b]) as b_alone:
            assert sorted(notes(b_alone)) == sorted(
                f"{tag} {what}"
                for tag in ("plain", "under A")
                for what in ("said_well", "to_clarify", "subject", "body")
            )

        rerun = interview_bot("rotate-key", cwd=tmp_path, **settings)
        assert rerun.returncode == 0, rerun.stderr
        assert "reflection: done, 4 rows checked, 0 re-encrypted" in rerun.stdout


def test_rotate_key_names_what_is_missing_or_malformed(tmp_path: Path, database_url: str) -> None:
    without = interview_bot("rotate-key", cwd=tmp_path, DATABASE_URL=database_url)
    assert without.returncode == 2
    assert "DATA_ENCRYPTION_KEYS is not set" in without.stderr
    assert "Traceback" not in without.stderr

    secret = new_key()[:-4]
    malformed = interview_bot(
        "rotate-key", cwd=tmp_path, DATABASE_URL=database_url, DATA_ENCRYPTION_KEYS=secret
    )
    assert malformed.returncode == 2
    assert "DATA_ENCRYPTION_KEYS is not valid: key 1 of 1 is not a Fernet key" in malformed.stderr
    assert secret not in malformed.stderr and "Traceback" not in malformed.stderr


def test_rotate_key_with_rows_no_key_opens_says_which_and_exits_2(
    tmp_path: Path, database_url: str, clock: FixedClock
) -> None:
    with keyed_database(database_url, [new_key()]) as lost:
        add_notes(lost, log(lost, clock.now()).interview.id, clock.now(), "lost")

        result = interview_bot(
            "rotate-key", cwd=tmp_path, DATABASE_URL=database_url, DATA_ENCRYPTION_KEYS=new_key()
        )

    assert result.returncode == 2
    assert (
        "reflection: done, 2 rows checked, 0 re-encrypted under the newest key, 2 unreadable"
        in (result.stdout)
    )
    assert "reflection rows no key opens (ids): 1, 2" in result.stdout
    assert "unreadable rows need the key that wrote them" in result.stderr
