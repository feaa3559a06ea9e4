"""Schema steps for message templates: the opt-out line, and what the provider has approved."""

STEPS: tuple[str, ...] = (
    "ALTER TABLE templates ADD COLUMN opt_out TEXT NOT NULL DEFAULT ''",
    # The provider's own templates and signatures, as last fetched for an account; a copy the
    # editor can show without asking the provider again.
    """CREATE TABLE provider_templates (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        template_id TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL,
        state TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT '',
        international INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        fetched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        PRIMARY KEY (account_id, template_id)
    )""",
    """CREATE TABLE provider_signatures (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        international INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        sign_id TEXT NOT NULL DEFAULT '',
        fetched_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
        PRIMARY KEY (account_id, name, international)
    )""",
)
