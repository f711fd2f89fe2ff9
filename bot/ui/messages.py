"""Direct messages and ephemeral answers the bot sends, as (fallback text, blocks)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.rules.domain import ANSWER_MAX, ReflectionQuestion
from bot.rules.kinds import KINDS
from bot.rules.labels import interview_label
from bot.rules.playbook import Playbook
from bot.rules.view_models import AnswerResult, AnswerStatus, InterviewSummary
from bot.rules.zones import known_zone
from bot.ui.text import day_label, escape_mrkdwn, local_time_fallback, slack_date, truncate

Message = tuple[str, list[dict[str, Any]]]


def plain_title(interview: InterviewSummary) -> str:
    """Company and role as typed, for plain_text fields, which Slack never parses."""
    return f"{interview.company} ({interview.role})" if interview.role else interview.company


def interview_title(interview: InterviewSummary) -> str:
    """Company and role, escaped for mrkdwn."""
    title = escape_mrkdwn(interview.company)
    if interview.role:
        title += f" ({escape_mrkdwn(interview.role)})"
    return title


def logged_title(interview: InterviewSummary) -> str:
    """ "Acme", or "Acme (round 2)" for a later round of its application (plain text)."""
    if interview.round_number > 1:
        return f"{interview.company} (round {interview.round_number})"
    return interview.company


def next_from_me(interview: InterviewSummary) -> str | None:
    """The coach's next message about the interview and when, if one is planned."""
    if interview.next_kind is None or interview.next_due is None:
        return None
    when = slack_date(interview.next_due, known_zone(interview.owner_tz))
    return f"{KINDS[interview.next_kind].label}, {when}"


def interview_facts(interview: InterviewSummary) -> str:
    tz = known_zone(interview.owner_tz)
    kind = interview.format.label
    if interview.traditional_org:
        kind += ", traditional organization"
    lines = [f"*When:* {slack_date(interview.happened_at, tz)}", f"*Format:* {kind}"]
    if interview.interviewers:
        lines.append(f"*Interviewer(s):* {escape_mrkdwn(interview.interviewers)}")
    if interview.hiring_manager:
        lines.append(f"*Hiring manager:* {escape_mrkdwn(interview.hiring_manager)}")
    if interview.employer_timeline:
        lines.append(f"*They said you'd hear back by:* {day_label(interview.employer_timeline)}")
    else:
        lines.append("*Timeline:* none given")
    if interview.direct_contact_ok:
        lines.append("*Direct follow-up with the hiring manager:* OK")
    if upcoming := next_from_me(interview):
        lines.append(f"*Next from me:* {upcoming}")
    return "\n".join(lines)


def logged_confirmation(
    interview: InterviewSummary,
    carried: Message | None = None,
    *,
    now: datetime | None = None,
    distance_coming: bool = True,
) -> Message:
    """The "Logged" DM. `carried`: the "get some distance" advice (its fallback and blocks)
    when it is due now, so both come as one DM instead of two within a minute. Given `now`,
    an interview that has not ended yet is told when the coach will be in touch.
    `distance_coming`: whether a "get some distance" DM will follow (it is not planned when
    logged too long after the interview, or when its end falls at night or in a pause); the
    DM promises one only then."""
    tz = known_zone(interview.owner_tz)
    fallback = (
        f"Logged your interview with {interview.company} "
        f"on {local_time_fallback(interview.happened_at, tz)}."
    )
    blocks = [
        HeaderBlock(text=PlainTextObject(text=truncate(f"Logged: {logged_title(interview)}", 150))),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{interview_title(interview)}\n{interview_facts(interview)}"
            )
        ),
    ]
    text, carried_blocks = escape_mrkdwn(fallback), []
    steps = confirmation_steps(
        carried=carried is not None,
        ahead=carried is None and now is not None and interview.happened_at > now,
        distance_coming=distance_coming,
        ends=slack_date(interview.ends_at, tz),
    )
    if carried is not None:
        text, carried_blocks = f"{escape_mrkdwn(fallback)} {carried[0]}", carried[1]
    return text, [
        *(block.to_dict() for block in blocks),
        *carried_blocks,
        ContextBlock(elements=[MarkdownTextObject(text=steps)]).to_dict(),
    ]


_LATER_STEPS = "two questions on how it went, the thank-you note, and well-paced follow-ups"


def confirmation_steps(*, carried: bool, ahead: bool, distance_coming: bool, ends: str) -> str:
    """What the "Logged" DM says comes next: "some distance first" only when that DM will
    come (or is carried in this one, which then says "after that")."""
    if carried:
        return f"After that, I'll message you here at each step: {_LATER_STEPS}."
    if ahead and distance_coming:
        return (
            f"I'll check in right after it ends, {ends}: some distance first, then "
            f"{_LATER_STEPS}. Good luck!"
        )
    if ahead:
        return f"I'll be in touch after it ends, {ends}: {_LATER_STEPS}. Good luck!"
    if distance_coming:
        return f"I'll message you here at each step: some distance first, then {_LATER_STEPS}."
    return f"I'll message you here at each step: {_LATER_STEPS}."


