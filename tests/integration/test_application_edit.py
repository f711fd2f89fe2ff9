"""An application's link and note corrected from the edit of one of its rounds, through the
use case and the real store (SQLite, or PostgreSQL with TEST_DATABASE_URL): stored on the
application (so every round shows the same), refused with the field's problem and nothing
changed, left as they were when the modal had no such fields."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FixedClock
from bot.coach.corrections import application_extras_of, edit_interview
from bot.rules.application_form import NOT_A_LINK, ApplicationExtras
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.rules.view_models import InterviewSummary
from bot.store.db import Database
from tests.coach_helpers import DANA, TEAM, log

POSTING = "https://jobs.acme.example/data-analyst"


def test_the_link_and_note_are_the_applications(db: Database, clock: FixedClock) -> None:
    first = log(db, clock.now(), view_id="V-1", role="Data analyst")
    clock.advance(timedelta(days=2))
    second = log(db, clock.now(), view_id="V-2", application_id=first.interview.application_id)
    form = InterviewForm(
        company="Acme",
        role="Data analyst",
        happened_at=second.interview.happened_at,
        format="in_person",
        traditional_org=True,
    )

    def edit(extras: tuple[object, object] | None) -> object:
        return edit_interview(
            db,
            interview_id=second.interview.id,
            team_id=TEAM,
            user_id=DANA,
            form=form,
            now=clock.now(),
            playbook=default_playbook(),
            extras=extras,
        )

    def extras_of(interview_id: int, user_id: str = DANA) -> ApplicationExtras | None:
        return application_extras_of(db, interview_id=interview_id, team_id=TEAM, user_id=user_id)

    assert extras_of(first.interview.id) == ApplicationExtras()
    assert isinstance(edit((POSTING, "Referred by Sam")), InterviewSummary)
    # Saved on the application: round 1's edit shows the same.
    assert extras_of(first.interview.id) == ApplicationExtras(POSTING, "Referred by Sam")
    assert extras_of(first.interview.id, user_id="U0SOMEONE") is None

    # A bad link: its problem, with the form's, and nothing changed.
    bad = {**form.__dict__, "company": ""}
    form = InterviewForm(**bad)
    errors = edit(("their careers page", "changed"))
    assert isinstance(errors, dict) and errors["link"] == NOT_A_LINK and "company" in errors
    assert extras_of(first.interview.id) == ApplicationExtras(POSTING, "Referred by Sam")

    # A modal opened before the fields existed leaves them; emptied, they are cleared.
    form = InterviewForm(**{**bad, "company": "Acme"})
    assert isinstance(edit(None), InterviewSummary)
    assert extras_of(second.interview.id) == ApplicationExtras(POSTING, "Referred by Sam")
    assert isinstance(edit(("", "")), InterviewSummary)
    assert extras_of(second.interview.id) == ApplicationExtras()
