"""The provider's approved templates for the window and the CLI: fetching them with the
account's signatures, and checking a local template against the one it is sent as."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from smsdesk.core.approved import (
    ApprovalState,
    ProviderSignature,
    ProviderTemplate,
    approval_label,
    check_link,
    param_style,
    render_approved,
)
from smsdesk.engine.template_params import (
    TEMPLATE_PROVIDERS,
    TEXT_VARIABLE,
    parse_param_map,
    provider_params,
)
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.templates import Template


def linked_template(template: Template | None, account: Account) -> tuple[str, str]:
    """The approved template id and parameter mapping a send would use, as the plan picks them:
    the template's own, else the account's."""
    if template is not None and template.provider_template_id:
        return template.provider_template_id, ", ".join(template.param_names)
    settings = account.settings
    return settings.get("template_id", ""), settings.get("template_params", "")


@dataclass(frozen=True)
class LinkReport:
    """How a local template stands against the provider's approved one."""

    approved: ProviderTemplate | None
    problems: tuple[str, ...]
    signature: ProviderSignature | None = None


def check_template_link(
    source: str,
    *,
    provider: str,
    template_id: str,
    param_map: str,
    approved: Sequence[ProviderTemplate],
    signatures: Sequence[ProviderSignature],
    signature: str,
) -> LinkReport:
    """Everything that keeps the provider from sending what the editor shows, in words."""
    problems: list[str] = []
    found = next((t for t in approved if t.template_id == template_id), None)
    if not template_id:
        problems.append(tr("Choose the approved template this message is sent with."))
    elif found is None and approved:
        problems.append(tr("The provider has no template “{id}”.", id=template_id))
    try:
        mapping = parse_param_map(param_map)
    except UserFacingError as exc:
        problems.append(str(exc))
        mapping = []
    if found is not None:
        problems.extend(
            p.message
            for p in check_link(
                source, found, mapping, style=param_style(provider), whole_message=TEXT_VARIABLE
            )
        )
    named = next(
        (s for s in signatures if s.name == signature.strip() and not s.international), None
    )
    if signatures and signature.strip():
        if named is None:
            problems.append(
                tr("The signature “{name}” is not among the provider's signatures.", name=signature)
            )
        elif named.state is not ApprovalState.APPROVED:
            problems.append(
                tr(
                    "The signature “{name}” is {state}; messages with it will be refused.",
                    name=signature,
                    state=approval_label(named.state),
                )
            )
    return LinkReport(found, tuple(problems), named)


def approved_message(
    approved: ProviderTemplate,
    *,
    provider: str,
    param_map: str,
    values: Mapping[str, str],
    text: str,
) -> str:
    """The approved text filled for one customer, as the provider will send it."""
    try:
        mapping = parse_param_map(param_map)
    except UserFacingError:
        mapping = []
    params = provider_params(mapping, values, text)
    return render_approved(approved.text, param_style(provider), list(params.items()))


@dataclass(frozen=True)
class FetchedApproved:
    templates: list[ProviderTemplate]
    signatures: list[ProviderSignature] | None
    """None when the provider could not be asked (Tencent without signature ids)."""
    unknown_sign_ids: list[int]


def fetch_approved(
    store: Store, account: Account, *, sign_ids: Sequence[int] = ()
) -> FetchedApproved:
    """Ask the provider for its templates and signatures with their review state, and keep them.

    Aliyun lists all of them; Tencent lists templates, and signatures only by their ids.
    """
    # The provider interface loads on first use: the editor shown at start-up does not need it.
    from smsdesk.engine.providers import open_provider
    from smsdesk.providers.aliyun import AliyunProvider
    from smsdesk.providers.tencent import TencentProvider

    if account.provider not in TEMPLATE_PROVIDERS or account.id is None:
        raise UserFacingError(tr("Only Aliyun and Tencent Cloud accounts have approved templates."))
    provider = open_provider(account)
    unknown: list[int] = []
    signatures: list[ProviderSignature] | None = None
    try:
        with _provider_trouble():
            if isinstance(provider, AliyunProvider):
                templates = provider.list_templates()
                signatures = provider.list_signatures()
            elif isinstance(provider, TencentProvider):
                templates = provider.list_templates()
                if sign_ids:
                    signatures = provider.list_signatures(sign_ids)
                    listed = {s.sign_id for s in signatures}
                    unknown = [i for i in sign_ids if str(i) not in listed]
            else:
                raise UserFacingError(
                    tr("Only Aliyun and Tencent Cloud accounts have approved templates.")
                )
    finally:
        provider.close()
    store.templates.replace_approved(account.id, templates, signatures)
    return FetchedApproved(templates, signatures, unknown)


@contextmanager
def _provider_trouble() -> Iterator[None]:
    """The provider's refusals and silences as one sentence the owner can act on."""
    from smsdesk.core.provider_api import (
        OutcomeUnknown,
        ProviderError,
        RequestNotSent,
        describe_kind,
    )

    try:
        yield
    except ProviderError as exc:
        fault = exc.fault
        first_line = fault.message.strip().splitlines()[0] if fault.message.strip() else ""
        detail = f"{fault.code}: {first_line}" if first_line else fault.code
        raise UserFacingError(f"{describe_kind(fault.kind)} ({detail})") from exc
    except RequestNotSent as exc:
        raise UserFacingError(
            tr("Cannot reach the provider: {reason}", reason=str(exc) or type(exc).__name__)
        ) from exc
    except OutcomeUnknown as exc:
        raise UserFacingError(tr("No answer from the provider")) from exc


def parse_sign_ids(text: str) -> list[int]:
    """``"1110, 1112"`` -> ``[1110, 1112]``; anything but numbers is refused in words."""
    ids: list[int] = []
    for item in text.replace("，", ",").replace(" ", ",").split(","):
        item = item.strip()
        if not item:
            continue
        if not item.isdigit():
            raise UserFacingError(
                tr(
                    "Signature ids are numbers from the Tencent Cloud console, not “{item}”.",
                    item=item,
                )
            )
        ids.append(int(item))
    return ids
