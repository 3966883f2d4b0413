"""A raw-socket HTTP server on 127.0.0.1 for what a well-behaved server library will not send.

A response here is bytes written to the socket as they are: a body longer than
its ``Content-Length`` (a smuggled second response), headers or a body dripped
a byte at a time. The server keeps a connection open for further requests
(HTTP/1.1 keep-alive) unless a route closes it, and logs each request with the
number of the connection it came on, and when the client hung up.
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Request:
    t: float
    path: str
    conn: int
    closed_at: float | None = None  # when a dripping route found the client gone


@dataclass
class RawServer:
    routes: dict
    sock: socket.socket
    log: list = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def paths(self) -> list[str]:
        return [r.path for r in self.log]

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def response(status: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra: str = "") -> bytes:
    """A complete HTTP/1.1 keep-alive response, as bytes."""
    reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}.get(status, "X")
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: keep-alive\r\n{extra}\r\n")
    return head.encode("latin-1") + body


def drip(data: bytes, every: float, server: RawServer):
    """``data`` one byte every ``every`` seconds (the server sends until the client hangs up, or it stops)."""
    for b in data:
        if server.stop.wait(every):
            return
        yield bytes([b])


def start(routes: dict) -> RawServer:
    """Serve ``routes``: path → bytes (sent as they are), or a callable ``(server, request) -> iterable of bytes``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = RawServer(routes, sock)
    counter = itertools.count()

    def serve(conn: socket.socket, n: int) -> None:
        conn.settimeout(30)
        buf = b""
        with conn:
            while not server.stop.is_set():
                while b"\r\n\r\n" not in buf:
                    try:
                        chunk = conn.recv(65536)
                    except OSError:
                        return
                    if not chunk:
                        return
                    buf += chunk
                head, buf = buf.split(b"\r\n\r\n", 1)
                path = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
                req = Request(time.monotonic(), path, n)
                server.log.append(req)
                route = server.routes.get(path, response(404, b"<html><body>404</body></html>"))
                parts = route(server, req) if callable(route) else [route]
                try:
                    for part in parts:
                        conn.sendall(part)
                except OSError:
                    req.closed_at = time.monotonic()
                    return

    def accept() -> None:
        while not server.stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn, next(counter)), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return server
