"""The playbook file: the advice's texts and timings, validated, with a built-in default.

An operator may replace the default with PLAYBOOK_PATH. The limits that keep the coach from
nagging (at most five follow-ups, at least a week apart) are checked here, so no file can
loosen them.

Old files stay valid. A playbook written for an earlier version must load in every later
one, so every key added to the schema from now on has a default: a new text takes the
built-in playbook's wording, a kind's lateness its registry value (bot.rules.kinds), any
other new key a `Field(default=...)` here. The keys version 0.1.0 required stay required
(lateness aside, which the registry now supplies), so a renamed or misspelt one is still
named as missing. Unknown keys are refused, named, never ignored: a typo must not fall back
to a default unnoticed. tests/fixtures/playbooks/ keeps released files verbatim, and
tests/unit/test_playbook_compatibility.py loads each of them.
"""

from __future__ import annotations

import tomllib
from datetime import timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from bot.rules.domain import NudgeKind, ReflectionQuestion
from bot.rules.draft_templates import (
    check_fact_template,
    check_follow_ups_differ,
    check_script_template,
)
from bot.rules.kinds import KINDS, playbook_texts

DEFAULT_PLAYBOOK = "default_playbook.toml"

# Strict: TOML has types, so "5" or true where a number belongs is a mistake, not a 5 or a 1.
Int = Annotated[int, Strict()]
Number = Annotated[float, Strict()]
# Slack refuses a section text over 3000 characters; leave room for what goes around it.
TextField = Annotated[str, Strict(), Field(min_length=1, max_length=2000)]
Hour = Annotated[Int, Field(ge=0, le=23)]
Lateness = Annotated[Number, Field(gt=0, le=24 * 30)]


class PlaybookError(Exception):
    """The playbook file cannot be used; the message names the file and each bad key."""


class _Strict(BaseModel):
    # validate_default: a default (a registry lateness, a built-in text) meets the same
    # limits as a value from a file.
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Timing(_Strict):
    distance_within_hours: Annotated[Number, Field(gt=0, le=24)]
    reflection_after_minutes: Annotated[Int, Field(ge=0, le=24 * 60)]
    thank_you_after_minutes: Annotated[Int, Field(ge=0, le=24 * 60)]
    follow_up_hour: Hour
    follow_up_after_days: Annotated[Int, Field(ge=1, le=60)]
    # The line between enthusiastic and annoying: no file may cross it.
    follow_up_interval_days: Annotated[Int, Field(ge=7, le=60)]
    max_follow_ups: Annotated[Int, Field(ge=1, le=5)]
    check_in_after_days: Annotated[Int, Field(ge=1, le=60)]
    keep_going_after_hours: Annotated[Int, Field(ge=0, le=24 * 14)]
    # One "Snooze" choice per entry: a short menu.
    snooze_days: Annotated[
        tuple[Annotated[Int, Field(ge=1, le=14)], ...], Field(min_length=1, max_length=5)
    ]

    @model_validator(mode="after")
    def _reflection_before_thank_you(self) -> Timing:
        if self.thank_you_after_minutes < self.reflection_after_minutes:
            raise ValueError(
                "thank_you_after_minutes must not be less than reflection_after_minutes "
                "(the thank-you note reminds the person of what they wanted to clarify)"
            )
        return self


class _LatenessTable(_Strict):
    def of(self, kind: NudgeKind) -> timedelta:
        """How late a nudge of `kind` may still go out."""
        return timedelta(hours=getattr(self, kind.value))


# One key per kind, named by its value; a file sets only those it changes.
MaxLateness: type[_LatenessTable] = create_model(
    "MaxLateness",
    __base__=_LatenessTable,
    __module__=__name__,
    **{kind.value: (Lateness, spec.max_lateness_hours) for kind, spec in KINDS.items()},
)


class _TextsTable(_Strict):
    def text(self, key: str) -> str:
        """The text at `key`, one the kinds registry names."""
        return str(getattr(self, key))


# The texts every 0.1.0 playbook has: they stay required. Never add to this set; a text
# added later defaults to the built-in wording (see the module docstring).
TEXTS_OF_0_1_0 = frozenset(
    {
        "distance",
        "reflection_intro",
        "thank_you_email",
        "thank_you_card",
        "clarify_reminder",
        "card_reminder",
        "follow_up",
        "follow_up_direct",
        "caution",
        "check_in",
        "reminder",
    }
)


def _built_in_content() -> str:
    return resources.files("bot.rules").joinpath(DEFAULT_PLAYBOOK).read_text("utf-8")


def _text_fields() -> dict[str, tuple[object, object]]:
    """One field per text some kind shows (bot.rules.kinds), in registry order: required if
    0.1.0 had it, else defaulting to the built-in wording (required if even the built-in file
    lacks it, so that file is refused naming it)."""
    built_in = tomllib.loads(_built_in_content()).get("texts", {})
    return {
        key: (TextField, ... if key in TEXTS_OF_0_1_0 or key not in built_in else built_in[key])
        for key in playbook_texts()
    }


