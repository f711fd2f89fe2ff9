"""Serving the WSGI app with waitress, a production server, in the foreground or a thread."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from waitress.server import create_server


class HttpServer:
    """A waitress server that a test or the demo can start on port 0 and stop again."""

    def __init__(
        self, wsgi_app: Callable[..., Any], host: str, port: int, threads: int = 8
    ) -> None:
        self._server = create_server(
            wsgi_app, host=host, port=port, threads=threads, ident="interview-coach"
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.effective_port)  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self) -> None:
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._safe_run, name="http-server", daemon=True)
        self._thread.start()
        return self

    def _safe_run(self) -> None:
        # stop() closes the socket under the loop, which may then raise.
        with contextlib.suppress(OSError):
            self._server.run()

    def stop(self) -> None:
        self._server.task_dispatcher.shutdown()
        self._server.close()
        # waitress's loop exits once its socket map is empty.
        for channel in list(self._server._map.values()):
            channel.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
