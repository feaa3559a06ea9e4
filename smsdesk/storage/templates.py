"""Saved message templates."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr


@dataclass
class Template:
    name: str
    body: str
    kind: str = "notification"
    signature: str = ""
    provider_template_id: str = ""
    param_names: list[str] = field(default_factory=list)
    id: int | None = None


def _from_row(row: sqlite3.Row) -> Template:
    return Template(
        id=row["id"],
        name=row["name"],
        body=row["body"],
        kind=row["kind"],
        signature=row["signature"],
        provider_template_id=row["provider_template_id"],
        param_names=json.loads(row["param_names"]),
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
            json.dumps(template.param_names, ensure_ascii=False),
        )
        try:
            with self._conn:
                if template.id is None:
                    cur = self._conn.execute(
                        "INSERT INTO templates (name, body, kind, signature, provider_template_id,"
                        " param_names) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT(name) DO UPDATE SET body = excluded.body, kind = excluded.kind,"
                        " signature = excluded.signature,"
                        " provider_template_id = excluded.provider_template_id,"
                        " param_names = excluded.param_names,"
                        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')"
                        " RETURNING id",
                        values,
                    )
                    template.id = int(cur.fetchone()[0])
                else:
                    self._conn.execute(
                        "UPDATE templates SET name = ?, body = ?, kind = ?, signature = ?,"
                        " provider_template_id = ?, param_names = ?,"
                        " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?",
                        (*values, template.id),
                    )
        except sqlite3.IntegrityError as exc:
            raise UserFacingError(
                tr("A template named “{name}” already exists. Choose another name.", name=template.name)
            ) from exc
        return template

    def remove(self, name: str) -> None:
        with self._conn:
            cur = self._conn.execute("DELETE FROM templates WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise UserFacingError(tr("There is no template named “{name}”.", name=name))
