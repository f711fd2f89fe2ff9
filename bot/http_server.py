"""Serving the WSGI app with waitress, a production server, in the foreground or a thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from waitress import wasyncore
from waitress.server import create_server
from waitress.trigger import trigger as Trigger

logger = logging.getLogger(__name__)


# Slack's own requests stay well under this.
MAX_BODY_BYTES = 1_000_000


class HttpServer:
    """A waitress server that a test or the demo can start on port 0 and stop again.

    Binds in the constructor, so a port in use or a foreign HOST fails there, as OSError
    (ValueError from waitress for a host name that does not resolve).
    """

    def __init__(
        self, wsgi_app: Callable[..., Any], host: str, port: int, threads: int = 8
    ) -> None:
        self._server = create_server(
            wsgi_app,
            host=host,
            port=port,
            threads=threads,
            ident="interview-coach",
            # waitress answers 413 from the Content-Length alone, before reading the body.
            max_request_body_size=MAX_BODY_BYTES,
        )
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        # One listening socket gives a TcpWSGIServer; several (HOST=* on a dual-stack machine)
        # a MultiSocketServer, which lists them instead.
        listening = getattr(self._server, "effective_listen", None)
        port = listening[0][1] if listening else self._server.effective_port  # type: ignore[union-attr]
        return int(port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self) -> None:
        """Run the loop in this thread until Ctrl-C or SIGTERM; then call stop()."""
        self._server.run()

    def start(self) -> HttpServer:
        self._thread = threading.Thread(target=self._server.run, name="http-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every socket; quick whether or not the loop is running."""
        self._server.task_dispatcher.shutdown()
        thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            # Close from inside the loop, woken by waitress's own trigger. Closed from this
            # thread, the sockets could leave the loop asleep in select() until its 1 s timeout
            # (a race lost about one stop in four), or selecting on a closed file descriptor.
            try:
                self._trigger().pull_trigger(self._close_all)
            except (OSError, StopIteration):
                # The trigger is unusable: close from here; the loop sees it within its 1 s.
                logger.debug("waitress trigger unusable; closing sockets from this thread")
                self._close_all()
            thread.join(timeout=5)
        # Not running (serve_forever returned, or never started), or it died: close from here.
        self._close_all()

    def _socket_map(self) -> dict[int, Any]:
        # The loop ends once this map is empty. Both server kinds keep one, named differently.
        server = self._server
        return server._map if hasattr(server, "_map") else server.map  # type: ignore[union-attr]

    def _trigger(self) -> Trigger:
        return next(d for d in self._socket_map().values() if isinstance(d, Trigger))

    def _close_all(self) -> None:
        # Listening sockets, open connections and the trigger; a second call finds none left.
        # One socket that fails to close must not keep the others open, nor the loop running.
        wasyncore.close_all(self._socket_map(), ignore_all=True)
