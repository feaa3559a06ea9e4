"""The ``smsdesk`` command: no arguments opens the window, subcommands drive the same engine.

Only the choice is made here. The window's start-up pauses the cyclic garbage collector before
anything else is loaded (see :func:`smsdesk.gui.app.main`), so this module imports nothing more.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        gc.disable()  # the window's start-up, its modules included (see smsdesk.gui.app.main)
        from smsdesk.gui.app import main as gui_main

        return gui_main()
    from smsdesk.cli.commands import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
