"""How the coach names an interview when it says where something went ("Saved for Acme —
Data analyst"). Pure: plain text in, plain text out (the UI escapes it for mrkdwn)."""

from __future__ import annotations


def interview_label(company: str, role: str | None = None, round_number: int | None = None) -> str:
    """The interview's name as a reply says it: the company, its round past the first
    ("Acme (round 2)"), then the role after a dash ("Acme — Data analyst").

    Blank parts are left out, and whitespace in each is collapsed, so the label is one line.
    """
    label = " ".join(company.split())
    if round_number is not None and round_number > 1:
        label += f" (round {round_number})"
    role_shown = " ".join((role or "").split())
    if role_shown:
        label += f" — {role_shown}"
    return label
