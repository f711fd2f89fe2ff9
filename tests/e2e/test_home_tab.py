"""The Home tab runs the search, over signed HTTP to the real endpoint and the stand-in: the
app_home_opened event publishes the applications in progress, grouped, each with its stage
line and one menu; the menu's presses (block_actions) open the right dialogs, whose
submissions close the round (asserted on the database); "Show closed" and "Show more"
republish the tab; someone else's press changes nothing."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.rules.domain import InterviewStatus, NudgeKind, NudgeStatus, Outcome
from bot.store.models import ContactLog, Interview, Nudge
from bot.ui import home_menu
from bot.ui.home import PAGE_SIZE
from bot.ui.outcomes import HOME_REOPEN
from tests.e2e.test_buttons import deliver, log_interview, press
from tests.e2e.test_corrections import opened_view
from tests.e2e.test_log_submission import DM, submit
from tests.harness import DANA, SAM, RunningBot, SlackPerson


def shown_json(value: Any) -> str:
    """The JSON as Slack receives it, with its characters as typed (not \\u escapes)."""
    return json.dumps(value, ensure_ascii=False)


def open_home(running: RunningBot, person: SlackPerson = DANA) -> dict[str, Any]:
    """Open the Home tab (the app_home_opened event); the view published for the person."""
    before = len(running.standin.calls_to("views.publish"))
    reply = running.slack.event(
        {"type": "app_home_opened", "user": person.user_id, "tab": "home"}, person
    )
    running.idle()
    assert reply.status == 200
    return published(running, before)


def published(running: RunningBot, before: int) -> dict[str, Any]:
    """The view of the views.publish call number `before + 1`, as the bot sent it."""
    call = running.standin.wait_for("views.publish", before + 1)[-1]
    return call.params["view"]


def menus(home: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b["accessory"]
        for b in home["blocks"]
        if b.get("accessory", {}).get("action_id") == home_menu.APPLICATION_MENU
    ]


def texts(home: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in home["blocks"] if b["type"] in ("section", "header")]


def choose(
    running: RunningBot,
    home: dict[str, Any],
    item: str,
    person: SlackPerson = DANA,
    menu: int = 0,
) -> None:
    """Choose `item` in the menu beside the `menu`-th application, as Slack sends it."""
    element = menus(home)[menu]
    [option] = [o for o in element["options"] if o["value"].startswith(f"{item}:")]
    action = {
        "type": "static_select",
        "action_id": element["action_id"],
        "block_id": "application",
        "selected_option": option,
    }
    reply = running.slack.block_action(action, person=person, view=home)
    running.idle()
    assert reply.status == 200, reply


def press_button(
    running: RunningBot, home: dict[str, Any], action_id: str, person: SlackPerson = DANA
) -> dict[str, Any]:
    """Press the Home tab's button `action_id`; the Home tab published after it."""
    [button] = [
        e
        for b in home["blocks"]
        for e in ([b["accessory"]] if "accessory" in b else b.get("elements", []))
        if e.get("action_id") == action_id and e.get("type") == "button"
    ][:1]
    before = len(running.standin.calls_to("views.publish"))
    action = {k: button[k] for k in ("action_id", "type", "text", "value")}
    reply = running.slack.block_action({**action, "block_id": "b"}, person=person, view=home)
    running.idle()
    assert reply.status == 200, reply
    return published(running, before)


def rows(running: RunningBot) -> tuple[list[Interview], list[Nudge]]:
    with running.db.transaction() as session:
        interviews = list(session.scalars(select(Interview).order_by(Interview.id)))
        nudges = list(session.scalars(select(Nudge).order_by(Nudge.id)))
        session.expunge_all()
    return interviews, nudges


def test_the_home_tab_groups_an_application_and_withdraw_closes_it_behind_a_confirm(
    running: RunningBot,
) -> None:
    log_interview(running, role="Data analyst", format="video", flags=None)
    channel, thank_you = deliver(running, NudgeKind.THANK_YOU)
    press(running, channel, thank_you, "Email sent")

    home = open_home(running)
    shown = texts(home)
    assert "Acme Corp — Data analyst" in shown  # one header per application
    [section] = [t for t in shown if t.startswith("*round 1 done · thank-you sent · ")]
    assert "follow-up due" in section
    assert "*Next from me:* a follow-up" in section
    [menu] = menus(home)
    assert menu["type"] == "static_select"
    assert [o["text"]["text"] for o in menu["options"]] == [
        "Edit",
        "Add a round",
        "New timeline",
        "Heard back",
        "Withdraw",
        "Delete",
    ]

    # Someone else's press (a forged or shared payload) opens nothing and says so.
    opened = len(running.standin.calls_to("views.open"))
    choose(running, home, home_menu.WITHDRAW, person=SAM)
    assert len(running.standin.calls_to("views.open")) == opened
    assert "isn't yours" in shown_json(running.standin.home_view(SAM.user_id))
    assert rows(running)[0][0].status is InterviewStatus.ACTIVE

    # Withdraw: a confirm dialog naming it; nothing changes until it is submitted.
    choose(running, home, home_menu.WITHDRAW)
    dialog = opened_view(running, opened)
    assert dialog["callback_id"] == home_menu.WITHDRAW_CALLBACK_ID
    assert "Withdraw from Acme Corp — Data analyst (round 1)?" in shown_json(dialog)
    assert rows(running)[0][0].status is InterviewStatus.ACTIVE

    before = len(running.standin.calls_to("views.publish"))
    reply = running.slack.view_submission(dialog, {}, DANA)
    running.idle()
    assert reply.status == 200 and reply.body == ""
    [interview], nudges = rows(running)
    assert (interview.status, interview.outcome) == (InterviewStatus.CLOSED, Outcome.WITHDREW)
    assert not [n for n in nudges if n.status is NudgeStatus.PENDING]  # silence from here
    with running.db.transaction() as session:
        kinds = [c.kind.value for c in session.scalars(select(ContactLog))]
    assert "heard_back" in kinds
    home = published(running, before)
    assert "Closed Acme Corp — Data analyst (round 1): withdrew." in shown_json(home)
    assert menus(home) == []  # no longer in progress
    reopen = [b for b in home["blocks"] if b.get("accessory", {}).get("action_id") == HOME_REOPEN]
    assert [b["accessory"]["value"] for b in reopen] == [str(interview.id)]

    # Submitted twice (Slack retried), nothing changes and it says so.
    before = len(running.standin.calls_to("views.publish"))
    running.slack.view_submission(dialog, {}, DANA)
    running.idle()
    assert "already closed" in shown_json(published(running, before))

    # "Show closed (1)": the past application with its outcome and dates, and Reopen.
    shown_closed = press_button(running, home, home_menu.SHOW_CLOSED)
    [past] = [t for t in texts(shown_closed) if t.startswith("*Acme Corp — Data analyst*")]
    assert ": withdrew · 1 round · from <!date^" in past
    assert ", closed <!date^" in past
    again = press_button(running, shown_closed, HOME_REOPEN)
    assert rows(running)[0][0].status is InterviewStatus.ACTIVE
    assert "Reopened Acme Corp" in shown_json(again)
    assert len(menus(again)) == 1


