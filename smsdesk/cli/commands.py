"""The ``smsdesk`` subcommands: they drive the same engine as the window (see :mod:`smsdesk.cli.main`)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence

from smsdesk import __version__
from smsdesk.cli.output import fail
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.logsetup import log_file, setup_logging

log = logging.getLogger("smsdesk.cli")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


def build_parser() -> argparse.ArgumentParser:
    # Imported here, not at the top: `--self-test` and `emulator` are handled before the parser and
    # need none of the commands' dependencies.
    from smsdesk.cli import (
        cmd_accounts,
        cmd_campaigns,
        cmd_history,
        cmd_lists,
        cmd_log,
        cmd_replies,
        cmd_send,
        cmd_templates,
    )

    parser = argparse.ArgumentParser(
        prog="smsdesk",
        description=tr("Send SMS to your customers through your own cloud SMS account. Without a command, opens the window."),
    )
    parser.add_argument("--version", action="version", version=f"smsdesk {__version__}")
    parser.add_argument(
        "--self-test", action="store_true",
        help=tr("Check this installation (database, keyring, certificates, translations, window, a Sandbox send)."),
    )
    sub = parser.add_subparsers(dest="command", metavar=tr("COMMAND"))
    cmd_accounts.register(sub)
    cmd_lists.register(sub)
    cmd_templates.register(sub)
    cmd_send.register(sub)
    cmd_log.register(sub)
    cmd_campaigns.register(sub)
    cmd_history.register(sub)
    cmd_replies.register(sub)
    emulator = sub.add_parser("emulator", help=tr("Run the local provider emulator (for testing)."), add_help=False)
    emulator.add_argument("rest", nargs=argparse.REMAINDER)
    emulator.set_defaults(func=_run_emulator)
    return parser


def _run_emulator(args: argparse.Namespace) -> int:
    from smsdesk.emulator import main as emulator_main

    return int(emulator_main(args.rest) or 0)


def run(args_list: Sequence[str]) -> int:
    """Runs the subcommand in ``args_list`` (``smsdesk`` without the program name)."""
    setup_logging()
    if args_list[0] == "--self-test":
        from smsdesk.gui.selftest import run

        return run()
    if args_list[0] == "emulator":
        # The emulator parses its own options, --help included.
        from smsdesk.emulator import main as emulator_main

        return int(emulator_main(args_list[1:]) or 0)
    parser = build_parser()
    args = parser.parse_args(args_list)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return func(args)
    except UserFacingError as exc:
        fail(str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (e.g. `smsdesk log | head`); nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        fail(tr("Interrupted."))
        return 130
    except Exception:
        log.exception("internal error in command %s", args.command)
        fail(tr("Internal error; details were written to {path}", path=log_file()))
        return EXIT_INTERNAL
