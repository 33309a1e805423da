"""``banmian diff OLD NEW``: what changed between two proof rounds (command layer).

Input: two drafts (``--draft`` PDFs with their source maps) or two page or edition
YAML files (rendered as drafts here). Output: per profile what was edited, moved
or reflowed, as Markdown or JSON, and a picture of each page of the new round with
the changed lines marked; exit 0 no changes, 1 changes, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from layout.cli.files import sidecar
from layout.cli.outcome import EXIT_INPUT, EXIT_OK, EXIT_WARN
from layout.errors import BanmianError, InputError


def _draft_and_map(path: Path, workdir: Path, name: str) -> tuple[Path, dict]:
    """A draft PDF and its source map, from a draft PDF (map attached or beside it)
    or from content (a page or edition YAML, rendered as a draft here)."""
    if path.suffix.lower() == ".pdf":
        import pikepdf

        from layout.post.draft import attached_map

        with pikepdf.open(path) as pdf:
            raw = attached_map(pdf)
        if raw is None and sidecar(path).is_file():
            raw = sidecar(path).read_bytes()
        if raw is None:
            raise InputError("no source map: compare drafts made with --draft, or give the YAML files", file=str(path))
        return path, json.loads(raw)
    from layout.edition import is_edition, load_edition, merge_pdfs, render_edition
    from layout.model.source import load_yaml
    from layout.post.draft import make_draft
    from layout.render import Output, render
    from layout.review.draft import map_bytes

    doc = load_yaml(path)
    if is_edition(doc):
        pages = render_edition(load_edition(path, doc), output=Output(draft=True), jobs=1)
        raw = map_bytes([r.review_map for r in pages], path.name)
        pdf = make_draft(merge_pdfs([r.pdf for r in pages], path.stem), [r.draft_page for r in pages], raw)
    else:
        rendered = render(path, doc=doc, output=Output(draft=True), mark_overset=True)
        pdf, raw = rendered.pdf, map_bytes([rendered.review_map], path.name)
    out = workdir / f"{name}.pdf"
    out.write_bytes(pdf)
    return out, json.loads(raw)


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{prog} diff",
        description="Show what changed between two proof rounds, per profile (text changed, moved, reflowed), "
        "and write a picture of each page of the new round with the changed lines marked.",
        epilog="OLD and NEW: draft PDFs (made with --draft) or page / edition YAML files. "
        "Exit status: 0 no changes, 1 changes, 2 bad input.",
    )
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--out", type=Path, help="folder for the pictures (default: next to NEW)")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument("--no-pictures", action="store_true", help="skip the page pictures")
    return p


def _pictures(new_pdf: Path, marked: list, folder: Path, stem: str) -> list[Path]:
    """The new round's pages as pictures, the changed lines marked."""
    import pikepdf

    from layout.review.pictures import NoRenderer, mark, render_pngs

    try:
        pictures = render_pngs(new_pdf, folder / f"{stem}-diff")
    except NoRenderer as exc:
        print(f"note: {exc}; no pictures", file=sys.stderr)
        return []
    with pikepdf.open(new_pdf) as pdf:
        media = [[float(v) for v in page.MediaBox] for page in pdf.pages]
    for png, boxes, box in zip(pictures, marked, media):
        mark(png, boxes, box)
    return pictures


def run(argv: list[str], prog: str = "banmian") -> int:
    args = _parser(prog).parse_args(argv)
    import pikepdf

    from layout.review.diff import as_markdown, diff_maps

    for f in (args.old, args.new):
        if not f.is_file():
            print(f"error: {f}: no such file", file=sys.stderr)
            return EXIT_INPUT
    with tempfile.TemporaryDirectory() as tmp:
        try:
            _, old_map = _draft_and_map(args.old, Path(tmp), "old")
            new_pdf, new_map = _draft_and_map(args.new, Path(tmp), "new")
        except BanmianError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_code
        except (pikepdf.PdfError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INPUT
        d = diff_maps(old_map, new_map)
        pictures: list[Path] = []
        if not args.no_pictures:
            pictures = _pictures(new_pdf, d.marked, args.out or args.new.resolve().parent, args.new.stem)
    if args.json:
        data = {"changes": [c.as_dict() for c in d.changes], "pictures": [str(x) for x in pictures]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(as_markdown(d, args.old.name, args.new.name), end="")
        for png in pictures:
            print(f"picture: {png}")
    return EXIT_WARN if d.changes else EXIT_OK
