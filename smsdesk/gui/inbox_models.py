"""Models for the inbox: customers who replied, and the opt-out list; both fetch on demand."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from smsdesk.core.stamps import local_time
from smsdesk.storage import Store
from smsdesk.storage.optouts import SOURCE_MANUAL, SOURCE_PROVIDER, SOURCE_REPLY, OptOutEntry
from smsdesk.storage.replies import Conversation

PAGE = 200
SNIPPET = 24
"""Characters of the last reply shown under the customer's name (a CJK character is two wide)."""
Index = QModelIndex | QPersistentModelIndex
PHONE_ROLE = Qt.ItemDataRole.UserRole + 1
UNREAD_ROLE = Qt.ItemDataRole.UserRole + 2


class ConversationModel(QAbstractListModel):
    """One row per customer who replied, the latest reply first; unread ones in bold."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._rows: list[Conversation] = []
        self._total = 0
        self._search = ""
        self._unread_only = False

    def set_filter(self, search: str, unread_only: bool) -> None:
        self._search, self._unread_only = search, unread_only
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._store.replies.conversation_count(self._search, unread_only=self._unread_only)
        self._rows = self._store.replies.conversations(self._search, unread_only=self._unread_only, limit=PAGE)
        self.endResetModel()

    def total(self) -> int:
        return self._total

    def conversation(self, row: int) -> Conversation:
        return self._rows[row]

    def mark_read(self, row: int) -> None:
        """The owner opened the customer's thread: no longer bold."""
        c = self._rows[row]
        self._rows[row] = Conversation(c.phone, c.name, c.last_at, c.last_text, c.replies, 0)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)

    def row_of(self, phone: str) -> int:
        return next((n for n, c in enumerate(self._rows) if c.phone == phone), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        more = self._store.replies.conversations(
            self._search, unread_only=self._unread_only, offset=len(self._rows), limit=PAGE
        )
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        c = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            who = f"{c.name} · {c.phone}" if c.name else c.phone
            if c.unread:
                who += f"  ({c.unread})"
            snippet = c.last_text.replace("\n", " ").strip()
            if len(snippet) > SNIPPET:
                snippet = snippet[: SNIPPET - 1] + "…"
            return f"{who}\n{local_time(c.last_at)[5:16]}  {snippet}"
        if role == Qt.ItemDataRole.FontRole and c.unread:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return c.last_text
        if role == PHONE_ROLE:
            return c.phone
        if role == UNREAD_ROLE:
            return c.unread
        return None


class OptOutModel(QAbstractTableModel):
    """The opt-out list, newest first, with the keyword and reply that put each number there."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._rows: list[OptOutEntry] = []
        self._total = 0
        self._search = ""

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Phone"), self.tr("Keyword"), self.tr("Reason"), self.tr("How"), self.tr("Since"))

    def set_search(self, search: str) -> None:
        self._search = search
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._store.optouts.count(self._search)
        self._rows = self._store.optouts.page(self._search, limit=PAGE)
        self.endResetModel()

    def total(self) -> int:
        return self._total

    def entry(self, row: int) -> OptOutEntry:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        more = self._store.optouts.page(self._search, offset=len(self._rows), limit=PAGE)
        if not more:
            self._total = len(self._rows)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    def _source(self, source: str) -> str:
        return {
            SOURCE_REPLY: self.tr("Replied"),
            SOURCE_MANUAL: self.tr("Added by you"),
            SOURCE_PROVIDER: self.tr("Provider refused"),
        }.get(source, "")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        e = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (e.phone, e.keyword, e.reason.strip(), self._source(e.source), local_time(e.created_at)[:16])
            return values[index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None
