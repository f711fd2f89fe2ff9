"""One end-to-end run touching every kind of request and a Slack error, for the operator's
tests (the log scan and /metrics): the bot's real job dispatches through its real clients."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.dispatch.dispatcher import Dispatcher
from bot.dispatch.job import build_dispatcher, dispatch_tick
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.rules.draft_sheet import thank_you_key
from bot.store.models import Nudge
from bot.ui.draft_modal import BODY, input_block_id
from tests.e2e.test_buttons import current, labels, log_interview, press, sent_message
from tests.e2e.test_drafts import open_drafts, save
from tests.e2e.test_reflection_answers import _open_modal, _submit, write
from tests.harness import RunningBot

DM = "D0456EFGH"
# Planted: none of these may show in any log line.
ANSWER_IN_DM = "Planted-answer-ZEBRA: I froze on the system design question"
ANSWER_IN_MODAL = "Planted-answer-OKAPI: salary range of 140k came up"
DRAFT_TEXT = "Planted-draft-NARWHAL: thank you Tom for the churn model chat"
PLANTED = (ANSWER_IN_DM, ANSWER_IN_MODAL, DRAFT_TEXT)


@dataclass
class FlowResult:
    """What the test sent to the bot, by request kind, and the job's dispatcher."""

    requests: Counter[str] = field(default_factory=Counter)
    dispatcher: Dispatcher | None = None


def tick_until_idle(running: RunningBot, dispatcher: Dispatcher, at: datetime | None) -> None:
    """Run the dispatch job's tick as the scheduler would, from `at`, until nothing is claimed."""
    if at is not None:
        running.clock.set(at.astimezone(UTC))
    for _ in range(30):
        report = dispatch_tick(dispatcher)
        assert report is not None, "the dispatch tick failed"
        if report.claimed == 0:
            return
        running.clock.advance(timedelta(seconds=2))  # past the one-a-second pacing per person
    raise AssertionError("the dispatcher kept finding due nudges")


def pending_due(running: RunningBot, kind: NudgeKind) -> datetime:
    with running.db.transaction() as session:
        return min(
            session.scalars(
                select(Nudge.due_at).where(Nudge.kind == kind, Nudge.status == NudgeStatus.PENDING)
            )
        )


def run_flow(running: RunningBot) -> FlowResult:
    """Log an interview, get a 429 on the first DM, answer in the thread and in the modal, press
    buttons, save a draft: every request kind the bot takes, through signed HTTP."""
    result = FlowResult(dispatcher=build_dispatcher(running.bot.services, "ops-worker"))
    dispatcher = result.dispatcher
    log_interview(running)  # the slash command and the modal's submission
    result.requests.update(command=1, view_submission=1)

    # "Get some distance" came with the "Logged" DM; the first DM the dispatcher sends (the
    # reflection prompt) meets a 429, and after Retry-After it goes out.
    running.clock.set(pending_due(running, NudgeKind.REFLECTION).astimezone(UTC))
    running.standin.fail_next("chat.postMessage", "ratelimited", retry_after=1)
    report = dispatch_tick(dispatcher)
    assert report is not None and report.rescheduled == 1, report
    tick_until_idle(running, dispatcher, running.clock.now() + timedelta(seconds=1))
    _, prompt = sent_message(running, NudgeKind.REFLECTION)
    write(running, ANSWER_IN_DM, thread_ts=prompt["ts"])  # a message.im event
    result.requests.update(event=1)
    modal = _open_modal(running, current(running, DM, prompt["ts"]))  # a button press
    reply = _submit(running, modal, said_well=ANSWER_IN_DM, to_clarify=ANSWER_IN_MODAL)
    assert reply.status == 200 and reply.body == "", reply
    result.requests.update(action=1, view_submission=1)

    tick_until_idle(running, dispatcher, pending_due(running, NudgeKind.THANK_YOU))
    channel, thank_you = sent_message(running, NudgeKind.THANK_YOU)
    assert ANSWER_IN_MODAL in str(thank_you)  # the answer is in Slack, to be looked for in logs
    view = open_drafts(running, channel, thank_you)
    save(running, view, **{input_block_id(thank_you_key(0), BODY): DRAFT_TEXT})
    press(running, channel, current(running, channel, thank_you["ts"]), "Email sent")
    result.requests.update(action=2, view_submission=1)
    assert "Email sent" not in labels(current(running, channel, thank_you["ts"]))
    return result


def sent_rows(running: RunningBot) -> list[Any]:
    with running.db.transaction() as session:
        return list(session.execute(select(Nudge.kind, Nudge.status, Nudge.last_error)))
