"""Properties of the drafts, over any interview the form accepts and any answers (hostile
and 3,000 characters long included), for the built-in playbook and for generated ones:
every draft renders, fits Slack's inputs, keeps what the person typed literally, and its
mailto: link is a valid URL that mail clients accept."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.rules.domain import (
    ANSWER_MAX,
    COMPANY_MAX,
    INTERVIEWERS_MAX,
    PERSON_MAX,
    ROLE_MAX,
    InterviewFormat,
)
from bot.rules.draft_facts import FACT_VARIABLES, DraftFacts, parse_interviewers
from bot.rules.drafts import (
    BODY_MAX,
    SUBJECT_MAX,
    Draft,
    call_script,
    card_draft,
    follow_up_draft,
    thank_you_emails,
)
from bot.rules.interview_form import clean_text
from bot.rules.mailto import MAILTO_MAX, mailto_link
from bot.rules.planning import card_advised
from bot.rules.playbook import DraftTemplates, Playbook, default_playbook
from bot.rules.text_limits import ELLIPSIS, slack_length

# How many examples is the profile's (tests/conftest.py: HYPOTHESIS_PROFILE).
EXAMPLES = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Slack's display names are at most 80 characters.
DISPLAY_NAME_MAX = 80
HOSTILE = ["{{ 7*7 }}", "{% for x in y %}", "{#", "<!channel>", "<@U1>", "*b*", "```", "\u202e"]
HOSTILE += ["עברית", "عربي", "😀", "👩🏽‍💻", "\n", "\r\n", ",", " and ", "&", ";", "%", "+", "#"]

# -- strategies ----------------------------------------------------------------------------

mixed = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(HOSTILE)), max_size=12).map(
    "".join
)


def typed(limit: int) -> st.SearchStrategy[str | None]:
    """A field of the interview form: cleaned as the form does, within its limit."""
    return (
        st.one_of(st.text(max_size=limit), mixed)
        .map(clean_text)
        .filter(lambda value: value is None or len(value) <= limit)
    )


answers = st.one_of(
    st.none(),
    mixed,
    st.text(min_size=ANSWER_MAX - 200, max_size=ANSWER_MAX),
    st.integers(1, ANSWER_MAX).map(lambda n: ("😀 " * n)[:ANSWER_MAX]),
)


@st.composite
def draft_facts(draw: st.DrawFn) -> DraftFacts:
    company = draw(typed(COMPANY_MAX).filter(lambda value: value is not None))
    assert company is not None
    return DraftFacts(
        company=company,
        role=draw(typed(ROLE_MAX)),
        format=draw(st.sampled_from(InterviewFormat)),
        traditional_org=draw(st.booleans()),
        interviewers=parse_interviewers(draw(typed(INTERVIEWERS_MAX))),
        hiring_manager=draw(typed(PERSON_MAX)),
        employer_timeline=draw(st.one_of(st.none(), st.dates())),
        direct_contact_ok=draw(st.booleans()),
        said_well=draw(answers),
        to_clarify=draw(answers),
        sender=draw(st.one_of(st.none(), mixed.map(lambda s: s[:DISPLAY_NAME_MAX]))),
        thank_you_date=draw(st.one_of(st.none(), st.dates())),
    )


# Template text with no "{" in it, so only the pieces below are template syntax.
literal = st.text(st.characters(exclude_characters="{}%#", exclude_categories=["Cs"]), max_size=40)
variable = st.sampled_from(sorted(FACT_VARIABLES))
template = st.lists(
    st.one_of(
        literal,
        variable.map(lambda name: "{{ " + name + " }}"),
        variable.map(lambda name: "{{ " + name + " | sentence }}"),
        st.tuples(variable, literal).map(lambda p: "{% if " + p[0] + " %}" + p[1] + "{% endif %}"),
        st.just("{% for name in interviewers %}{{ name }}, {% endfor %}"),
        st.just("\n"),
    ),
    min_size=1,
    max_size=12,
).map("".join)


@st.composite
def playbooks(draw: st.DrawFn) -> Playbook:
    """The built-in playbook, or one whose drafts are generated templates that pass the
    checks a playbook file passes."""
    base = default_playbook()
    if draw(st.booleans()):
        return base
    email = st.fixed_dictionaries({"subject": template, "body": template})
    try:
        drafts = DraftTemplates.model_validate(
            {
                "thank_you": draw(email),
                "card": draw(template),
                "follow_ups": draw(st.lists(email, min_size=5, max_size=5)),
            }
        )
    except ValidationError:
        reject()
    return base.model_copy(update={"drafts": drafts})


# -- checks -------------------------------------------------------------------------------------


@contextmanager
def no_fallback() -> Iterator[None]:
    """Fails if a draft fell back to the built-in template: the playbook's must render."""

    class Remember(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    handler = Remember()
    logger = logging.getLogger("bot.rules.drafts")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert [r.getMessage() for r in handler.records] == []


def fits(draft: Draft) -> None:
    assert 0 < slack_length(draft.body) <= BODY_MAX
    if draft.subject is not None:
        assert 0 < slack_length(draft.subject) <= SUBJECT_MAX
        assert "\n" not in draft.subject and "\r" not in draft.subject


def lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sent(link: str) -> dict[str, str]:
    """What a mail client takes from the link, checking it is a valid URL on the way."""
    assert len(link) <= MAILTO_MAX
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert urlunsplit(parts) == link
    assert re.fullmatch(r"mailto:[A-Za-z0-9._~@%-]*(\?[A-Za-z0-9._~%=&-]*)?", link)
    assert re.fullmatch(r"(?:[^%]|%[0-9A-F]{2})*", link), "every escape whole"
    unquote(link, errors="strict")  # no character cut in two
    decoded = parse_qs(parts.query, keep_blank_values=True)
    return {name: values[0] for name, values in decoded.items()}


def carried(original: str, decoded: str | None) -> None:
    """The field arrived whole, or as a start of it ending in an ellipsis."""
    expected = lines(original)
    got = lines(decoded or "")
    if got != expected:
        assert got.endswith(ELLIPSIS)
        assert expected.startswith(got.removesuffix(ELLIPSIS))


# -- properties ------------------------------------------------------------------------------


@EXAMPLES
@given(facts=draft_facts(), playbook=playbooks())
def test_every_draft_renders_within_slack_s_limits(facts: DraftFacts, playbook: Playbook) -> None:
    with no_fallback():
        emails = thank_you_emails(facts, playbook)
        card = card_draft(facts, playbook)
        follow_ups = [
            follow_up_draft(facts, n, playbook)
            for n in range(1, playbook.timing.max_follow_ups + 1)
        ]
        script = call_script(playbook)

    assert len(emails) == max(1, len(facts.interviewers))
    assert (card is not None) is card_advised(facts.format, facts.traditional_org)
    for draft in [*emails, *follow_ups, *([card] if card else [])]:
        fits(draft)
    assert 0 < slack_length(script) <= BODY_MAX
    for draft in [*emails, *follow_ups]:
        assert draft.subject is not None
        link = sent(mailto_link(None, draft.subject, draft.body))
        carried(draft.subject, link.get("subject"))
        carried(draft.body, link.get("body"))


@EXAMPLES
@given(facts=draft_facts())
def test_the_built_in_drafts_keep_what_the_person_typed(facts: DraftFacts) -> None:
    playbook = default_playbook()
    emails = thank_you_emails(facts, playbook)
    follow_ups = [follow_up_draft(facts, n, playbook) for n in range(1, 6)]

    short = [a.strip() for a in (facts.said_well, facts.to_clarify) if a and a.strip()]
    for email, name in zip(emails, facts.interviewers or ("hiring team",), strict=True):
        assert email.body.startswith(f"Dear {name},\n")
        # Whole, unless answers this long had to be cut to fit (with an ellipsis).
        whole = all(answer in email.body for answer in short)
        assert whole or ELLIPSIS in email.body
        if sum(slack_length(a) for a in short) <= 1200:
            assert whole
        assert facts.company in email.body
        if facts.sender and facts.sender.strip():
            assert email.body.endswith(facts.sender.strip())
    # A follow-up never repeats another.
    for one, other in itertools.combinations(follow_ups, 2):
        assert one.body != other.body
        assert one.subject != other.subject


@EXAMPLES
@given(
    subject=st.one_of(st.text(max_size=SUBJECT_MAX), st.text(min_size=500, max_size=1000)),
    body=st.one_of(mixed, st.text(max_size=6000)),
)
def test_any_mailto_link_is_a_valid_url_within_the_cap(subject: str, body: str) -> None:
    link = sent(mailto_link(None, subject, body))

    carried(subject, link.get("subject"))
    carried(body, link.get("body"))


@pytest.mark.parametrize("number", range(1, 6))
def test_the_hostile_sample_fits_for_each_follow_up(number: int) -> None:
    # The worst case the form allows, everywhere at once: the limits hold.
    worst = DraftFacts(
        company="{{ 7*7 }}" * (COMPANY_MAX // 9),
        role="<!channel>" * (ROLE_MAX // 10),
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        interviewers=("👩🏽‍💻" * 28,),
        hiring_manager="\u202eעברית" * (PERSON_MAX // 6),
        employer_timeline=None,
        direct_contact_ok=True,
        said_well="😀" * ANSWER_MAX,
        to_clarify="{% for %}" * (ANSWER_MAX // 9),
        sender="x" * DISPLAY_NAME_MAX,
    )
    playbook = default_playbook()

    drafts = [
        *thank_you_emails(worst, playbook),
        follow_up_draft(worst, number, playbook),
        card_draft(worst, playbook),
    ]

    for draft in drafts:
        assert draft is not None
        fits(draft)
        assert "49" not in draft.body
