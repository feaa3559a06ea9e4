"""Progress reports and cancelling, on a list long enough to report several times."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from smsdesk.errors import UserFacingError
from smsdesk.importers import ImportCancelled, import_file, limits, recipients


@pytest.fixture
def long_list(tmp_path: Path) -> Path:
    path = tmp_path / "long.csv"
    lines = ["手机,姓名"] + [f"1380000{index:04d},n{index}" for index in range(5000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_progress_reported(long_list: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipients, "REPORT_EVERY", 1000)
    calls: list[tuple[int, int]] = []
    result = import_file(long_list, progress=lambda done, total: calls.append((done, total)))
    assert len(result.recipients) == 5000
    assert len(calls) >= 5
    done = [call[0] for call in calls]
    assert done == sorted(done)
    assert all(d <= t for d, t in calls)
    assert calls[-1] == (5000, 5000)


def test_cancel_before_start(long_list: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ImportCancelled):
        import_file(long_list, cancel=cancel)


def test_cancel_while_running(long_list: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipients, "REPORT_EVERY", 500)
    cancel = threading.Event()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done >= 1000:
            cancel.set()

    with pytest.raises(ImportCancelled):
        import_file(long_list, progress=progress, cancel=cancel)
    assert max(seen) < 2000


def test_cancel_from_another_thread(long_list: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recipients, "REPORT_EVERY", 100)
    cancel = threading.Event()
    started = threading.Event()
    outcome: list[BaseException] = []

    def progress(done: int, total: int) -> None:
        started.set()
        cancel.wait(5)

    def run() -> None:
        try:
            import_file(long_list, progress=progress, cancel=cancel)
        except ImportCancelled as err:
            outcome.append(err)

    worker = threading.Thread(target=run)
    worker.start()
    assert started.wait(10)
    cancel.set()
    worker.join(10)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ImportCancelled)


def test_row_limit(long_list: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 4999)
    with pytest.raises(UserFacingError, match="more than 4,999 rows"):
        import_file(long_list)
    monkeypatch.setattr(limits, "MAX_ROWS", 5000)
    assert import_file(long_list).rows_read == 5000
