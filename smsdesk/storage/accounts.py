"""Provider accounts: everything but their secrets, which live in the OS keyring."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

SANDBOX_NAME = "Sandbox"
SANDBOX_PROVIDER = "sandbox"


class Account(NamedTuple):
    """A provider account as saved: its settings hold nothing secret (secrets are in the keyring).

    A changed account is a new value (``account._replace(...)``) handed to :meth:`AccountStore.update`.
    """

    name: str
    provider: str
    settings: Mapping[str, str] = MappingProxyType({})
    is_default: bool = False
    price_per_segment: float = 0.0
    currency: str = "CNY"
    rate_per_second: float = 10.0
    id: int | None = None

    @property
    def secret_ref(self) -> str:
        """Stable key under which this account's secrets sit in the keyring."""
        return self.settings.get("secret_ref", "")


class AccountNotFound(UserFacingError):
    pass


def _from_row(row: sqlite3.Row) -> Account:
    return Account(
        id=row["id"],
        name=row["name"],
        provider=row["provider"],
        settings=json.loads(row["settings"]),
        is_default=bool(row["is_default"]),
        price_per_segment=row["price_per_segment"],
        currency=row["currency"],
        rate_per_second=row["rate_per_second"],
    )


class AccountStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def all(self) -> list[Account]:
        rows = self._conn.execute("SELECT * FROM accounts ORDER BY is_default DESC, name").fetchall()
        return [_from_row(r) for r in rows]

    def get(self, name: str) -> Account:
        row = self._conn.execute("SELECT * FROM accounts WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise AccountNotFound(tr("There is no account named “{name}”.", name=name))
        return _from_row(row)

    def get_by_id(self, account_id: int) -> Account:
        row = self._conn.execute("SELECT * FROM accounts WHERE id = ?", (account_id,)).fetchone()
        if row is None:
            raise AccountNotFound(tr("The account no longer exists."))
        return _from_row(row)

    def default(self) -> Account | None:
        row = self._conn.execute(
            "SELECT * FROM accounts ORDER BY is_default DESC, id LIMIT 1"
        ).fetchone()
        return _from_row(row) if row else None

    def add(self, account: Account) -> Account:
        settings: dict[str, Any] = dict(account.settings)
        settings.setdefault("secret_ref", os.urandom(16).hex())
        account = account._replace(settings=settings)
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                if account.is_default:
                    self._conn.execute("UPDATE accounts SET is_default = 0")
                cur = self._conn.execute(
                    "INSERT INTO accounts (name, provider, settings, is_default, price_per_segment,"
                    " currency, rate_per_second) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        account.name,
                        account.provider,
                        json.dumps(settings, ensure_ascii=False),
                        int(account.is_default),
                        account.price_per_segment,
                        account.currency,
                        account.rate_per_second,
                    ),
                )
        except sqlite3.IntegrityError as exc:
            raise UserFacingError(
                tr("An account named “{name}” already exists. Choose another name.", name=account.name)
            ) from exc
        return account._replace(id=cur.lastrowid)

    def update(self, account: Account) -> None:
        if account.id is None:
            raise ValueError("update() needs a saved account")
        try:
            with self._conn:
                self._conn.execute("BEGIN IMMEDIATE")
                if account.is_default:
                    self._conn.execute("UPDATE accounts SET is_default = 0")
                self._conn.execute(
                    "UPDATE accounts SET name = ?, provider = ?, settings = ?, is_default = ?,"
                    " price_per_segment = ?, currency = ?, rate_per_second = ? WHERE id = ?",
                    (
                        account.name,
                        account.provider,
                        json.dumps(dict(account.settings), ensure_ascii=False),
                        int(account.is_default),
                        account.price_per_segment,
                        account.currency,
                        account.rate_per_second,
                        account.id,
                    ),
                )
        except sqlite3.IntegrityError as exc:
            raise UserFacingError(
                tr("An account named “{name}” already exists. Choose another name.", name=account.name)
            ) from exc

    def remove(self, name: str) -> Account:
        account = self.get(name)
        used = self._conn.execute(
            "SELECT COUNT(*) FROM campaigns WHERE account_id = ?", (account.id,)
        ).fetchone()[0]
        if used:
            raise UserFacingError(
                tr(
                    "The account “{name}” has sent campaigns; its history is kept, so it cannot be removed.",
                    name=name,
                )
            )
        with self._conn:
            self._conn.execute("DELETE FROM accounts WHERE id = ?", (account.id,))
        return account

    def ensure_sandbox(self) -> Account:
        """The built-in Sandbox account exists on every installation."""
        row = self._conn.execute(
            "SELECT * FROM accounts WHERE provider = ? ORDER BY id LIMIT 1", (SANDBOX_PROVIDER,)
        ).fetchone()
        if row is not None:
            return _from_row(row)
        has_default = self._conn.execute("SELECT 1 FROM accounts WHERE is_default = 1").fetchone()
        return self.add(
            Account(
                name=SANDBOX_NAME,
                provider=SANDBOX_PROVIDER,
                settings={"signature": "smsdesk"},
                is_default=has_default is None,
                price_per_segment=0.0,
                rate_per_second=50.0,
            )
        )
