"""Table models that fetch rows on demand, so a million-row list or log opens instantly.

Each model keeps only what was fetched so far (the recipients model its rows, the log model
its message ids); Qt asks for more (``canFetchMore`` / ``fetchMore``) as the user scrolls.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from smsdesk.core.provider_api import describe_kind, kind_label
from smsdesk.core.stamps import local_time
from smsdesk.core.states import MessageState, state_label
from smsdesk.gui import theme
from smsdesk.storage import Store
from smsdesk.storage.backup import database_file
from smsdesk.storage.lists import Recipient
from smsdesk.storage.log import LogFilter, LogRow, SendLog
from smsdesk.worker.tasks import BackgroundTask

log = logging.getLogger("smsdesk.gui.models")

PAGE = 500


Index = QModelIndex | QPersistentModelIndex


class RecipientsModel(QAbstractTableModel):
    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._list_id: int | None = None
        self._columns: tuple[str, ...] = ()
        self._rows: list[Recipient] = []
        self._total = 0

    def set_list(self, list_id: int | None) -> None:
        self.beginResetModel()
        self._list_id = list_id
        self._rows = []
        if list_id is None:
            self._columns, self._total = (), 0
        else:
            saved = self._store.lists.get_by_id(list_id)
            self._columns, self._total = saved.columns, saved.size
            self._rows = self._store.lists.page(list_id, 0, PAGE)
        self.endResetModel()

    def headers(self) -> list[str]:
        return [self.tr("Row"), self.tr("Phone"), self.tr("Name"), *self._columns]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3 + len(self._columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._list_id is None:
            return
        more = self._store.lists.page(self._list_id, len(self._rows), PAGE)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self._rows[index.row()]
        col = index.column()
        if col == 0:
            return r.row_no
        if col == 1:
            return r.phone
        if col == 2:
            return r.name
        return r.fields.get(self._columns[col - 3], "")

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None

    def recipient(self, row: int) -> Recipient:
        return self._rows[row]


_STATE_TONES = {
    MessageState.DELIVERED: theme.GOOD,
    MessageState.FAILED: theme.PROBLEM,
    MessageState.IN_DOUBT: theme.WARNING,
    MessageState.SKIPPED: theme.MUTED,
}


def state_colour(state: MessageState) -> QColor | None:
    """The text colour of a message state in the log, for the current theme."""
    pair = _STATE_TONES.get(state)
    return theme.tone(*pair) if pair else None

ID_PAGE = 1000
"""Message ids fetched at a time as the view scrolls."""
ROW_BLOCK = 200
"""Rows read from the database at once when the view shows one that is not in memory."""
CACHE_LIMIT = 20_000
MESSAGE_ID_ROLE = Qt.ItemDataRole.UserRole


class LogModel(QAbstractTableModel):
    """The send log, newest first, filtered in SQL; holds only message ids.

    Like Anki's browser table, the model keeps the ids of the rows the view has reached and
    reads the rows themselves when they are shown, a block at a time. Filtering happens in the
    database (an in-memory filter proxy would have to hold every row). A search that must read
    every message (a word of the text, part of a number) runs off the GUI thread.

    Signals: ``loading_changed(bool)`` while such a search runs; ``total_changed()`` when the
    number of matching messages is known or has changed (``total`` is None while counting).
    """

    COLUMNS = (
        "time", "campaign", "phone", "name", "state", "error", "text", "segments", "error_code",
        "error_message", "final_at", "account", "provider_id",
    )

    loading_changed = Signal(bool)
    total_changed = Signal()

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._database = database_file(store.conn)
        self._filter = LogFilter()
        self._ids: list[int] = []
        self._more = False
        self._cache: dict[int, LogRow] = {}
        self._total: int | None = 0
        self._generation = 0
        self._loading = False
        self._tasks: list[BackgroundTask] = []

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Time"), self.tr("Campaign"), self.tr("Phone"), self.tr("Name"), self.tr("State"),
            self.tr("Error"), self.tr("Text"), self.tr("SMS"), self.tr("Code"), self.tr("Provider message"),
            self.tr("Outcome time"), self.tr("Account"), self.tr("Provider id"),
        )

    # -- what is shown -----------------------------------------------------------------------

    @property
    def filter(self) -> LogFilter:
        return self._filter

    @property
    def total(self) -> int | None:
        """Messages matching the filter; None while they are being counted."""
        return self._total

    @property
    def loading(self) -> bool:
        return self._loading

    def set_filter(self, f: LogFilter) -> None:
        self._filter = f
        self.reload()

    def reload(self) -> None:
        """Read the filtered log again from the start."""
        self._generation += 1
        for task in self._tasks:
            task.cancel.set()
        self._tasks.clear()
        f = self._filter
        if SendLog.count_is_quick(f):
            self._replace(self._store.log.ids(f, limit=ID_PAGE + 1))
            self._set_total(self._store.log.count(f))
            self._set_loading(False)
            return
        self._replace([])
        self._set_total(None)
        self._set_loading(True)
        generation = self._generation

        def find(log: SendLog) -> list[int]:
            return log.ids(f, limit=ID_PAGE + 1)

        def count(log: SendLog) -> int:
            return log.count(f)

        self._background(find, lambda ids: self._found(generation, ids))
        self._background(count, lambda n: self._counted(generation, n))

    def refresh(self) -> None:
        """Show what changed since the last read: new messages on top, new states everywhere."""
        if self._loading or self._tasks:
            return  # a read is on its way; it shows the latest anyway
        f = self._filter
        if f.state or f.error_kind or not SendLog.count_is_quick(f):
            # Messages move in and out of such a filter as their state changes.
            self.reload()
            return
        newest = self._ids[0] if self._ids else 0
        newer = self._store.log.newer_ids(f, newest, limit=ID_PAGE)
        if len(newer) >= ID_PAGE:
            self.reload()
            return
        if newer:
            self.beginInsertRows(QModelIndex(), 0, len(newer) - 1)
            self._ids[0:0] = newer
            self.endInsertRows()
            if self._total is not None:
                self._set_total(self._total + len(newer))
        self._cache.clear()
        if self._ids:
            last = self.index(len(self._ids) - 1, len(self.COLUMNS) - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def _replace(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._more = len(ids) > ID_PAGE
        self._ids = ids[:ID_PAGE]
        self._cache.clear()
        self.endResetModel()

    def _set_total(self, total: int | None) -> None:
        self._total = total
        self.total_changed.emit()

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    # -- background reads --------------------------------------------------------------------

    def _background(self, read: Callable[[SendLog], Any], done: Callable[[Any], None]) -> None:
        database = self._database

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> Any:
            with Store.open(database) as store:
                return read(store.log)

        task = BackgroundTask(job)
        task.signals.succeeded.connect(done)
        task.signals.failed.connect(self._read_failed)
        task.signals.crashed.connect(self._read_failed)
        self._tasks.append(task)
        task.signals.succeeded.connect(lambda _r, t=task: self._forget(t))
        task.signals.failed.connect(lambda _m, t=task: self._forget(t))
        task.signals.crashed.connect(lambda _m, t=task: self._forget(t))
        task.start()

    def _forget(self, task: BackgroundTask) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    def _found(self, generation: int, ids: list[int]) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        if not self._ids:
            self._replace(ids)
            return
        self._more = len(ids) > ID_PAGE
        more = ids[:ID_PAGE]
        if more:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(more) - 1)
            self._ids.extend(more)
            self.endInsertRows()

    def _counted(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self._set_total(total)

    def _read_failed(self, message: str) -> None:
        self._set_loading(False)
        log.error("reading the send log failed: %s", message)

    # -- Qt model ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more and not self._loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._loading:
            return
        f = self._filter
        before = self._ids[-1] if self._ids else None
        if not SendLog.count_is_quick(f):
            self._set_loading(True)
            generation = self._generation

            def more(log: SendLog) -> list[int]:
                return log.ids(f, before=before, limit=ID_PAGE + 1)

            self._background(more, lambda ids: self._found(generation, ids))
            return
        ids = self._store.log.ids(f, before=before, limit=ID_PAGE + 1)
        self._more = len(ids) > ID_PAGE
        ids = ids[:ID_PAGE]
        if ids:
            self.beginInsertRows(QModelIndex(), len(self._ids), len(self._ids) + len(ids) - 1)
            self._ids.extend(ids)
            self.endInsertRows()

    def message_id(self, row: int) -> int:
        return self._ids[row]

    def row(self, index: int) -> LogRow:
        message_id = self._ids[index]
        found = self._cache.get(message_id)
        if found is None:
            if len(self._cache) > CACHE_LIMIT:
                self._cache.clear()
            start = max(0, index - ROW_BLOCK // 4)
            wanted = [i for i in self._ids[start : start + ROW_BLOCK] if i not in self._cache]
            self._cache.update(self._store.log.rows_by_ids(wanted))
            found = self._cache.get(message_id)
            if found is None:
                # Gone since the ids were read (archived): shown empty until the next reload.
                found = LogRow(message_id, "", 0, "", "", "", "", "", 0, "", None, None, None, None, None)
                self._cache[message_id] = found
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        column = self.COLUMNS[index.column()]
        if role == MESSAGE_ID_ROLE:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole):
            return None
        r = self.row(index.row())
        if not r.state:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(r, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            return state_colour(MessageState(r.state))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == "segments":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "text":
                return r.text
            if column in ("error", "error_code", "error_message") and r.error_kind:
                return describe_kind(r.error_kind)
            if column == "error_message":
                return r.error_message
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            return headers[section] if 0 <= section < len(headers) else None
        return None


def _display(r: LogRow, column: str) -> Any:
    if column == "time":
        return local_time(r.created_at) if r.created_at else ""
    if column == "final_at":
        return local_time(r.final_at) if r.final_at else ""
    if column == "state":
        return state_label(r.state)
    if column == "error":
        return kind_label(r.error_kind) if r.error_kind else ""
    if column == "segments":
        return r.segments
    value = getattr(r, column)
    return "" if value is None else value