def interview_list(interviews: list[InterviewSummary]) -> str:
    if not interviews:
        return "No interviews in progress. Log one with `/interview logged [company]`."
    lines = [f"*Your interviews in progress ({len(interviews)}):*"]
    for interview in interviews[:20]:
        tz = known_zone(interview.owner_tz)
        line = (
            f"• {interview_title(interview)}: {interview.format.label.lower()}, "
            f"{slack_date(interview.happened_at, tz)}"
        )
        if upcoming := next_from_me(interview):
            line += f" · next from me: {upcoming}"
        lines.append(line)
    if len(interviews) > 20:
        lines.append(f"…and {len(interviews) - 20} more on the Home tab.")
    return "\n".join(lines)


DM_HELP = (
    "I'm your interview coach. Log an interview with `/interview logged [company]` and "
    "I'll help you with the thank-you note and well-paced follow-ups. When I ask how an "
    "interview went, reply to that message to answer. Your interviews in progress are on my "
    "*Home* tab, and `/interview help` lists everything I can do."
)

# -- a press on a nudge's controls -------------------------------------------------------------

NOT_YOURS = "Only the person who logged this interview can update it — this one isn't yours."
UNKNOWN_NUDGE = (
    "I can't find that reminder any more, so nothing changed. "
    "`/interview list` shows the interviews I'm coaching you on."
)
INVALID_CHOICE = "That choice doesn't apply to this reminder any more, so nothing changed."
PRESS_FAILED = "I couldn't record that just now. Please press it again in a minute."
PROMPT_CLOSED = "This interview is closed, so its reflection can't be changed any more."
PROMPT_GONE = "I can't find that reflection any more, so nothing was saved."
STALE_BUTTON = (
    "This button is from an older version of the coach, so nothing changed. "
    "`/interview list` shows the interviews I'm coaching you on."
)

# -- reflection answers ------------------------------------------------------------------------

BOTH_ANSWERED = (
    "Both answered — thank you. You can revise any time: start a reply with `1:` or `2:`, "
    "or press *Answer*."
)
ANSWER_UNCHANGED = "That's the answer I already have, so nothing changed."
ANSWER_UNCHANGED_FOR = "That's the answer I already have for {where}, so nothing changed."
ALREADY_FILED = "That message is already saved for {where}, so nothing changed."
ANSWER_EMPTY = (
    "I didn't find an answer in that. Write it after the number, like `1: I explained my "
    "project well`."
)
ANSWER_TOO_LONG = (
    f"That's longer than {ANSWER_MAX} characters, so I didn't save it. "
    "Could you shorten it and send it again?"
)
ALREADY_ANSWERED = (
    "You've answered both questions. To change one, start your reply with `1:` or `2:`, "
    "or press *Answer*."
)
NOT_YOUR_PROMPT = "That reflection belongs to someone else's interview, so I left it alone."
ANSWER_SAVE_FAILED = "I couldn't save that just now. Please send it again in a minute."


def stored_for(interview: InterviewSummary) -> str:
    """The interview an answer was stored for, as a reply names it (escaped for mrkdwn)."""
    return escape_mrkdwn(interview_label(interview.company, interview.role, interview.round_number))


def answer_reply(result: AnswerResult, playbook: Playbook) -> str:
    """The coach's reply to a reflection answer, in the prompt's thread: naming the interview
    it was stored for, so an answer never lands somewhere unsaid."""

    def bold(question: ReflectionQuestion) -> str:
        return f"*{playbook.questions.reflection(question)}*"

    following = f" Next: {bold(result.next_question)}" if result.next_question else ""
    where = stored_for(result.interview) if result.interview is not None else None
    match result.status:
        case AnswerStatus.SAVED:
            saved = f"Saved for {where}." if where else "Saved."
            return f"{saved}{following}" if following else f"{saved} {BOTH_ANSWERED}"
        case AnswerStatus.REVISED:
            revised = bold(result.question) if result.question else "the question"
            for_ = f" for {where}" if where else ""
            return f"Updated your answer to {revised}{for_}.{following}"
        case AnswerStatus.UNCHANGED:
            return ANSWER_UNCHANGED_FOR.format(where=where) if where else ANSWER_UNCHANGED
        case AnswerStatus.ALREADY_FILED:
            return ALREADY_FILED.format(where=where or "an interview")
        case AnswerStatus.EMPTY:
            return ANSWER_EMPTY
        case AnswerStatus.TOO_LONG:
            return ANSWER_TOO_LONG
        case AnswerStatus.NOT_OWNER:
            return NOT_YOUR_PROMPT
    return ALREADY_ANSWERED if result.interview is not None else DM_HELP


MODAL_FAILED = (
    "Sorry, I couldn't open the form just now (Slack said: {error}). Please run "
    "`/interview logged` again."
)

ANSWER_MODAL_FAILED = (
    "Sorry, I couldn't open the form just now (Slack said: {error}). Please press *Answer* "
    "again, or reply to my message instead."
)

SAVE_FAILED = "I couldn't save that just now. Please press Save again."

# -- drafts ------------------------------------------------------------------------------------

NOT_YOUR_DRAFTS = "These drafts belong to someone else's interview, so I can't show them to you."
NOT_YOUR_DRAFTS_SAVE = "These drafts belong to someone else's interview, so nothing was saved."
DRAFTS_GONE = "I can't find the message these drafts belong to any more, so nothing was saved."
DRAFT_MODAL_FAILED = (
    "Sorry, I couldn't open your drafts just now (Slack said: {error}). Please press *Draft* again."
)

STORE_UNAVAILABLE = "I can't reach my notes just now. Please try again in a minute."
