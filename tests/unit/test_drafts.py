"""The draft builder over interviews with and without names, answers, a timeline, a
traditional organization and direct permission; hostile and over-long input; the built-in
drafts word for word for one sample interview."""

from __future__ import annotations

import dataclasses
import itertools
import logging
import subprocess
import sys
from datetime import date
from importlib import resources

import pytest

from bot.rules.domain import InterviewFormat
from bot.rules.draft_facts import DraftFacts, joined_names, parse_interviewers, spoken_day
from bot.rules.draft_templates import as_sentence
from bot.rules.drafts import (
    BODY_MAX,
    RECRUITER,
    SUBJECT_MAX,
    TEAM,
    Draft,
    call_script,
    card_draft,
    follow_up_draft,
    thank_you_emails,
)
from bot.rules.playbook import DEFAULT_PLAYBOOK, Playbook, default_playbook, parse_playbook
from bot.rules.text_limits import ELLIPSIS, slack_length

DEFAULT_TEXT = resources.files("bot.rules").joinpath(DEFAULT_PLAYBOOK).read_text("utf-8")
SAID_WELL = "I explained my SQL project well and Priya asked follow-ups"
TO_CLARIFY = "I fumbled the question about A/B test sample sizes"

ACME = DraftFacts(
    company="Acme Corp",
    role="Data Analyst",
    format=InterviewFormat.IN_PERSON,
    traditional_org=True,
    interviewers=parse_interviewers("Priya Shah, Tom Lee"),
    hiring_manager="Dana Wu",
    employer_timeline=date(2025, 3, 14),
    direct_contact_ok=True,
    said_well=SAID_WELL,
    to_clarify=TO_CLARIFY,
    sender="Dana",
    thank_you_date=date(2025, 3, 4),
)


def paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n\n") if p]


def fits(draft: Draft) -> None:
    assert 0 < slack_length(draft.body) <= BODY_MAX
    if draft.subject is not None:
        assert 0 < slack_length(draft.subject) <= SUBJECT_MAX
        assert "\n" not in draft.subject


# -- the free-text interviewers field --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Priya Shah, Tom Lee", ("Priya Shah", "Tom Lee")),
        ("Priya and Tom", ("Priya", "Tom")),
        ("Priya & Tom", ("Priya", "Tom")),
        ("Priya; Tom;Lee", ("Priya", "Tom", "Lee")),
        ("Priya Shah, Tom Lee, and Ana Ruiz", ("Priya Shah", "Tom Lee", "Ana Ruiz")),
        ("Priya AND Tom", ("Priya", "Tom")),
        # "and" inside a name is not a separator.
        ("Alexandra Anderson and Sandy Mandela", ("Alexandra Anderson", "Sandy Mandela")),
        ("Priya, priya,  Tom  ", ("Priya", "Tom")),
        (" , ; & and ", ()),
        ("", ()),
        (None, ()),
        ("דנה כהן, عمر", ("דנה כהן", "عمر")),
    ],
)
def test_interviewers_are_split_into_names(text: str | None, names: tuple[str, ...]) -> None:
    assert parse_interviewers(text) == names


@pytest.mark.parametrize(
    ("names", "joined"),
    [((), ""), (("A",), "A"), (("A", "B"), "A and B"), (("A", "B", "C"), "A, B and C")],
)
def test_names_are_joined_as_a_sentence_says_them(names: tuple[str, ...], joined: str) -> None:
    assert joined_names(names) == joined


def test_a_day_is_written_in_english_whatever_the_locale() -> None:
    assert spoken_day(date(2025, 3, 14)) == "Friday, March 14"
    assert spoken_day(date(2026, 1, 1)) == "Thursday, January 1"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("I fumbled it", "I fumbled it."),
        ("I fumbled it.", "I fumbled it."),
        ("Did I?", "Did I?"),
        ('He said "great."', 'He said "great."'),
        ("it went well  ", "it went well."),
        ("هل أجبت جيداً؟", "هل أجبت جيداً؟"),
        ("", ""),
        (None, ""),
    ],
)
def test_the_sentence_filter_adds_a_full_stop_only_where_missing(
    text: str | None, sentence: str
) -> None:
    assert as_sentence(text) == sentence


# -- the built-in drafts for the sample interview, word for word ------------------------------


