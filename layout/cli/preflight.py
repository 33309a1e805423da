"""``banmian preflight FILE.pdf``: check any PDF against the newspaper print rules (command layer).

Input: the command's arguments. Output: the findings printed (or as JSON) and
the exit status: 0 clean, 1 warnings, 2 errors or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layout.cli.outcome import EXIT_INPUT
from layout.cli.render import tac_limit


def run(argv: list[str], prog: str = "banmian") -> int:
    p = argparse.ArgumentParser(
        prog=f"{prog} preflight",
        description="Check a PDF against the newspaper print rules (PDF/X-1a, K-only text, ink, resolution).",
        epilog="Exit status: 0 clean, 1 warnings, 2 errors (or an unreadable file).",
    )
    p.add_argument("pdf", type=Path)
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.add_argument("--tac", type=tac_limit, default=240.0, help="total ink limit in %% (default 240)")
    p.add_argument(
        "--standard",
        choices=["x1a", "x4", "none"],
        default="x1a",
        help="the PDF/X the file must meet (default x1a; none: ink, fonts and images only)",
    )
    args = p.parse_args(argv)
    from layout.post.intent import Limits
    from layout.post.preflight import preflight

    if not args.pdf.is_file():
        print(f"error: {args.pdf}: no such file", file=sys.stderr)
        return EXIT_INPUT
    report = preflight(args.pdf, Limits(tac=args.tac, standard="" if args.standard == "none" else args.standard))
    if args.json:
        print(json.dumps({"file": str(args.pdf), **report.as_dict()}, ensure_ascii=False, indent=2))
    else:
        for f in report.findings:
            print(f"{args.pdf}: {f.line()}")
        print(
            f"{args.pdf}: {('clean', 'warnings', 'errors')[report.status]}: {report.pages} page(s), "
            f"max total ink {report.max_tac:.0f} %, text in pure K {report.text_k_share:.1%}"
        )
    return report.status
