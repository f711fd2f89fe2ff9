"""The coach's use cases on a real database: reconcile, deliveries, presses and answers."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.clock import FixedClock
from bot.coach.choices import record_choice
from bot.coach.deliveries import delivery_of, mark_failed
from bot.coach.people import (
    deactivate_person,
    deactivate_workspace,
    note_profile,
    workspace_returned,
)
from bot.coach.reconciler import replan
from bot.coach.reflections import answer_by_modal, reflection_prompt
from bot.rules.domain import (
    ContactKind,
    InterviewStatus,
    NudgeKind,
    NudgeStatus,
    Outcome,
    ReflectionQuestion,
)
from bot.rules.playbook import default_playbook
from bot.rules.press_keys import press_key
from bot.rules.view_models import AnswerStatus, Choice, ChoiceStatus, Done
from bot.store.db import Database
from bot.store.models import ContactLog, WorkspaceRemoval
from tests.coach_helpers import (
    DANA,
    DANA_DM,
    TEAM,
    WORKER,
    deliver,
    deliver_kind,
    dm,
    log,
    nudges,
    pending,
)

PLAYBOOK = default_playbook()


def press(db, clock, nudge_id, choice, option=None, user_id=DANA):
    return record_choice(
        db,
        nudge_id=nudge_id,
        team_id=TEAM,
        user_id=user_id,
        choice=choice,
        option=option,
        now=clock.now(),
        playbook=PLAYBOOK,
    )


def test_logging_plans_the_first_nudges_and_reconciling_again_changes_nothing(
    db: Database, clock: FixedClock
) -> None:
    logged = log(db, clock.now())
    kinds = [kind for kind, _, _ in pending(db, logged.interview.id)]
    assert kinds == [
        NudgeKind.DISTANCE,
        NudgeKind.REFLECTION,
        NudgeKind.THANK_YOU,
        NudgeKind.CARD,
        NudgeKind.FOLLOW_UP,
    ]
    before = pending(db, logged.interview.id)
    report = replan(db, logged.interview.id, clock.now(), PLAYBOOK)
    assert not report.changed
    assert pending(db, logged.interview.id) == before


def test_email_sent_moves_the_first_follow_up_to_a_week_after_it(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(hours=2))
    thank_you = deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "1.1")
    clock.advance(timedelta(days=1))
    result = press(db, clock, thank_you, Choice.EMAIL_SENT)
    assert result.status is ChoiceStatus.RECORDED
    follow_up = next(p for p in pending(db, interview_id) if p[0] is NudgeKind.FOLLOW_UP)
    assert follow_up[2] >= clock.now() + timedelta(days=7)


def test_a_second_press_records_nothing_more(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now()).interview.id
    thank_you = deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "1.1")
    first = press(db, clock, thank_you, Choice.EMAIL_SENT)
    pressed_at = clock.now()
    clock.advance(timedelta(seconds=1))
    again = press(db, clock, thank_you, Choice.EMAIL_SENT)
    assert first.status is ChoiceStatus.RECORDED
    assert again.status is ChoiceStatus.ALREADY_RECORDED
    assert first.view is not None and again.view is not None
    assert first.view.done == again.view.done == (Done(Choice.EMAIL_SENT, pressed_at),)


def test_only_the_owner_may_press(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now()).interview.id
    thank_you = deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "1.1")
    before = pending(db, interview_id)
    result = press(db, clock, thank_you, Choice.SKIP_THANK_YOU, user_id="U0SAM0001")
    assert result.status is ChoiceStatus.NOT_OWNER
    assert result.view is None
    assert pending(db, interview_id) == before


def test_buttons_the_message_does_not_offer_are_refused(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now(), traditional_org=False).interview.id
    thank_you = deliver_kind(db, interview_id, NudgeKind.THANK_YOU, clock.now(), "1.1")
    assert press(db, clock, thank_you, Choice.CARD_MAILED).status is ChoiceStatus.INVALID
    assert press(db, clock, thank_you, Choice.KEEP_GOING).status is ChoiceStatus.INVALID
    assert press(db, clock, 999_999, Choice.EMAIL_SENT).status is ChoiceStatus.UNKNOWN


def test_heard_back_closes_the_interview_and_cancels_what_was_pending(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(days=8))
    follow_up = deliver_kind(db, interview_id, NudgeKind.FOLLOW_UP, clock.now(), "2.2")
    result = press(db, clock, follow_up, Choice.HEARD_BACK, "offer")
    assert result.status is ChoiceStatus.RECORDED
    assert result.view is not None
    assert result.view.interview.status is InterviewStatus.CLOSED
    assert result.view.interview.outcome is Outcome.OFFER
    assert result.view.done == (Done(Choice.HEARD_BACK, clock.now(), outcome=Outcome.OFFER),)
    assert pending(db, interview_id) == []
    again = press(db, clock, follow_up, Choice.HEARD_BACK, "offer")
    assert again.status is ChoiceStatus.ALREADY_RECORDED
    other = press(db, clock, follow_up, Choice.FOLLOW_UP_SENT)
    assert other.status is ChoiceStatus.CLOSED
    assert press(db, clock, follow_up, Choice.HEARD_BACK, "maybe").status is ChoiceStatus.INVALID


def test_snooze_brings_the_follow_up_back_as_a_reminder(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now(), direct_contact_ok=True, hiring_manager="Pat").interview.id
    clock.advance(timedelta(days=8))
    follow_up = deliver_kind(db, interview_id, NudgeKind.FOLLOW_UP, clock.now(), "3.3")
    result = press(db, clock, follow_up, Choice.SNOOZE, "3")
    assert result.status is ChoiceStatus.RECORDED
    assert result.view is not None
    reminders = [p for p in pending(db, interview_id) if p[0] is NudgeKind.REMINDER]
    assert len(reminders) == 1
    assert reminders[0][2] >= clock.now() + timedelta(days=3)
    # The snooze promises the reminder's own planned time: three days on, or later when the
    # daily limits hold it back (this interview's late card takes Monday).
    assert result.view.done == (Done(Choice.SNOOZE, clock.now(), until=reminders[0][2]),)
    assert not [p for p in pending(db, interview_id) if p[0] is NudgeKind.FOLLOW_UP]
    assert press(db, clock, follow_up, Choice.SNOOZE, "2").status is ChoiceStatus.INVALID


def test_a_message_shows_its_own_snooze_and_its_follow_ups_sent_in_the_order_offered(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(days=8))
    follow_up = deliver_kind(db, interview_id, NudgeKind.FOLLOW_UP, clock.now(), "3.3")
    snoozed_at = clock.now()
    press(db, clock, follow_up, Choice.SNOOZE, "1")
    # The snooze promises the reminder's own time (a snooze ending on a day off waits for
    # the next working morning), not simply a day later.
    [brought_back_at] = [p[2] for p in pending(db, interview_id) if p[0] is NudgeKind.REMINDER]
    assert brought_back_at >= snoozed_at + timedelta(days=1)
    clock.advance(timedelta(days=1))
    reminder = deliver_kind(db, interview_id, NudgeKind.REMINDER, clock.now(), "3.4")
    # The snooze belongs to the message it was pressed on, not to the reminder.
    brought_back = delivery_of(db, reminder, PLAYBOOK)
    assert brought_back is not None and brought_back.view.done == ()
    clock.advance(timedelta(hours=2))

    sent = press(db, clock, reminder, Choice.FOLLOW_UP_SENT)

    assert sent.view is not None
    assert sent.view.done == (Done(Choice.FOLLOW_UP_SENT, clock.now()),)
    # Sending follow-up 1 shows on every message about follow-up 1, the original too.
    original = delivery_of(db, follow_up, PLAYBOOK)
    assert original is not None
    assert original.view.done == (
        Done(Choice.FOLLOW_UP_SENT, clock.now()),
        Done(Choice.SNOOZE, snoozed_at, until=brought_back_at),
    )


def test_press_keys_keep_the_shape_stored_rows_have(db: Database, clock: FixedClock) -> None:
    def key(choice: Choice) -> str | None:
        return press_key(choice, interview_id=7, nudge_id=42, follow_up_number=3)

    assert [key(choice) for choice in Choice] == [
        "email_sent:7",
        "card_mailed:7",
        "skip_thank_you:7",
        "follow_up_sent:7:3",
        "snooze:42",
        "heard_back:7",
        "keep_going:7",
        None,
        "check_back:7",
        None,
    ]
    # A press logged by an earlier version is the same press, and shows on the message.
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(days=8))
    follow_up = deliver_kind(db, interview_id, NudgeKind.FOLLOW_UP, clock.now(), "3.3")
    earlier = clock.now() - timedelta(hours=1)
    with db.transaction() as session:
        session.add(
            ContactLog(
                interview_id=interview_id,
                kind=ContactKind.FOLLOW_UP,
                channel="slack",
                occurred_at=earlier,
                source_key=f"follow_up_sent:{interview_id}:1",
            )
        )
    again = press(db, clock, follow_up, Choice.FOLLOW_UP_SENT)
    assert again.status is ChoiceStatus.ALREADY_RECORDED
    assert again.view is not None
    assert again.view.done == (Done(Choice.FOLLOW_UP_SENT, earlier),)


def test_follow_up_sent_plans_the_next_a_week_later(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now(), direct_contact_ok=True, hiring_manager="Pat").interview.id
    clock.advance(timedelta(days=8))
    follow_up = deliver_kind(db, interview_id, NudgeKind.FOLLOW_UP, clock.now(), "3.3")
    clock.advance(timedelta(days=2))
    press(db, clock, follow_up, Choice.FOLLOW_UP_SENT)
    (second,) = [p for p in pending(db, interview_id) if p[0] is NudgeKind.FOLLOW_UP]
    assert second[1] == 2
    assert second[2] >= clock.now() + timedelta(days=7)


def test_a_fenced_mark_refuses_a_worker_that_lost_its_claim(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    distance = nudges(db, interview_id)[0]
    assert not mark_failed(
        db, distance.id, WORKER, error="too late", now=clock.now(), playbook=PLAYBOOK
    )
    deliver(db, distance.id, clock.now(), "9.9")
    assert not mark_failed(
        db, distance.id, WORKER, error="too late", now=clock.now(), playbook=PLAYBOOK
    )
    assert nudges(db, interview_id)[0].status is NudgeStatus.SENT


def test_stopping_a_person_cancels_their_nudges(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now()).interview.id
    assert deactivate_person(db, TEAM, DANA, clock.now()).nudges == 5
    assert pending(db, interview_id) == []
    delivery = delivery_of(db, nudges(db, interview_id)[0].id, PLAYBOOK)
    assert delivery is not None
    assert delivery.recipient.undeliverable == "person gone"
    # Reconciling again does not bring them back while the person is gone.
    assert not replan(db, interview_id, clock.now(), PLAYBOOK).changed


def test_losing_the_workspace_cancels_everyones_nudges(db: Database, clock: FixedClock) -> None:
    dana = log(db, clock.now()).interview.id
    sam = log(db, clock.now(), user_id="U0SAM0001", tz="Europe/Berlin", view_id="V2").interview.id
    assert deactivate_workspace(db, TEAM, clock.now()).nudges == 10
    assert pending(db, dana) == pending(db, sam) == []


def test_a_removed_workspace_is_remembered_from_its_first_removal_until_it_returns(
    db: Database, clock: FixedClock
) -> None:
    removed_at = clock.now()
    deactivate_workspace(db, TEAM, removed_at)
    clock.advance(timedelta(days=2))
    deactivate_workspace(db, TEAM, clock.now())  # tokens_revoked after app_uninstalled
    with db.transaction() as session:
        assert session.get(WorkspaceRemoval, TEAM).removed_at == removed_at
    assert workspace_returned(db, TEAM) is True
    assert workspace_returned(db, TEAM) is False
    with db.transaction() as session:
        assert session.get(WorkspaceRemoval, TEAM) is None


def test_replies_answer_the_open_prompt_in_order_and_can_revise(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    clock.advance(timedelta(hours=1))
    deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "5.5")

    def reply(text, thread_ts="5.5"):
        return dm(db, clock, text, thread_ts)

    first = reply("Explained the migration project; they nodded along")
    assert (first.status, first.question) == (AnswerStatus.SAVED, ReflectionQuestion.SAID_WELL)
    assert first.next_question is ReflectionQuestion.TO_CLARIFY
    assert first.prompt_ts == "5.5"
    second = reply("My answer on salary was vague", thread_ts=None)
    assert (second.status, second.question) == (AnswerStatus.SAVED, ReflectionQuestion.TO_CLARIFY)
    assert second.next_question is None
    assert reply("something else").status is AnswerStatus.NO_OPEN_PROMPT
    revised = reply("2: My salary answer, and the on-call question")
    assert (revised.status, revised.question) == (
        AnswerStatus.REVISED,
        ReflectionQuestion.TO_CLARIFY,
    )
    assert reply("2: My salary answer, and the on-call question").status is AnswerStatus.UNCHANGED
    assert reply("x" * 3001, thread_ts=None).status is AnswerStatus.NO_OPEN_PROMPT
    assert reply("1: " + "x" * 3001).status is AnswerStatus.TOO_LONG
    assert reply("hello", thread_ts="0000.1").status is AnswerStatus.NO_OPEN_PROMPT


def test_the_modal_stores_both_answers_for_the_owner_only(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now()).interview.id
    prompt = deliver_kind(db, interview_id, NudgeKind.REFLECTION, clock.now(), "5.5")
    answers = {ReflectionQuestion.SAID_WELL: "A", ReflectionQuestion.TO_CLARIFY: "B"}

    def submit(user_id=DANA, given=answers):
        return answer_by_modal(
            db,
            nudge_id=prompt,
            team_id=TEAM,
            user_id=user_id,
            answers=given,
            now=clock.now(),
            playbook=PLAYBOOK,
        )

    assert submit(user_id="U0SAM0001").status is AnswerStatus.NOT_OWNER
    assert submit().status is AnswerStatus.SAVED
    assert submit().status is AnswerStatus.UNCHANGED
    assert submit(given={ReflectionQuestion.TO_CLARIFY: "C"}).status is AnswerStatus.REVISED
    view = reflection_prompt(db, nudge_id=prompt, team_id=TEAM, user_id=DANA, playbook=PLAYBOOK)
    assert not isinstance(view, AnswerStatus)
    assert view.answers == {ReflectionQuestion.SAID_WELL: "A", ReflectionQuestion.TO_CLARIFY: "C"}
    assert (
        reflection_prompt(db, nudge_id=prompt, team_id=TEAM, user_id="U0SAM0001", playbook=PLAYBOOK)
        is AnswerStatus.NOT_OWNER
    )


def test_a_person_who_returns_gets_their_nudges_back(db: Database, clock: FixedClock) -> None:
    interview_id = log(db, clock.now()).interview.id
    before = pending(db, interview_id)
    deactivate_person(db, TEAM, DANA, clock.now())
    assert pending(db, interview_id) == []
    note_profile(db, TEAM, DANA, clock.now(), dm_channel_id=DANA_DM, playbook=PLAYBOOK)
    assert pending(db, interview_id) == before


def test_a_new_time_zone_moves_pending_nudges_to_its_local_hours(
    db: Database, clock: FixedClock
) -> None:
    interview_id = log(db, clock.now()).interview.id
    card = next(p for p in pending(db, interview_id) if p[0] is NudgeKind.CARD)
    note_profile(db, TEAM, DANA, clock.now(), tz="Europe/Berlin", playbook=PLAYBOOK)
    moved = next(p for p in pending(db, interview_id) if p[0] is NudgeKind.CARD)
    assert card[2].astimezone(ZoneInfo("America/Los_Angeles")).hour == 10
    assert moved[2].astimezone(ZoneInfo("Europe/Berlin")).hour == 10
