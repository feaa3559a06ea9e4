"""The emulator as a server: keep-alive, one write per response, bounded threads, clean stop."""

from __future__ import annotations

import io
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from smsdesk.core.provider_api import OutgoingMessage, SendSpec
from smsdesk.emulator import Emulator, Fault, FaultKind, main
from smsdesk.providers.tencent import TencentProvider


def _raw_request(path: str = "/2010-04-01/Accounts/AC1.json") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n\r\n".encode()


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(
            line.split(b":")[1]
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def test_keep_alive_serves_several_requests_on_one_connection(emu: Emulator) -> None:
    with socket.create_connection(("127.0.0.1", emu.port)) as sock:
        for _ in range(3):
            sock.sendall(_raw_request())
            response = _read_response(sock)
            assert response.startswith(b"HTTP/1.1 401 ")
            assert b"Connection: keep-alive" in response
            assert b'"code":20003' in response


def test_keep_alive_requests_do_not_stall(emu: Emulator) -> None:
    """Headers and body in separate writes would cost ~40 ms a request (Nagle, delayed ACK)."""
    emu.load_demo()
    with httpx.Client(base_url=emu.url) as client:
        client.get("/2010-04-01/Accounts/AC1.json")
        started = time.monotonic()
        for _ in range(50):
            assert client.get("/2010-04-01/Accounts/AC1.json").status_code == 401
        elapsed = time.monotonic() - started
    assert elapsed < 1.0, f"50 keep-alive requests took {elapsed:.2f}s"


def test_each_response_leaves_in_one_write(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    from smsdesk.emulator import http_server

    writes: list[bytes] = []
    original = http_server._Handler._write

    def spy(self: http_server._Handler, reply: http_server.Reply) -> None:
        real = self.wfile
        self.wfile = _Recorder(real, writes)  # type: ignore[assignment]
        try:
            original(self, reply)
        finally:
            self.wfile = real

    monkeypatch.setattr(http_server._Handler, "_write", spy)
    with httpx.Client(base_url=emu.url) as client:
        response = client.get("/2010-04-01/Accounts/AC1.json")
    assert response.status_code == 401
    assert len(writes) == 1
    assert writes[0].endswith(response.content)


class _Recorder:
    """Stands in for the handler's ``wfile`` and keeps every write."""

    def __init__(self, inner: io.BufferedIOBase, writes: list[bytes]) -> None:
        self._inner = inner
        self._writes = writes

    def write(self, data: bytes) -> int:
        self._writes.append(bytes(data))
        return self._inner.write(data)


def test_worker_threads_are_bounded() -> None:
    with Emulator(workers=3) as emu:
        emu.inject(Fault(FaultKind.HOLD, hold=0.3), times=8)
        socks = [socket.create_connection(("127.0.0.1", emu.port)) for _ in range(8)]
        for sock in socks:
            sock.sendall(_raw_request())
        time.sleep(0.2)
        workers = [t for t in threading.enumerate() if t.name.startswith("sms-emulator-worker")]
        assert len(workers) <= 3
        for sock in socks:
            sock.close()


def test_stop_cuts_held_connections_and_frees_the_port() -> None:
    emu = Emulator().start()
    port = emu.port
    emu.inject(Fault(FaultKind.HOLD, hold=30.0), times=2)
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
    for sock in socks:
        sock.sendall(_raw_request())
    time.sleep(0.1)
    started = time.monotonic()
    emu.stop()
    assert time.monotonic() - started < 2.0
    for sock in socks:
        sock.settimeout(2.0)
        assert sock.recv(1024) == b""
        sock.close()
    assert not [t for t in threading.enumerate() if t.name.startswith("sms-emulator")]
    with socket.socket() as probe, pytest.raises(OSError):
        probe.connect(("127.0.0.1", port))


def test_concurrent_clients_are_all_recorded(emu: Emulator) -> None:
    demo = emu.load_demo()

    def send(worker: int) -> int:
        provider = TencentProvider(
            {
                "secret_id": demo.tencent_secret_id,
                "sdk_app_id": demo.tencent_app_id,
                "endpoint": emu.url,
            },
            {"secret_key": demo.tencent_secret_key},
        )
        accepted = 0
        for i in range(10):
            phone = f"+86138{worker:02d}{i:06d}"
            message = OutgoingMessage(worker * 100 + i, phone, "", {"c": str(i)})
            accepted += sum(
                o.accepted
                for o in provider.send(
                    [message], SendSpec("smsdesk", demo.tencent_template, ("c",))
                )
            )
        provider.close()
        return accepted

    with ThreadPoolExecutor(4) as pool:
        assert sum(pool.map(send, range(4))) == 40
    assert len(emu.accepted) == 40
    assert len({a.provider_id for a in emu.accepted}) == 40


def test_main_runs_until_stopped() -> None:
    stop = threading.Event()
    out = io.StringIO()
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(
            main(["--port", "0", "--report-delay", "0"], stop=stop, out=out)
        )
    )
    thread.start()
    deadline = time.monotonic() + 5
    while "listening on" not in out.getvalue() and time.monotonic() < deadline:
        time.sleep(0.01)
    text = out.getvalue()
    url = text.split("listening on ", 1)[1].split()[0]
    assert "access_key_secret=" in text and "auth_token=" in text
    with httpx.Client() as client:
        assert client.get(f"{url}/2010-04-01/Accounts/AC1.json").status_code == 401
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert result == [0]


def test_main_reports_a_busy_port(capsys: pytest.CaptureFixture[str]) -> None:
    with Emulator() as emu:
        assert main(["--port", str(emu.port)], stop=threading.Event()) == 1
    assert "Cannot listen" in capsys.readouterr().err
