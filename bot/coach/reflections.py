"""Reflection answers: stored against their interview and question, revisable, from a DM
reply, a reply in the prompt's thread, an edit of such a reply, the Answer modal, or the
press that says which interview a top-level DM was for (when several prompts were open)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot.coach.deliveries import view_of
from bot.coach.mappers import summary_of
from bot.coach.people import find_person, is_owner
from bot.coach.reconciler import lock_interview
from bot.rules.answer_routing import Ask, OpenPrompt, Route, route_thread, route_top_level
from bot.rules.domain import ANSWER_MAX, InterviewStatus, NudgeKind, NudgeStatus, ReflectionQuestion
from bot.rules.kinds import KINDS
from bot.rules.playbook import Playbook
from bot.rules.view_models import (
    AnswerResult,
    AnswerStatus,
    NudgeView,
    PromptChoice,
    SentMessage,
)
from bot.store.db import Database
from bot.store.models import Interview, Nudge, Reflection, SlackUser

QUESTIONS = tuple(ReflectionQuestion)
# "1: …" or "2) …" picks the question explicitly, which is also how an answer is revised.
_NUMBERED = re.compile(r"^\s*([12])\s*[:.)-]\s*(.*)$", re.DOTALL)


def pick_question(text: str) -> tuple[ReflectionQuestion | None, str]:
    """The question a reply names by its number, if it does, and the answer without it."""
    numbered = _NUMBERED.match(text)
    if numbered is None:
        return None, text.strip()
    return QUESTIONS[int(numbered.group(1)) - 1], numbered.group(2).strip()


def answer_by_message(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    thread_ts: str | None,
    message_ts: str,
    text: str,
    now: datetime,
    playbook: Playbook,
) -> AnswerResult:
    """Store a DM (the message at `message_ts`) as the answer to the open reflection prompt it
    belongs to, or say which prompts it could belong to (WHICH_INTERVIEW: nothing stored).

    See _thread_prompt and _top_level_prompt for which prompt a message belongs to.
    Unnumbered, it answers the first unanswered question. The message's ts is kept with the
    answer, so editing the message in Slack edits the answer (answer_by_edit).
    """
    question, answer = pick_question(text)
    with db.transaction(immediate=True) as session:
        person = find_person(session, team_id, user_id)
        if person is None:
            return AnswerResult(AnswerStatus.NO_OPEN_PROMPT)
        if thread_ts is not None:
            routed = _thread_prompt(session, channel_id, thread_ts)
        else:
            routed = _top_level_prompt(session, person, channel_id, explicit=question is not None)
        if isinstance(routed, tuple):
            return AnswerResult(AnswerStatus.WHICH_INTERVIEW, candidates=routed)
        prompt = routed
        if prompt is None:
            return AnswerResult(AnswerStatus.NO_OPEN_PROMPT)
        return _answer(
            session, prompt, team_id, user_id, question, answer, now, message_ts, playbook
        )


def answer_for_prompt(
    db: Database,
    *,
    nudge_id: int,
    team_id: str,
    user_id: str,
    message_ts: str,
    text: str,
    now: datetime,
    playbook: Playbook,
) -> AnswerResult:
    """Store the person's DM at `message_ts` as an answer to the prompt `nudge_id`: the
    interview they picked when the coach asked which one it was for.

    Once only: a message already stored as an answer (to any of their interviews) is
    ALREADY_FILED, naming where it went, and nothing changes. Only the interview's owner.
    """
    question, answer = pick_question(text)
    with db.transaction(immediate=True) as session:
        prompt = _owned_prompt(session, nudge_id, team_id, user_id)
        if isinstance(prompt, AnswerStatus):
            return AnswerResult(prompt)
        interview = session.get_one(Interview, prompt.interview_id)
        # PostgreSQL: presses of two buttons (two interviews) take turns on the person's row,
        # so one message is filed under one interview only.
        session.execute(
            select(SlackUser.id).where(SlackUser.id == interview.owner_id).with_for_update()
        )
        filed = session.scalars(
            select(Interview)
            .join(Reflection, Reflection.interview_id == Interview.id)
            .where(Interview.owner_id == interview.owner_id, Reflection.message_ts == message_ts)
        ).first()
        if filed is not None:
            return AnswerResult(AnswerStatus.ALREADY_FILED, summary_of(filed, filed.owner))
        return _answer(
            session, prompt, team_id, user_id, question, answer, now, message_ts, playbook
        )


def _answer(
    session: Session,
    prompt: Nudge,
    team_id: str,
    user_id: str,
    question: ReflectionQuestion | None,
    answer: str,
    now: datetime,
    message_ts: str,
    playbook: Playbook,
) -> AnswerResult:
    """Store `answer` (to `question`, or the first unanswered one) for the prompt's interview."""
    interview = session.get_one(Interview, prompt.interview_id)
    summary = summary_of(interview, interview.owner)
    if not is_owner(interview, team_id, user_id):
        return AnswerResult(AnswerStatus.NOT_OWNER, summary)
    answered = _answers(session, interview.id)
    question = question or next((q for q in QUESTIONS if q not in answered), None)
    result = AnswerResult(
        AnswerStatus.NO_OPEN_PROMPT,
        summary,
        prompt_channel=prompt.channel_id,
        prompt_ts=prompt.message_ts,
    )
    if question is None:
        return result  # both answered: a revision must say which question
    status = _check(answer) or _store(session, interview, question, answer, now, message_ts)
    return _result(session, status, interview, question, prompt, playbook)


