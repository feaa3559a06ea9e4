"""A small HTTP/1.1 keep-alive server with a bounded pool of worker threads.

Each response leaves in a single ``write`` and the socket has ``TCP_NODELAY`` set: a server
that writes headers and body separately stalls every keep-alive request ~40 ms on Nagle's
algorithm meeting the client's delayed ACK, which would make every timing measured against the
emulator wrong.

The application decides per request: a :class:`Reply`, or one of two ways of not answering
(:class:`Drop`: close at once; :class:`Hold`: keep the client waiting, then close).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import socketserver
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

IDLE_TIMEOUT = 15.0
MAX_BODY = 16 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: Mapping[str, str]
    """Lowercase names."""
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json;charset=utf-8"
    headers: tuple[tuple[str, str], ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Drop:
    """Close the connection without a word, as a crashed front end would."""


@dataclass(frozen=True)
class Hold:
    """Say nothing for ``seconds`` (the client's read timeout fires), then close."""

    seconds: float


Outcome = Reply | Drop | Hold
Application = Callable[[Request], Outcome]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "smsdesk-emulator"
    timeout = IDLE_TIMEOUT
    server: BoundedHTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the emulator keeps its own request log."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    return None
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length else b""

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except ValueError:
            body = None
        if body is None:
            self.close_connection = True
            self._write(Reply(413, b'{"message":"request too large or malformed"}'))
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        outcome = self.server.application(Request(self.command, self.path, headers, body))
        if isinstance(outcome, Hold):
            self.server.stopping.wait(outcome.seconds)
        if isinstance(outcome, Drop | Hold):
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._write(outcome)

    def _write(self, reply: Reply) -> None:
        try:
            phrase = HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = "Unknown"
        lines = [
            f"HTTP/1.1 {reply.status} {phrase}",
            f"Server: {self.server_version}",
            f"Date: {formatdate(usegmt=True)}",
            f"Content-Type: {reply.content_type}",
            f"Content-Length: {len(reply.body)}",
            "Connection: close" if self.close_connection else "Connection: keep-alive",
        ]
        lines.extend(f"{name}: {value}" for name, value in reply.headers)
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + reply.body)


class BoundedHTTPServer(socketserver.TCPServer):
    """Connections are served by at most ``workers`` threads; the rest wait their turn.

    One thread accepts connections; :meth:`stop` wakes it through a socket pair, so stopping
    takes no polling interval.
    """

    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        application: Application,
        workers: int = 16,
        on_error: Callable[[str], None] | None = None,
    ):
        super().__init__(address, _Handler)
        self.application = application
        self._on_error = on_error or (lambda text: print(text, file=sys.stderr))
        self.stopping = threading.Event()
        self._pool = ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="sms-emulator-worker"
        )
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        self._wake_read, self._wake_write = socket.socketpair()
        self._acceptor: threading.Thread | None = None

    def start(self) -> None:
        self._acceptor = threading.Thread(
            target=self._accept_loop, name="sms-emulator-accept", daemon=True
        )
        self._acceptor.start()

    def _accept_loop(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_read, selectors.EVENT_READ)
            while not self.stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self._wake_read:
                        return
                    try:
                        request, client_address = self.get_request()
                    except OSError:
                        continue
                    self.process_request(request, client_address)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        try:
            self._pool.submit(self._work, request, client_address)
        except RuntimeError:
            self._forget(request)

    def _work(self, request: socket.socket, client_address: Any) -> None:
        try:
            if not self.stopping.is_set():
                self.finish_request(request, client_address)
        except OSError:
            pass
        except Exception:
            self._on_error(traceback.format_exc())
        finally:
            self._forget(request)

    def _forget(self, request: socket.socket) -> None:
        with self._open_lock:
            self._open.discard(request)
        self.shutdown_request(request)

    def stop(self) -> None:
        """Stop accepting, cut open connections, wait for every worker, release the port."""
        self.stopping.set()
        self._wake_write.send(b"x")
        if self._acceptor is not None:
            self._acceptor.join()
        with self._open_lock:
            live = list(self._open)
        for sock in live:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._open_lock:
            leftover = list(self._open)
            self._open.clear()
        for sock in leftover:
            sock.close()
        self.server_close()
        self._wake_read.close()
        self._wake_write.close()
