#!/usr/bin/env python3
"""Banmian command: render a page YAML to a print-ready PDF.

    python make_pdf.py                          # the default page → out/seed.pdf
    python make_pdf.py content/other.yaml -o other.pdf

Exit status: 0 written; 1 written with warnings (overset allowed with
--allow-overset, or a short page); 2 bad input or content that does not fit (nothing
written); 3 internal error (nothing written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path

from layout.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_WARN, BanmianError, OutputError

ROOT = Path(__file__).resolve().parent
DEFAULT_PAGE = ROOT / "content" / "seed.yaml"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="make_pdf.py",
        description="Render a Chinese newspaper page from YAML content to PDF.",
        epilog="Exit status: 0 written, 1 written with warnings, 2 bad input or overset "
        "(nothing written), 3 internal error.",
    )
    p.add_argument(
        "page",
        nargs="?",
        type=Path,
        default=DEFAULT_PAGE,
        help="page YAML file (default: content/seed.yaml, the seed page), or an edition YAML listing "
        "pages: then one PDF of all pages and one per page named by 版次 (OUT-03.pdf), rendered in parallel",
    )
    p.add_argument("-o", "--output", type=Path, help="PDF to write (default: out/<page name>.pdf); written atomically")
    p.add_argument(
        "--style",
        help="style: a built-in name (broadsheet, tabloid) or a style YAML path; "
        "overrides the page's own 'style' field",
    )
    p.add_argument(
        "--allow-overset",
        action="store_true",
        help="write a proof even if text does not fit: overset is marked on the page and reported, exit status 1",
    )
    p.add_argument("--report", type=Path, help="also write the page report as JSON to this file")
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print the page report: one line per module (columns, rows, photo, empty cells, overset)",
    )
    return p.parse_args(argv)


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename: a failed
    run leaves any earlier file untouched."""
    if path.is_dir():
        raise OutputError("is a folder; give a file name", file=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", file=str(path)) from None


def page_problems(rendered, *, quiet: bool = False) -> tuple[bool, str]:
    """Print a page's notes, overset and short-page warning to stderr; returns (overset?, warning)."""
    from layout import report

    if not quiet:
        for note in report.notes(rendered):
            print(note, file=sys.stderr)
    for message in report.overset_messages(rendered):
        print(message, file=sys.stderr)
    short = report.short_page(rendered)
    if short:
        print(f"{rendered.page.file}: warning: {short}", file=sys.stderr)
    return bool(rendered.makeup.overset), short


def write_report(path: Path, rendered: list) -> None:
    """The page report as JSON: one page's dict, or a list for an edition."""
    from layout import report

    data = report.as_dict(rendered[0]) if len(rendered) == 1 else [report.as_dict(r) for r in rendered]
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2).encode())


def edition_command(args: argparse.Namespace, doc) -> int:
    """Render every page of an edition: one PDF of all pages and one per page, named by 版次."""
    from layout.edition import load_edition, merge_pdfs, render_edition

    edition = load_edition(args.page, doc)

    def progress(done: int, total: int, page: Path) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {page.name}", file=sys.stderr)

    pages = render_edition(edition, style=args.style, mark_overset=args.allow_overset, progress=progress)
    problems = [page_problems(r, quiet=args.quiet) for r in pages]
    overset = any(o for o, _ in problems)
    if args.report:
        write_report(args.report, pages)
    if args.verbose:
        from layout.report import table

        print("\n\n".join(table(r) for r in pages))
    if overset and not args.allow_overset:
        print("nothing written: cut the copy, or pass --allow-overset for marked proofs", file=sys.stderr)
        return EXIT_INPUT
    out = args.output or ROOT / "out" / (args.page.stem + ".pdf")
    combined = merge_pdfs([r.pdf for r in pages], edition.title)
    singles = [(out.with_name(f"{out.stem}-{r.page.page:02d}.pdf"), r.pdf) for r in pages]
    for path, data in [*singles, (out, combined)]:
        write_atomic(path, data)
    if not args.quiet:
        print(f"wrote {out}: {len(pages)} pages; and one file per page: " + ", ".join(p.name for p, _ in singles))
    return EXIT_WARN if overset or any(s for _, s in problems) else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        from layout.edition import is_edition
        from layout.model.source import load_yaml
        from layout.render import render

        doc = load_yaml(args.page)  # parsed once, for the edition check and the page
        if is_edition(doc):
            return edition_command(args, doc)
        rendered = render(args.page, style=args.style, mark_overset=args.allow_overset, doc=doc)
        m = rendered.makeup
        has_overset, short = page_problems(rendered, quiet=args.quiet)
        if args.report:  # the report is written even when the page is not
            write_report(args.report, [rendered])
        if args.verbose:
            from layout.report import table

            print(table(rendered))
        if has_overset and not args.allow_overset:
            print("nothing written: cut the copy, or pass --allow-overset for a marked proof", file=sys.stderr)
            return EXIT_INPUT
        out = args.output or ROOT / "out" / (args.page.stem + ".pdf")
        write_atomic(out, rendered.pdf)
        if not args.quiet:
            ascii_marks = {k: v for k, v in rendered.normalized.items() if k.isascii() and k != "space"}
            other = {k: v for k, v in rendered.normalized.items() if k not in ascii_marks}
            counts = ", ".join(f"{k}×{v}" for k, v in sorted(ascii_marks.items())) or "none"
            extra = ""
            if other:
                extra = "; also " + ", ".join(
                    f"{'spaces dropped after them' if k == 'space' else k + ' → corner bracket'}×{v}"
                    for k, v in sorted(other.items())
                )
            print(
                f"wrote {out}: {len(rendered.page.profiles)} profiles, style {rendered.style.name}, "
                f"module zone filled {m.fill:.1%}; ASCII punctuation made full-width: {counts}{extra}"
            )
        return EXIT_WARN if m.overset or short else EXIT_OK
    except BanmianError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; nothing written", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as exc:  # a bug: short report, no traceback on the terminal
        log = Path(tempfile.gettempdir()) / "banmian-error.log"
        log.write_text(traceback.format_exc(), encoding="utf-8")
        print(f"internal error: {type(exc).__name__}: {exc} (details in {log}); nothing written", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
