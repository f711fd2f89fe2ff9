"""Correcting an interview over signed HTTP, to the real endpoint, the real dispatcher and the
stand-in: `/interview edit` and the Home tab's menu open a modal prefilled with what was
saved; a submission is checked as logging checks it, stored, re-planned at once, and shown
on the Home tab and in `/interview list`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach_devkit.slack_standin.signed_sender import SlackPerson, SlackReply, fill_view_state
from sqlalchemy import select

from bot.coach.corrections import CLOSED
from bot.rules.calendar import at_local
from bot.rules.domain import InterviewFormat, NudgeKind, NudgeStatus
from bot.rules.interview_form import TIMELINE_PAST
from bot.rules.playbook import default_playbook
from bot.store.models import ContactLog, Draft, Interview, Nudge, Reflection
from bot.ui import edit_modal, home_menu, interview_menu, timeline_modal
from bot.ui.log_modal import BLOCK_IDS
from bot.ui.messages import UNKNOWN_NUDGE
from tests.e2e.test_buttons import (
    LA,
    deliver,
    dispatch,
    ephemerals,
    labels,
    log_interview,
    nudges,
    press,
    shown_text,
)
from tests.e2e.test_drafts import SAID_WELL, answered_thank_you, open_drafts, save
from tests.e2e.test_log_submission import DM, answers
from tests.e2e.test_log_submission import interviews as all_interviews
from tests.harness import DANA, SAM, RunningBot

TEXTS = default_playbook().texts


def opened_view(running: RunningBot, before: int) -> dict[str, Any]:
    """The modal the bot opened with its views.open number `before + 1`."""
    call = running.standin.wait_for("views.open", before + 1)[-1]
    running.idle()
    view = running.standin.view(call.response["view"]["id"])
    assert view is not None
    return view


def edit_command(running: RunningBot, text: str = "edit", person: SlackPerson = DANA) -> SlackReply:
    reply = running.slack.slash_command(text, person)
    running.idle()
    assert reply.status == 200, reply
    return reply


def block(view: dict[str, Any], field: str) -> dict[str, Any]:
    [found] = [b for b in view["blocks"] if b.get("block_id") == BLOCK_IDS[field]]
    return found["element"]


def submit_edit(
    running: RunningBot, view: dict[str, Any], person: SlackPerson = DANA, **changes: Any
) -> SlackReply:
    """Submit the edit modal with the logging answers, changed as given (Slack sends every
    input's current value, prefilled or typed)."""
    values = fill_view_state(view, answers(running, **changes))
    reply = running.slack.view_submission(view, values, person)
    running.idle()
    return reply


def stored(running: RunningBot) -> Interview:
    with running.db.transaction() as session:
        [interview] = session.scalars(select(Interview)).all()
        session.expunge(interview)
    return interview


def pending(running: RunningBot) -> dict[NudgeKind, Nudge]:
    return {n.kind: n for n in nudges(running) if n.status is NudgeStatus.PENDING}


def home_text(running: RunningBot, user: SlackPerson = DANA) -> str:
    home = running.standin.home_view(user.user_id)
    assert home is not None
    return "\n".join(
        b["text"]["text"] for b in home["blocks"] if b["type"] in ("section", "header")
    )


def press_menu(
    running: RunningBot, item: str, interview_id: int, person: SlackPerson = DANA
) -> None:
    """Choose `item` in the Home tab's menu beside the interview, as Slack sends it."""
    home = running.standin.home_view(person.user_id) or {"id": "V0HOME", "blocks": []}
    value = f"{item}:{interview_id}"
    action = {
        "type": "overflow",
        "action_id": interview_menu.MENU,
        "block_id": "home-menu",
        "selected_option": {"text": {"type": "plain_text", "text": item}, "value": value},
    }
    reply = running.slack.block_action(action, person=person, view=home)
    running.idle()
    assert reply.status == 200, reply


def test_video_to_face_to_face_at_a_traditional_organization_adds_the_card_advice(
    running: RunningBot,
) -> None:
    log_interview(running, format="video", role="Data analyst")
    assert NudgeKind.CARD not in pending(running)

    before = len(running.standin.calls_to("views.open"))
    reply = edit_command(running)
    assert reply.body == ""  # one interview in progress: its modal, at once
    view = opened_view(running, before)
    assert view["callback_id"] == edit_modal.CALLBACK_ID
    # Prefilled with what was saved.
    assert block(view, "company")["initial_value"] == "Acme Corp"
    assert block(view, "role")["initial_value"] == "Data analyst"
    assert block(view, "format")["initial_option"]["value"] == "video"
    assert [o["value"] for o in block(view, "flags")["initial_options"]] == ["traditional"]
    assert block(view, "employer_timeline")["initial_date"] == "2026-12-04"
    assert block(view, "happened_at")["initial_date_time"] == int(
        (running.clock.now() - timedelta(hours=1)).timestamp()
    )

    reply = submit_edit(running, view, format="in_person", role="Senior data analyst")
    assert (reply.status, reply.body) == (200, "")

    interview = stored(running)
    assert interview.format is InterviewFormat.IN_PERSON
    assert interview.role == "Senior data analyst"
    assert NudgeKind.CARD in pending(running)  # re-planned at once
    confirmation = running.standin.messages(DM)[-1]
    assert "Saved your changes to Acme Corp (Senior data analyst)" in confirmation["text"]
    assert "Face-to-face, traditional organization" in home_text(running)
    listed = running.slack.slash_command("list", DANA).json()["text"]
    assert "Acme Corp (Senior data analyst): face-to-face" in listed

    # The thank-you note now advises a card too, with its button; the card reminder follows.
    _, message = deliver(running, NudgeKind.THANK_YOU)
    assert TEXTS.thank_you_card in shown_text(message)
    assert "Card mailed" in labels(message)
    _, card = deliver(running, NudgeKind.CARD)
    assert TEXTS.card_reminder in shown_text(card)


def test_an_edit_is_checked_as_logging_is_but_an_old_interview_is_never_too_old(
    running: RunningBot,
) -> None:
    log_interview(running, happened_at=int((running.clock.now() - timedelta(days=80)).timestamp()))
    running.clock.advance(timedelta(days=30))  # now 110 days after it

    before = len(running.standin.calls_to("views.open"))
    edit_command(running)
    view = opened_view(running, before)
    old = block(view, "happened_at")["initial_date_time"]

    # The same errors as logging, under the same inputs; nothing is stored.
    reply = submit_edit(running, view, company="   ", happened_at=old, direct_contact_ok=None)
    errors = reply.json()["errors"]
    assert errors[BLOCK_IDS["company"]] == "Which company was the interview with?"
    assert stored(running).company == "Acme Corp"
    reply = submit_edit(running, view, happened_at=old, employer_timeline="2020-01-01")
    assert reply.json()["errors"] == {
        BLOCK_IDS["employer_timeline"]: "The date they gave can't be before the interview."
    }

    # Kept at its old date, a correction of another fact goes through.
    reply = submit_edit(running, view, happened_at=old, interviewers="Priya Shah")
    assert (reply.status, reply.body) == (200, "")
    assert stored(running).interviewers == "Priya Shah"
    # Moved further back than when it was logged allows: refused as logging would.
    too_old = old - int(timedelta(days=15).total_seconds())
    reply = submit_edit(running, view, happened_at=too_old)
    assert BLOCK_IDS["happened_at"] in reply.json()["errors"]


def test_several_interviews_are_listed_to_pick_from_and_someone_else_cannot_edit(
    running: RunningBot,
) -> None:
    acme = log_interview(running)
    globex = log_interview(running, company="Globex")

    reply = edit_command(running)
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    buttons = [
        b["accessory"] for b in answer["blocks"] if b.get("accessory", {}).get("type") == "button"
    ]
    assert sorted(b["value"] for b in buttons) == [str(acme), str(globex)]
    # `/interview edit acme` narrows it to one: its modal at once.
    before = len(running.standin.calls_to("views.open"))
    assert edit_command(running, "edit acme").body == ""
    assert opened_view(running, before)["private_metadata"] == str(acme)

    # Edit beside Globex, pressed in the list.
    before = len(running.standin.calls_to("views.open"))
    action = {
        "type": "button",
        "action_id": interview_menu.EDIT_BUTTON,
        "block_id": "pick",
        "value": str(globex),
    }
    running.slack.block_action(action, person=DANA, container={"type": "message"})
    running.idle()
    view = opened_view(running, before)
    assert block(view, "company")["initial_value"] == "Globex"

    # Sam submits Dana's modal (a forged or shared payload): refused, nothing changes.
    reply = submit_edit(running, view, person=SAM, company="Sam's Corp")
    assert "isn't yours" in reply.json()["errors"][BLOCK_IDS["company"]]
    # Sam's own `/interview edit` finds nothing of Dana's.
    assert "no interviews in progress" in edit_command(running, person=SAM).json()["text"]
    with running.db.transaction() as session:
        assert sorted(session.scalars(select(Interview.company))) == ["Acme Corp", "Globex"]


def test_the_home_tab_menu_edits_and_a_timeline_moves_the_first_follow_up(
    running: RunningBot,
) -> None:
    interview_id = log_interview(running, employer_timeline=None)
    first = pending_follow_up(running)

    # Opening Home publishes the menu beside each application (bot.ui.home_menu).
    running.slack.event({"type": "app_home_opened", "user": DANA.user_id, "tab": "home"})
    running.idle()
    home = running.standin.home_view(DANA.user_id)
    assert home is not None
    menus = [
        b["accessory"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == home_menu.APPLICATION_MENU
    ]
    assert [o["text"]["text"] for o in menus[0]["options"]] == list(home_menu.MENU_LABELS.values())

    before = len(running.standin.calls_to("views.open"))
    press_menu(running, interview_menu.EDIT, interview_id)
    view = opened_view(running, before)
    assert block(view, "employer_timeline").get("initial_date") is None

    reply = submit_edit(running, view, employer_timeline="2026-12-18")
    assert reply.body == ""
    assert stored(running).employer_timeline == date(2026, 12, 18)
    moved = pending_follow_up(running)
    assert moved > first
    assert moved.date() == date(2026, 12, 21)  # the working morning after Friday the 18th

    # Someone else's menu press opens nothing and says so on their Home tab.
    before = len(running.standin.calls_to("views.open"))
    press_menu(running, interview_menu.EDIT, interview_id, person=SAM)
    assert len(running.standin.calls_to("views.open")) == before
    assert "isn't yours" in str(running.standin.home_view(SAM.user_id))


def pending_follow_up(running: RunningBot) -> Any:
    return pending(running)[NudgeKind.FOLLOW_UP].due_at


# -- a new timeline ------------------------------------------------------------------------------


def test_a_new_timeline_on_a_follow_up_re_paces_the_follow_ups(running: RunningBot) -> None:
    log_interview(running)  # no permission to follow up directly; they said by Fri 4 Dec
    channel, follow_up = deliver(running, NudgeKind.FOLLOW_UP)
    assert "They gave a new timeline…" in labels(follow_up)
    check_in = pending(running)[NudgeKind.CHECK_IN].due_at  # a week on: "heard back yet?"

    # Someone else's press opens nothing, and tells them why.
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, follow_up, "They gave a new timeline…", person=SAM)
    assert len(running.standin.calls_to("views.open")) == opened
    assert "isn't yours" in ephemerals(running)[-1]["text"]

    press(running, channel, follow_up, "They gave a new timeline…")
    view = opened_view(running, opened)
    [picker] = [b for b in view["blocks"] if b.get("block_id") == timeline_modal.BLOCK_ID]
    assert picker["label"]["text"] == "They said they'd decide by…"
    assert picker["element"]["initial_date"] == "2026-12-04"

    # A day already past is refused under the picker; nothing moves.
    reply = running.slack.view_submission(
        view, fill_view_state(view, {timeline_modal.BLOCK_ID: "2026-12-01"}), DANA
    )
    assert reply.json()["errors"] == {timeline_modal.BLOCK_ID: TIMELINE_PAST}
    assert pending(running)[NudgeKind.CHECK_IN].due_at == check_in

    dms = len(running.standin.messages(DM))
    values = fill_view_state(view, {timeline_modal.BLOCK_ID: "2026-12-18"})
    reply = running.slack.view_submission(view, values, DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")
    assert stored(running).employer_timeline == date(2026, 12, 18)
    # Re-paced at once: one more follow-up the Monday after Friday the 18th, no check-in.
    after = pending(running)
    assert NudgeKind.CHECK_IN not in after
    second = after[NudgeKind.FOLLOW_UP]
    assert (second.sequence, second.due_at) == (2, at_local(date(2026, 12, 21), 10, LA))
    [told] = running.standin.messages(DM)[dms:]
    assert (
        "New timeline for Acme Corp (Data Analyst): they'll decide by Fri 18 Dec 2026"
        in (told["text"])
    )
    assert "Next from me: a follow-up" in told["text"]

    # The same day submitted twice (a double click): nothing changes, nothing more is said.
    reply = running.slack.view_submission(view, values, DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")
    assert len(running.standin.messages(DM)) == dms + 1
    assert pending(running)[NudgeKind.FOLLOW_UP].due_at == second.due_at

    # Nothing at the old check-in time; the follow-up comes the morning after the new date.
    dispatch(running, at=check_in)
    assert len(running.standin.messages(DM)) == dms + 1
    _, again = deliver(running, NudgeKind.FOLLOW_UP)
    assert again["ts"] != follow_up["ts"]
    assert TEXTS.follow_up_again in shown_text(again)


def test_a_new_timeline_given_on_heard_back_yet_brings_heard_back_yet_again(
    running: RunningBot,
) -> None:
    """README: "Heard back yet?" comes a week after the follow-up a new timeline brought. The
    one asked after follow-up 1 had gone out, and stood for it: none came after follow-up 2."""
    log_interview(running, employer_timeline=None)
    channel, follow_up = deliver(running, NudgeKind.FOLLOW_UP)
    press(running, channel, follow_up, "Follow-up sent")
    channel, check_in = deliver(running, NudgeKind.CHECK_IN)
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, check_in, "They gave a new timeline…")
    view = opened_view(running, opened)
    day = running.clock.now().astimezone(LA).date() + timedelta(days=3)
    values = fill_view_state(view, {timeline_modal.BLOCK_ID: day.isoformat()})
    assert running.slack.view_submission(view, values, DANA).status == 200
    running.idle()

    deliver(running, NudgeKind.FOLLOW_UP)

    after = pending(running)
    assert NudgeKind.CHECK_IN in after, sorted(after)
    again = after[NudgeKind.CHECK_IN]
    sent = [n for n in nudges(running) if n.kind is NudgeKind.FOLLOW_UP and n.sequence == 2]
    assert [n.status for n in sent] == [NudgeStatus.SENT]
    assert (
        again.due_at.astimezone(LA).date()
        >= (sent[0].due_at + timedelta(days=7)).astimezone(LA).date()
    )
    # And it comes: the second "Heard back yet?", on its own message.
    _, asked_again = deliver(running, NudgeKind.CHECK_IN)
    assert asked_again["ts"] != check_in["ts"]


def test_a_new_timeline_from_the_home_tab_and_for_a_closed_interview(running: RunningBot) -> None:
    interview_id = log_interview(running)
    channel, follow_up = deliver(running, NudgeKind.FOLLOW_UP)

    opened = len(running.standin.calls_to("views.open"))
    press_menu(running, interview_menu.NEW_TIMELINE, interview_id)
    view = opened_view(running, opened)
    assert view["callback_id"] == timeline_modal.CALLBACK_ID
    values = fill_view_state(view, {timeline_modal.BLOCK_ID: "2026-12-24"})
    assert running.slack.view_submission(view, values, DANA).body == ""
    running.idle()
    assert stored(running).employer_timeline == date(2026, 12, 24)

    # Heard back: the interview closes, and its follow-up's button says so.
    press(running, channel, follow_up, "Heard back", option="offer")
    opened = len(running.standin.calls_to("views.open"))
    press(running, channel, follow_up, "They gave a new timeline…")
    assert len(running.standin.calls_to("views.open")) == opened
    assert ephemerals(running)[-1]["text"] == CLOSED
    # The modal still open from before: refused under the picker.
    values = fill_view_state(view, {timeline_modal.BLOCK_ID: "2026-12-28"})
    reply = running.slack.view_submission(view, values, DANA)
    assert reply.json()["errors"] == {timeline_modal.BLOCK_ID: CLOSED}
    assert stored(running).employer_timeline == date(2026, 12, 24)


# -- delete --------------------------------------------------------------------------------------


def rows_of(running: RunningBot, interview_id: int) -> dict[str, int]:
    """How many rows of each kind the database holds about one interview."""
    with running.db.transaction() as session:
        counts = {
            model.__tablename__: len(
                session.scalars(select(model).where(model.interview_id == interview_id)).all()
            )
            for model in (Reflection, Draft, ContactLog, Nudge)
        }
        counts["interview"] = 0 if session.get(Interview, interview_id) is None else 1
    return counts


def test_a_delete_confirmed_by_name_removes_the_rows_and_every_nudge(running: RunningBot) -> None:
    channel, thank_you = answered_thank_you(running, SAID_WELL)
    acme = max(i.id for i in all_interviews(running))
    view = open_drafts(running, channel, thank_you)
    first_input = next(b["block_id"] for b in view["blocks"] if b["type"] == "input")
    save(running, view, **{first_input: "Dear Priya, thank you for today."})
    press(running, channel, thank_you, "Email sent")
    globex = log_interview(running, company="Globex", role=None)
    assert all(rows_of(running, acme).values())  # notes, a draft, a contact, nudges

    opened = len(running.standin.calls_to("views.open"))
    press_menu(running, interview_menu.DELETE, acme)
    dialog = opened_view(running, opened)
    assert dialog["callback_id"] == interview_menu.DELETE_CALLBACK_ID
    assert dialog["blocks"][0]["text"]["text"] == "Delete Acme Corp — Data Analyst (Thu 26 Nov)?"

    # Sam submitting Dana's dialog deletes nothing.
    reply = running.slack.view_submission(dialog, {}, SAM)
    running.idle()
    assert reply.status == 200
    assert rows_of(running, acme)["interview"] == 1
    assert "isn't yours" in str(running.standin.home_view(SAM.user_id))

    dms = len(running.standin.messages(DM))
    reply = running.slack.view_submission(dialog, {}, DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")
    assert rows_of(running, acme) == {
        "reflection": 0,
        "draft": 0,
        "contact_log": 0,
        "nudge": 0,
        "interview": 0,
    }
    assert rows_of(running, globex)["nudge"] > 0  # the other interview is untouched
    [told] = running.standin.messages(DM)[dms:]
    assert told["text"].startswith("Deleted Acme Corp (Data Analyst)")
    home = home_text(running)
    assert "Acme" not in home and "Globex" in home
    assert "Acme" not in running.slack.slash_command("list", DANA).json()["text"]

    # Submitted again (a double click): nothing more happens, and Home says why.
    reply = running.slack.view_submission(dialog, {}, DANA)
    running.idle()
    assert (reply.status, reply.body) == (200, "")
    assert len(running.standin.messages(DM)) == dms + 1
    assert "can't find that interview" in str(running.standin.home_view(DANA.user_id))

    # A button on an old message of it changes nothing and says so.
    press(running, channel, thank_you, "Card mailed")
    assert ephemerals(running)[-1]["text"] == UNKNOWN_NUDGE

    # Seven weeks on: every Globex nudge came, nothing more about Acme.
    for _ in range(49):
        dispatch(running, at=running.clock.now() + timedelta(days=1))
    later = [m["text"] for m in running.standin.messages(DM)[dms + 1 :]]
    assert later and all("Acme" not in text for text in later)
    assert any("Globex" in text for text in later)


def test_hostile_text_in_an_edit_is_stored_as_typed_and_shown_escaped(running: RunningBot) -> None:
    acme = log_interview(running)
    log_interview(running, company="Globex")
    hostile = "<!channel> {{ 7*7 }} <@U0ADMIN>"

    opened = len(running.standin.calls_to("views.open"))
    press_menu(running, interview_menu.EDIT, acme)
    reply = submit_edit(running, opened_view(running, opened), company=hostile)
    assert reply.body == ""

    with running.db.transaction() as session:
        assert session.get(Interview, acme).company == hostile  # type: ignore[union-attr]
    confirmation = running.standin.messages(DM)[-1]["text"]
    assert "&lt;!channel&gt; {{ 7*7 }} &lt;@U0ADMIN&gt;" in confirmation
    listed = edit_command(running).json()
    assert "<!channel>" not in str(listed) and "&lt;!channel&gt;" in listed["text"]
    home = running.standin.home_view(DANA.user_id) or {}
    mrkdwn = [
        b["text"]["text"] for b in home["blocks"] if b.get("text", {}).get("type") == "mrkdwn"
    ]
    assert mrkdwn and not any("<!channel>" in text for text in mrkdwn)
    opened = len(running.standin.calls_to("views.open"))
    press_menu(running, interview_menu.DELETE, acme)
    dialog = opened_view(running, opened)
    assert dialog["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": f"Delete {hostile} — Data Analyst (Thu 26 Nov)?",
    }
