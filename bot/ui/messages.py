"""Direct messages and ephemeral answers the bot sends, as (fallback text, blocks)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.coach.interviews import InterviewSummary
from bot.ui.text import day_label, escape_mrkdwn, local_time_fallback, slack_date, truncate
from bot.zones import known_zone

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
    return "\n".join(lines)


def logged_confirmation(interview: InterviewSummary) -> Message:
    tz = known_zone(interview.owner_tz)
    fallback = (
        f"Logged your interview with {interview.company} "
        f"on {local_time_fallback(interview.happened_at, tz)}."
    )
    blocks = [
        HeaderBlock(text=PlainTextObject(text=truncate(f"Logged: {interview.company}", 150))),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"{interview_title(interview)}\n{interview_facts(interview)}"
            )
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Next: get some distance. Leave the building, walk a few blocks, "
                    "and only then go over how it went."
                )
            ]
        ),
    ]
    return escape_mrkdwn(fallback), [block.to_dict() for block in blocks]


def interview_list(interviews: list[InterviewSummary]) -> str:
    if not interviews:
        return "No interviews in progress. Log one with `/interview logged [company]`."
    lines = [f"*Your interviews in progress ({len(interviews)}):*"]
    for interview in interviews[:20]:
        tz = known_zone(interview.owner_tz)
        lines.append(
            f"• {interview_title(interview)}: {interview.format.label.lower()}, "
            f"{slack_date(interview.happened_at, tz)}"
        )
    if len(interviews) > 20:
        lines.append(f"…and {len(interviews) - 20} more on the Home tab.")
    return "\n".join(lines)


DM_HELP = (
    "I'm your interview coach. Log an interview with `/interview logged [company]` and "
    "I'll help you with the thank-you note and well-paced follow-ups. "
    "`/interview help` lists everything I can do."
)

MODAL_FAILED = (
    "Sorry, I couldn't open the form just now (Slack said: {error}). Please run "
    "`/interview logged` again."
)

SAVE_FAILED = "I couldn't save that just now. Please press Save again."

STORE_UNAVAILABLE = "I can't reach my notes just now. Please try again in a minute."
