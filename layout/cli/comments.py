"""``banmian comments ANNOTATED.pdf``: reviewers' annotations against the source (command layer).

Input: a reviewed draft (any reader's save of a ``--draft`` PDF) and its source
map (attached, beside it, or ``--map``). Output: every comment with the text it
covers and where that text lives in the YAML, as Markdown or JSON; exit 0, or 2
for an unreadable file or a map that does not fit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from layout.cli.files import sidecar
from layout.cli.outcome import EXIT_INPUT, EXIT_OK


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{prog} comments",
        description="List the annotations of a reviewed draft, each with the text it covers and where that "
        "text lives in the YAML (profile, field, paragraph, file and line).",
        epilog="Exit status: 0 listed (also when there are none), 2 unreadable file or no source map.",
    )
    p.add_argument("pdf", type=Path, help="the annotated draft (any reader's save of a --draft PDF)")
    p.add_argument("--map", type=Path, help="the draft's source map (default: attached to the PDF, or NAME.map.json)")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    return p


def run(argv: list[str], prog: str = "banmian") -> int:
    args = _parser(prog).parse_args(argv)
    import pikepdf

    from layout.post.draft import attached_map
    from layout.review.comments import as_markdown, read_comments

    if not args.pdf.is_file():
        print(f"error: {args.pdf}: no such file", file=sys.stderr)
        return EXIT_INPUT
    try:
        with pikepdf.open(args.pdf) as pdf:
            attached = attached_map(pdf)
    except pikepdf.PdfError as exc:
        print(f"error: {args.pdf}: not a readable PDF ({exc})", file=sys.stderr)
        return EXIT_INPUT
    source = args.map or (sidecar(args.pdf) if sidecar(args.pdf).is_file() else None)
    try:
        raw = source.read_bytes() if source else attached
        if raw is None:
            print(f"error: {args.pdf}: no source map (attached, or {sidecar(args.pdf).name}); "
                  "give --map, or review a --draft PDF", file=sys.stderr)  # fmt: skip
            return EXIT_INPUT
        doc_map = json.loads(raw)
        if not isinstance(doc_map, dict) or not isinstance(doc_map.get("pages"), list):
            raise ValueError("not a Banmian source map (expected a mapping with 'pages')")
        comments = read_comments(args.pdf, doc_map)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {args.pdf}: the source map does not fit ({exc})", file=sys.stderr)
        return EXIT_INPUT
    if args.json:
        print(json.dumps([c.as_dict() for c in comments], ensure_ascii=False, indent=2))
    else:
        print(as_markdown(comments, args.pdf.name), end="")
    return EXIT_OK