Texts: type[_TextsTable] = create_model(
    "Texts", __base__=_TextsTable, __module__=__name__, **_text_fields()
)


class Questions(_Strict):
    said_well: Annotated[str, Strict(), Field(min_length=1, max_length=150)]
    to_clarify: Annotated[str, Strict(), Field(min_length=1, max_length=150)]
    # Shown as one bulleted section: 8 x 250 characters keeps it under Slack's 3000.
    call_questions: Annotated[
        tuple[Annotated[str, Strict(), Field(min_length=1, max_length=250)], ...],
        Field(min_length=1, max_length=8),
    ]

    def reflection(self, question: ReflectionQuestion) -> str:
        return str(getattr(self, question.value))


# A template longer than the draft it makes may be (Slack's 3000) is a mistake.
TEMPLATE_MAX = 3000
FactTemplate = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=TEMPLATE_MAX),
    AfterValidator(check_fact_template),
]
ScriptTemplate = Annotated[
    str,
    Strict(),
    Field(min_length=1, max_length=TEMPLATE_MAX),
    AfterValidator(check_script_template),
]


class EmailTemplate(_Strict):
    """A drafted email: its subject line and its body, each a template."""

    subject: FactTemplate
    body: FactTemplate


class DraftTemplates(_Strict):
    """The [drafts] table: what the coach drafts for the person to send themselves.

    A key left out (or the whole table, in a playbook written before drafts) takes the
    built-in playbook's; a list (follow_ups) is replaced whole, not merged.
    """

    thank_you: EmailTemplate
    card: FactTemplate
    # One per follow-up, in order, none repeating another: at least timing.max_follow_ups
    # (checked by Playbook, which sees both), at most 5.
    follow_ups: Annotated[tuple[EmailTemplate, ...], Field(max_length=5)]
    call_script: ScriptTemplate

    @model_validator(mode="before")
    @classmethod
    def _built_in_where_left_out(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data  # pydantic says what is wrong with it
        built_in = _built_in_drafts_table()
        merged = dict(built_in)
        for key, value in data.items():
            default = built_in.get(key)
            both_tables = isinstance(value, dict) and isinstance(default, dict)
            merged[key] = {**default, **value} if both_tables else value  # type: ignore[dict-item]
        return merged

    @model_validator(mode="after")
    def _follow_ups_differ(self) -> DraftTemplates:
        check_follow_ups_differ([follow_up.body for follow_up in self.follow_ups])
        return self


@cache
def _built_in_drafts_table() -> dict[str, Any]:
    content = resources.files("bot.rules").joinpath(DEFAULT_PLAYBOOK).read_text("utf-8")
    return dict(tomllib.loads(content)["drafts"])


@cache
def built_in_draft_templates() -> DraftTemplates:
    """The built-in playbook's [drafts], for a playbook file that has none."""
    return DraftTemplates.model_validate({})


class Playbook(_Strict):
    timing: Timing
    # Every kind has a lateness in the registry: a file may leave the whole table out.
    max_lateness_hours: MaxLateness = Field(default_factory=MaxLateness)
    texts: Texts
    questions: Questions
    drafts: DraftTemplates = Field(default_factory=built_in_draft_templates)

    @field_validator("drafts")
    @classmethod
    def _a_draft_per_follow_up(cls, drafts: DraftTemplates, info: ValidationInfo) -> DraftTemplates:
        timing = info.data.get("timing")  # absent when [timing] itself was refused
        if timing is not None and len(drafts.follow_ups) < timing.max_follow_ups:
            raise ValueError(
                f"follow_ups has {len(drafts.follow_ups)} drafts, but timing.max_follow_ups "
                f"is {timing.max_follow_ups}: write one for each follow-up"
            )
        return drafts


def parse_playbook(content: str, source: str) -> Playbook:
    """A playbook from TOML text; PlaybookError names `source` and every bad key."""
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise PlaybookError(f"{source} is not valid TOML: {exc}") from None
    try:
        return Playbook.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(top level)'}: {_describe(error)}"
            for error in exc.errors()
        )
        raise PlaybookError(f"{source} has bad keys: {problems}") from None


def _describe(error: dict) -> str:  # type: ignore[type-arg]
    if error["type"] == "missing":
        return "missing"
    if error["type"] == "extra_forbidden":
        return "not a playbook key (misspelt?)"
    # A rule spanning keys (model_validator) reads as pydantic's "Value error, …": drop that.
    return str(error["msg"]).removeprefix("Value error, ")


def load_playbook(path: Path | None = None) -> Playbook:
    """The playbook at `path`, or the built-in one. Raises PlaybookError."""
    if path is None:
        return default_playbook()
    try:
        content = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlaybookError(f"{path} could not be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise PlaybookError(f"{path} is not UTF-8 text") from None
    return parse_playbook(content, str(path))


@cache
def default_playbook() -> Playbook:
    """The built-in playbook (bot/rules/default_playbook.toml). Raises PlaybookError."""
    return parse_playbook(_built_in_content(), f"the built-in {DEFAULT_PLAYBOOK}")