def test_heard_back_next_round_then_add_a_round_from_the_menu(running: RunningBot) -> None:
    log_interview(running)
    home = open_home(running)

    opened = len(running.standin.calls_to("views.open"))
    choose(running, home, home_menu.HEARD_BACK)
    dialog = opened_view(running, opened)
    assert dialog["callback_id"] == home_menu.HEARD_BACK_CALLBACK_ID

    # Submitted without a choice: the field says so, nothing is stored.
    reply = running.slack.view_submission(dialog, {}, DANA)
    running.idle()
    assert json.loads(reply.body)["errors"] == {home_menu.OUTCOME_BLOCK: "Choose what they said."}
    assert rows(running)[0][0].status is InterviewStatus.ACTIVE

    values = {
        home_menu.OUTCOME_BLOCK: {
            home_menu.OUTCOME_ACTION: {
                "type": "radio_buttons",
                "selected_option": {"value": Outcome.NEXT_ROUND.value},
            }
        }
    }
    before = len(running.standin.calls_to("views.publish"))
    reply = running.slack.view_submission(dialog, values, DANA)
    running.idle()
    assert reply.body == ""
    [first], nudges = rows(running)
    assert (first.status, first.outcome) == (InterviewStatus.CLOSED, Outcome.NEXT_ROUND)
    assert not [n for n in nudges if n.status is NudgeStatus.PENDING]
    # The DM offers "Log round 2"; the application stays in progress on the Home tab.
    offer = running.standin.messages(DM)[-1]
    assert "Log round 2" in shown_json(offer)
    home = published(running, before)
    assert any(t.startswith("*round 1 done · next round to log*") for t in texts(home))
    assert len(menus(home)) == 1

    # Add a round: the "Log round 2" modal, prefilled and bound to the application.
    opened = len(running.standin.calls_to("views.open"))
    choose(running, home, home_menu.ADD_ROUND)
    modal = opened_view(running, opened)
    assert modal["title"]["text"] == "Log round 2"
    bound = {"application_id": first.application_id, "round": 2}
    assert json.loads(modal["private_metadata"]) == bound
    submit(running, modal, happened_at=int(running.clock.now().timestamp()) + 86_400)
    interviews, _ = rows(running)
    assert [(i.application_id, i.round_number) for i in interviews] == [
        (first.application_id, 1),
        (first.application_id, 2),
    ]
    home = open_home(running)
    assert [t for t in texts(home) if t.startswith("*round 2 tomorrow · ")]
    assert "Round 1 · Face-to-face · " in shown_json(home)  # round 1 under its application


def test_edit_and_delete_from_the_menu_act_on_the_latest_round(running: RunningBot) -> None:
    log_interview(running)
    home = open_home(running)
    opened = len(running.standin.calls_to("views.open"))
    choose(running, home, home_menu.EDIT)
    assert opened_view(running, opened)["callback_id"] == "edit_interview"

    choose(running, home, home_menu.DELETE)
    dialog = opened_view(running, opened + 1)
    assert dialog["callback_id"] == "delete_interview"
    running.slack.view_submission(dialog, {}, DANA)
    running.idle()
    interviews, nudges = rows(running)
    assert interviews == [] and nudges == []
    # A stale menu pressed after the delete: the Home tab says so, nothing opens.
    choose(running, home, home_menu.WITHDRAW)
    assert len(running.standin.calls_to("views.open")) == opened + 2
    assert "can't find that interview" in shown_json(running.standin.home_view(DANA.user_id))


def test_more_applications_than_a_page_are_a_show_more_away(running: RunningBot) -> None:
    for n in range(PAGE_SIZE + 1):
        view = running.open_log_modal(f"logged Company {n:02d}")
        assert submit(running, view, company=f"Company {n:02d}").body == ""
    home = open_home(running)
    assert len(menus(home)) == PAGE_SIZE
    assert len(home["blocks"]) <= 100
    assert f"*Applications in progress ({PAGE_SIZE + 1})*" in texts(home)

    second = press_button(running, home, home_menu.HOME_PAGE)
    assert len(menus(second)) == 1
    back = press_button(running, second, f"{home_menu.HOME_PAGE}_back")
    assert len(menus(back)) == PAGE_SIZE
