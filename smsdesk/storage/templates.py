"""Saved message templates, and the provider's approved templates and signatures per account."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

if TYPE_CHECKING:
    # Loaded where approved templates are read: the window starts without them.
    from smsdesk.core.approved import ApprovalState, ProviderSignature, ProviderTemplate


class Template(NamedTuple):
    """A saved message template, with the provider's approved template it is sent as, if any.

    A changed template is a new value (``template._replace(...)``) handed to
    :meth:`TemplateStore.save`.
    """

    name: str
    body: str
    kind: str = "notification"
    signature: str = ""
    provider_template_id: str = ""
    param_names: tuple[str, ...] = ()
    """``provider_param=our_variable`` pairs, in the provider's order."""
    opt_out: str = ""
    """A marketing template's opt-out line; blank means the default for its language."""
    id: int | None = None


def _from_row(row: sqlite3.Row) -> Template:
    return Template(
        id=row["id"],
        name=row["name"],
        body=row["body"],
        kind=row["kind"],
        signature=row["signature"],
        provider_template_id=row["provider_template_id"],
        param_names=tuple(json.loads(row["param_names"])),
        opt_out=row["opt_out"],
    )


class TemplateStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def all(self) -> list[Template]:
        return [_from_row(r) for r in self._conn.execute("SELECT * FROM templates ORDER BY name")]

    def get(self, name: str) -> Template:
        row = self._conn.execute("SELECT * FROM templates WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UserFacingError(tr("There is no template named “{name}”.", name=name))
        return _from_row(row)

    def save(self, template: Template) -> Template:
        """Insert, or update the template of the same id (or, without an id, the same name)."""
        values = (
            template.name,
            template.body,
            template.kind,
            template.signature,
            template.provider_template_id,
            json.dumps(list(template.param_names), ensure_ascii=False),
            template.opt_out,
        )
        try:
            with self._conn:
                if template.id is None:
                    cur = self._conn.execute(
                        "INSERT INTO templates (name, body, kind, signature, provider_template_id,"
                        " param_names, opt_out) VALUES (?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT(name) DO UPDATE SET body = excluded.body, kind = excluded.kind,"
                        " signature = excluded.signature,"
                        " provider_template_id = excluded.provider_template_id,"
                        " param_names = excluded.param_names, opt_out = excluded.opt_out,"
                        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
                        " RETURNING id",
                        values,
                    )
                    template = template._replace(id=int(cur.fetchone()[0]))
                else:
                    self._conn.execute(
                        "UPDATE templates SET name = ?, body = ?, kind = ?, signature = ?,"
                        " provider_template_id = ?, param_names = ?, opt_out = ?,"
                        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
                        (*values, template.id),
                    )
        except sqlite3.IntegrityError as exc:
            raise UserFacingError(
                tr(
                    "A template named “{name}” already exists. Choose another name.",
                    name=template.name,
                )
            ) from exc
        return template

    def remove(self, name: str) -> None:
        with self._conn:
            cur = self._conn.execute("DELETE FROM templates WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise UserFacingError(tr("There is no template named “{name}”.", name=name))

    # -- what the provider approved -----------------------------------------------------------

    def replace_approved(
        self,
        account_id: int,
        templates: Sequence[ProviderTemplate],
        signatures: Sequence[ProviderSignature] | None,
    ) -> None:
        """Keep exactly what was just fetched for the account (signatures too, unless None)."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute("DELETE FROM provider_templates WHERE account_id = ?", (account_id,))
            self._conn.executemany(
                "INSERT OR REPLACE INTO provider_templates (account_id, template_id, name, text,"
                " state, kind, international, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        account_id,
                        t.template_id,
                        t.name,
                        t.text,
                        str(t.state),
                        t.kind,
                        int(t.international),
                        t.reason,
                    )
                    for t in templates
                ],
            )
            if signatures is not None:
                self._conn.execute(
                    "DELETE FROM provider_signatures WHERE account_id = ?", (account_id,)
                )
                self._conn.executemany(
                    "INSERT OR REPLACE INTO provider_signatures (account_id, name, international,"
                    " state, reason, sign_id) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (
                            account_id,
                            s.name,
                            int(s.international),
                            str(s.state),
                            s.reason,
                            s.sign_id,
                        )
                        for s in signatures
                    ],
                )

    def approved_templates(self, account_id: int) -> list[ProviderTemplate]:
        from smsdesk.core.approved import ProviderTemplate

        rows = self._conn.execute(
            "SELECT * FROM provider_templates WHERE account_id = ? ORDER BY international, template_id",
            (account_id,),
        )
        return [
            ProviderTemplate(
                template_id=r["template_id"],
                name=r["name"],
                text=r["text"],
                state=_state(r["state"]),
                kind=r["kind"],
                international=bool(r["international"]),
                reason=r["reason"],
            )
            for r in rows
        ]

    def approved_signatures(self, account_id: int) -> list[ProviderSignature]:
        from smsdesk.core.approved import ProviderSignature

        rows = self._conn.execute(
            "SELECT * FROM provider_signatures WHERE account_id = ? ORDER BY international, name",
            (account_id,),
        )
        return [
            ProviderSignature(
                name=r["name"],
                state=_state(r["state"]),
                international=bool(r["international"]),
                reason=r["reason"],
                sign_id=r["sign_id"],
            )
            for r in rows
        ]


def _state(value: str) -> ApprovalState:
    from smsdesk.core.approved import ApprovalState

    try:
        return ApprovalState(value)
    except ValueError:
        return ApprovalState.PENDING
