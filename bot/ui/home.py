"""The App Home tab: what the coach does and the person's interviews in progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.applications import ApplicationProgress
from bot.rules.domain import InterviewStatus
from bot.rules.stage import PastApplication, application_stage
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.ui.home_menu import (
    HOME_PAGE,
    SHOW_CLOSED,
    application_menu,
    application_title,
    page_value,
)
from bot.ui.messages import interview_facts
from bot.ui.nudges.recorded import OUTCOME_WORDS
from bot.ui.outcomes import HOME_REOPEN, closed_today_blocks
from bot.ui.text import escape_mrkdwn, slack_date, slack_day, truncate

OPEN_LOG_MODAL = "open_log_modal"
OPEN_SETTINGS = "open_settings"
PAUSE_UNTIL = "pause_until"
RESUME = "resume"
# The person's data (bot.listeners.my_data): a copy in their DM, or the delete confirmation.
EXPORT_MY_DATA = "export_my_data"
DELETE_MY_DATA = "delete_my_data"
# A Home view holds at most 100 blocks (slack_sdk's View checks it too). The budget: at most
# 7 at the top (title, advice, log button, pause, controls, notice, divider), the list's
# title, 2 per application (its header; its stage, rounds and menu), 2 for paging, and the
# Closed section: a divider, its title, Closed today (5) or the past ones shown (up to 25),
# "…and N older ones" and its button. 7 + 1 + 2*20 + 2 + (1 + 1 + 25 + 1 + 1) = 79.
MAX_BLOCKS = 100
PAGE_SIZE = 20
# Closed less than a day ago, with Reopen, while the Closed section is collapsed.
MAX_CLOSED_LISTED = 5
# Past applications listed once "Show closed" is pressed.
MAX_PAST_SHOWN = 25
SECTION_TEXT_MAX = 3000

ADVICE = (
    "*After an interview:*\n"
    "1. Get some distance: walk a few blocks, away from the building.\n"
    "2. Then analyze how you did, detail by detail.\n"
    "3. Send a thank-you note by the right channel.\n"
    "4. Pace your follow-ups: enthusiastic, never annoying."
)


@dataclass(frozen=True)
class PauseShown:
    """The person's pause as the Home tab shows it."""

    paused: bool
    until: datetime | None  # None: until they resume
    tz: ZoneInfo


def _rhythm_blocks(pause: PauseShown | None, notice: str | None) -> list[Any]:
    """ "Paused until Mon 4 Jan" with Resume, or a date picker to pause; and Settings."""
    blocks: list[Any] = []
    if pause is not None and pause.paused:
        when = "until you resume"
        if pause.until is not None:
            when = f"until {slack_day(pause.until, pause.tz)}"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*Paused {when}.* Nothing from me till then.")
            )
        )
        controls: list[Any] = [
            ButtonElement(text=PlainTextObject(text="Resume"), action_id=RESUME, style="primary")
        ]
    else:
        controls = [
            DatePickerElement(
                action_id=PAUSE_UNTIL, placeholder=PlainTextObject(text="Pause until…")
            )
        ]
    controls.append(ButtonElement(text=PlainTextObject(text="Settings"), action_id=OPEN_SETTINGS))
    controls.append(
        ButtonElement(text=PlainTextObject(text="Export my data"), action_id=EXPORT_MY_DATA)
    )
    controls.append(
        ButtonElement(text=PlainTextObject(text="Delete my data"), action_id=DELETE_MY_DATA)
    )
    blocks.append(ActionsBlock(elements=controls))
    if notice:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape_mrkdwn(notice))]))
    return blocks


def _round_line(interview: InterviewSummary) -> str:
    """An earlier round, in one line: "Round 1 · Phone screen · <date> · done"."""
    tz = known_zone(interview.owner_tz)
    state = "coached"
    if interview.status is InterviewStatus.CLOSED:
        state = OUTCOME_WORDS[interview.outcome] if interview.outcome else "closed"
        if state == "next round":
            state = "done"
    return (
        f"Round {interview.round_number} · {interview.format.label} · "
        f"{slack_date(interview.happened_at, tz)} · {state}"
    )


def application_text(application: ApplicationProgress, now: datetime) -> str:
    """The section under an application's header: its stage line, its earlier rounds, and the
    latest round's facts with what the coach sends next and when."""
    latest = application.rounds[-1]
    lines = [f"*{escape_mrkdwn(application_stage(application, now))}*"]
    lines.extend(_round_line(r) for r in application.rounds[:-1])
    if len(application.rounds) > 1:
        lines.append(f"*Round {latest.round_number}:*")
    lines.append(interview_facts(latest))
    if latest.status is InterviewStatus.CLOSED:
        lines.append(f"*Next:* log round {latest.round_number + 1} when its date is known.")
    return truncate("\n".join(lines), SECTION_TEXT_MAX)


