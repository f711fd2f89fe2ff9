"""A local Socket Mode endpoint: the WebSocket server behind ``apps.connections.open``.

``SlackStandIn`` hands out URLs pointing here. slack_sdk's builtin ``SocketModeClient`` (what
Bolt's ``SocketModeHandler`` runs) connects, gets Slack's ``hello``, and from then on receives
the envelopes a test pushes and sends back acks, exactly as it would with Slack. The server side
of RFC 6455 is written out with the standard library, only as much as that client uses: the
opening handshake, text messages, ping/pong and the closing handshake.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import http.client
import json
import secrets
import socket
import socketserver
import struct
import threading
import time
import uuid
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from coach_devkit.slack_standin.background import BackgroundServer

WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA
CLOSE_GOING_AWAY, CLOSE_PROTOCOL_ERROR, CLOSE_UNSUPPORTED = 1001, 1002, 1003
CLOSE_INVALID_DATA, CLOSE_TOO_BIG = 1007, 1009

APP_ID = "A0789IJKL"  # the api_app_id the payloads in slack_requests carry
ENVELOPE_TYPES = frozenset({"events_api", "interactive", "slash_commands"})
MAX_MESSAGE_BYTES = 1 << 20  # far above any envelope or ack; stops a runaway length field
HANDSHAKE_TIMEOUT = 5.0  # a socket that never finishes its handshake must not pin a thread
# Slack pings its clients too. Pinging often matters here: slack_sdk's builtin client's close()
# waits for its reader's blocking recv() (3 s timeout) to return, so traffic makes it quick.
PING_INTERVAL = 0.1
# Never empty: the builtin client reads more before parsing a frame of 2 bytes or fewer, and
# bytes it holds when that read times out are lost, desynchronising the stream.
PING_PAYLOAD = b"standin"


def accept_key(key: str) -> str:
    """The Sec-WebSocket-Accept answer to a client's Sec-WebSocket-Key (RFC 6455 §4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()).decode()


