"""A local HTTP endpoint standing in for a partner's CISE node in the tests (127.0.0.1 only)."""

from __future__ import annotations

import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CiseReceiver:
    """Accepts POSTed messages; answers each with the next status of ``script``, then ``default``.

    ``delivered`` holds (X-CISE-Message-ID, body) of every request answered 2xx, in order;
    ``attempts`` counts every request. Used as a context manager, it serves on a free port.
    """

    def __init__(self, script: tuple[int, ...] = (), default: int = 200) -> None:
        self.script = deque(script)
        self.default = default
        self.delivered: list[tuple[str, bytes]] = []
        self.attempts = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.attempts += 1
                    status = receiver.script.popleft() if receiver.script else receiver.default
                    if 200 <= status < 300:
                        receiver.delivered.append((self.headers.get("X-CISE-Message-ID", ""), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/cise/messages"

    def __enter__(self) -> CiseReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
