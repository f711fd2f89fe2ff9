"""Rounds of an application, through the use cases and the real store: a new round ends the
earlier rounds' advice and starts its own; follow-ups to one employer stay a week apart
across its rounds; a forged or closed application is never joined."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.coach.application_list import applications_in_progress
from bot.coach.applications import open_applications_at, round_prefill
from bot.coach.corrections import delete_interview, edit_interview
from bot.rules.calendar import local_date
from bot.rules.daily_limits import EMPLOYER_GAP
from bot.rules.domain import ApplicationStatus, InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.rules.interview_form import InterviewForm
from bot.rules.playbook import default_playbook
from bot.rules.zones import known_zone
from bot.store.db import Database
from bot.store.models import Application, Interview
from tests.coach_helpers import DANA, TEAM, deliver_kind, log, nudges, pending

LA = known_zone("America/Los_Angeles")


def follow_up_due(db: Database, interview_id: int) -> list:
    return [due for kind, _, due in pending(db, interview_id) if kind is NudgeKind.FOLLOW_UP]


def test_a_new_round_ends_the_earlier_rounds_advice_and_starts_its_own(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V-1", role="Data analyst")
    assert pending(db, first.interview.id)
    clock.advance(timedelta(days=2))

    second = log(db, clock.now(), view_id="V-2", application_id=first.interview.application_id)

    assert (second.interview.application_id, second.interview.round_number) == (
        first.interview.application_id,
        2,
    )
    assert pending(db, first.interview.id) == []
    assert {n.status for n in nudges(db, first.interview.id)} <= {
        NudgeStatus.CANCELLED,
        NudgeStatus.SENT,
    }
    kinds = {kind for kind, _, _ in pending(db, second.interview.id)}
    assert {NudgeKind.REFLECTION, NudgeKind.THANK_YOU} <= kinds
    with db.transaction() as session:
        closed = session.get_one(Interview, first.interview.id)
        assert (closed.status, closed.outcome) == (InterviewStatus.CLOSED, Outcome.NEXT_ROUND)
        assert session.get_one(Application, closed.application_id).status is (
            ApplicationStatus.OPEN
        )


def test_follow_ups_to_one_employer_stay_a_week_apart_across_rounds(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V-1")
    [due] = follow_up_due(db, first.interview.id)
    deliver_kind(db, first.interview.id, NudgeKind.FOLLOW_UP, due, "1.000001")
    clock.set(due + timedelta(hours=1))
    # Round 2 today; they will decide tomorrow, so its first follow-up would come soon.
    tomorrow = local_date(clock.now(), LA) + timedelta(days=1)

    other = log(db, clock.now(), view_id="V-x", company="Globex", employer_timeline=tomorrow)
    second = log(
        db,
        clock.now(),
        view_id="V-2",
        application_id=first.interview.application_id,
        employer_timeline=tomorrow,
    )

    [unrelated] = follow_up_due(db, other.interview.id)
    [spaced] = follow_up_due(db, second.interview.id)
    assert unrelated - due < EMPLOYER_GAP  # another employer's is not held back
    assert spaced - due >= EMPLOYER_GAP


def test_only_the_persons_own_open_applications_are_offered_and_prefilled(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V-1", company="Acme Corp", interviewers="Priya")
    log(db, clock.now(), view_id="V-s", user_id="U0SAM0001", company="Acme Corp")
    application_id = first.interview.application_id
    assert application_id is not None

    [offered] = open_applications_at(db, TEAM, DANA, "ACME  corp")
    assert (offered.application_id, offered.next_round) == (application_id, 2)
    assert offered.label == "Add round 2 to Acme Corp"
    prefill = round_prefill(db, TEAM, DANA, application_id)
    assert prefill is not None and prefill.interviewers == "Priya"
    assert round_prefill(db, TEAM, "U0SAM0001", application_id) is None

    with db.transaction() as session:
        session.get_one(Application, application_id).status = ApplicationStatus.CLOSED
    assert open_applications_at(db, TEAM, DANA, "Acme Corp") == []
    assert round_prefill(db, TEAM, DANA, application_id) is None
    # Logging into the closed one starts a new application instead.
    again = log(db, clock.now(), view_id="V-3", application_id=application_id)
    assert again.interview.application_id != application_id
    assert again.interview.round_number == 1
    with db.transaction() as session:
        assert len(session.scalars(select(Application)).all()) == 3


def test_an_application_whose_latest_round_ended_otherwise_is_neither_listed_nor_offered(
    db: Database, clock: FixedClock
) -> None:
    first = log(db, clock.now(), view_id="V-1", company="Acme Corp")
    second = log(db, clock.now(), view_id="V-2", company="Globex")
    with db.transaction() as session:
        rejected = session.get_one(Interview, second.interview.id)
        rejected.status, rejected.outcome = InterviewStatus.CLOSED, Outcome.REJECTED
        moved_on = session.get_one(Interview, first.interview.id)
        moved_on.status, moved_on.outcome = InterviewStatus.CLOSED, Outcome.NEXT_ROUND

    listed = applications_in_progress(db, TEAM, DANA)

    assert [(a.company, [r.round_number for r in a.rounds]) for a in listed] == [("Acme Corp", [1])]
    assert open_applications_at(db, TEAM, DANA, "Globex") == []
    assert [c.next_round for c in open_applications_at(db, TEAM, DANA, "acme corp")] == [2]


def test_editing_a_rounds_company_corrects_the_application_and_its_other_rounds(
    db: Database, clock: FixedClock
) -> None:

    first = log(db, clock.now(), view_id="V-1", company="Acme", role="Analyst")
    clock.advance(timedelta(days=2))
    second = log(
        db,
        clock.now(),
        view_id="V-2",
        application_id=first.interview.application_id,
        company="Acme",
        role="Analyst",
    )

    edited = edit_interview(
        db,
        interview_id=second.interview.id,
        team_id=TEAM,
        user_id=DANA,
        form=InterviewForm(
            company="Acme Corp",
            role="Data analyst",
            happened_at=second.interview.happened_at,
            format="video",
        ),
        now=clock.now(),
        playbook=default_playbook(),
    )

    assert not isinstance(edited, (str, dict)), edited
    with db.transaction() as session:
        application = session.get_one(Application, first.interview.application_id)
        assert (application.company, application.role) == ("Acme Corp", "Data analyst")
        rounds = session.scalars(
            select(Interview).where(Interview.application_id == application.id)
        ).all()
        assert {(i.company, i.role) for i in rounds} == {("Acme Corp", "Data analyst")}
    [listed] = applications_in_progress(db, TEAM, DANA)
    assert "Acme Corp" in str(listed)


def test_deleting_the_last_round_deletes_its_application_but_not_before(
    db: Database, clock: FixedClock
) -> None:

    first = log(db, clock.now(), view_id="V-1")
    clock.advance(timedelta(days=2))
    second = log(db, clock.now(), view_id="V-2", application_id=first.interview.application_id)
    application_id = first.interview.application_id

    def delete(interview_id: int) -> None:
        deleted = delete_interview(
            db,
            interview_id=interview_id,
            team_id=TEAM,
            user_id=DANA,
            now=clock.now(),
            playbook=default_playbook(),
        )
        assert not isinstance(deleted, str), deleted

    delete(second.interview.id)
    with db.transaction() as session:
        assert session.get(Application, application_id) is not None
    delete(first.interview.id)
    with db.transaction() as session:
        assert session.get(Application, application_id) is None
        assert session.scalars(select(Interview)).all() == []
