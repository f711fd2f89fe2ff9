"""One DM for a person's nudges due within the same hour (issue 10, item 4), over signed HTTP
and the real dispatcher: each interview in its own part with its own buttons, a press on one
part changes only that part, the look in the DM finds the grouped message for each of its
nudges, and past Slack's 50 blocks the rest wait for the next message, none lost."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from coach_devkit.slack_standin.web_api import APP_ID
from sqlalchemy import select

from bot.dispatch.dispatcher import Dispatcher
from bot.rules.domain import NudgeKind, NudgeStatus
from bot.slack.clients import DISPATCH
from bot.store.models import Nudge
from bot.ui.nudges import FOLLOW_UP_SENT
from bot.ui.nudges.grouped import HEAD_BLOCK, MAX_BLOCKS, MORE_BLOCK
from tests.coach_helpers import log
from tests.e2e.test_buttons import dispatch, log_interview, nudges
from tests.harness import DANA, RunningBot

POSTS = "chat.postMessage"


def follow_ups(running: RunningBot) -> list[Nudge]:
    return [n for n in nudges(running) if n.kind is NudgeKind.FOLLOW_UP]


def two_interviews_up_to_their_follow_ups(running: RunningBot) -> tuple[list[int], datetime]:
    """Two interviews logged over HTTP, everything before their follow-ups delivered; the
    follow-ups' ids and when they are due (the same hour for both)."""
    log_interview(running, company="Acme Corp")
    log_interview(running, company="Globex")
    planned = follow_ups(running)
    assert len(planned) == 2
    due = max(n.due_at for n in planned)
    assert due - min(n.due_at for n in planned) < timedelta(hours=1)
    # Deliver what comes before, each at its own time, as the job would.
    while True:
        earlier = [
            n.due_at for n in nudges(running) if n.status is NudgeStatus.PENDING and n.due_at < due
        ]
        if not earlier:
            break
        dispatch(running, min(earlier))
    return [n.id for n in planned], due


def dispatch_as_the_job(running: RunningBot, at: datetime) -> None:
    """Deliver what is due at `at` with the job's own client: no retries inside it, so a
    5xx is the dispatcher's to handle."""
    running.clock.set(at)
    services = running.bot.services
    clients = services.clients.with_profile(DISPATCH)
    dispatcher = Dispatcher(running.db, running.clock, clients, services.playbook, "job-worker")
    while dispatcher.run_once().claimed:
        running.clock.advance(timedelta(seconds=2))


def named(call_or_message: dict[str, Any]) -> list[int]:
    payload = (call_or_message.get("metadata") or {}).get("event_payload") or {}
    return list(payload.get("nudge_ids") or ([payload["nudge_id"]] if payload else []))


def part(message: dict[str, Any], nudge_id: int) -> list[dict[str, Any]]:
    """The blocks of one nudge's part in a grouped DM: from its divider to the next one."""
    blocks = message["blocks"]
    start = next(i for i, b in enumerate(blocks) if b.get("block_id") == f"grp:{nudge_id}")
    end = next(
        (
            i
            for i in range(start + 1, len(blocks))
            if blocks[i]["type"] == "divider" or blocks[i].get("block_id") == MORE_BLOCK
        ),
        len(blocks),
    )
    return blocks[start:end]


def press_in_part(
    running: RunningBot, channel: str, message: dict[str, Any], nudge_id: int, action_id: str
) -> None:
    [block] = [b for b in message["blocks"] if b.get("block_id") == f"nudge:{nudge_id}"]
    [button] = [e for e in block["elements"] if e.get("action_id") == action_id]
    action = {
        "action_id": action_id,
        "block_id": block["block_id"],
        "type": "button",
        "text": button["text"],
        "value": button["value"],
    }
    container = {"type": "message", "message_ts": message["ts"], "channel_id": channel}
    reply = running.slack.block_action(action, container=container, message=message)
    running.idle()
    assert reply.status == 200, reply


def test_two_follow_ups_due_in_the_same_hour_are_one_dm_and_a_press_changes_only_its_part(
    running: RunningBot,
) -> None:
    ids, due = two_interviews_up_to_their_follow_ups(running)
    posts_before = len(running.standin.calls_to(POSTS))

    dispatch(running, due)

    new_posts = running.standin.calls_to(POSTS)[posts_before:]
    assert len(new_posts) == 1  # one DM, not two
    [post] = new_posts
    assert sorted(named(post.params)) == sorted(ids)
    channel, ts = str(post.response["channel"]), str(post.response["ts"])
    [message] = [m for m in running.standin.messages(channel) if m["ts"] == ts]
    assert message["blocks"][0]["block_id"] == HEAD_BLOCK
    assert len(message["blocks"]) <= MAX_BLOCKS
    texts = [str(b) for b in part(message, ids[0])], [str(b) for b in part(message, ids[1])]
    assert any("Acme Corp" in t for t in texts[0]) and not any("Globex" in t for t in texts[0])
    assert any("Globex" in t for t in texts[1]) and not any("Acme Corp" in t for t in texts[1])
    sent = {n.id: n for n in follow_ups(running)}
    assert {sent[i].status for i in ids} == {NudgeStatus.SENT}
    assert {(sent[i].channel_id, sent[i].message_ts) for i in ids} == {(channel, ts)}

    # "Sent" pressed in Globex's part: only that part changes.
    pressed, other = ids[1], ids[0]
    before = {i: part(message, i) for i in ids}
    press_in_part(running, channel, message, pressed, FOLLOW_UP_SENT)

    [update] = running.standin.calls_to("chat.update")
    assert update.params["ts"] == ts
    [after] = [m for m in running.standin.messages(channel) if m["ts"] == ts]
    assert part(after, other) == before[other]  # the other interview's part, as it was
    assert part(after, pressed) != before[pressed]
    assert FOLLOW_UP_SENT not in str(part(after, pressed))  # recorded: the button is gone
    assert FOLLOW_UP_SENT in str(part(after, other))  # still offered on the other part
    assert after["blocks"][0] == message["blocks"][0]