def test_the_sample_interview_drafts_word_for_word() -> None:
    playbook = default_playbook()

    emails = thank_you_emails(ACME, playbook)
    card = card_draft(ACME, playbook)
    first, second = follow_up_draft(ACME, 1, playbook), follow_up_draft(ACME, 2, playbook)

    assert [e.recipient for e in emails] == ["Priya Shah", "Tom Lee"]
    assert emails[0] == Draft(
        recipient="Priya Shah",
        subject="Thank you for the Data Analyst interview at Acme Corp",
        body=(
            "Dear Priya Shah,\n\n"
            "Thank you for taking the time to speak with me about the Data Analyst role at "
            "Acme Corp.\n\n"
            "I especially enjoyed this part of our conversation: I explained my SQL project "
            "well and Priya asked follow-ups.\n\n"
            "I have also thought more about a point I could have answered better: I fumbled "
            "the question about A/B test sample sizes.\n\n"
            "I remain very interested in the Data Analyst role and would welcome the chance to "
            "contribute to Acme Corp. I look forward to hearing about the next steps.\n\n"
            "Best regards,\nDana"
        ),
    )
    assert emails[1].body == emails[0].body.replace("Dear Priya Shah,", "Dear Tom Lee,")
    assert card == Draft(
        recipient="Priya Shah and Tom Lee",
        subject=None,
        body=(
            "Dear Priya Shah and Tom Lee,\n\n"
            "Thank you for meeting with me about the Data Analyst role.\n"
            "I enjoyed our conversation and left even more excited about Acme Corp.\n"
            "I would be glad to join your team.\n\n"
            "With warm regards,\nDana"
        ),
    )
    assert first == Draft(
        recipient="Dana Wu",
        subject="Following up: Data Analyst interview at Acme Corp",
        body=(
            "Dear Dana Wu,\n\n"
            "I hope you are well. I am following up on my interview for the Data Analyst role "
            "at Acme Corp and the thank-you note I sent on Tuesday, March 4.\n\n"
            "You mentioned you expected to reach a decision by Friday, March 14. Is there any "
            "news you can share about the next steps?\n\n"
            "I remain very interested and am happy to provide anything else you need.\n\n"
            "Best regards,\nDana"
        ),
    )
    assert second == Draft(
        recipient="Dana Wu",
        subject="Checking in again: Data Analyst role at Acme Corp",
        body=(
            "Dear Dana Wu,\n\n"
            "I am writing again about the Data Analyst role at Acme Corp, as I have not heard "
            "back since my last note.\n\n"
            "I know you planned to decide by Friday, March 14, and I understand these things "
            "often take longer.\n\n"
            "If it would help, I would be glad to send references or examples of my work. I am "
            "still very keen to join Acme Corp.\n\n"
            "Best regards,\nDana"
        ),
    )
    assert call_script(playbook) == (
        "If you reach them by phone, say who you are and which role you interviewed for, "
        "then ask:\n"
        "1. Where are you in the hiring process?\n"
        "2. How do you see me stacking up against the other candidates?\n"
        "3. Can you think of any reason why you would be reluctant to hire me versus one of "
        "the other candidates?"
    )


# -- every combination -------------------------------------------------------------------------

COMBINATIONS = list(
    itertools.product(
        [True, False],  # names
        [True, False],  # answers
        [True, False],  # timeline
        [True, False],  # traditional organization
        [True, False],  # direct permission
        list(InterviewFormat),
    )
)


def facts_for(
    names: bool,
    answers: bool,
    timeline: bool,
    traditional: bool,
    direct: bool,
    interview_format: InterviewFormat,
) -> DraftFacts:
    return dataclasses.replace(
        ACME,
        interviewers=ACME.interviewers if names else (),
        said_well=SAID_WELL if answers else None,
        to_clarify=TO_CLARIFY if answers else None,
        employer_timeline=ACME.employer_timeline if timeline else None,
        traditional_org=traditional,
        direct_contact_ok=direct,
        format=interview_format,
    )


