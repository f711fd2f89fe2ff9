"""A Slack stand-in for measuring throughput: `auth.test` and `chat.postMessage`, nothing else.

`SlackStandIn` answers every method the bot calls, checks each call's token and arguments and
keeps every call for a test to read, on a thread per connection: about 0.7 ms of CPU a post.
In a scale-out bench on two cores that is Slack's work done on the bot's machine, and three
of them took a third of the CPU the dispatchers were being measured on. This one does the
least Slack must be seen to do (answer a post with its channel and a new `ts`, each after
`latency` seconds; say who the token is), on one asyncio loop, and keeps only what the bench
counts: the nudge ids in each post's metadata, so duplicates and losses can be told.

Not for tests of behaviour: it checks nothing and knows no other method (it answers
`unknown_method`, as Slack does).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

TOKEN = "xoxb-lean"
TEAM_ID = "T0123ABCD"
BOT_USER_ID = "U0BOT5678"
_AUTH = json.dumps(
    {
        "ok": True,
        "url": "https://standin.slack.com/",
        "team": "Stand-in",
        "user": "coach",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": "B0LEAN",
        "is_enterprise_install": False,
    }
).encode()
_UNKNOWN = b'{"ok":false,"error":"unknown_method"}'
_INVALID_AUTH = b'{"ok":false,"error":"invalid_auth"}'


@dataclass
class LeanSlack:
    """The server's state: what was posted (nudge ids from the posts' metadata)."""

    latency: float = 0.0
    token: str = TOKEN
    posted: list[int] = field(default_factory=list)
    posts: int = 0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[asyncio.Server, str]:
        """Listen; the server and its API URL (what `WebClient(base_url=...)` takes)."""
        server = await asyncio.start_server(self._serve, host, port, backlog=1024)
        bound = server.sockets[0].getsockname()[1]
        return server, f"http://{host}:{bound}/api/"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await self._answer_one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away between requests
        finally:
            writer.close()

    async def _answer_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; whether the connection stays open for another."""
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, _, header_block = head.partition(b"\r\n")
        path = request_line.split(b" ")[1]
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (h.partition(b":") for h in header_block.split(b"\r\n") if h)
        }
        length = int(headers.get(b"content-length", b"0"))
        body = await reader.readexactly(length) if length else b""
        if headers.get(b"authorization") != b"Bearer " + self.token.encode():
            answer = _INVALID_AUTH
        elif path.endswith(b"/chat.postMessage"):
            answer = await self._post(json.loads(body))
        elif path.endswith(b"/auth.test"):
            answer = _AUTH
        else:
            answer = _UNKNOWN
        keep = headers.get(b"connection", b"").lower() != b"close"
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Content-Length: %d\r\nConnection: %s\r\n\r\n%s"
            % (len(answer), b"keep-alive" if keep else b"close", answer)
        )
        await writer.drain()
        return keep

    async def _post(self, params: dict[str, Any]) -> bytes:
        if self.latency:
            await asyncio.sleep(self.latency)  # Slack's round trip and work
        self.posts += 1
        payload = (params.get("metadata") or {}).get("event_payload") or {}
        # A grouped DM names all its nudges; a lone one, its own.
        if "nudge_ids" in payload:
            self.posted.extend(int(n) for n in payload["nudge_ids"])
        elif "nudge_id" in payload:
            self.posted.append(int(payload["nudge_id"]))
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        return json.dumps({"ok": True, "channel": params["channel"], "ts": ts}).encode()


@contextmanager
def lean_slack_running(latency: float = 0.0) -> Iterator[tuple[LeanSlack, str]]:
    """A `LeanSlack` serving on a thread of its own: it and its API URL, until the block ends."""
    slack = LeanSlack(latency=latency)
    loop = asyncio.new_event_loop()
    server, url = loop.run_until_complete(slack.start())
    thread = threading.Thread(target=loop.run_forever, name="lean-slack", daemon=True)
    thread.start()
    try:
        yield slack, url
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
