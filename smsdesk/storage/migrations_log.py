"""Schema steps for the send log: the indexes its filters need, and the report inbox.

Every filter of the log pane has an index whose entries end in the message id, so "newest
first, one page" is a walk down one index and never a sort of the whole journal.
"""

STEPS: tuple[str, ...] = (
    # Date range: turned into an id range by two seeks on this index.
    "CREATE INDEX messages_by_created ON messages(created_at)",
    "CREATE INDEX messages_by_account ON messages(account_id)",
    # Most messages have no error; only the others are indexed.
    "CREATE INDEX messages_by_error_kind ON messages(error_kind) WHERE error_kind IS NOT NULL",
    # "尾号 8000": the last four digits are how people name a number on the phone.
    "CREATE INDEX messages_by_phone_tail ON messages(substr(phone, -4))",
    # Reports that named a provider id no message had yet (the report overtook the send's
    # answer); applied again on every round until their message shows up or they expire.
    """CREATE TABLE report_inbox (
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        provider_id TEXT NOT NULL,
        state TEXT NOT NULL,
        code TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        reported_at TEXT,
        received_at TEXT NOT NULL,
        PRIMARY KEY (account_id, provider_id)
    )""",
)
