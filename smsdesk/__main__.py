import sys

from smsdesk.cli.main import main

sys.exit(main())
