"""The Home tab's controls: the menu on each application (Edit, Add a round, New timeline,
Heard back, Withdraw, Delete), its paging and "Show closed" buttons, and the two dialogs the
menu opens itself (Heard back, Withdraw). Edit, New timeline and Delete act on the latest
round through bot.listeners.corrections; Add a round opens the prefilled "Log round N" modal.
A refusal (someone else's, deleted or closed since) shows on the Home tab itself."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coach.corrections import interview_to_correct
from bot.coach.home import close_round
from bot.listeners import corrections
from bot.listeners.context import services_of
from bot.listeners.slack_io import open_log_modal, open_modal, publish_home, send_dm
from bot.listeners.view_submissions import team_of
from bot.rules.domain import Outcome
from bot.ui import home_menu, interview_menu
from bot.ui.rounds import next_round_message

UNREADABLE = "I couldn't tell which application that was, so nothing changed."
NO_OUTCOME = "Choose what they said."
MODAL_FAILED = "Slack did not open the form ({error}). Please try again."

# The application menu's items that the corrections menu already handles, by its item names.
_CORRECTIONS = {
    home_menu.EDIT: interview_menu.EDIT,
    home_menu.NEW_TIMELINE: interview_menu.NEW_TIMELINE,
    home_menu.DELETE: interview_menu.DELETE,
}


def handle_application_menu(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """An item of an application's menu, acting on its latest round as the person saw it."""
    chosen = home_menu.read_application_menu(action)
    if chosen is not None and chosen.item in _CORRECTIONS:
        # The corrections menu's own handler: the same modals, checks and answers.
        value = f"{_CORRECTIONS[chosen.item]}:{chosen.interview_id}"
        corrections.handle_interview_menu(
            ack, body, {**action, "selected_option": {"value": value}}, client, context
        )
        return
    ack()
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]

    def tell(text: str) -> None:
        publish_home(client, services, team_id=team_id, user_id=user_id, notice=text)

    if chosen is None:
        tell(UNREADABLE)
        return
    interview = interview_to_correct(
        services.db, interview_id=chosen.interview_id, team_id=team_id, user_id=user_id
    )
    if isinstance(interview, str):
        tell(interview)
        return
    if chosen.item == home_menu.ADD_ROUND:
        # The "Log round N" modal, prefilled from the application and its people; a closed
        # or gone application gets the plain log modal (bot.listeners.rounds does the same).
        open_log_modal(
            client,
            services,
            trigger_id=body["trigger_id"],
            team_id=team_id,
            user_id=user_id,
            application_id=interview.application_id,
            tell_person=tell,
        )
        return
    view = (
        home_menu.build_heard_back_modal(interview)
        if chosen.item == home_menu.HEARD_BACK
        else home_menu.build_withdraw_modal(interview)
    )
    open_modal(
        client,
        trigger_id=body["trigger_id"],
        view=view,
        user_id=user_id,
        tell_person=tell,
        failed_text=MODAL_FAILED,
    )


def _close(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    outcome: Outcome | None,
) -> None:
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    if outcome is None:
        ack(response_action="errors", errors={home_menu.OUTCOME_BLOCK: NO_OUTCOME})
        return
    interview_id = interview_menu.interview_id_of(view)
    result = (
        UNREADABLE
        if interview_id is None
        else close_round(
            services.db,
            interview_id=interview_id,
            team_id=team_id,
            user_id=user_id,
            outcome=outcome,
            now=services.clock.now(),
            playbook=services.playbook,
        )
    )
    # Stored before the ack: once the dialog closes, the close holds.
    ack()
    if isinstance(result, str):
        publish_home(client, services, team_id=team_id, user_id=user_id, notice=result)
        return
    if outcome is Outcome.NEXT_ROUND and result.application_id is not None:
        text, blocks = next_round_message(result)
        send_dm(client, services, team_id=team_id, user_id=user_id, text=text, blocks=blocks)
    publish_home(
        client, services, team_id=team_id, user_id=user_id, notice=home_menu.closed_notice(result)
    )


def handle_heard_back_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Heard back's dialog submitted: the round closes with the chosen outcome ("next round"
    also offers "Log round N" by DM); submitted again, nothing changes."""
    _close(ack, body, view, client, context, home_menu.chosen_outcome(view))


def handle_withdraw_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Withdraw confirmed: the latest round closes as withdrew."""
    _close(ack, body, view, client, context, Outcome.WITHDREW)


def handle_home_page(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """ "Show more", "Previous", "Show closed" or "Hide closed": the Home tab published again
    at that page, with the Closed section shown or collapsed."""
    ack()
    page, show_closed = home_menu.read_page(action)
    publish_home(
        client,
        services_of(context),
        team_id=team_of(body),
        user_id=body["user"]["id"],
        page=page,
        show_closed=show_closed,
    )


def register(app: App) -> None:
    app.action(home_menu.APPLICATION_MENU)(handle_application_menu)
    app.action(home_menu.HOME_PAGE)(handle_home_page)
    app.action(f"{home_menu.HOME_PAGE}_back")(handle_home_page)
    app.action(home_menu.SHOW_CLOSED)(handle_home_page)
    app.view(home_menu.HEARD_BACK_CALLBACK_ID)(handle_heard_back_submission)
    app.view(home_menu.WITHDRAW_CALLBACK_ID)(handle_withdraw_submission)
