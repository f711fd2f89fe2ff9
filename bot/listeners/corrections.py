"""Corrections: `/interview edit`, the Home tab's menu on each interview (Edit, New timeline,
Delete), "They gave a new timeline…" on a follow-up, and the three modals they open. Every
change is stored and re-planned before the ack; then the Home tab is published again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.coach.corrections import (
    application_extras_of,
    delete_application,
    delete_interview,
    edit_interview,
    interview_of_nudge,
    interview_to_correct,
    interviews_to_edit,
    rounds_of_application,
    set_new_timeline,
)
from bot.listeners.context import services_of
from bot.listeners.slack_io import open_modal, publish_home, send_dm, tell_ephemeral
from bot.listeners.view_submissions import team_of
from bot.services import Services
from bot.ui import edit_modal, interview_menu, log_modal, timeline_modal
from bot.ui.messages import UNKNOWN_NUDGE
from bot.ui.nudges import nudge_id_of, parse_id
from bot.ui.nudges.ids import NEW_TIMELINE

MODAL_FAILED = "Slack did not open the form ({error}). Please try again."
NOTHING_TO_EDIT = (
    "You have no interviews in progress to edit. Log one with `/interview logged [company]`."
)
UNREADABLE = "I couldn't tell which interview that was, so nothing changed."

Tell = Callable[[str], Any]


def _open(
    client: WebClient, body_or_trigger: str, view: dict[str, Any], user_id: str, tell: Tell
) -> None:
    open_modal(
        client,
        trigger_id=body_or_trigger,
        view=view,
        user_id=user_id,
        tell_person=tell,
        failed_text=MODAL_FAILED,
    )


def open_edit(
    client: WebClient,
    services: Services,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    interview_id: int,
    tell: Tell,
) -> None:
    """Open the edit modal prefilled with the interview as saved; or tell them why not."""
    interview = interview_to_correct(
        services.db, interview_id=interview_id, team_id=team_id, user_id=user_id
    )
    if isinstance(interview, str):
        tell(interview)
        return
    extras = application_extras_of(
        services.db, interview_id=interview_id, team_id=team_id, user_id=user_id
    )
    _open(client, trigger_id, edit_modal.build_edit_modal(interview, extras), user_id, tell)


def answer_edit_command(
    ack: Ack,
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
    services: Services,
    search: str,
) -> None:
    """`/interview edit [company]`: one interview in progress (or one matching `search`,
    as typed) opens its modal at once; several get a list, each with its Edit button; none,
    a pointer."""
    team_id, user_id = command["team_id"], command["user_id"]
    interviews = interviews_to_edit(services.db, team_id, user_id, search)
    if not interviews:
        ack(text=NOTHING_TO_EDIT, response_type="ephemeral")
        return
    if len(interviews) > 1:
        text, blocks = interview_menu.pick_to_edit(interviews)
        ack(text=text, blocks=blocks, response_type="ephemeral")
        return
    ack()
    open_edit(
        client,
        services,
        trigger_id=command["trigger_id"],
        team_id=team_id,
        user_id=user_id,
        interview_id=interviews[0].id,
        tell=lambda text: respond(text=text, response_type="ephemeral"),
    )


def handle_edit_button(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """Edit beside an interview in `/interview edit`'s list: its modal."""
    ack()
    tell = _ephemeral(client, body, respond)
    interview_id = parse_id(str(action.get("value") or ""))
    if interview_id is None:
        tell(UNREADABLE)
        return
    open_edit(
        client,
        services_of(context),
        trigger_id=body["trigger_id"],
        team_id=team_of(body),
        user_id=body["user"]["id"],
        interview_id=interview_id,
        tell=tell,
    )


