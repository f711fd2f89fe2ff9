"""Remembering which Slack events were handled, so a retried delivery is a no-op."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.store.db import Database
from bot.store.models import EventReceipt
from bot.store.upsert import insert_ignoring_conflicts

# Slack retries within minutes; a day's memory is ample and keeps the table small.
RECEIPT_TTL = timedelta(days=1)


def first_delivery(db: Database, event_id: str, now: datetime) -> bool:
    """True the first time an event id is seen, False for every redelivery."""
    with db.transaction() as session:
        return insert_ignoring_conflicts(
            session, EventReceipt, {"event_id": event_id, "received_at": now}, ["event_id"]
        )


def forget_old_receipts(db: Database, now: datetime) -> int:
    """Drop receipts older than Slack would retry; how many went."""
    with db.transaction() as session:
        result = session.execute(
            delete(EventReceipt).where(EventReceipt.received_at < now - RECEIPT_TTL)
        )
        return result.rowcount


def forget_receipt(db: Database, event_id: str) -> None:
    """Forget that an event was handled, after all: its handling failed, and Slack's retry
    should find it new."""
    with db.transaction() as session:
        session.execute(delete(EventReceipt).where(EventReceipt.event_id == event_id))
