"""``python -m cdsdesk``: the command line."""

import sys

from cdsdesk.cli import main

sys.exit(main())