def answer_by_edit(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    message_ts: str,
    text: str,
    now: datetime,
    playbook: Playbook,
) -> AnswerResult | None:
    """Apply an edit of the person's message at `message_ts` to the answer it gave.

    None when that message is not what an open interview's answer currently holds (it was
    never an answer, was revised since, or the interview closed): the edit changes nothing.
    A number at its start (how the message picked its question) is not part of the answer.
    """
    _, answer = pick_question(text)
    with db.transaction(immediate=True) as session:
        # A ts is unique within one channel only: of the answers it could be, the person's own.
        rows = session.execute(
            select(Reflection, Interview)
            .join(Interview, Reflection.interview_id == Interview.id)
            .where(Reflection.message_ts == message_ts, Interview.status == InterviewStatus.ACTIVE)
        ).all()
        mine = [(r, i) for r, i in rows if is_owner(i, team_id, user_id)]
        if not mine:
            return None
        reflection, interview = mine[0]
        prompt = session.scalars(
            select(Nudge).where(
                Nudge.interview_id == interview.id,
                Nudge.kind == NudgeKind.REFLECTION,
                Nudge.status == NudgeStatus.SENT,
            )
        ).first()
        if prompt is None:
            return None
        question = ReflectionQuestion(reflection.question_key)
        status = _check(answer) or _store(session, interview, question, answer, now, message_ts)
        return _result(session, status, interview, question, prompt, playbook)


def _result(
    session: Session,
    status: AnswerStatus,
    interview: Interview,
    question: ReflectionQuestion,
    prompt: Nudge,
    playbook: Playbook,
) -> AnswerResult:
    """What an answer by message did, with the prompt as it now stands."""
    answered = _answers(session, interview.id)
    return AnswerResult(
        status,
        summary_of(interview, interview.owner),
        question,
        next((q for q in QUESTIONS if q not in answered), None),
        prompt.channel_id,
        prompt.message_ts,
        view_of(session, prompt, playbook),
        _quoting(session, interview.id, playbook),
    )


