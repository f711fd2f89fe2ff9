"""The note cipher and the `EncryptedText` column type, with no database: the stored form,
plaintext without a key, legacy rows, several keys, unreadable notes, each engine its own key;
and DATA_ENCRYPTION_KEYS as a setting."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine

from bot.config import ConfigError, EncryptionSettings, read_settings
from bot.store.encryption import (
    CIPHER_MARK,
    PLAIN_MARK,
    EncryptedText,
    NoteCipher,
    UnreadableNote,
    bind_cipher,
    cipher_for,
    unreadable_text,
)

KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()
NOTE = "I was vague about the sample size"
ANSWER = EncryptedText("answer")


def engine_with(*keys: str) -> Engine:
    """An engine whose columns use `keys` (create_engine connects to nothing)."""
    engine = create_engine("sqlite://")
    bind_cipher(engine, NoteCipher(keys))
    return engine


def test_with_a_key_the_stored_form_is_marked_ciphertext_without_the_text() -> None:
    dialect = engine_with(KEY_A).dialect

    stored = ANSWER.process_bind_param(NOTE, dialect)

    assert stored is not None and stored.startswith(CIPHER_MARK)
    assert "sample size" not in stored
    assert stored != ANSWER.process_bind_param(NOTE, dialect)  # a fresh IV each write
    assert ANSWER.process_result_value(stored, dialect) == NOTE


def test_without_a_key_notes_are_stored_as_typed() -> None:
    dialect = engine_with().dialect

    assert ANSWER.process_bind_param(NOTE, dialect) == NOTE
    assert ANSWER.process_result_value(NOTE, dialect) == NOTE
    assert ANSWER.process_bind_param(None, dialect) is None
    assert ANSWER.process_result_value(None, dialect) is None


@pytest.mark.parametrize("typed", [f"{CIPHER_MARK}gAAAA not a token", f"{PLAIN_MARK}x", "fernet:"])
def test_plaintext_that_looks_marked_comes_back_as_typed(typed: str) -> None:
    dialect = engine_with().dialect

    stored = ANSWER.process_bind_param(typed, dialect)

    assert stored == PLAIN_MARK + typed
    assert ANSWER.process_result_value(stored, dialect) == typed
    assert ANSWER.process_result_value(stored, engine_with(KEY_A).dialect) == typed


def test_a_row_from_before_encryption_is_read_under_a_key() -> None:
    assert ANSWER.process_result_value(NOTE, engine_with(KEY_A).dialect) == NOTE


def test_any_key_in_the_list_reads_and_only_the_first_writes() -> None:
    old = ANSWER.process_bind_param(NOTE, engine_with(KEY_A).dialect)
    rotated = engine_with(KEY_B, KEY_A).dialect
    new = ANSWER.process_bind_param(NOTE, rotated)
    assert old is not None and new is not None

    assert ANSWER.process_result_value(old, rotated) == NOTE
    assert ANSWER.process_result_value(new, engine_with(KEY_B).dialect) == NOTE
    cipher = cipher_for(rotated)
    assert (cipher.is_current(old), cipher.is_current(new), cipher.is_current(NOTE)) == (
        False,
        True,
        False,
    )
    resealed = cipher.reseal(old)
    assert NoteCipher([KEY_B]).open(resealed) == NOTE
    assert cipher.reseal(NOTE).startswith(CIPHER_MARK)  # plaintext gets encrypted


@pytest.mark.parametrize("keys", [(KEY_B,), ()], ids=["other key", "no key"])
def test_a_note_no_key_opens_reads_as_a_sentence_and_warns_once_without_the_text(
    keys: tuple[str, ...], caplog: pytest.LogCaptureFixture
) -> None:
    stored = ANSWER.process_bind_param(NOTE, engine_with(KEY_A).dialect)
    assert stored is not None
    dialect = engine_with(*keys).dialect
    caplog.set_level(logging.DEBUG, logger="bot.store.encryption")

    shown = [ANSWER.process_result_value(stored, dialect) for _ in range(3)]
    draft = EncryptedText("draft").process_result_value(stored, dialect)

    assert shown == [unreadable_text("answer")] * 3
    assert shown[0] == "(this answer can't be read: the key that encrypted it is missing)"
    assert draft == "(this draft can't be read: the key that encrypted it is missing)"
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert "sample size" not in warning.getMessage() and KEY_A not in warning.getMessage()
    with pytest.raises(UnreadableNote):
        cipher_for(dialect).open(stored)
    if keys:
        with pytest.raises(UnreadableNote):
            cipher_for(dialect).reseal(stored)


def test_each_engine_keeps_its_own_key() -> None:
    under_a, under_b, plain = engine_with(KEY_A), engine_with(KEY_B), create_engine("sqlite://")

    stored = ANSWER.process_bind_param(NOTE, under_a.dialect)
    assert stored is not None

    assert ANSWER.process_result_value(stored, under_a.dialect) == NOTE
    assert ANSWER.process_result_value(stored, under_b.dialect) == unreadable_text("answer")
    # An engine nobody gave a cipher (Alembic's CLI, a tool) stores plaintext.
    assert ANSWER.process_bind_param(NOTE, plain.dialect) == NOTE


@given(st.text())
def test_every_text_comes_back_with_and_without_a_key(note: str) -> None:
    for keys in ((KEY_A,), ()):
        cipher = NoteCipher(keys)
        assert cipher.open(cipher.seal(note)) == note


# -- the setting ------------------------------------------------------------------------------


def keys_from(value: str, monkeypatch: pytest.MonkeyPatch) -> EncryptionSettings:
    monkeypatch.setenv("DATA_ENCRYPTION_KEYS", value)
    return read_settings(EncryptionSettings, _env_file=None)


def test_keys_are_read_newest_first_and_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = keys_from(f" {KEY_B}, {KEY_A}\n", monkeypatch)

    assert settings.encryption_keys() == [KEY_B, KEY_A]
    assert KEY_A not in repr(settings) and KEY_A not in str(settings.model_dump())


def test_no_keys_is_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert keys_from("", monkeypatch).encryption_keys() == []
    monkeypatch.delenv("DATA_ENCRYPTION_KEYS")
    assert read_settings(EncryptionSettings, _env_file=None).encryption_keys() == []


def test_a_key_that_is_no_fernet_key_is_named_by_position_not_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    almost = KEY_A[:-2]
    with pytest.raises(ConfigError) as error:
        keys_from(f"{KEY_B},{almost}", monkeypatch)

    [line] = str(error.value).splitlines()
    assert line.startswith("DATA_ENCRYPTION_KEYS is not valid: key 2 of 2 is not a Fernet key")
    assert "Fernet.generate_key()" in line
    assert almost not in line and KEY_B not in line
