"""The playbook's [drafts] table: optional (each key has the built-in default), and a
template the bot cannot use is refused at load, with the file and the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.rules.domain import InterviewFormat
from bot.rules.draft_facts import FACT_VARIABLES, SAMPLE_FACTS, DraftFacts, fact_variables
from bot.rules.drafts import thank_you_emails
from bot.rules.playbook import (
    PlaybookError,
    built_in_draft_templates,
    default_playbook,
    load_playbook,
)
from tests.unit.test_drafts import DEFAULT_TEXT

DRAFTS_AT = DEFAULT_TEXT.index("\n# What the coach drafts")
WITHOUT_DRAFTS = DEFAULT_TEXT[:DRAFTS_AT] + "\n"
THANK_YOU_BODY_AT = DEFAULT_TEXT.index("[drafts.thank_you]")
FOLLOW_UPS_AT = DEFAULT_TEXT.index("[[drafts.follow_ups]]")


def write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "playbook.toml"
    path.write_text(content, encoding="utf-8")
    return path


def with_drafts(table: str) -> str:
    """The built-in playbook with `table` as its whole drafts section."""
    return WITHOUT_DRAFTS + table


def with_thank_you(subject: str, body: str) -> str:
    """The built-in playbook with another [drafts.thank_you] table."""
    table = f"[drafts.thank_you]\nsubject = '{subject}'\nbody = '''\n{body}\n'''\n\n"
    return DEFAULT_TEXT[:THANK_YOU_BODY_AT] + table + DEFAULT_TEXT[FOLLOW_UPS_AT:]


def follow_ups(*bodies: str) -> str:
    return "".join(
        f"[[drafts.follow_ups]]\nsubject = 'Follow-up {{{{ number }}}}'\nbody = '''{body}'''\n"
        for body in bodies
    )


# -- optional ------------------------------------------------------------------------------


def test_a_playbook_without_drafts_loads_with_the_built_in_ones(tmp_path: Path) -> None:
    assert "drafts" not in WITHOUT_DRAFTS

    playbook = load_playbook(write(tmp_path, WITHOUT_DRAFTS))

    assert playbook.drafts is built_in_draft_templates()
    assert playbook.drafts == default_playbook().drafts
    assert playbook == default_playbook()


def test_a_drafts_table_may_set_some_keys_and_keep_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        with_drafts("[drafts.thank_you]\nsubject = 'Many thanks, {{ company }}'\n"),
    )

    playbook = load_playbook(path)

    built_in = built_in_draft_templates()
    assert playbook.drafts.thank_you.subject == "Many thanks, {{ company }}"
    assert playbook.drafts.thank_you.body == built_in.thank_you.body
    assert playbook.drafts.card == built_in.card
    assert playbook.drafts.follow_ups == built_in.follow_ups
    facts = SAMPLE_FACTS[0]
    assert thank_you_emails(facts, playbook)[0].subject == "Many thanks, Acme Corp"


def test_fewer_follow_up_drafts_will_do_for_fewer_follow_ups(tmp_path: Path) -> None:
    content = with_drafts(follow_ups("One {{ company }}", "Two {{ company }}")).replace(
        "max_follow_ups = 5", "max_follow_ups = 2"
    )

    playbook = load_playbook(write(tmp_path, content))

    assert [f.body for f in playbook.drafts.follow_ups] == [
        "One {{ company }}",
        "Two {{ company }}",
    ]


def test_the_template_variables_are_the_facts_a_draft_is_given() -> None:
    facts = DraftFacts(
        company="Acme",
        role=None,
        format=InterviewFormat.VIDEO,
        traditional_org=False,
        interviewers=(),
        hiring_manager=None,
        employer_timeline=None,
        direct_contact_ok=False,
        said_well=None,
        to_clarify=None,
        sender=None,
    )

    assert set(fact_variables(facts, to_name=None)) == FACT_VARIABLES
    # And the built-in playbook's comment lists each of them for the operator.
    comment = DEFAULT_TEXT[DRAFTS_AT:THANK_YOU_BODY_AT]
    assert all(name in comment for name in FACT_VARIABLES)


# -- refused, naming the key ----------------------------------------------------------------

BAD_DRAFTS = [
    pytest.param(
        with_thank_you("Thanks", "Dear {{ to_name }, {{ company }}"),
        "drafts.thank_you.body: is not a valid template: unexpected '}' (line 1)",
        id="does not parse",
    ),
    pytest.param(
        with_thank_you("Thanks", "Dear {% if to_name %}{{ to_name }}"),
        "drafts.thank_you.body: is not a valid template: Unexpected end of template",
        id="an unclosed block",
    ),
    pytest.param(
        with_thank_you("Thanks from {{ compnay }}", "Dear {{ to_name }}"),
        "drafts.thank_you.subject: names compnay, which a draft does not have (it may use: "
        "company, direct, hiring_manager, interview_format, interviewers, number, role, "
        "said_well, sender, thank_you_date, timeline, to_clarify, to_name, traditional_org)",
        id="an unknown variable",
    ),
    pytest.param(
        with_thank_you("Thanks", "{{ range(10) }} {{ lipsum() }}"),
        "drafts.thank_you.body: names lipsum, range, which a draft does not have",
        id="functions are not there",
    ),
    pytest.param(
        with_thank_you("Thanks", "Dear {{ to_name | shout }}"),
        "drafts.thank_you.body: is not a valid template: No filter named 'shout'",
        id="an unknown filter",
    ),
    pytest.param(
        with_thank_you("Thanks", "Dear {{ role.upper() }}"),
        "drafts.thank_you.body: does not render on sample facts: 'None' has no attribute 'upper'",
        id="works only when the role is given",
    ),
    pytest.param(
        with_thank_you("Thanks", "Dear {{ company.__class__.__mro__ }}"),
        "drafts.thank_you.body: does not render on sample facts: access to attribute "
        "'__class__' of 'str' object is unsafe",
        id="reaching into Python",
    ),
    pytest.param(
        with_thank_you("Thanks", "{{ company.format.__globals__ }}"),
        "drafts.thank_you.body: does not render on sample facts:",
        id="str.format escape",
    ),
    pytest.param(
        with_thank_you("Thanks", "{% if said_well %}{{ said_well }}{% endif %}"),
        "drafts.thank_you.body: renders as empty text on sample facts",
        id="empty without answers",
    ),
    pytest.param(
        with_thank_you("Thanks", ""),
        "drafts.thank_you.body: renders as empty text on sample facts",
        id="empty",
    ),
    pytest.param(
        with_thank_you("Thanks", "x" * 3001),
        "drafts.thank_you.body: String should have at most 3000 characters",
        id="longer than a draft may be",
    ),
    pytest.param(
        with_drafts("[drafts]\ncall_script = '{{ company }}: {{ questions | join(\", \") }}'\n"),
        "drafts.call_script: names company, which a draft does not have (it may use: questions)",
        id="the call script sees only the questions",
    ),
    pytest.param(
        with_drafts("[drafts]\ncard = 5\n"),
        "drafts.card: Input should be a valid string",
        id="a number for a template",
    ),
    pytest.param(
        with_drafts("[drafts]\nletter = 'Dear {{ to_name }}'\n"),
        "drafts.letter: not a playbook key (misspelt?)",
        id="an unknown draft",
    ),
    pytest.param(
        with_drafts("[drafts.thank_you]\nsubject = 'Hi'\ncc = 'x'\n"),
        "drafts.thank_you.cc: not a playbook key (misspelt?)",
        id="an unknown key in a draft",
    ),
    pytest.param(
        with_drafts("[[drafts.follow_ups]]\nbody = 'Hello {{ company }}'\n"),
        "drafts.follow_ups.0.subject: missing",
        id="a follow-up without a subject",
    ),
    pytest.param(
        with_drafts("[drafts]\nfollow_ups = []\n"),
        "drafts: follow_ups has 0 drafts, but timing.max_follow_ups is 5",
        id="no follow-up drafts",
    ),
    pytest.param(
        with_drafts(follow_ups("Any news, {{ company }}?", "Any news, {{ company }}?")),
        "drafts: follow-up 2 reads the same as follow-up 1 "
        "(each follow-up should say something new)",
        id="the second repeats the first",
    ),
    pytest.param(
        with_drafts(
            follow_ups(
                "News? {{ company }}",
                "News? {{ company }}{% if timeline %} (by {{ timeline }}){% endif %}",
            )
        ),
        "drafts: follow-up 2 reads the same as follow-up 1",
        id="the same when no timeline was given",
    ),
    pytest.param(
        with_drafts(follow_ups("One {{ company }}", "Two {{ company }}")),
        "drafts: follow_ups has 2 drafts, but timing.max_follow_ups is 5: "
        "write one for each follow-up",
        id="fewer drafts than follow-ups",
    ),
    pytest.param(
        with_drafts(follow_ups(*(f"{n} {{{{ company }}}}" for n in range(6)))),
        "drafts.follow_ups: Tuple should have at most 5 items",
        id="more drafts than follow-ups may be",
    ),
]


@pytest.mark.parametrize(("content", "problem"), BAD_DRAFTS)
def test_a_bad_template_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = write(tmp_path, content)

    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)

    message = str(caught.value)
    assert message.startswith(f"{path} has bad keys: ")
    assert problem in message
    assert message.splitlines() == [message], "one line"
    assert "Value error" not in message


def test_a_bad_follow_up_is_the_only_problem_named(tmp_path: Path) -> None:
    path = write(tmp_path, with_drafts("[[drafts.follow_ups]]\nbody = 'Hello {{ company }}'\n"))

    with pytest.raises(PlaybookError) as caught:
        load_playbook(path)

    assert str(caught.value) == f"{path} has bad keys: drafts.follow_ups.0.subject: missing"
