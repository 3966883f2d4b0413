"""The HTTP transport under the polite client: one connection per request, and a deadline for the whole response.

Two rules, each closing a way a hostile server can hurt a crawl:

- **One connection per request** (``Connection: close``, no keep-alive pool).
  A server that sends more bytes than its ``Content-Length`` (a second,
  smuggled response) cannot have them read as the answer to the next URL:
  the connection they sit on is closed once its response is read.
- **A deadline for the whole request.** ``--timeout`` bounds connecting and
  each read; a server that drips its headers or body a byte at a time would
  reset a per-read timer forever. A request gets a budget (ten times
  ``--timeout``) plus one second per :data:`CREDIT_BYTES` received, so a
  large file on a steady connection is never cut while a drip ends within
  about the budget. Every read and write here waits at most until the
  deadline, so a request ends by then, whatever the server does.

Built on httpx/httpcore: the deadline lives in a network backend whose
streams cap each socket wait at the time left.

Examples:
    >>> backend = DeadlineBackend()
    >>> backend.start(0.5)
    >>> 0 < backend.left() <= 0.5
    True
    >>> backend.received = 10 * CREDIT_BYTES  # ten seconds more for what arrived
    >>> 10 < backend.left() <= 10.5
    True
    >>> backend.stop()
    >>> backend.left() > 1e9
    True
"""

from __future__ import annotations

import math
import time

import httpcore
import httpx

CREDIT_BYTES = 16 * 1024  # a second more per 16 KiB received: a steady 16 KiB/s download is never cut


class DeadlineExceeded(httpcore.ReadTimeout):
    """The whole request took longer than its deadline (not a slow read: the sum of them)."""


class DeadlineBackend(httpcore.NetworkBackend):
    """A network backend whose streams never wait past ``deadline`` (``time.monotonic()`` seconds)."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()
        self.deadline = math.inf
        self.received = 0

    def start(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.received = 0

    def stop(self) -> None:
        self.deadline = math.inf

    def expired(self) -> bool:
        return self.deadline + self.received / CREDIT_BYTES <= time.monotonic()

    def left(self) -> float:
        """Seconds until the deadline; raises :class:`DeadlineExceeded` when none are left."""
        left = self.deadline + self.received / CREDIT_BYTES - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded("the whole response took longer than its deadline")
        return left

    def cap(self, timeout: float | None) -> float:
        left = self.left()
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        stream = self._inner.connect_tcp(host, port, self.cap(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # pragma: no cover - never used
        raise httpcore.ConnectError("unix sockets are not used by the collector")

    def sleep(self, seconds: float) -> None:
        time.sleep(min(seconds, self.left()))


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: DeadlineBackend) -> None:
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._stream.read(max_bytes, self._backend.cap(timeout))
        self._backend.received += len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        # A write waits for the socket buffer, one chunk at a time: cap each wait at the time left.
        view = memoryview(buffer)
        step = 64 * 1024
        for i in range(0, len(view), step):
            self._stream.write(bytes(view[i:i + step]), self._backend.cap(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, self._backend.cap(timeout)),
                               self._backend)

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


def make_client(user_agent: str, timeout: float, backend: DeadlineBackend) -> httpx.Client:
    """An httpx client that never reuses a connection and reads through ``backend``.

    ``trust_env=False``: no proxy or ``.netrc`` from the environment decides where requests go.
    """
    transport = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0), trust_env=False)
    # httpx builds its httpcore pool without a way to pass a network backend: swap in an equal pool that has one.
    transport._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                              max_keepalive_connections=0, network_backend=backend)
    return httpx.Client(headers={"User-Agent": user_agent, "Connection": "close"}, timeout=httpx.Timeout(timeout),
                        follow_redirects=False, trust_env=False, transport=transport)
