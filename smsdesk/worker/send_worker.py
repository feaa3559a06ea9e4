"""Sending a campaign from the window: a sending process of its own, watched from a thread.

The send engine runs in a child process (see :mod:`smsdesk.engine.send_process`), so however
hard it works the window's thread never waits for it; this worker starts it, turns the lines it
prints into signals, and passes on pause and cancel.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from smsdesk import paths

log = logging.getLogger("smsdesk.worker.send")


@dataclass(frozen=True)
class ProgressSnapshot:
    """What the progress panel shows."""

    done: int
    total: int
    accepted: int
    failed: int
    in_doubt: int
    skipped: int
    rate: float
    eta_seconds: float | None
    waiting_until: datetime | None

    @classmethod
    def of(cls, event: dict[str, Any]) -> ProgressSnapshot:
        until = event.get("waiting_until")
        return cls(
            int(event["done"]), int(event["total"]), int(event["accepted"]), int(event["failed"]),
            int(event["in_doubt"]), int(event["skipped"]), float(event["rate"]),
            None if event.get("eta") is None else float(event["eta"]),
            datetime.fromisoformat(until) if until else None,
        )


class SendWorker(QObject):
    """Sends one campaign through a sending process, then lets it wait for delivery reports.

    Signals: ``progress(snapshot)`` with a :class:`ProgressSnapshot`; ``sent(state, note)`` when
    sending stopped: ``state`` is ``sent`` (every message has an answer), ``paused``, ``waiting``
    or ``cancelled`` and ``note`` says why in words; ``reports_changed()`` whenever messages
    changed state in the journal; then exactly one of ``finished()`` (the process is done),
    ``failed(message)`` on a known failure or ``crashed(details)`` on a bug.
    """

    progress = Signal(object)
    sent = Signal(str, str)
    reports_changed = Signal()
    finished = Signal()
    failed = Signal(str)
    crashed = Signal(str)

    def __init__(
        self, campaign_id: int, account_name: str, report_wait: float = 60.0, database: Path | None = None
    ) -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.account_name = account_name
        self.report_wait = report_wait
        self.database = database or paths.database_path()
        self.cancel = threading.Event()
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()
        self._thread = QThread()
        self._thread.setObjectName("send-worker")
        self.moveToThread(self._thread)
        self._thread.started.connect(self.run)

    def start(self) -> None:
        self._thread.start()

    def _tell(self, command: str) -> None:
        with self._lock:
            process = self._process
            if process is None or process.stdin is None:
                return
            try:
                process.stdin.write(command + "\n")
                process.stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass  # it already ended

    def pause(self) -> None:
        """Stop after the requests in flight; what is queued stays queued for a resume."""
        self.cancel.set()
        self._tell("pause")

    def cancel_campaign(self) -> None:
        """Stop after the requests in flight and skip everything not yet sent."""
        self.cancel.set()
        self._tell("cancel")

    def stop(self) -> None:
        """Pause and wait until the sending process has recorded the answers of its requests."""
        self.pause()
        self._thread.quit()
        self._thread.wait()

    def _command(self) -> list[str]:
        from smsdesk.engine.send_process import sender_command

        command = sender_command(self.campaign_id, self.database)
        return [*command, "--report-wait", str(self.report_wait)]

    @Slot()
    def run(self) -> None:
        ended = False
        try:
            env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
            flags = 0
            if sys.platform == "win32":
                flags = subprocess.CREATE_NO_WINDOW | subprocess.BELOW_NORMAL_PRIORITY_CLASS  # type: ignore[attr-defined]
            process = subprocess.Popen(
                self._command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", env=env, creationflags=flags,
            )
            with self._lock:
                self._process = process
            if self.cancel.is_set():
                self._tell("pause")
            assert process.stdout is not None and process.stderr is not None
            for line in process.stdout:
                ended = self._event(line) or ended
            process.wait()
            errors = process.stderr.read().strip()
            if not ended:
                log.error("the sending process for campaign %s ended with %s: %s", self.campaign_id,
                          process.returncode, errors)
                message = self.tr(
                    "The sending process stopped unexpectedly (exit status %1). Messages it was sending "
                    "are in doubt; resume the campaign to send the rest."
                ).replace("%1", str(process.returncode))
                self.failed.emit(message + (f"\n{errors.splitlines()[-1]}" if errors else ""))
        except OSError as exc:
            log.exception("cannot start the sending process")
            self.failed.emit(self.tr("Cannot start sending: %1").replace("%1", str(exc)))
        finally:
            with self._lock:
                if self._process is not None and self._process.stdin is not None:
                    self._process.stdin.close()
                self._process = None
            self._thread.quit()

    def _event(self, line: str) -> bool:
        """Pass one line of the sending process on; True once it said it ended."""
        try:
            event = json.loads(line)
        except ValueError:
            log.warning("the sending process said: %s", line.rstrip())
            return False
        kind = event.get("event")
        if kind == "progress":
            self.progress.emit(ProgressSnapshot.of(event))
        elif kind == "sent":
            self.sent.emit(str(event.get("state", "")), str(event.get("note", "")))
        elif kind == "reports":
            self.reports_changed.emit()
        elif kind == "failed":
            self.failed.emit(str(event.get("message", "")))
            return True
        elif kind == "crashed":
            self.crashed.emit(str(event.get("details", "")))
            return True
        elif kind == "finished":
            self.finished.emit()
            return True
        return False
