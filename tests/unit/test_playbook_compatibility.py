"""Old playbook files stay valid: every released built-in playbook still loads, reads as
written, and takes a default for every key added since; unknown keys are still refused.

The files in tests/fixtures/playbooks/ are released playbooks kept byte for byte: NEVER EDIT
THEM. If one stops loading, the change that broke it is the bug (give the new key a default,
see bot/rules/playbook.py), not the fixture. Their hashes below catch an edit.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bot.rules.kinds import KINDS
from bot.rules.playbook import (
    TEXTS_OF_0_1_0,
    MaxLateness,
    Playbook,
    PlaybookError,
    Texts,
    default_playbook,
    load_playbook,
)
from tests.playbook_files import DEFAULT_TEXT, write

FIXTURES = Path(__file__).parent.parent / "fixtures" / "playbooks"
# Each released playbook and its SHA-256. Add a line per release; never change one.
RELEASED = {
    "playbook_v0_1_0.toml": "a569cff10d3f143f95d3f0fc7473cf9895c8a3ee6124b5bb546ecdb67dd5df97",
}
V0_1_0 = FIXTURES / "playbook_v0_1_0.toml"


def tables(model: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """The playbook's tables: its fields that are models themselves."""
    found = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found[name] = annotation
    return found


def optional_keys() -> list[tuple[str, str | None]]:
    """Every (table, key) a file may leave out; (table, None) for a whole table."""
    found: list[tuple[str, str | None]] = []
    for table, model in tables(Playbook).items():
        if not Playbook.model_fields[table].is_required():
            found.append((table, None))
        found += [(table, key) for key, f in model.model_fields.items() if not f.is_required()]
    return found


def read_back(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# -- released files ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sha256"), RELEASED.items())
def test_a_released_playbook_loads_and_reads_as_written(name: str, sha256: str) -> None:
    path = FIXTURES / name
    # Never edit the fixture: it stands for files operators have kept since that release.
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256, f"{name} was edited"

    playbook = load_playbook(path)

    written = tomllib.loads(path.read_text("utf-8"))
    defaults = default_playbook()
    for table, model in tables(Playbook).items():
        for key in model.model_fields:
            value = getattr(getattr(playbook, table), key)
            if key in written.get(table, {}):
                assert read_back(value) == written[table][key], f"{table}.{key}"
            else:  # added since: the default, as a file without it always meant
                assert value == getattr(getattr(defaults, table), key), f"{table}.{key}"


def test_every_key_added_since_0_1_0_has_a_default() -> None:
    """The rule itself: a key 0.1.0 files lack must not be required, or they stop loading."""
    old = tomllib.loads(V0_1_0.read_text("utf-8"))
    for table, model in tables(Playbook).items():
        if table not in old:
            assert not Playbook.model_fields[table].is_required(), table
            continue
        for key, field in model.model_fields.items():
            if key not in old[table]:
                assert not field.is_required(), f"{table}.{key} is new: give it a default"


def test_texts_of_0_1_0_stay_required_and_later_ones_default_to_the_built_in_wording() -> None:
    built_in = tomllib.loads(DEFAULT_TEXT)["texts"]
    old = tomllib.loads(V0_1_0.read_text("utf-8"))["texts"]
    assert set(old) == TEXTS_OF_0_1_0
    for key, field in Texts.model_fields.items():
        if key in TEXTS_OF_0_1_0:
            assert field.is_required(), key
        else:
            assert field.default == built_in[key], key


# -- leaving a key out, misspelling one -------------------------------------------------------


@pytest.mark.parametrize(
    ("table", "key"), optional_keys(), ids=lambda part: str(part) if part else "whole table"
)
def test_a_playbook_without_a_key_that_has_a_default_loads_with_the_default(
    table: str, key: str | None
) -> None:
    data = tomllib.loads(V0_1_0.read_text("utf-8"))
    if key is None:
        data.pop(table, None)  # a table added since 0.1.0 is absent already
    else:
        data.get(table, {}).pop(key, None)

    playbook = Playbook.model_validate(data)

    shown = getattr(playbook, table)
    if key is None:
        assert shown == tables(Playbook)[table]()
    else:
        # The field's own default: [texts] keeps required keys beside it, so the table as a
        # whole has no default to compare with.
        field = tables(Playbook)[table].model_fields[key]
        assert getattr(shown, key) == field.get_default(call_default_factory=True)


def test_a_kind_left_out_of_the_lateness_table_takes_its_registry_lateness() -> None:
    assert MaxLateness().model_dump() == {k.value: s.max_lateness_hours for k, s in KINDS.items()}


@pytest.mark.parametrize(
    ("table_line", "unknown"),
    [
        ("[max_lateness_hours]", "distanse"),  # every key here has a default: still refused
        ("[texts]", "thank_you_mail"),
        ("[timing]", "follow_up_hours"),
        ("[questions]", "said_badly"),
    ],
)
def test_an_unknown_key_is_refused_naming_it(tmp_path: Path, table_line: str, unknown: str) -> None:
    old = V0_1_0.read_text("utf-8")
    assert old.count(table_line) == 1
    path = write(tmp_path, old.replace(table_line, f'{table_line}\n{unknown} = "x"'))

    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)

    table = table_line.strip("[]")
    assert f"{table}.{unknown}: not a playbook key (misspelt?)" in str(caught.value)
