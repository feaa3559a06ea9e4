"""Entry point of the frozen app: the same ``smsdesk`` command as the installed package."""

import sys

from smsdesk.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
