"""The Home tab within Slack's limits: 30 open applications with every field at its maximum
length (and characters that grow when escaped) stay within 100 blocks a view, and the rest
are a "Show more" away. Prints the figures (run with -s to see them)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from slack_sdk.models.views import View

from bot.rules.applications import ApplicationProgress
from bot.rules.domain import (
    COMPANY_MAX,
    INTERVIEWERS_MAX,
    PERSON_MAX,
    ROLE_MAX,
    ContactKind,
    InterviewFormat,
    InterviewStatus,
    NudgeKind,
    Outcome,
)
from bot.rules.stage import PastApplication
from bot.rules.view_models import InterviewSummary
from bot.rules.zones import known_zone
from bot.ui.home import MAX_BLOCKS, PAGE_SIZE, PauseShown, home_view
from bot.ui.home_menu import APPLICATION_MENU, HOME_PAGE, SHOW_CLOSED
from bot.ui.outcomes import HOME_REOPEN

NOW = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
OPEN = 30
MAX_VIEW_BYTES = 250_000
# Escaping turns "&" into "&amp;": the longest text a field can become.
LONG = "&<>" * 100


def _text(limit: int, n: int) -> str:
    return f"{n:02d}{LONG}"[:limit]


def _round(app: int, number: int, rounds: int) -> InterviewSummary:
    latest = number == rounds
    return InterviewSummary(
        id=app * 10 + number,
        company=_text(COMPANY_MAX, app),
        role=_text(ROLE_MAX, app),
        format=InterviewFormat.IN_PERSON,
        traditional_org=True,
        happened_at=NOW - timedelta(days=30 - app, hours=number),
        interviewers=_text(INTERVIEWERS_MAX, app),
        hiring_manager=_text(PERSON_MAX, app),
        employer_timeline=date(2026, 12, 20),
        direct_contact_ok=True,
        status=InterviewStatus.ACTIVE if latest else InterviewStatus.CLOSED,
        owner_tz="America/Argentina/ComodRivadavia",
        outcome=None if latest else Outcome.NEXT_ROUND,
        closed_at=None if latest else NOW - timedelta(days=1),
        next_kind=NudgeKind.STILL_WAITING if latest else None,
        next_due=NOW + timedelta(days=3) if latest else None,
        application_id=app,
        round_number=number,
    )


def applications(count: int = OPEN, rounds: int = 6) -> list[ApplicationProgress]:
    return [
        ApplicationProgress(
            application_id=app,
            company=_text(COMPANY_MAX, app),
            role=_text(ROLE_MAX, app),
            rounds=tuple(_round(app, n, rounds) for n in range(1, rounds + 1)),
            latest_contacts=(ContactKind.THANK_YOU_CARD,) + (ContactKind.FOLLOW_UP,) * 5,
        )
        for app in range(1, count + 1)
    ]


def past(count: int = 100) -> list[PastApplication]:
    return [
        PastApplication(
            application_id=1000 + n,
            company=_text(COMPANY_MAX, n),
            role=_text(ROLE_MAX, n),
            outcome=Outcome.NO_REPLY,
            rounds=9,
            first_at=NOW - timedelta(days=90),
            closed_at=NOW - timedelta(hours=n),
            latest_interview_id=5000 + n,
            reopenable=n < 24,
            owner_tz="America/Argentina/ComodRivadavia",
        )
        for n in range(count)
    ]


def closed_today() -> list[InterviewSummary]:
    return [
        _round(900 + n, 1, 2)
        for n in range(10)  # closed as "next round", Reopen offered
    ]


def build(page: int = 0, show_closed: bool = False) -> dict:
    return home_view(
        applications(),
        now=NOW,
        pause=PauseShown(True, NOW + timedelta(days=9), known_zone("Europe/Paris")),
        notice=LONG * 10,
        closed=closed_today(),
        past=past(),
        show_closed=show_closed,
        page=page,
    )


def size(view: dict) -> int:
    """The view's JSON in bytes, as views.publish sends it."""
    return len(json.dumps(view, ensure_ascii=False).encode())


@pytest.mark.parametrize("show_closed", [False, True])
@pytest.mark.parametrize("page", [0, 1])
def test_thirty_open_applications_fit_every_page(page: int, show_closed: bool) -> None:
    view = build(page, show_closed)
    blocks = view["blocks"]
    print(
        f"\nHome, {OPEN} open applications at maximum length, page {page + 1}, closed "
        f"{'shown' if show_closed else 'collapsed'}: {len(blocks)} blocks, {size(view)} bytes"
    )
    assert len(blocks) <= MAX_BLOCKS
    # Slack documents no byte limit for a view's JSON (only 100 blocks and each field's
    # length); 250 kB is the bound we hold it to, with a margin.
    assert size(view) < MAX_VIEW_BYTES
    View(**view).validate_json()  # slack_sdk's own checks: 100 blocks, text lengths
    for block in blocks:
        for text in ((block.get("text") or {}).get("text", ""),):
            assert len(text) <= 3000
    menus = [b for b in blocks if b.get("accessory", {}).get("action_id") == APPLICATION_MENU]
    assert len(menus) == (PAGE_SIZE if page == 0 else OPEN - PAGE_SIZE)
    ids = json.dumps(view)
    assert (f'"action_id": "{HOME_PAGE}"' in ids) == (page == 0)  # "Show more" on page 1 only
    assert SHOW_CLOSED in ids
    reopens = [b for b in blocks if b.get("accessory", {}).get("action_id") == HOME_REOPEN]
    assert len(reopens) == (24 if show_closed else 5)


def test_every_application_is_on_some_page() -> None:
    seen: set[str] = set()
    for page in (0, 1):
        for block in build(page)["blocks"]:
            accessory = block.get("accessory") or {}
            if accessory.get("action_id") == APPLICATION_MENU:
                seen.add(accessory["options"][0]["value"].split(":")[1])
    assert seen == {str(app) for app in range(1, OPEN + 1)}


def test_a_stale_page_shows_the_last_one() -> None:
    view = home_view(applications(3), now=NOW, page=7)
    menus = [
        b for b in view["blocks"] if b.get("accessory", {}).get("action_id") == APPLICATION_MENU
    ]
    assert len(menus) == 3
