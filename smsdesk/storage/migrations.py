"""Numbered schema upgrades; entry N takes a database from version N to N+1.

Never edit an entry once released: add a new one.  Secrets never appear in any table; account
settings hold only what is safe to show.
"""

from __future__ import annotations

from smsdesk.storage import (
    migrations_log,
    migrations_reconcile,
    migrations_replies,
    migrations_sending,
    migrations_templates,
)

MIGRATIONS: list[tuple[str, ...]] = [
    # 0 -> 1: the first schema.
    (
        """CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            provider TEXT NOT NULL,
            settings TEXT NOT NULL DEFAULT '{}',
            is_default INTEGER NOT NULL DEFAULT 0,
            price_per_segment REAL NOT NULL DEFAULT 0,
            currency TEXT NOT NULL DEFAULT 'CNY',
            rate_per_second REAL NOT NULL DEFAULT 10,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )""",
        """CREATE TABLE recipient_lists (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            region TEXT NOT NULL DEFAULT 'CN',
            columns TEXT NOT NULL DEFAULT '[]',
            source_file TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )""",
        """CREATE TABLE recipients (
            id INTEGER PRIMARY KEY,
            list_id INTEGER NOT NULL REFERENCES recipient_lists(id) ON DELETE CASCADE,
            row_no INTEGER NOT NULL,
            phone TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            fields TEXT NOT NULL DEFAULT '{}',
            UNIQUE (list_id, phone)
        )""",
        "CREATE INDEX recipients_by_list ON recipients(list_id, id)",
        """CREATE TABLE opt_outs (
            phone TEXT PRIMARY KEY,
            reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )""",
        """CREATE TABLE templates (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            body TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'notification',
            signature TEXT NOT NULL DEFAULT '',
            provider_template_id TEXT NOT NULL DEFAULT '',
            param_names TEXT NOT NULL DEFAULT '[]',
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )""",
        """CREATE TABLE campaigns (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            list_id INTEGER REFERENCES recipient_lists(id) ON DELETE SET NULL,
            template_id INTEGER REFERENCES templates(id) ON DELETE SET NULL,
            body TEXT NOT NULL,
            signature TEXT NOT NULL DEFAULT '',
            provider_template_id TEXT NOT NULL DEFAULT '',
            param_names TEXT NOT NULL DEFAULT '[]',
            state TEXT NOT NULL DEFAULT 'ready',
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        )""",
        """CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
            account_id INTEGER NOT NULL REFERENCES accounts(id),
            phone TEXT NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            params TEXT NOT NULL DEFAULT '{}',
            segments INTEGER NOT NULL DEFAULT 1,
            state TEXT NOT NULL DEFAULT 'queued',
            provider_id TEXT,
            error_kind TEXT,
            error_code TEXT,
            error_message TEXT,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            sent_at TEXT,
            final_at TEXT
        )""",
        "CREATE INDEX messages_by_campaign ON messages(campaign_id, state)",
        "CREATE INDEX messages_by_state ON messages(state)",
        "CREATE INDEX messages_by_phone ON messages(phone)",
        "CREATE INDEX messages_by_provider_id ON messages(provider_id)",
    ),
    # 1 -> 2, 2 -> 3, 3 -> 4: one step per area, each kept in its own module while the first
    # release is prepared. Steps run in one transaction each, in this order.
    migrations_templates.STEPS,
    migrations_sending.STEPS,
    migrations_log.STEPS,
    # 4 -> 5: customers' replies and why numbers are on the opt-out list.
    migrations_replies.STEPS,
    # 5 -> 6: messages in doubt looked for at their provider and not found there.
    migrations_reconcile.STEPS,
]
