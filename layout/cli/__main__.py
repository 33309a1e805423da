"""``python -m layout.cli`` is the ``banmian`` command."""

import sys

from layout.cli import main

sys.exit(main(prog="python -m layout.cli"))
