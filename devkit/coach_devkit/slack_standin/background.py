"""A standard-library server run in a thread, started and stopped quickly and cleanly."""

from __future__ import annotations

import socketserver
import threading
from typing import Self


class BackgroundServer:
    """Owns one server thread: `start()`, `stop()`, or a `with` block.

    A subclass builds its server in `_create_server()` and may tidy up in `_after_stop()`.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._server: socketserver.TCPServer | None = None
        self._thread: threading.Thread | None = None

    def _create_server(self) -> socketserver.TCPServer:
        raise NotImplementedError

    def _after_stop(self) -> None:
        """Called once the server thread has ended."""

    @property
    def bound_port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running; call start() first")
        return int(self._server.server_address[1])

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        server = self._create_server()
        # A short poll interval keeps stop quick: shutdown() waits out one poll.
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name=f"{type(self).__name__}:{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._after_stop()

    def __enter__(self) -> Self:
        return self if self._server is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
