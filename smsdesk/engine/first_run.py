"""What a brand-new installation starts with: the Sandbox, a sample list and a sample template."""

from __future__ import annotations

from smsdesk import paths
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.templates import Template


def sample_list_name() -> str:
    return tr("Sample customers")


def sample_template() -> Template:
    return Template(
        name=tr("Members' day"),
        body=tr("{name}: 20% off Sat! {积分|0} pts."),
        kind="marketing",
    )


def ensure_first_run(store: Store) -> bool:
    """Create what a new user needs for a first send; returns True when anything was created."""
    created = False
    if not store.accounts.all():
        store.accounts.ensure_sandbox()
        created = True
    if not store.templates.all():
        store.templates.save(sample_template())
        created = True
    if not store.lists.all() and paths.sample_list_path().exists():
        from smsdesk.engine.lists import (
            import_list,  # the spreadsheet readers load only when needed
        )

        import_list(store, paths.sample_list_path(), sample_list_name())
        created = True
    return created
