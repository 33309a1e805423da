#!/usr/bin/env python3
"""Banmian's command from a checkout: ``python make_pdf.py [ARGS]`` is ``banmian [ARGS]``.

    python make_pdf.py                          # the default page → out/seed.pdf
    python make_pdf.py content/other.yaml -o other.pdf
    python make_pdf.py preflight|comments|diff …

The command lives in ``layout/cli/``; this file only calls it.
"""

import sys

from layout.cli import main

if __name__ == "__main__":
    sys.exit(main(prog="make_pdf.py"))