def _application_blocks(application: ApplicationProgress, now: datetime) -> list[Any]:
    title = application_title(application.company, application.role)
    return [
        # A plain-text header: a `*` or `_` in a company name can't upset mrkdwn emphasis.
        HeaderBlock(text=PlainTextObject(text=truncate(title, 150))),
        SectionBlock(
            text=MarkdownTextObject(text=application_text(application, now)),
            accessory=application_menu(application),
        ),
    ]


def _past_text(past: PastApplication) -> str:
    tz = known_zone(past.owner_tz)
    outcome = OUTCOME_WORDS[past.outcome] if past.outcome else "closed"
    rounds = "1 round" if past.rounds == 1 else f"{past.rounds} rounds"
    when = f"from {slack_date(past.first_at, tz)}"
    if past.closed_at is not None:
        when += f", closed {slack_date(past.closed_at, tz)}"
    title = escape_mrkdwn(application_title(past.company, past.role))
    return truncate(f"*{title}*: {outcome} · {rounds} · {when}", SECTION_TEXT_MAX)


def _past_blocks(past: list[PastApplication]) -> list[Any]:
    blocks: list[Any] = []
    for application in past[:MAX_PAST_SHOWN]:
        accessory = None
        if application.reopenable:
            accessory = ButtonElement(
                text=PlainTextObject(text="Reopen"),
                action_id=HOME_REOPEN,
                value=str(application.latest_interview_id),
            )
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=_past_text(application)), accessory=accessory)
        )
    if len(past) > MAX_PAST_SHOWN:
        more = len(past) - MAX_PAST_SHOWN
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"…and {more} older ones.")]))
    return blocks


def _closed_section(
    closed: list[InterviewSummary], past: list[PastApplication], show_closed: bool, page: int
) -> list[Any]:
    """Collapsed: what closed today (Reopen) and "Show closed (N)"; expanded: every past
    application with its outcome and dates, Reopen where the close can still be undone."""
    if not past and not closed:
        return []
    blocks: list[Any] = [DividerBlock()]
    if show_closed:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*Closed ({len(past)})*")))
        blocks.extend(_past_blocks(past))
        label, value = "Hide closed", page_value(page, False)
    else:
        blocks.extend(closed_today_blocks(closed[:MAX_CLOSED_LISTED]))
        label, value = f"Show closed ({len(past)})", page_value(page, True)
    if past:
        blocks.append(
            ActionsBlock(
                block_id="closed",
                elements=[
                    ButtonElement(
                        text=PlainTextObject(text=label), action_id=SHOW_CLOSED, value=value
                    )
                ],
            )
        )
    return blocks


def _paging_blocks(total: int, page: int, show_closed: bool) -> list[Any]:
    if total <= PAGE_SIZE:
        return []
    first = page * PAGE_SIZE
    shown = f"Showing {first + 1}–{min(first + PAGE_SIZE, total)} of {total} applications."
    buttons: list[Any] = []
    if page > 0:
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text="Previous"),
                action_id=f"{HOME_PAGE}_back",
                value=page_value(page - 1, show_closed),
            )
        )
    if first + PAGE_SIZE < total:
        left = total - first - PAGE_SIZE
        buttons.append(
            ButtonElement(
                text=PlainTextObject(text=f"Show more ({left})"),
                action_id=HOME_PAGE,
                value=page_value(page + 1, show_closed),
            )
        )
    return [
        ContextBlock(elements=[MarkdownTextObject(text=shown)]),
        ActionsBlock(block_id="paging", elements=buttons),
    ]


def home_view(
    applications: list[ApplicationProgress],
    *,
    now: datetime,
    pause: PauseShown | None = None,
    notice: str | None = None,
    closed: list[InterviewSummary] | None = None,
    past: list[PastApplication] | None = None,
    show_closed: bool = False,
    page: int = 0,
) -> dict[str, Any]:
    """The Home tab: the advice, the log button, the person's pause and settings; their
    applications in progress, `PAGE_SIZE` a page (each with its stage, rounds, next message
    and menu); and the Closed section, collapsed (what closed less than a day ago, `closed`,
    with Reopen) or shown (`past`). `notice` answers a press (a pause date, a Reopen, …)."""
    blocks: list[Any] = [
        HeaderBlock(text=PlainTextObject(text="Interview Coach")),
        SectionBlock(text=MarkdownTextObject(text=ADVICE)),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=PlainTextObject(text="Log an interview"),
                    action_id=OPEN_LOG_MODAL,
                    style="primary",
                )
            ]
        ),
        *_rhythm_blocks(pause, notice),
        DividerBlock(),
    ]
    if not applications:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="_No interviews in progress yet._"))
        )
    else:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*Applications in progress ({len(applications)})*")
            )
        )
    last_page = max(0, (len(applications) - 1) // PAGE_SIZE)
    page = min(max(page, 0), last_page)  # a stale page button after some closed
    for application in applications[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        blocks.extend(_application_blocks(application, now))
    blocks.extend(_paging_blocks(len(applications), page, show_closed))
    blocks.extend(_closed_section(closed or [], past or [], show_closed, page))
    return View(type="home", blocks=blocks).to_dict()
