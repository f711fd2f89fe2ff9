"""The Web API round trips several listeners share: profile, DM, modals, Home tab, replies.

Each logs what Slack refused and carries on: the person was already answered (acked), and
what they did is stored before any of these run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient

from bot.coach.application_list import applications_in_progress
from bot.coach.applications import open_applications_at, round_prefill
from bot.coach.deliveries import shares_its_message
from bot.coach.errors import StoreUnavailable
from bot.coach.home import past_applications
from bot.coach.outcomes import recently_closed
from bot.coach.people import current_pause, dm_channel_of, note_profile
from bot.rules.domain import COMPANY_MAX
from bot.rules.interview_form import clean_text
from bot.rules.view_models import AnswerResult, AnswerStatus, NudgeView
from bot.rules.zones import known_zone
from bot.services import Services
from bot.slack.dm import PostedMessage, post_to_dm
from bot.slack.errors import SLACK_CALL_ERRORS, failure_reason
from bot.ui.home import PauseShown, home_view
from bot.ui.log_modal import build_log_modal
from bot.ui.messages import MODAL_FAILED, answer_reply
from bot.ui.nudges import render_nudge
from bot.ui.nudges.grouped import is_grouped, regroup
from bot.ui.text import as_shown_in_slack, mentioned_users

logger = logging.getLogger(__name__)


def open_modal(
    client: WebClient,
    *,
    trigger_id: str,
    view: dict[str, Any],
    user_id: str,
    tell_person: Callable[[str], Any] | None,
    failed_text: str,
) -> bool:
    """Open a modal; when Slack refuses, log it and tell the person `failed_text` (its
    {error} filled in with Slack's reason)."""
    try:
        client.views_open(trigger_id=trigger_id, view=view)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("views.open failed for %s: %s", user_id, failure_reason(exc))
        if tell_person is not None:
            tell_person(failed_text.format(error=failure_reason(exc)))
        return False
    return True


def open_log_modal(
    client: WebClient,
    services: Services,
    *,
    trigger_id: str,
    team_id: str,
    user_id: str,
    company: str | None = None,
    tell_person: Callable[[str], Any] | None = None,
    application_id: int | None = None,
) -> bool:
    """Open the modal first (the trigger expires in 3 s), then learn the person's time zone.

    With a company, the person's open applications there are offered to add a round to;
    with `application_id` ("Log round 2"), the modal is that application's next round,
    prefilled (a closed or foreign one opens the plain modal).
    """
    cleaned = clean_text(company)
    named = cleaned[:COMPANY_MAX] if cleaned else None
    prefill, choices = None, []
    try:
        if application_id is not None:
            prefill = round_prefill(services.db, team_id, user_id, application_id)
        choices = open_applications_at(services.db, team_id, user_id, named)
    except StoreUnavailable:
        # The form still opens and keeps what they type; saving it says the notes are away.
        logger.info("log modal opened without its applications: the database is unavailable")
    view = build_log_modal(
        now=services.clock.now(), company=named, choices=choices, prefill=prefill
    )
    opened = open_modal(
        client,
        trigger_id=trigger_id,
        view=view,
        user_id=user_id,
        tell_person=tell_person,
        failed_text=MODAL_FAILED,
    )
    if opened:
        refresh_profile(client, services, team_id=team_id, user_id=user_id)
    return opened


def refresh_profile(client: WebClient, services: Services, *, team_id: str, user_id: str) -> None:
    """Store the person's Slack time zone and display name (which signs their drafts); on
    failure the last known ones (or UTC) stand.

    A new zone re-plans their interviews by the bot's playbook.
    """
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SLACK_CALL_ERRORS as exc:
        logger.warning("users.info failed for %s: %s", user_id, failure_reason(exc))
        user = {}
    note_profile(
        services.db,
        team_id,
        user_id,
        services.clock.now(),
        playbook=services.playbook,
        tz=user.get("tz"),
        display_name=display_name(user),
    )


def display_name(user: dict[str, Any]) -> str | None:
    """The name Slack shows for a person: display name, else real name, else username."""
    profile = user.get("profile") or {}
    name = profile.get("display_name") or profile.get("real_name") or user.get("real_name")
    name = name or user.get("name")
    return " ".join(str(name).split()) or None if name else None


def message_text(client: WebClient, text: str) -> str:
    """A message's text as the person sees it in Slack: links and mentions as they show, the
    mentioned people by name (users.info; their id when Slack will not say)."""
    names: dict[str, str] = {}
    for user_id in mentioned_users(text):
        try:
            user = client.users_info(user=user_id).get("user") or {}
        except SLACK_CALL_ERRORS as exc:
            logger.info("users.info for a mention of %s failed: %s", user_id, failure_reason(exc))
            continue
        name = display_name(user)
        if name:
            names[user_id] = str(name)
    return as_shown_in_slack(text, names)


def post_person_dm(
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> PostedMessage:
    """Post to the person's DM with the bot (bot.slack.dm, its cached channel); raises what
    the call raised (SLACK_CALL_ERRORS)."""
    return post_to_dm(
        client,
        services.db,
        team_id=team_id,
        user_id=user_id,
        cached_channel=dm_channel_of(services.db, team_id, user_id),
        text=text,
        blocks=blocks,
        now=services.clock.now(),
        metadata=metadata,
    )


def send_dm(
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    text: str,
    blocks: list[dict[str, Any]] | None = None,
) -> str | None:
    """Post to the person's DM with the bot; its ts, or None (logged) when Slack refused."""
    try:
        posted = post_person_dm(
            client, services, team_id=team_id, user_id=user_id, text=text, blocks=blocks
        )
    except SLACK_CALL_ERRORS as exc:
        logger.warning("DM to %s failed: %s", user_id, failure_reason(exc))
        return None
    return posted.ts


def publish_home(
    client: WebClient,
    services: Services,
    *,
    team_id: str,
    user_id: str,
    notice: str | None = None,
    page: int = 0,
    show_closed: bool = False,
) -> None:
    """Show the person's applications in progress (page `page`), their pause and the Closed
    section (collapsed unless `show_closed`) on the app's Home tab."""
    now = services.clock.now()
    applications = applications_in_progress(services.db, team_id, user_id)
    closed = recently_closed(services.db, team_id, user_id, now)
    past = past_applications(services.db, team_id, user_id, now)
    state = current_pause(services.db, team_id, user_id, now)
    pause = PauseShown(state.paused, state.until, known_zone(state.tz))
    view = home_view(
        applications,
        now=now,
        pause=pause,
        notice=notice,
        closed=closed,
        past=past,
        show_closed=show_closed,
        page=page,
    )
    try:
        client.views_publish(user_id=user_id, view=view)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("views.publish failed for %s: %s", user_id, failure_reason(exc))


def update_message(
    client: WebClient, *, channel: str, ts: str, text: str, blocks: list[dict[str, Any]]
) -> bool:
    """Replace a message the bot posted; False (logged) when Slack refuses."""
    try:
        client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("chat.update of %s/%s failed: %s", channel, ts, failure_reason(exc))
        return False
    return True


def reply_in_thread(client: WebClient, *, channel: str, thread_ts: str | None, text: str) -> None:
    """Post a short text where the person will see it: a thread, or the DM itself."""
    try:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("reply in %s failed: %s", channel, failure_reason(exc))


def pressed_message(body: dict[str, Any]) -> tuple[str, str] | None:
    """The channel and ts of the message whose control was pressed."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return (str(channel), str(ts)) if channel and ts else None


def tell_ephemeral(
    client: WebClient, body: dict[str, Any], text: str, respond: Callable[..., Any] | None = None
) -> None:
    """Answer a press with a message only the presser sees; the pressed message stays as is."""
    user_id = body["user"]["id"]
    try:
        if respond is not None and body.get("response_url"):
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        where = pressed_message(body)
        if where is None:
            logger.warning("no channel to answer %s's press in", user_id)
            return
        client.chat_postEphemeral(channel=where[0], user=user_id, text=text)
    except SLACK_CALL_ERRORS as exc:
        logger.warning("ephemeral answer to %s failed: %s", user_id, failure_reason(exc))


# Answers that change what the prompt's message shows.
_CHANGED = frozenset({AnswerStatus.SAVED, AnswerStatus.REVISED})


def show_nudge(
    client: WebClient, services: Services, *, channel: str, ts: str, view: NudgeView
) -> None:
    """Show a nudge anew on the message that carried it. In a grouped DM only its part
    changes: the message is read back from Slack and the other parts kept as they are; if it
    cannot be read, it is left as it was (dropping the other parts would lose their buttons)."""
    if not shares_its_message(services.db, channel, ts):
        text, blocks = render_nudge(view, services.playbook)
        update_message(client, channel=channel, ts=ts, text=text, blocks=blocks)
        return
    try:
        reply = client.conversations_history(
            channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
        )
    except SLACK_CALL_ERRORS as exc:
        logger.warning("conversations.history in %s failed: %s", channel, failure_reason(exc))
        return
    message = next((m for m in reply.get("messages") or [] if str(m.get("ts")) == ts), None)
    shown = (message or {}).get("blocks") or []
    if not is_grouped(shown):
        return
    text, blocks = regroup(shown, {view.nudge_id: view}, services.playbook)
    update_message(client, channel=channel, ts=ts, text=text, blocks=blocks)


def show_answer(
    client: WebClient,
    services: Services,
    result: AnswerResult,
    *,
    channel: str | None = None,
    thread_ts: str | None = None,
) -> None:
    """Reply to a reflection answer. One that belongs to a prompt shows on the prompt's message
    (and on any sent message quoting it), and the reply goes into the prompt's thread; any
    other reply goes where the person wrote (`channel`, in `thread_ts` if that was a thread),
    or nowhere without one (a modal)."""
    if result.status in _CHANGED:
        # Sent before the answer came (a thank-you note's point to clarify): shown anew.
        for sent in result.quoting:
            show_nudge(client, services, channel=sent.channel, ts=sent.ts, view=sent.view)
    if result.prompt_channel is not None and result.prompt_ts is not None:
        if result.prompt is not None and result.status in _CHANGED:
            show_nudge(
                client,
                services,
                channel=result.prompt_channel,
                ts=result.prompt_ts,
                view=result.prompt,
            )
        channel, thread_ts = result.prompt_channel, result.prompt_ts
    if channel is None:
        return
    reply_in_thread(
        client,
        channel=channel,
        thread_ts=thread_ts,
        text=answer_reply(result, services.playbook),
    )
