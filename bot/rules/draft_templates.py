"""The playbook's draft templates: rendered in Jinja2's sandbox, checked when it loads.

A template is the operator's text. What a person typed reaches it only as a variable's
value, never as template source, so "{{ 7*7 }}" in an answer prints as itself. Drafts are
plain text (they fill plain_text inputs and code blocks), so nothing is escaped here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from bot.rules.draft_facts import FACT_VARIABLES, SAMPLE_FACTS, fact_variables, follow_up_to

# The call script's template sees the playbook's call questions, as a list.
SCRIPT_VARIABLES = frozenset({"questions"})
_SAMPLE_QUESTIONS = (
    ("Where are you in the hiring process?", "Is there anything else I can send you?"),
    ("Where are you in the hiring process?",),
)
# Full stops of the scripts people write in (Latin, Arabic, Urdu, CJK, Devanagari).
_SENTENCE_ENDS = frozenset(".!?…؟۔。！？।")
_CLOSERS = frozenset("\"'”’»)]")


def as_sentence(value: object) -> str:
    """The text, ending in a full stop unless it already ends a sentence (the `sentence`
    filter: "I fumbled the sample sizes" reads as a sentence inside a draft)."""
    if value is None:
        return ""
    text = str(value).rstrip()
    last = text.rstrip("".join(_CLOSERS))[-1:]
    if not text or last in _SENTENCE_ENDS:
        return text
    return f"{text}."


def _none_as_nothing(value: Any) -> Any:
    # An optional fact that is missing prints as nothing, not as "None".
    return "" if value is None else value


_ENV = SandboxedEnvironment(
    undefined=StrictUndefined,
    autoescape=False,
    # A line holding only {% if %} or {% endif %} leaves no blank line behind.
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_none_as_nothing,
)
# No functions (range, lipsum, …): a draft template needs its variables and filters only.
_ENV.globals.clear()
_ENV.filters["sentence"] = as_sentence


@lru_cache(maxsize=256)
def _compiled(source: str) -> Template:
    return _ENV.from_string(source)


@lru_cache(maxsize=256)
def _names_used(source: str) -> frozenset[str]:
    return frozenset(meta.find_undeclared_variables(_ENV.parse(source)))


def render(source: str, variables: Mapping[str, Any]) -> str:
    """`source` rendered in the sandbox, without surrounding blank space.

    Raises jinja2.TemplateError (an unknown name, an unsafe attribute) or what a filter raised.
    """
    return _compiled(source).render(variables).strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def check_template(
    source: str, variables: frozenset[str], samples: Iterable[Mapping[str, Any]]
) -> str:
    """`source`, if it parses, names only `variables` and renders non-empty on each sample;
    else ValueError saying why, for the playbook's error message."""
    try:
        unknown = _names_used(source) - variables
        _compiled(source)  # unknown filters and tests are found when compiling
    except TemplateSyntaxError as exc:
        raise ValueError(
            f"is not a valid template: {_one_line(exc.message or '')} (line {exc.lineno})"
        ) from None
    if unknown:
        raise ValueError(
            f"names {', '.join(sorted(unknown))}, which a draft does not have "
            f"(it may use: {', '.join(sorted(variables))})"
        )
    for sample in samples:
        try:
            text = render(source, sample)
        except Exception as exc:  # a filter's own error too: the operator must hear of any
            raise ValueError(f"does not render on sample facts: {_one_line(str(exc))}") from None
        if not text:
            raise ValueError("renders as empty text on sample facts")
    return source


@cache
def _fact_samples() -> tuple[dict[str, Any], ...]:
    return tuple(
        fact_variables(facts, to_name=to_name, number=number)
        for facts in SAMPLE_FACTS
        for to_name in ("Priya Shah", None)
        for number in (0, 1, 5)
    )


def check_fact_template(source: str) -> str:
    """check_template for a draft's subject or body: the interview's facts are its variables."""
    return check_template(source, FACT_VARIABLES, _fact_samples())


def check_script_template(source: str) -> str:
    """check_template for the call script: the call questions are its variables."""
    samples = [{"questions": list(questions)} for questions in _SAMPLE_QUESTIONS]
    return check_template(source, SCRIPT_VARIABLES, samples)


def check_follow_ups_differ(bodies: Sequence[str]) -> None:
    """ValueError if two follow-up bodies read the same on some sample interview: the second
    follow-up must not repeat the first."""
    for facts in SAMPLE_FACTS:
        seen: dict[str, int] = {}
        for number, body in enumerate(bodies, start=1):
            text = render(body, fact_variables(facts, to_name=follow_up_to(facts), number=number))
            if text in seen:
                raise ValueError(
                    f"follow-up {number} reads the same as follow-up {seen[text]} "
                    "(each follow-up should say something new)"
                )
            seen[text] = number
