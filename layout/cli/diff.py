"""``banmian diff OLD NEW``: what changed between two proof rounds (command layer).

Input: two drafts (``--draft`` PDFs with their source maps) or two page or edition
YAML files (rendered as drafts here). Output: per profile what was edited (sentence
by sentence), which paragraphs moved, were deleted or inserted, which modules moved
and what reflowed, with YAML lines of both rounds, as Markdown or JSON; and a picture
of each page pair, the old page beside the new, changes marked on both; exit 0 no
changes, 1 changes, 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from layout.cli.files import sidecar
from layout.cli.outcome import EXIT_INPUT, EXIT_OK, EXIT_WARN
from layout.errors import BanmianError, InputError

if TYPE_CHECKING:
    from layout.review.diff import Diff


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
    from layout.edition import load_edition, merge_pdfs, render_edition
    from layout.model.source import is_edition, load_yaml
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
        "and write a picture of each page pair, the old page beside the new, with the changes marked on both.",
        epilog="OLD and NEW: draft PDFs (made with --draft) or page / edition YAML files. "
        "Exit status: 0 no changes, 1 changes, 2 bad input.",
    )
    p.add_argument("old", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--out", type=Path, help="folder for the pictures (default: next to NEW)")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument("--no-pictures", action="store_true", help="skip the page pictures")
    return p


def _pictures(old_pdf: Path, new_pdf: Path, d: Diff, folder: Path, stem: str) -> list[Path]:
    """Each new page beside the old page of the same 版次, the changes marked on both:
    ``STEM-diff-N.png`` in ``folder``, one per new page."""
    from PIL import Image

    from layout.review.pictures import NoRenderer, draw_marks, page_spaces, render_pngs, side_by_side

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        try:
            olds = render_pngs(old_pdf, Path(tmp) / "old")
            news = render_pngs(new_pdf, Path(tmp) / "new")
        except NoRenderer as exc:
            print(f"note: {exc}; no pictures", file=sys.stderr)
            return []
        for pngs, pdf, marks in ((olds, old_pdf, d.old_marks), (news, new_pdf, d.new_marks)):
            for png, space, page_marks in zip(pngs, page_spaces(pdf), marks):
                with Image.open(png) as src:
                    draw_marks(src.convert("RGB"), page_marks, space).save(png)
        out = []
        for i, j in d.pairs:
            if j < len(news):
                target = folder / f"{stem}-diff-{j + 1}.png"
                side_by_side(olds[i] if i is not None and i < len(olds) else None, news[j], target)
                out.append(target)
    return out


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
            old_pdf, old_map = _draft_and_map(args.old, Path(tmp), "old")
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
            pictures = _pictures(old_pdf, new_pdf, d, args.out or args.new.resolve().parent, args.new.stem)
    if args.json:
        data = {"changes": [c.as_dict() for c in d.changes], "pictures": [str(x) for x in pictures]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(as_markdown(d, args.old.name, args.new.name), end="")
        for png in pictures:
            print(f"picture: {png}")
    return EXIT_WARN if d.changes else EXIT_OK
