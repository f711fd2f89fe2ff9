"""A Slack stand-in for measuring throughput: `auth.test` and `chat.postMessage`, nothing else.

`SlackStandIn` answers every method the bot calls, checks each call's token and arguments and
keeps every call for a test to read, on a thread per connection: about 0.7 ms of CPU a post.
In a scale-out bench on two cores that is Slack's work done on the bot's machine, and three
of them took a third of the CPU the dispatchers were being measured on. This one does the
least Slack must be seen to do (answer a post with its channel and a new `ts`, each after
`latency` seconds; say who the token is), on one asyncio loop, and keeps only what the bench
counts: the nudge ids in each post's metadata, so duplicates and losses can be told.

Not for tests of behaviour: it checks only the token, knows no other method (it answers
`unknown_method`, as Slack does), and answers a request it cannot read (no Content-Length, a
body that is not a post's JSON) with 400 and `invalid_arguments`, closing the connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

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


_INVALID = b'{"ok":false,"error":"invalid_arguments"}'


class _Malformed(Exception):
    """A request this stand-in cannot read: answered 400, and the connection closed."""


@dataclass
class LeanSlack:
    """The server's state: what was posted (nudge ids from the posts' metadata)."""

    latency: float = 0.0
    token: str = TOKEN
    posted: list[int] = field(default_factory=list)
    posts: int = 0
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Open connections, so a stop can close those a client keeps alive between requests.
    _open: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> tuple[asyncio.Server, str]:
        """Listen; the server and its API URL (what `WebClient(base_url=...)` takes)."""
        server = await asyncio.start_server(self._serve, host, port, backlog=1024)
        bound = server.sockets[0].getsockname()[1]
        return server, f"http://{host}:{bound}/api/"

    async def stop(self, server: asyncio.Server) -> None:
        """Stop listening and end every connection, idle or mid-request."""
        server.close()
        for task in list(self._open):
            task.cancel()
        await asyncio.gather(*self._open, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._open.add(task)
        try:
            while await self._answer_one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client went away between requests
        except _Malformed:
            with contextlib.suppress(ConnectionError):
                await self._reply(writer, b"400 Bad Request", _INVALID, keep=False)
        finally:
            self._open.discard(task)
            writer.close()

    async def _answer_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; whether the connection stays open for another."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.LimitOverrunError as exc:  # headers past the stream's 64 KiB
            raise _Malformed from exc
        request_line, _, header_block = head.partition(b"\r\n")
        target = request_line.split(b" ")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (h.partition(b":") for h in header_block.split(b"\r\n") if h)
        }
        if len(target) != 3 or b"transfer-encoding" in headers:
            raise _Malformed  # the client sends a Content-Length; nothing else is read here
        try:
            length = int(headers.get(b"content-length", b"0"))
        except ValueError as exc:
            raise _Malformed from exc
        body = await reader.readexactly(length) if length > 0 else b""
        path = target[1]
        if headers.get(b"authorization") != b"Bearer " + self.token.encode():
            answer = _INVALID_AUTH
        elif path.endswith(b"/chat.postMessage"):
            answer = await self._post(body)
        elif path.endswith(b"/auth.test"):
            answer = _AUTH
        else:
            answer = _UNKNOWN
        keep = headers.get(b"connection", b"").lower() != b"close"
        await self._reply(writer, b"200 OK", answer, keep=keep)
        return keep

    @staticmethod
    async def _reply(
        writer: asyncio.StreamWriter, status: bytes, answer: bytes, *, keep: bool
    ) -> None:
        writer.write(
            b"HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\n"
            b"Content-Length: %d\r\nConnection: %s\r\n\r\n%s"
            % (status, len(answer), b"keep-alive" if keep else b"close", answer)
        )
        await writer.drain()

    async def _post(self, body: bytes) -> bytes:
        """Slack's answer to a post (its JSON body, as slack_sdk sends chat.postMessage)."""
        try:
            params = json.loads(body)
            channel = str(params["channel"])
            payload = (params.get("metadata") or {}).get("event_payload") or {}
            # A grouped DM names all its nudges; a lone one, its own.
            ids = payload.get("nudge_ids") or (
                [payload["nudge_id"]] if "nudge_id" in payload else []
            )
            nudge_ids = [int(n) for n in ids]
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise _Malformed from exc
        if self.latency:
            await asyncio.sleep(self.latency)  # Slack's round trip and work
        self.posts += 1
        self.posted.extend(nudge_ids)
        ts = f"{1_700_000_000 + next(self._ts)}.000100"
        return json.dumps({"ok": True, "channel": channel, "ts": ts}).encode()


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
        # Connections are ended on the loop's own thread, then the loop is stopped.
        asyncio.run_coroutine_threadsafe(slack.stop(server), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