def test_the_look_in_the_dm_finds_the_grouped_message_for_each_of_its_nudges(
    running: RunningBot,
) -> None:
    ids, due = two_interviews_up_to_their_follow_ups(running)
    posts_before = len(running.standin.calls_to(POSTS, include_failed=True))
    # Slack takes the post but answers 500: it may have gone out, so it is looked for.
    running.standin.fail_next(POSTS, "internal_error", status=500, after_effect=True)

    dispatch_as_the_job(running, due)
    waiting = {n.id: n for n in follow_ups(running)}
    assert {waiting[i].status for i in ids} == {NudgeStatus.PENDING}
    assert all(waiting[i].post_started_at is not None for i in ids)
    for retry_at in sorted(n.due_at for n in waiting.values()):
        dispatch_as_the_job(running, max(retry_at, running.clock.now()))

    sent = {n.id: n for n in follow_ups(running)}
    assert {sent[i].status for i in ids} == {NudgeStatus.SENT}
    channel = str(sent[ids[0]].channel_id)
    grouped = [m for m in running.standin.messages(channel) if set(ids) & set(named(m))]
    assert len(grouped) == 1  # found for both, not posted again
    assert {sent[i].message_ts for i in ids} == {grouped[0]["ts"]}
    assert running.standin.calls_to("conversations.history")
    assert len(running.standin.calls_to(POSTS, include_failed=True)) == posts_before + 1


def test_past_fifty_blocks_the_rest_wait_for_the_next_message_and_none_is_lost(
    running: RunningBot,
) -> None:
    now = running.clock.now()
    interviews = {
        log(running.db, now, view_id=f"V{index}", company=f"Firm {index}").interview.id
        for index in range(20)
    }
    ids = {
        n.id
        for n in nudges(running)
        if n.kind is NudgeKind.DISTANCE and n.interview_id in interviews
    }
    assert len(ids) == 20

    dispatch(running, now)

    with running.db.transaction() as session:
        rows = list(session.scalars(select(Nudge).where(Nudge.id.in_(ids))))
        assert {r.status for r in rows} == {NudgeStatus.SENT}  # none lost
    posts = [c for c in running.standin.calls_to(POSTS) if set(named(c.params)) & ids]
    assert len(posts) >= 2
    assert all(len(p.params["blocks"]) <= MAX_BLOCKS for p in posts)
    # Every message but the last says more is coming; the last does not.
    assert all(p.params["blocks"][-1].get("block_id") == MORE_BLOCK for p in posts[:-1])
    assert posts[-1].params["blocks"][-1].get("block_id") != MORE_BLOCK
    # That line links to the app's Home tab in the person's workspace (bots.info named the app).
    team = DANA.team_id
    home = f"<slack://app?team={team}&id={APP_ID}&tab=home|*Home* tab>"
    assert all(home in str(p.params["blocks"][-1]) for p in posts[:-1])
    assert len(running.standin.calls_to("bots.info")) == 1  # asked once, then kept
    shown = [n for p in posts for n in named(p.params)]
    assert sorted(shown) == sorted(ids)  # each exactly once


def test_a_rate_limit_on_the_grouped_dm_holds_back_every_part_without_an_attempt(
    running: RunningBot,
) -> None:
    ids, due = two_interviews_up_to_their_follow_ups(running)
    posts_before = len(running.standin.calls_to(POSTS))
    running.standin.fail_next(POSTS, retry_after=30)

    dispatch_as_the_job(running, due)
    held = {n.id: n for n in follow_ups(running)}
    assert {(held[i].status, held[i].attempts) for i in ids} == {(NudgeStatus.PENDING, 0)}
    assert {held[i].due_at for i in ids} == {due + timedelta(seconds=30)}

    dispatch_as_the_job(running, due + timedelta(seconds=30))
    [post] = running.standin.calls_to(POSTS)[posts_before:]
    assert sorted(named(post.params)) == sorted(ids)
    assert {n.status for n in follow_ups(running)} == {NudgeStatus.SENT}
