"""Notes encrypted at rest: reflection answers and saved drafts, with Fernet keys.

The stored text says what it is, so rows written before a key was configured stay readable:

- `fernet:<token>`: a Fernet token (AES-128-CBC + HMAC-SHA256, `cryptography`'s), under one of
  `DATA_ENCRYPTION_KEYS` (newest first; `MultiFernet` reads with any, writes with the newest);
- `plain:<text>`: plaintext written without a key whose own text starts with a marker;
- anything else: plaintext as it was stored before encryption (or without a key).

The key reaches the column type through the engine: `bind_cipher(engine, cipher)` puts the
cipher on that engine's dialect, the one object SQLAlchemy hands a `TypeDecorator` on every bind
and every result. `create_engine` makes a new dialect for each engine, so two `Database`s in one
process (a test writing under key A and reading under [B]) each use their own keys, and nothing
is set at import time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Dialect, Engine, Text
from sqlalchemy.types import TypeDecorator

CIPHER_MARK = "fernet:"
PLAIN_MARK = "plain:"
# Where the cipher sits on an engine's dialect (a name no SQLAlchemy dialect uses).
_DIALECT_ATTRIBUTE = "interview_coach_note_cipher"


def unreadable_text(what: str) -> str:
    """What the person sees in place of a note of theirs that no configured key opens."""
    return f"(this {what} can't be read: the key that encrypted it is missing)"


logger = logging.getLogger(__name__)


class UnreadableNote(Exception):
    """Stored ciphertext that none of the configured keys opens (or no key is configured)."""


class NoteCipher:
    """Seals and opens stored notes with `keys` (Fernet keys, newest first); with no key it
    stores plaintext and can open only plaintext."""

    def __init__(self, keys: Sequence[str | bytes] = ()) -> None:
        fernets = [Fernet(key) for key in keys]  # ValueError for a key that is no Fernet key
        self._newest = fernets[0] if fernets else None
        self._all = MultiFernet(fernets) if fernets else None
        self._warned = threading.Event()

    @property
    def encrypts(self) -> bool:
        """Whether notes are written encrypted (a key is configured)."""
        return self._newest is not None

    def seal(self, text: str) -> str:
        """The stored form of `text`: ciphertext under the newest key, or marked plaintext."""
        if self._newest is not None:
            return CIPHER_MARK + self._newest.encrypt(text.encode("utf-8")).decode("ascii")
        if text.startswith((CIPHER_MARK, PLAIN_MARK)):
            return PLAIN_MARK + text  # so reading it back does not take it for ciphertext
        return text

    def open(self, stored: str) -> str:
        """The text `stored` holds; UnreadableNote if it is ciphertext no key here opens."""
        if stored.startswith(PLAIN_MARK):
            return stored[len(PLAIN_MARK) :]
        if not stored.startswith(CIPHER_MARK):
            return stored  # written before encryption was enabled
        if self._all is None:
            raise UnreadableNote("the note is encrypted and DATA_ENCRYPTION_KEYS is not set")
        try:
            return self._all.decrypt(stored[len(CIPHER_MARK) :].encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError) as exc:
            raise UnreadableNote("no key in DATA_ENCRYPTION_KEYS opens the note") from exc

    def is_current(self, stored: str) -> bool:
        """Whether `stored` is ciphertext under the newest key (nothing left to rotate)."""
        if self._newest is None or not stored.startswith(CIPHER_MARK):
            return False
        try:
            # Checks the HMAC without decrypting: enough to know which key wrote it.
            self._newest.extract_timestamp(stored[len(CIPHER_MARK) :].encode("ascii"))
        except (InvalidToken, UnicodeError):
            return False
        return True

    def reseal(self, stored: str) -> str:
        """`stored` under the newest key: ciphertext re-encrypted, plaintext encrypted.

        UnreadableNote if it is ciphertext no key opens; ValueError without a key.
        """
        if self._newest is None:
            raise ValueError("re-encrypting needs a key")
        return self.seal(self.open(stored))

    def warn_unreadable_once(self, what: str) -> None:
        """One warning per process and cipher that notes could not be read (never their text);
        a Home tab opened a hundred times would otherwise log a hundred times."""
        if self._warned.is_set():
            return
        self._warned.set()
        logger.warning(
            "a stored %s is encrypted under a key that DATA_ENCRYPTION_KEYS does not have; it "
            "is shown to its author as unreadable (further ones are not logged). Fix: put the "
            "old key back at the end of DATA_ENCRYPTION_KEYS",
            what,
        )


# Engines no `bind_cipher` reached (Alembic's own CLI, ad hoc tools) store plaintext.
PLAINTEXT = NoteCipher(())


def bind_cipher(engine: Engine, cipher: NoteCipher) -> None:
    """Make `cipher` the one every `EncryptedText` column of `engine` uses."""
    setattr(engine.dialect, _DIALECT_ATTRIBUTE, cipher)


def cipher_for(dialect: Dialect) -> NoteCipher:
    """The cipher bound to the engine `dialect` belongs to; PLAINTEXT if none was."""
    cipher = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    return cipher if isinstance(cipher, NoteCipher) else PLAINTEXT


class EncryptedText(TypeDecorator[str]):
    """Text, encrypted with the engine's cipher on the way in, decrypted on the way out.

    A note no configured key opens reads as `unreadable_text(what)` (a sentence its author
    sees in place of it) rather than failing the whole request, and is logged once without
    its text.
    Values are compared in Python, never in SQL: Fernet tokens differ on every write.
    """

    impl = Text
    cache_ok = True

    def __init__(self, what: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.what = what  # "answer", "draft": named in the placeholder and the log

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else cipher_for(dialect).seal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        cipher = cipher_for(dialect)
        try:
            return cipher.open(value)
        except UnreadableNote:
            cipher.warn_unreadable_once(self.what)
            return unreadable_text(self.what)