@pytest.mark.parametrize(
    ("names", "answers", "timeline", "traditional", "direct", "interview_format"), COMBINATIONS
)
def test_every_combination_drafts_what_it_should(
    names: bool,
    answers: bool,
    timeline: bool,
    traditional: bool,
    direct: bool,
    interview_format: InterviewFormat,
) -> None:
    playbook = default_playbook()
    facts = facts_for(names, answers, timeline, traditional, direct, interview_format)

    emails = thank_you_emails(facts, playbook)
    card = card_draft(facts, playbook)
    follow_ups = [follow_up_draft(facts, n, playbook) for n in range(1, 6)]

    # One thank-you per interviewer named, greeting them; else one to the team.
    if names:
        assert [e.recipient for e in emails] == ["Priya Shah", "Tom Lee"]
        assert [e.body.splitlines()[0] for e in emails] == ["Dear Priya Shah,", "Dear Tom Lee,"]
    else:
        assert [e.recipient for e in emails] == [TEAM]
        assert emails[0].body.startswith("Dear hiring team,\n")
    for email in emails:
        fits(email)
        assert email.subject == "Thank you for the Data Analyst interview at Acme Corp"
        assert "the Data Analyst role at Acme Corp" in email.body
        assert email.body.endswith("Best regards,\nDana")
        # The answers, word for word, or no sentence about them at all.
        assert (SAID_WELL + "." in email.body) is answers
        assert (TO_CLARIFY + "." in email.body) is answers
        assert ("enjoyed this part" in email.body) is answers
        assert ("answered better" in email.body) is answers

    # A card only face-to-face at a traditional organization, not the email over again.
    if traditional and interview_format is InterviewFormat.IN_PERSON:
        assert card is not None
        fits(card)
        assert card.subject is None
        assert card.recipient == ("Priya Shah and Tom Lee" if names else TEAM)
        message = paragraphs(card.body)[1].splitlines()
        assert 2 <= len(message) <= 3
        assert all(len(line) <= 80 for line in message)
        assert not set(paragraphs(card.body)[1:-1]) & set(paragraphs(emails[0].body))
    else:
        assert card is None

    # Follow-ups: to the hiring manager with direct permission, else to the recruiter.
    for draft in follow_ups:
        fits(draft)
        assert draft.recipient == ("Dana Wu" if direct else RECRUITER)
        assert draft.body.startswith("Dear Dana Wu,\n" if direct else "Dear hiring team,\n")
    # The first mentions the earlier thank-you note, and the timeline where one was given.
    assert "the thank-you note I sent on Tuesday, March 4" in follow_ups[0].body
    assert ("by Friday, March 14" in follow_ups[0].body) is timeline
    assert ("Friday, March 14" in follow_ups[1].body) is timeline
    # None repeats another: each says something new beyond greeting and sign-off.
    assert len({d.subject for d in follow_ups}) == 5
    middles = [set(paragraphs(d.body)[1:-1]) for d in follow_ups]
    for one, other in itertools.combinations(middles, 2):
        assert not one & other


def test_no_role_and_no_sender_still_read_as_sentences() -> None:
    facts = dataclasses.replace(ACME, role=None, sender=None)

    email = thank_you_emails(facts, default_playbook())[0]

    assert email.subject == "Thank you for the interview at Acme Corp"
    assert "about the position at Acme Corp." in email.body
    assert "None" not in email.body
    assert email.body.endswith("Best regards,")


def test_a_follow_up_without_a_thank_you_note_does_not_claim_one() -> None:
    facts = dataclasses.replace(ACME, thank_you_date=None)

    body = follow_up_draft(facts, 1, default_playbook()).body

    assert "thank-you note" not in body
    assert "I am following up on my interview for the Data Analyst role at Acme Corp.\n" in body


def test_direct_permission_without_a_hiring_manager_goes_to_the_recruiter() -> None:
    facts = dataclasses.replace(ACME, hiring_manager=None)

    assert follow_up_draft(facts, 1, default_playbook()).recipient == RECRUITER


def test_a_follow_up_past_the_playbook_s_last_gets_the_last_and_zero_is_refused() -> None:
    playbook = default_playbook()

    assert follow_up_draft(ACME, 7, playbook) == follow_up_draft(ACME, 5, playbook)
    with pytest.raises(ValueError, match="count from 1"):
        follow_up_draft(ACME, 0, playbook)


# -- hostile input comes out as the same literal text ------------------------------------------

