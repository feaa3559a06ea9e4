"""Table models that fetch rows on demand, so a million-row list or log opens instantly.

Each model keeps only the rows fetched so far; Qt asks for more (``canFetchMore`` /
``fetchMore``) as the user scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from smsdesk.core.provider_api import kind_label
from smsdesk.core.states import MessageState, state_label
from smsdesk.storage import Store
from smsdesk.storage.lists import Recipient
from smsdesk.storage.log import LogFilter, LogRow

PAGE = 500


def local_time(utc_stamp: str) -> str:
    """A journal timestamp (UTC, ISO 8601) as the owner's clock shows it."""
    try:
        moment = datetime.strptime(utc_stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return utc_stamp
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
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


_STATE_COLOURS = {
    MessageState.DELIVERED: QColor("#1b7f3b"),
    MessageState.FAILED: QColor("#b3261e"),
    MessageState.IN_DOUBT: QColor("#a15c00"),
    MessageState.SKIPPED: QColor("#6b6b6b"),
}


class LogModel(QAbstractTableModel):
    """The send log, newest first, filtered in SQL."""

    COLUMNS = ("time", "campaign", "account", "phone", "name", "state", "segments", "error", "text", "provider_id")

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._filter = LogFilter()
        self._rows: list[LogRow] = []
        self._total = 0

    def headers(self) -> Sequence[str]:
        return (
            self.tr("Time"), self.tr("Campaign"), self.tr("Account"), self.tr("Phone"), self.tr("Name"),
            self.tr("State"), self.tr("SMS"), self.tr("Error"), self.tr("Text"), self.tr("Provider id"),
        )

    def set_filter(self, f: LogFilter) -> None:
        self._filter = f
        self.reload()

    def reload(self) -> None:
        """Re-read from the database, keeping as many rows as were shown."""
        keep = max(PAGE, len(self._rows))
        self.beginResetModel()
        self._total = self._store.log.count(self._filter)
        self._rows = self._store.log.rows(self._filter, 0, keep)
        self.endResetModel()

    @property
    def total(self) -> int:
        return self._total

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        more = self._store.log.rows(self._filter, len(self._rows), PAGE)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def row(self, index: int) -> LogRow:
        return self._rows[index]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == "time":
                return local_time(r.created_at)
            if column == "state":
                return state_label(r.state)
            if column == "error":
                if not r.error_kind and not r.error_code:
                    return ""
                label = kind_label(r.error_kind) if r.error_kind else ""
                return f"{label} ({r.error_code})" if r.error_code else label
            return getattr(r, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            return _STATE_COLOURS.get(MessageState(r.state))
        if role == Qt.ItemDataRole.ToolTipRole and column in ("error", "text"):
            return r.error_message if column == "error" else r.text
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None
