"""Running a standard-library server in a thread that stops quickly and cleanly."""

from __future__ import annotations

import socketserver
import threading


def serve_in_background(server: socketserver.BaseServer, name: str) -> threading.Thread:
    # A short poll interval keeps stop quick: shutdown() waits out one poll.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=name, daemon=True
    )
    thread.start()
    return thread


def stop_background(server: socketserver.BaseServer, thread: threading.Thread | None) -> None:
    server.shutdown()
    server.server_close()
    if thread is not None:
        thread.join(timeout=5)