def _quoting(session: Session, interview_id: int, playbook: Playbook) -> tuple[SentMessage, ...]:
    """The interview's sent messages whose kind quotes an answer, as they now stand."""
    quoting = [kind for kind, spec in KINDS.items() if spec.quotes_answers]
    sent = session.scalars(
        select(Nudge)
        .where(
            Nudge.interview_id == interview_id,
            Nudge.status == NudgeStatus.SENT,
            Nudge.kind.in_(quoting),
        )
        .order_by(Nudge.id)
    )
    return tuple(
        SentMessage(nudge.channel_id, nudge.message_ts, view_of(session, nudge, playbook))
        for nudge in sent
        if nudge.channel_id and nudge.message_ts
    )


def answer_by_modal(
    db: Database,
    *,
    nudge_id: int,
    team_id: str,
    user_id: str,
    answers: Mapping[ReflectionQuestion, str],
    now: datetime,
    playbook: Playbook,
) -> AnswerResult:
    """Store both answers from the Answer modal; a blank field leaves its answer as it was."""
    with db.transaction(immediate=True) as session:
        prompt = _owned_prompt(session, nudge_id, team_id, user_id)
        if isinstance(prompt, AnswerStatus):
            return AnswerResult(prompt)
        interview = session.get_one(Interview, prompt.interview_id)
        summary = summary_of(interview, interview.owner)
        given = {q: a.strip() for q, a in answers.items() if a and a.strip()}
        if not given:
            return AnswerResult(AnswerStatus.EMPTY, summary)
        # Every answer is checked before any is stored: a refused modal saves nothing.
        for question, answer in given.items():
            problem = _check(answer)
            if problem is not None:
                return AnswerResult(problem, summary, question)
        statuses = [_store(session, interview, q, a, now, None) for q, a in given.items()]
        answered = _answers(session, interview.id)
        return AnswerResult(
            _overall(statuses),
            summary,
            next(iter(given)),
            next((q for q in QUESTIONS if q not in answered), None),
            prompt.channel_id,
            prompt.message_ts,
            view_of(session, prompt, playbook),
            _quoting(session, interview.id, playbook),
        )


def reflection_prompt(
    db: Database, *, nudge_id: int, team_id: str, user_id: str, playbook: Playbook
) -> NudgeView | AnswerStatus:
    """The prompt's view, answers included, for the Answer modal; or why it cannot open."""
    with db.transaction() as session:
        prompt = _owned_prompt(session, nudge_id, team_id, user_id)
        if isinstance(prompt, AnswerStatus):
            return prompt
        return view_of(session, prompt, playbook)


def _owned_prompt(
    session: Session, nudge_id: int, team_id: str, user_id: str
) -> Nudge | AnswerStatus:
    nudge = session.get(Nudge, nudge_id)
    if nudge is None or nudge.kind is not NudgeKind.REFLECTION:
        return AnswerStatus.UNKNOWN
    interview = session.get_one(Interview, nudge.interview_id)
    if not is_owner(interview, team_id, user_id):
        return AnswerStatus.NOT_OWNER
    if interview.status is not InterviewStatus.ACTIVE:
        return AnswerStatus.NO_OPEN_PROMPT
    return nudge


def _sent_prompts(channel_id: str) -> Select[tuple[Nudge]]:
    """The reflection prompts sent in `channel_id` whose interview is still open."""
    return (
        select(Nudge)
        .join(Interview, Nudge.interview_id == Interview.id)
        .where(
            Nudge.status == NudgeStatus.SENT,
            Nudge.channel_id == channel_id,
            Nudge.kind == NudgeKind.REFLECTION,
            Interview.status == InterviewStatus.ACTIVE,
        )
    )


def _thread_prompt(
    session: Session, channel_id: str, thread_ts: str
) -> Nudge | tuple[PromptChoice, ...] | None:
    """In a prompt's thread: that prompt (anyone's, so a stranger is refused); see
    rules.answer_routing.route_thread."""
    prompts = {
        p.id: p
        for p in session.scalars(
            _sent_prompts(channel_id).where(Nudge.message_ts == thread_ts).order_by(Nudge.id)
        )
    }
    return _applied(session, route_thread(list(prompts)), prompts)