def handle_interview_menu(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The Home tab's menu on an interview: Edit, New timeline or Delete, each a modal. A
    refusal (someone else's, deleted since) shows on the Home tab itself."""
    ack()
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]

    def tell(text: str) -> None:
        publish_home(client, services, team_id=team_id, user_id=user_id, notice=text)

    chosen = interview_menu.read_menu(action)
    if chosen is None:
        tell(UNREADABLE)
        return
    item, interview_id = chosen
    if item == interview_menu.EDIT:
        open_edit(
            client,
            services,
            trigger_id=body["trigger_id"],
            team_id=team_id,
            user_id=user_id,
            interview_id=interview_id,
            tell=tell,
        )
        return
    interview = interview_to_correct(
        services.db, interview_id=interview_id, team_id=team_id, user_id=user_id
    )
    if isinstance(interview, str):
        tell(interview)
        return
    if item == interview_menu.NEW_TIMELINE:
        view = timeline_modal.build_timeline_modal(interview)
    else:
        rounds = rounds_of_application(
            services.db, interview_id=interview_id, team_id=team_id, user_id=user_id
        )
        view = interview_menu.build_delete_modal(interview, rounds)
    _open(client, body["trigger_id"], view, user_id, tell)


def handle_new_timeline_press(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
) -> None:
    """ "They gave a new timeline…" on a follow-up: the date picker; or why not, to the
    presser only (someone else's interview, a closed one)."""
    ack()
    services = services_of(context)
    tell = _ephemeral(client, body, respond)
    nudge_id = nudge_id_of(action)
    if nudge_id is None:
        tell(UNKNOWN_NUDGE)
        return
    interview = interview_of_nudge(
        services.db, nudge_id=nudge_id, team_id=team_of(body), user_id=body["user"]["id"]
    )
    if isinstance(interview, str):
        tell(interview)
        return
    _open(
        client,
        body["trigger_id"],
        timeline_modal.build_timeline_modal(interview),
        body["user"]["id"],
        tell,
    )


def handle_edit_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Store the corrected facts (or show the form's problems, as logging does), re-plan,
    then confirm by DM and on the Home tab."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    interview_id = edit_modal.interview_id_of(view)
    if interview_id is None:
        ack(response_action="errors", errors=log_modal.block_errors({"company": UNREADABLE}))
        return
    result = edit_interview(
        services.db,
        interview_id=interview_id,
        team_id=team_id,
        user_id=user_id,
        form=log_modal.read_submission(view),
        now=services.clock.now(),
        playbook=services.playbook,
        extras=edit_modal.read_extras(view),
    )
    if isinstance(result, str):
        ack(response_action="errors", errors=log_modal.block_errors({"company": result}))
        return
    if isinstance(result, dict):
        extra = {f: m for f, m in result.items() if f in edit_modal.EXTRA_BLOCK_IDS}
        form = {f: m for f, m in result.items() if f not in extra}
        errors = {**log_modal.block_errors(form), **edit_modal.extra_block_errors(extra)}
        ack(response_action="errors", errors=errors)
        return
    # Stored and re-planned before the ack: once the modal closes, the correction holds.
    ack()
    send_dm(
        client, services, team_id=team_id, user_id=user_id, text=interview_menu.edited_text(result)
    )
    publish_home(client, services, team_id=team_id, user_id=user_id)


def handle_timeline_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Store the new timeline and re-pace (or say why not under the picker); a DM says when
    the next follow-up comes. The same day submitted again changes nothing and says nothing."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    interview_id = timeline_modal.interview_id_of(view)
    if interview_id is None:
        ack(response_action="errors", errors=timeline_modal.block_errors(UNREADABLE))
        return
    result = set_new_timeline(
        services.db,
        interview_id=interview_id,
        team_id=team_id,
        user_id=user_id,
        timeline=timeline_modal.read_timeline(view),
        now=services.clock.now(),
        playbook=services.playbook,
    )
    if isinstance(result, str):
        ack(response_action="errors", errors=timeline_modal.block_errors(result))
        return
    ack()
    if result.changed:
        send_dm(
            client,
            services,
            team_id=team_id,
            user_id=user_id,
            text=interview_menu.timeline_text(result.interview),
        )
        publish_home(client, services, team_id=team_id, user_id=user_id)


def handle_delete_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """The confirm dialog's Delete: the interview and everything about it go; a DM says so.
    Submitted again (or deleted meanwhile), it closes and tells nothing new."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    interview_id = interview_menu.interview_id_of(view)
    if interview_id is not None and interview_menu.whole_application_chosen(view):
        _delete_whole_application(ack, client, services, team_id, user_id, interview_id)
        return
    result = (
        UNREADABLE
        if interview_id is None
        else delete_interview(
            services.db,
            interview_id=interview_id,
            team_id=team_id,
            user_id=user_id,
            now=services.clock.now(),
            playbook=services.playbook,
        )
    )
    ack()
    if isinstance(result, str):
        publish_home(client, services, team_id=team_id, user_id=user_id, notice=result)
        return
    services.db.scrub_journal()  # its answers and drafts went too; after the ack
    send_dm(
        client,
        services,
        team_id=team_id,
        user_id=user_id,
        text=interview_menu.deleted_text(result),
    )
    publish_home(client, services, team_id=team_id, user_id=user_id)


def _delete_whole_application(
    ack: Ack,
    client: WebClient,
    services: Services,
    team_id: str,
    user_id: str,
    interview_id: int,
) -> None:
    """The delete dialog with "the whole application" ticked: every round goes; a DM says
    so. Submitted again, it closes and the Home tab says why nothing more happened."""
    result = delete_application(
        services.db,
        interview_id=interview_id,
        team_id=team_id,
        user_id=user_id,
        now=services.clock.now(),
        playbook=services.playbook,
    )
    ack()
    if isinstance(result, str):
        publish_home(client, services, team_id=team_id, user_id=user_id, notice=result)
        return
    services.db.scrub_journal()  # its rounds' answers and drafts went too; after the ack
    text = interview_menu.application_deleted_text(result.company, result.role, result.rounds)
    send_dm(client, services, team_id=team_id, user_id=user_id, text=text)
    publish_home(client, services, team_id=team_id, user_id=user_id)


def _ephemeral(client: WebClient, body: dict[str, Any], respond: Respond) -> Tell:
    return lambda text: tell_ephemeral(client, body, text, respond)


def register(app: App) -> None:
    app.action(interview_menu.EDIT_BUTTON)(handle_edit_button)
    app.action(interview_menu.MENU)(handle_interview_menu)
    app.action(NEW_TIMELINE)(handle_new_timeline_press)
    app.view(edit_modal.CALLBACK_ID)(handle_edit_submission)
    app.view(timeline_modal.CALLBACK_ID)(handle_timeline_submission)
    app.view(interview_menu.DELETE_CALLBACK_ID)(handle_delete_submission)