HOSTILE = [
    pytest.param("{{ 7*7 }}", id="expression"),
    pytest.param("{% for x in company %}X{% endfor %}", id="statement"),
    pytest.param("{# hidden #}{{ company.__class__ }}", id="comment and attribute"),
    pytest.param("<!channel> <@U123> *bold* `code` ```block```", id="mrkdwn and mentions"),
    pytest.param("דנה כהן عمر \u202eevil\u202c", id="right-to-left and a bidi override"),
    pytest.param("Zoë 👩🏽‍💻 naïve", id="emoji and accents"),
    pytest.param("line one\nline two\r\nline three", id="line breaks"),
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_answers_and_names_come_out_literally(hostile: str) -> None:
    # A name with no separator in it, as the form keeps it (one line).
    name = " ".join(hostile.replace(",", " ").replace(";", " ").replace("&", " ").split())
    facts = dataclasses.replace(
        ACME,
        interviewers=(name,),
        said_well=hostile,
        to_clarify=hostile,
        sender=hostile,
        role=name,
        company=name,
    )
    playbook = default_playbook()

    email = thank_you_emails(facts, playbook)[0]
    card = card_draft(facts, playbook)
    assert card is not None
    drafts = [email, card, *(follow_up_draft(facts, n, playbook) for n in range(1, 6))]

    assert email.body.startswith(f"Dear {name},\n")
    assert f"conversation: {hostile}" in email.body
    assert f"answered better: {hostile}" in email.body
    assert email.body.endswith(hostile)
    assert name in email.subject
    for draft in drafts:
        fits(draft)
        assert name in draft.body
        assert "49" not in draft.body
        assert "<class" not in draft.body


def test_three_thousand_character_answers_are_cut_first_and_the_draft_still_fits() -> None:
    said_well = ("Priya liked my SQL project. " + "word " * 600)[:3000]
    to_clarify = "Sample sizes: " + "x" * 2986  # 3000, one long word
    facts = dataclasses.replace(ACME, said_well=said_well, to_clarify=to_clarify)

    email = thank_you_emails(facts, default_playbook())[0]

    fits(email)
    assert slack_length(email.body) > BODY_MAX - 50, "only as much is cut as must be"
    # Everything but the answers is whole: the greeting, the interest, the sign-off.
    assert email.body.startswith("Dear Priya Shah,\n\nThank you for taking the time")
    assert "I remain very interested in the Data Analyst role" in email.body
    assert email.body.endswith("Best regards,\nDana")
    # Each answer keeps its start and ends in an ellipsis.
    assert "conversation: Priya liked my SQL project. word word" in email.body
    assert "answered better: Sample sizes: xxxx" in email.body
    assert email.body.count(ELLIPSIS) == 2


def test_long_names_company_and_role_keep_the_subject_on_one_short_line() -> None:
    facts = dataclasses.replace(ACME, company="C" * 100, role="Senior " + "R" * 93)

    email = thank_you_emails(facts, default_playbook())[0]

    fits(email)
    assert email.subject is not None
    assert email.subject.startswith("Thank you for the Senior RRR")
    assert email.subject.endswith(ELLIPSIS)
    assert "C" * 100 in email.body, "the body has room for them"


def test_emoji_count_twice_against_the_limit() -> None:
    # Slack counts UTF-16 units: 3000 emoji would be 6000, so the answer must be cut.
    facts = dataclasses.replace(ACME, said_well="😀" * 3000, to_clarify=None)

    body = thank_you_emails(facts, default_playbook())[0].body

    assert len(body.encode("utf-16-le")) // 2 <= BODY_MAX
    assert "😀" * 100 in body


# -- the operator's templates ------------------------------------------------------------------


def playbook_with(thank_you_body: str) -> Playbook:
    """The built-in playbook with another [drafts.thank_you] table."""
    start = DEFAULT_TEXT.index("[drafts.thank_you]")
    end = DEFAULT_TEXT.index("[[drafts.follow_ups]]")
    table = (
        "[drafts.thank_you]\nsubject = 'Thanks, {{ to_name }}'\n"
        f"body = '''\n{thank_you_body}\n'''\n\n"
    )
    return parse_playbook(DEFAULT_TEXT[:start] + table + DEFAULT_TEXT[end:], "test")


def test_the_operator_s_template_writes_the_draft() -> None:
    playbook = playbook_with("Hi {{ to_name }}! {{ said_well }} / {{ sender }}")

    email = thank_you_emails(ACME, playbook)[0]

    assert email == Draft("Priya Shah", "Thanks, Priya Shah", f"Hi Priya Shah! {SAID_WELL} / Dana")


def test_a_template_failing_on_these_facts_falls_back_to_the_built_in_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Both sample companies have a sixth letter; IBM has not: the check could not catch it.
    playbook = playbook_with("Dear {{ to_name }}, {{ company[5] }}")
    facts = dataclasses.replace(ACME, company="IBM")

    with caplog.at_level(logging.WARNING, logger="bot.rules.drafts"):
        email = thank_you_emails(facts, playbook)[0]

    assert email.subject == "Thanks, Priya Shah"
    assert email.body.startswith("Dear Priya Shah,\n\nThank you for taking the time")
    assert "the Data Analyst role at IBM" in email.body
    assert "drafts.thank_you.body failed" in caplog.text
    # With a sixth letter it is the operator's.
    assert thank_you_emails(ACME, playbook)[0].body == "Dear Priya Shah, C"


def test_the_call_script_follows_the_playbook_s_questions() -> None:
    base = default_playbook()
    questions = base.questions.model_copy(update={"call_questions": ("Any news?", "When?")})

    script = call_script(base.model_copy(update={"questions": questions}))

    assert script.endswith("then ask:\n1. Any news?\n2. When?")


# -- purity --------------------------------------------------------------------------------------


def test_the_draft_rules_import_no_database_and_no_slack() -> None:
    code = (
        "import sys, bot.rules.drafts, bot.rules.mailto\n"
        "heavy = {'sqlalchemy', 'slack_sdk', 'slack_bolt', 'alembic', 'apscheduler'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy "
        "or m.startswith(('bot.store', 'bot.coach', 'bot.ui'))))\n"
    )

    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )

    assert done.stdout.strip() == "[]"