def _top_level_prompt(
    session: Session, person: SlackUser, channel_id: str, *, explicit: bool
) -> Nudge | tuple[PromptChoice, ...] | None:
    """The prompt a top-level DM answers, the prompts to ask about, or None; see
    rules.answer_routing.route_top_level."""
    latest_first = (Nudge.sent_at.desc(), Nudge.id.desc())
    mine = Interview.owner_id == person.id
    prompts = {
        p.id: p
        for p in session.scalars(_sent_prompts(channel_id).where(mine).order_by(*latest_first))
    }
    latest_sent = session.scalars(
        select(Nudge.id)
        .join(Interview, Nudge.interview_id == Interview.id)
        .where(Nudge.status == NudgeStatus.SENT, Nudge.channel_id == channel_id, mine)
        .order_by(*latest_first)
    ).first()
    # How many answers each has, in one statement however many prompts are open.
    counted = session.execute(
        select(Reflection.interview_id, func.count())
        .where(Reflection.interview_id.in_({p.interview_id for p in prompts.values()}))
        .group_by(Reflection.interview_id)
    )
    answered: dict[int, int] = {interview_id: count for interview_id, count in counted}
    open_prompts = [
        OpenPrompt(p.id, len(QUESTIONS) - answered.get(p.interview_id, 0)) for p in prompts.values()
    ]
    route = route_top_level(open_prompts, latest_sent=latest_sent, numbered=explicit)
    return _applied(session, route, prompts)


def _applied(
    session: Session, route: Route, prompts: Mapping[int, Nudge]
) -> Nudge | tuple[PromptChoice, ...] | None:
    """The routing decision on rows: the prompt to store under, or the choices to ask with."""
    if route is None:
        return None
    if not isinstance(route, Ask):
        return prompts[route]
    choices: list[PromptChoice] = []
    for nudge_id in route.nudge_ids:
        interview = session.get_one(Interview, prompts[nudge_id].interview_id)
        choices.append(PromptChoice(nudge_id, summary_of(interview, interview.owner)))
    return tuple(choices)


def _answers(session: Session, interview_id: int) -> dict[ReflectionQuestion, str]:
    rows = session.scalars(select(Reflection).where(Reflection.interview_id == interview_id))
    return {ReflectionQuestion(r.question_key): r.answer for r in rows}


def _check(answer: str) -> AnswerStatus | None:
    if not answer:
        return AnswerStatus.EMPTY
    if len(answer) > ANSWER_MAX:
        return AnswerStatus.TOO_LONG
    return None


def _store(
    session: Session,
    interview: Interview,
    question: ReflectionQuestion,
    answer: str,
    now: datetime,
    message_ts: str | None,
) -> AnswerStatus:
    """Store one answer. `message_ts` is the DM that gave it (None: the modal), so an edit of
    that message, and only of that one, edits the answer."""
    lock_interview(session, interview.id)  # PostgreSQL: one writer per interview at a time
    existing = session.scalars(
        select(Reflection).where(
            Reflection.interview_id == interview.id, Reflection.question_key == question.value
        )
    ).one_or_none()
    if existing is None:
        session.add(
            Reflection(
                interview_id=interview.id,
                question_key=question.value,
                answer=answer,
                message_ts=message_ts,
                answered_at=now,
                updated_at=now,
            )
        )
        session.flush()
        return AnswerStatus.SAVED
    if existing.answer == answer:
        if message_ts is not None:
            existing.message_ts = message_ts  # the latest message saying it now speaks for it
        return AnswerStatus.UNCHANGED
    existing.answer, existing.message_ts, existing.updated_at = answer, message_ts, now
    return AnswerStatus.REVISED


def _overall(statuses: list[AnswerStatus]) -> AnswerStatus:
    for status in (AnswerStatus.REVISED, AnswerStatus.SAVED):
        if status in statuses:
            return status
    return AnswerStatus.UNCHANGED