def encode_frame(opcode: int, payload: bytes = b"") -> bytes:
    """One final, unmasked frame: a server never masks what it sends (RFC 6455 §5.1)."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return header + payload


def _valid_key(key: str) -> bool:
    """A Sec-WebSocket-Key is 16 random bytes, base64-encoded (RFC 6455 §4.1)."""
    try:
        return len(base64.b64decode(key, validate=True)) == 16
    except ValueError:
        return False


class _Closed(Exception):
    """The peer went away; nothing more to read or say."""


class _ProtocolError(Exception):
    """The client broke RFC 6455; the connection ends with this close code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class _Connection:
    """One client's socket after the handshake: frames in, frames out."""

    def __init__(self, sock: socket.socket, rfile: BinaryIO) -> None:
        self._sock = sock
        self._rfile = rfile
        # push() and the reader thread (pongs, close replies) both write to the socket.
        self._send_lock = threading.Lock()

    def send(self, opcode: int, payload: bytes = b"") -> None:
        # One sendall per frame: the builtin client's parser copes badly with a frame split
        # across reads that happen to time out in between.
        with self._send_lock:
            self._sock.sendall(encode_frame(opcode, payload))

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(OP_TEXT, json.dumps(message).encode())

    def close(self, code: int, reason: str = "") -> None:
        """Say goodbye if the socket still works, then wake the reader with end-of-file."""
        with contextlib.suppress(OSError):
            self.send(OP_CLOSE, struct.pack("!H", code) + reason.encode()[:123])
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)

    def read_frame(self) -> tuple[bool, int, bytes]:
        """(fin, opcode, unmasked payload) of the next frame."""
        first, second = self._read(2)
        fin, opcode, masked, size = bool(first & 0x80), first & 0x0F, second & 0x80, second & 0x7F
        if first & 0x70:
            raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "no extension was negotiated")
        if size == 126:
            (size,) = struct.unpack("!H", self._read(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._read(8))
        if not masked:
            raise _ProtocolError(CLOSE_PROTOCOL_ERROR, "client frames must be masked")
        if size > MAX_MESSAGE_BYTES:
            raise _ProtocolError(CLOSE_TOO_BIG, "message too big")
        mask = self._read(4)
        data = self._read(size)
        return fin, opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def read_message(self) -> str | None:
        """The next text message, answering control frames on the way; None once closed."""
        fragments: list[bytes] = []
        while True:
            fin, opcode, data = self.read_frame()
            if opcode == OP_PING:
                self.send(OP_PONG, data)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                # Echo the status code: that completes the closing handshake (RFC 6455 §5.5.1).
                self.send(OP_CLOSE, data[:2])
                return None
            if opcode == OP_BINARY:
                raise _ProtocolError(CLOSE_UNSUPPORTED, "Socket Mode speaks text frames only")
            # A message is a text frame plus continuations until fin; nothing else may interleave.
            if opcode not in (OP_TEXT, OP_CONTINUATION) or (opcode == OP_CONTINUATION) != bool(
                fragments
            ):
                raise _ProtocolError(CLOSE_PROTOCOL_ERROR, f"unexpected opcode {opcode:#x}")
            fragments.append(data)
            if sum(map(len, fragments)) > MAX_MESSAGE_BYTES:
                raise _ProtocolError(CLOSE_TOO_BIG, "message too big")
            if fin:
                try:
                    return b"".join(fragments).decode()
                except UnicodeDecodeError:
                    raise _ProtocolError(CLOSE_INVALID_DATA, "text is not UTF-8") from None

    def _read(self, size: int) -> bytes:
        try:
            data = self._rfile.read(size)
        except OSError:
            raise _Closed from None
        if len(data) < size:
            raise _Closed
        return bytes(data)


class SocketModeStandIn(BackgroundServer):
    """Slack's Socket Mode WebSocket endpoint on a local port; see the module docstring."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        app_id: str = APP_ID,
        ping_interval: float = PING_INTERVAL,
    ) -> None:
        super().__init__(host, port)
        self.app_id = app_id
        self.ping_interval = ping_interval
        # One condition guards all state, so the waits wake exactly when something changes.
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[_Connection] = []
        self._pushed: dict[str, dict[str, Any]] = {}
        self._acks: dict[str, dict[str, Any]] = {}
        self._received: list[dict[str, Any]] = []

    # -- lifecycle -------------------------------------------------------------------------------

    def _create_server(self) -> _Server:
        return _Server((self.host, self.port), self)

    def _after_stop(self) -> None:
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            connection.close(CLOSE_GOING_AWAY, "stand-in stopping")

    def new_url(self) -> str:
        """A fresh connection URL, as ``apps.connections.open`` answers it."""
        port = self.bound_port
        ticket = secrets.token_hex(16)
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{port}/link/?ticket={ticket}"

    # -- playing Slack ---------------------------------------------------------------------------

    def push(
        self,
        envelope_type: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> str:
        """Send an envelope to the newest connection, as Slack does; return its envelope_id."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope_type must be one of {sorted(ENVELOPE_TYPES)}")
        if accepts_response_payload is None:
            # Slack lets commands and interactions answer in the ack; events only acknowledge.
            accepts_response_payload = envelope_type != "events_api"
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": retry_reason,
        }
        with self._cond:
            if not self._connections:
                raise RuntimeError("no Socket Mode client is connected")
            connection = self._connections[-1]
            self._pushed[envelope_id] = envelope
        connection.send_json(envelope)  # outside the lock: a slow socket must not block acks
        return envelope_id

    # -- inspection ------------------------------------------------------------------------------

    @property
    def connection_count(self) -> int:
        with self._cond:
            return len(self._connections)

    @property
    def received(self) -> list[dict[str, Any]]:
        """Every JSON message clients sent, acks included, in arrival order (a snapshot)."""
        with self._cond:
            return list(self._received)

    def wait_for_connections(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until exactly `count` clients are connected (0: until all have gone)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._connections) == count, timeout):
                raise AssertionError(
                    f"waited {timeout}s for {count} Socket Mode connection(s), "
                    f"have {len(self._connections)}"
                )

    def wait_for_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Block until the client acks this envelope; return the ack as sent."""
        with self._cond:
            if envelope_id not in self._pushed:
                raise KeyError(f"no envelope {envelope_id} was pushed")
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(
                    f"waited {timeout}s for the ack of {self._pushed[envelope_id]['type']} "
                    f"envelope {envelope_id}; received: {self._received}"
                )
            return self._acks[envelope_id]

    # -- connection threads ----------------------------------------------------------------------

    def _ping_all(self) -> None:
        with self._cond:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # a closing socket; its reader thread tidies up
                connection.send(OP_PING, PING_PAYLOAD)

    def _ticket_valid(self, ticket: str) -> bool:
        with self._cond:
            return ticket in self._tickets

    def _serve(self, connection: _Connection) -> None:
        """Greet a connected client, then record what it sends until it goes."""
        with self._cond:
            count = len(self._connections) + 1
        with contextlib.suppress(OSError):
            self._greet(connection, count)
        with self._cond:
            # Registered only after the hello, so no push can overtake it.
            self._connections.append(connection)
            self._cond.notify_all()
        try:
            while (text := connection.read_message()) is not None:
                self._record(text)
        except _ProtocolError as error:
            connection.close(error.code, error.reason)
        except (_Closed, OSError):
            pass  # the client hung up; the builtin client closes without a close frame
        finally:
            with self._cond:
                self._connections.remove(connection)
                self._cond.notify_all()

    def _greet(self, connection: _Connection, count: int) -> None:
        connection.send_json(
            {
                "type": "hello",
                "num_connections": count,
                "debug_info": {
                    "host": "applink-standin",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )

    def _record(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            raise _ProtocolError(CLOSE_INVALID_DATA, "Socket Mode messages are JSON") from None
        if not isinstance(message, dict):
            raise _ProtocolError(CLOSE_INVALID_DATA, "Socket Mode messages are JSON objects")
        with self._cond:
            self._received.append(message)
            envelope_id = message.get("envelope_id")
            if isinstance(envelope_id, str):
                self._acks.setdefault(envelope_id, message)  # the first ack is the one Slack uses
            self._cond.notify_all()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True  # a stuck client must not keep the test process alive
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], standin: SocketModeStandIn) -> None:
        self.standin = standin
        self._last_ping = time.monotonic()
        super().__init__(address, _Handler)

    def service_actions(self) -> None:
        # serve_forever() calls this every poll, which makes it a timer without another thread.
        if time.monotonic() - self._last_ping >= self.standin.ping_interval:
            self._last_ping = time.monotonic()
            self.standin._ping_all()


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.connection.settimeout(HANDSHAKE_TIMEOUT)
        try:
            if not self._handshake():
                return
        except (OSError, ValueError, http.client.HTTPException):
            return  # not an HTTP request at all, or the client gave up
        # Connected clients may stay quiet for long stretches; the builtin client pings every
        # ping_interval seconds, but nothing obliges a client to.
        self.connection.settimeout(None)
        self.server.standin._serve(_Connection(self.connection, self.rfile))

    def _handshake(self) -> bool:
        """Answer the opening handshake; True if the connection is now a WebSocket."""
        method, target, _version = self.rfile.readline(8192).decode("latin-1").split(" ", 2)
        headers = http.client.parse_headers(self.rfile)
        url = urlsplit(target)
        ticket = parse_qs(url.query).get("ticket", [""])[-1]
        key = headers.get("Sec-WebSocket-Key", "").strip()
        if method != "GET" or url.path != "/link/":
            self._refuse(404, "Not Found")
        elif not self.server.standin._ticket_valid(ticket):
            self._refuse(401, "Unauthorized")  # only URLs from apps.connections.open work
        elif (
            headers.get("Upgrade", "").lower() != "websocket"
            or "upgrade" not in headers.get("Connection", "").lower()
            or not _valid_key(key)
        ):
            self._refuse(400, "Bad Request")
        elif headers.get("Sec-WebSocket-Version", "").strip() != "13":
            self._refuse(426, "Upgrade Required", "Sec-WebSocket-Version: 13\r\n")
        else:
            self.wfile.write(
                b"HTTP/1.1 101 Switching Protocols\r\n"
                b"Upgrade: websocket\r\n"
                b"Connection: Upgrade\r\n"
                b"Sec-WebSocket-Accept: " + accept_key(key).encode() + b"\r\n\r\n"
            )
            return True
        return False

    def _refuse(self, status: int, reason: str, extra_headers: str = "") -> None:
        self.wfile.write(
            f"HTTP/1.1 {status} {reason}\r\n{extra_headers}"
            "Content-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
