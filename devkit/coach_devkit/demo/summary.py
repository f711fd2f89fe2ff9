"""The demo's closing tally: what was stored, sent and called, and whether anything was refused."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import Interview, Nudge
from coach_devkit.slack_standin import RESPONSE_URL, RecordedCall

SUMMARY_WIDTH = 100
_LABEL_COLUMN = "  Slack API calls:    "  # values line up after the labels


@dataclass(frozen=True)
class Summary:
    interviews: int
    api_calls: Counter[str]  # successful Web API calls by method
    refused: Counter[str]  # calls the stand-in refused, by error
    rejected: int  # the person's requests the bot did not answer with 200
    # The coach's outbox at the end, by status ("sent", "cancelled", "pending", ...).
    nudges: Counter[str] = field(default_factory=Counter)

    @classmethod
    def collect(cls, db: Database, calls: Iterable[RecordedCall], rejected: int) -> Summary:
        with db.transaction() as session:
            interviews = session.scalar(select(func.count()).select_from(Interview)) or 0
            nudges: Counter[str] = Counter(
                {
                    str(status): int(n)
                    for status, n in session.execute(
                        select(Nudge.status, func.count()).group_by(Nudge.status)
                    )
                }
            )
        api_calls: Counter[str] = Counter()
        refused: Counter[str] = Counter()
        for call in calls:
            if call.failed:
                refused[f"{call.method}: {call.error}"] += 1
            elif call.method != RESPONSE_URL:
                api_calls[call.method] += 1
        return cls(interviews, api_calls, refused, rejected, nudges)

    def problems(self) -> list[str]:
        """Why this run does not count as a clean one; empty when it does."""
        found = []
        if self.interviews < 1:
            found.append("no interview was stored")
        if self.rejected:
            found.append(f"the bot rejected {self.rejected} request(s)")
        if self.nudges["failed"]:
            # Dropped as too late, or refused: a DM the coach meant for her never came.
            found.append(f"{self.nudges['failed']} nudge(s) failed instead of being sent")
        if self.nudges["pending"] or self.nudges["claimed"]:
            found.append(
                f"{self.nudges['pending'] + self.nudges['claimed']} nudge(s) still planned "
                "after the interview closed"
            )
        if self.refused:
            found.append(
                f"Slack refused {sum(self.refused.values())} call(s): {_tally(self.refused)}"
            )
        return found

    def lines(self) -> list[str]:
        total = sum(self.api_calls.values())
        calls = f"  Slack API calls:    {total} ({_tally(self.api_calls)})"
        return [
            "Summary",
            f"  interviews stored:  {self.interviews}",
            f"  messages sent:      {self.api_calls['chat.postMessage']}",
            f"  coach's nudges:     {_tally(self.nudges)}",
            *textwrap.wrap(calls, SUMMARY_WIDTH, subsequent_indent=" " * len(_LABEL_COLUMN)),
            f"  requests rejected:  {self.rejected + sum(self.refused.values())} "
            f"(by the bot {self.rejected}, by Slack {sum(self.refused.values())})",
        ]


def _tally(counts: Counter[str]) -> str:
    return ", ".join(f"{name} ×{n}" for name, n in sorted(counts.items())) or "none"
