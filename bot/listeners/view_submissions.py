"""Modal submissions: logging an interview, and the reflection's Answer modal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.coach.interviews import submit_interview
from bot.coach.reflections import answer_by_modal
from bot.listeners.context import services_of
from bot.listeners.logged_dm import confirm_logged
from bot.listeners.slack_io import publish_home, show_answer
from bot.rules.domain import ReflectionQuestion
from bot.rules.view_models import AnswerResult, AnswerStatus
from bot.ui import log_modal, reflection_modal
from bot.ui.messages import NOT_YOUR_PROMPT, PROMPT_CLOSED, PROMPT_GONE

_FIRST_ANSWER = reflection_modal.BLOCK_IDS[ReflectionQuestion.SAID_WELL]


def team_of(body: dict[str, Any]) -> str:
    """The workspace an interaction came from."""
    team = body.get("team") or {}
    return str(team.get("id") or body["user"].get("team_id") or body["view"]["team_id"])


def handle_log_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Store the interview (or show the form's problems), then confirm it by DM and on Home."""
    services = services_of(context)
    team_id, user_id = team_of(body), body["user"]["id"]
    application_id = log_modal.application_of(view)
    outcome = submit_interview(
        services.db,
        team_id=team_id,
        user_id=user_id,
        form=log_modal.read_submission(view),
        now=services.clock.now(),
        source_view_id=view.get("id"),
        playbook=services.playbook,
        carry_distance=True,
        application_id=application_id,
        expected_round=log_modal.expected_round_of(view, application_id),
    )
    if isinstance(outcome, dict):
        ack(response_action="errors", errors=log_modal.block_errors(outcome))
        return
    # Saved before the ack: once the modal closes, the interview is safe.
    ack()
    if outcome.created:
        confirm_logged(client, services, team_id=team_id, user_id=user_id, result=outcome)
        publish_home(client, services, team_id=team_id, user_id=user_id)


def handle_reflection_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Store both answers from the Answer modal (or say why not) and show them on the prompt."""
    services = services_of(context)
    nudge_id = reflection_modal.nudge_id_of(view)
    if nudge_id is None:
        ack(response_action="errors", errors={_FIRST_ANSWER: PROMPT_GONE})
        return
    result = answer_by_modal(
        services.db,
        nudge_id=nudge_id,
        team_id=team_of(body),
        user_id=body["user"]["id"],
        answers=reflection_modal.read_answers(view),
        now=services.clock.now(),
        playbook=services.playbook,
    )
    refusal = _refusal(result)
    if refusal is not None:
        ack(response_action="errors", errors=refusal)
        return
    # Stored before the ack: once the modal closes, the answers are safe.
    ack()
    if result.status is not AnswerStatus.UNCHANGED:
        show_answer(client, services, result)


def _refusal(result: AnswerResult) -> dict[str, str] | None:
    """The modal's field errors for an answer that was not stored, or None when it was.

    The coach's check is the one that counts: the inputs' max_length is only a courtesy.
    """
    if result.status is AnswerStatus.EMPTY:
        return {_FIRST_ANSWER: reflection_modal.BOTH_EMPTY}
    if result.status is AnswerStatus.TOO_LONG:
        question = result.question or ReflectionQuestion.SAID_WELL
        return {reflection_modal.BLOCK_IDS[question]: reflection_modal.TOO_LONG}
    if result.status is AnswerStatus.NOT_OWNER:
        return {_FIRST_ANSWER: NOT_YOUR_PROMPT}
    if result.status is AnswerStatus.NO_OPEN_PROMPT:
        return {_FIRST_ANSWER: PROMPT_CLOSED}
    if result.status is AnswerStatus.UNKNOWN:
        return {_FIRST_ANSWER: PROMPT_GONE}
    return None


def register(app: App) -> None:
    app.view(log_modal.CALLBACK_ID)(handle_log_submission)
    app.view(reflection_modal.CALLBACK_ID)(handle_reflection_submission)
