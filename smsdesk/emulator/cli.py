"""``smsdesk emulator``: run the provider emulator until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from typing import TextIO

from smsdesk.emulator.service import DemoAccounts, Emulator
from smsdesk.i18n import tr

DEFAULT_PORT = 8780


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smsdesk emulator",
        description=tr(
            "Run a local imitation of Aliyun, Tencent Cloud and Twilio SMS for trying smsdesk without sending real messages."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help=tr("Address to listen on."))
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=tr("Port to listen on (0 picks a free one).")
    )
    parser.add_argument(
        "--report-delay",
        type=float,
        default=2.0,
        help=tr("Seconds before a delivery report is ready."),
    )
    parser.add_argument(
        "--fail-share",
        type=float,
        default=0.05,
        help=tr("Share of messages reported undelivered, 0 to 1."),
    )
    parser.add_argument(
        "--seed", type=int, default=0, help=tr("Seed for the undelivered messages.")
    )
    return parser


def describe_accounts(url: str, demo: DemoAccounts) -> str:
    """The settings to type into smsdesk to use each emulated service."""
    lines = [
        tr("SMS emulator listening on {url}", url=url),
        "",
        f"aliyun:  endpoint={url}/  access_key_id={demo.aliyun_key_id}  access_key_secret={demo.aliyun_secret}",
        f"         signature={demo.aliyun_signature}  template={demo.aliyun_template} (${{content}})",
        f"         account_uid={demo.aliyun_uid}  replies_token_endpoint={url}/  replies_queue_endpoint={url}",
        f"tencent: endpoint={url}/  secret_id={demo.tencent_secret_id}  secret_key={demo.tencent_secret_key}  sdk_app_id={demo.tencent_app_id}",
        f"         signature={demo.tencent_signature}  template={demo.tencent_template} ({{1}}), {demo.tencent_international_template} ({{1}}, international)",
        f"twilio:  endpoint={url}  account_sid={demo.twilio_account_sid}  auth_token={demo.twilio_auth_token}  sender={demo.twilio_sender}",
        f"generic_http: endpoint={url}/gateway/send  auth=bearer  secret={demo.gateway_token}  field_map=mobile=phone,content=text",
        "              success_path=code success_value=0 id_path=msgid",
        f"              replies_endpoint={url}/gateway/replies",
        "",
        tr("Type “reply NUMBER TEXT” and Enter to have a customer answer (“reply twice …” delivers it twice)."),
        tr("Press Ctrl+C to stop."),
    ]
    return "\n".join(lines)


def handle_command(emulator: Emulator, line: str) -> str:
    """One line typed while the emulator runs: ``reply [twice] NUMBER TEXT``; the answer to show."""
    words = line.strip().split(maxsplit=1)
    if not words:
        return ""
    if words[0] != "reply" or len(words) < 2:
        return tr("Unknown command. Type “reply NUMBER TEXT”.")
    rest = words[1]
    twice = rest.startswith("twice ")
    if twice:
        rest = rest.removeprefix("twice ").strip()
    phone, _, text = rest.partition(" ")
    if not phone or not text.strip():
        return tr("Type “reply NUMBER TEXT”.")
    try:
        reply = emulator.add_reply(phone, text.strip(), duplicate=twice)
    except ValueError as exc:
        return str(exc)
    return tr("{number} replied “{words}” through {api}.", number=reply.phone, words=reply.text, api=reply.api)


def _read_commands(emulator: Emulator, inp: TextIO, out: TextIO, stop: threading.Event) -> None:
    try:
        for line in inp:
            if stop.is_set():
                return
            answer = handle_command(emulator, line)
            if answer:
                print(answer, file=out, flush=True)
    except (OSError, ValueError):
        return  # no readable standard input (a service, a closed pipe): commands are optional


def main(
    argv: Sequence[str] | None = None,
    *,
    stop: threading.Event | None = None,
    out: TextIO | None = None,
    inp: TextIO | None = None,
) -> int:
    """Run until Ctrl+C, SIGTERM or ``stop`` is set; returns the exit status.  Lines read from
    ``inp`` (standard input) are commands, see :func:`handle_command`."""
    args = _parser().parse_args(argv)
    out = out or sys.stdout
    inp = inp or sys.stdin
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        emulator = Emulator(args.host, args.port, seed=args.seed).start()
    except OSError as exc:
        print(
            tr(
                "Cannot listen on {host}:{port}: {error}", host=args.host, port=args.port, error=exc
            ),
            file=sys.stderr,
        )
        return 1
    with emulator:
        demo = emulator.load_demo()
        emulator.report_delay = args.report_delay
        emulator.delivery_failure_share = min(1.0, max(0.0, args.fail_share))
        print(describe_accounts(emulator.url, demo), file=out, flush=True)
        if inp is not None:
            threading.Thread(
                target=_read_commands, args=(emulator, inp, out, stop), name="emulator-commands", daemon=True
            ).start()
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0
