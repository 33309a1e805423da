"""``banmian comments ANNOTATED.pdf``: reviewers' annotations against the source (command layer).

Input: a reviewed draft (any reader's save of a ``--draft`` PDF, also a
password-protected or damaged one) and its source map (attached, beside it, or
``--map``; only a map bound to this PDF: ``review/draft.bound_map``). Output:
every comment with the text it covers and where that text lives in the YAML,
as Markdown or JSON; with ``--apply``, the reviewed edit set
(``review/apply.py``): a patch and an edited copy of each YAML file touched
(or the file itself, ``--in-place``) and the list of what was applied, what
was refused and what is left to do. What could not be read is said on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from layout.cli.outcome import EXIT_INPUT, EXIT_OK
from layout.errors import InputError, OutputError

EPILOG = """\
Map: the map attached to the PDF is used; NAME.map.json beside it or --map only
if it is the map this draft was written with (the PDF records its digest); a map
of another draft is refused.
Damaged files: what can be read is read. An encrypted PDF needs --password. A
damaged or truncated PDF is repaired as far as possible; annotations that cannot
be read are named on stderr ("warning: ..."), the others are listed.
Exit status: 0 listed (also when there are none, and when comments were salvaged
from a damaged file: then with warnings on stderr); 2 the file cannot be read at
all (not a PDF, encrypted without the right --password, damaged with nothing
readable), no source map or a map of another draft, or (--apply) a file that
cannot be written.
"""


def _parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=f"{prog} comments",
        description="List the annotations of a reviewed draft, each with the text it covers and where that "
        "text lives in the YAML (profile, field, paragraph, file and line).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("pdf", type=Path, help="the annotated draft (any reader's save of a --draft PDF)")
    p.add_argument("--map", type=Path, help="the draft's source map (default: attached to the PDF, or NAME.map.json)")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    p.add_argument("--password", help="the password of an encrypted PDF")
    p.add_argument(
        "--apply",
        action="store_true",
        help="write the reviewed edits (insertions, deletions, replacements) as YAML.reviewed.patch and "
        "YAML.reviewed.yaml beside each YAML file touched, and list what was applied and refused",
    )
    p.add_argument("--in-place", action="store_true", help="with --apply: edit the YAML files themselves")
    # pictures of the comments (review/overlay.py)
    p.add_argument("--png", nargs="?", const=True, metavar="DIR",
                   help="draw each comment's number and box on its page: NAME-comments-N.png in DIR "
                   "(default: beside the PDF); put the PDF before this option")  # fmt: skip
    p.add_argument("--html", nargs="?", const=True, metavar="FILE",
                   help="one HTML file (default NAME.comments.html beside the PDF): the pages with numbered "
                   "markers beside the list of comments")  # fmt: skip
    return p


def run(argv: list[str], prog: str = "banmian") -> int:
    args = _parser(prog).parse_args(argv)
    if args.in_place and not args.apply:
        print("error: --in-place goes with --apply", file=sys.stderr)
        return EXIT_INPUT
    try:
        comments, notes = read(args.pdf, args.map, args.password)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)
    if args.png or args.html:  # pictures of the comments (review/overlay.py)
        from layout.review.draft import bound_map
        from layout.review.overlay import show

        with _open(args.pdf, args.password) as pdf:
            doc_map = bound_map(pdf, args.pdf, args.map)[0]
        for line in show(args.pdf, comments, doc_map, args.png, args.html):
            print(line, file=sys.stderr if args.json or line.startswith("note:") else sys.stdout)
    if args.apply:
        return _apply(args, comments)
    if args.json:
        print(json.dumps([c.as_dict() for c in comments], ensure_ascii=False, indent=2))
    else:
        from layout.review.comments import as_markdown

        print(as_markdown(comments, args.pdf.name), end="")
    return EXIT_OK


def read(pdf_path: Path, map_path: Path | None, password: str | None) -> tuple[list, list[str]]:
    """The comments of a reviewed draft and warnings (what was repaired or could not be
    read); an input error when nothing can be read or the map is not this draft's."""
    import pikepdf

    from layout.review import comments as reader
    from layout.review.draft import bound_map

    pdf = _open(pdf_path, password)
    with pdf, tempfile.TemporaryDirectory(prefix="banmian-comments-") as tmp:
        doc_map, notes = bound_map(pdf, pdf_path, map_path)
        readable, salvage = _readable(pdf, pdf_path, Path(tmp))
        try:  # the reader's own warnings name annotations it skipped
            with_warnings = getattr(reader, "read_comments_with_warnings", None)
            if with_warnings is not None:
                comments, skipped = with_warnings(readable, doc_map)
            else:
                comments, skipped = reader.read_comments(readable, doc_map), []
            salvage.notes += skipped
        except pikepdf.PdfError as exc:
            raise InputError(f"damaged: the annotations cannot be read ({exc})", file=str(pdf_path)) from None
        except (ValueError, KeyError, TypeError, IndexError) as exc:
            raise InputError(f"the source map does not fit ({exc})", file=str(pdf_path)) from None
    if salvage.lost and not comments:
        raise InputError("damaged: " + "; ".join(salvage.notes) + "; no comment could be read", file=str(pdf_path))
    return comments, notes + [f"{pdf_path}: {note}" for note in salvage.notes]


def _open(path: Path, password: str | None):
    """The PDF opened (repaired by qpdf if need be), or an input error that says why not."""
    import pikepdf

    if not path.is_file():
        raise InputError("no such file", file=str(path))
    try:
        return pikepdf.open(path, password=password or "")
    except pikepdf.PasswordError:
        if password:
            raise InputError("encrypted: the password given is not this PDF's", file=str(path)) from None
        raise InputError("encrypted: give --password", file=str(path)) from None
    except pikepdf.PdfError as exc:
        raise InputError(f"not a readable PDF ({exc})", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None


class _Salvage:
    """What had to be repaired or left out to read a PDF."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.dropped: dict[int, int] = {}  # page → entries of /Annots left out (null or unreadable)
        self.lost = 0  # annotations that could not be read
        self.changed = False  # the copy to read differs from the file


def _readable(pdf, path: Path, folder: Path) -> tuple[Path, _Salvage]:
    """A file the comment reader can read: ``path`` itself when it is sound, else a
    decrypted copy without null or unreadable annotations, in ``folder``."""
    import pikepdf

    salvage = _Salvage()
    for index, page in enumerate(pdf.pages):
        _sound_annots(page, index + 1, salvage)
    tail = path.read_bytes()[-1024:].rstrip()
    damaged = any("damaged" in w or "reconstruct" in w for w in pdf.get_warnings())
    if damaged or not tail.endswith(b"%%EOF"):
        what = "damaged" if tail.endswith(b"%%EOF") else "truncated"
        salvage.notes.insert(0, f"the file is {what}: read as repaired; comments saved last may be missing")
    for number, count in salvage.dropped.items():
        if damaged:
            salvage.lost += count
            salvage.notes.append(f"page {number}: {count} annotation(s) lost in the damage: not listed")
        else:
            salvage.notes.append(f"page {number}: {count} null or unreadable entr(ies) in /Annots skipped")
    if not (salvage.changed or pdf.is_encrypted):
        return path, salvage
    copy = folder / "readable.pdf"
    try:
        pdf.save(copy, encryption=False)
    except pikepdf.PdfError as exc:
        raise InputError(f"damaged: cannot be repaired ({exc})", file=str(path)) from None
    return copy, salvage


def _sound_annots(page, number: int, salvage: _Salvage) -> None:
    """Drop (from the open PDF, never the file) the entries of a page's /Annots that are
    null, not dictionaries, or objects the file lost or cannot parse, counting them."""
    import pikepdf

    try:
        annots = page.obj.get("/Annots")
        entries = list(annots) if isinstance(annots, pikepdf.Array) else None
    except pikepdf.PdfError as exc:
        salvage.notes.append(f"page {number}: its annotations cannot be read ({exc})")
        entries = None
    if entries is None:
        if "/Annots" in page.obj:
            salvage.notes.append(f"page {number}: /Annots is not an array of annotations: none read")
            salvage.lost, salvage.changed = salvage.lost + 1, True
            del page.obj["/Annots"]
        return
    kept = [a for a in entries if _readable_annot(a)]
    if len(kept) != len(entries):
        salvage.dropped[number] = len(entries) - len(kept)
        salvage.changed = True
        page.obj["/Annots"] = pikepdf.Array(kept)


def _readable_annot(annot) -> bool:
    """An annotation dictionary whose keys and direct values can be read."""
    import pikepdf

    if not isinstance(annot, pikepdf.Dictionary):
        return False
    try:
        for key in annot.keys():
            if key not in ("/P", "/Parent", "/IRT", "/Popup", "/AP"):
                annot.get(key)
        return "/Subtype" in annot
    except pikepdf.PdfError:
        return False


def _apply(args: argparse.Namespace, comments: list) -> int:
    """``--apply``: the reviewed edit set written, its list printed."""
    from layout.review.apply import apply_comments, as_json, as_markdown

    try:
        result = apply_comments(comments, in_place=args.in_place, base=args.pdf.parent)
    except (InputError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    for path in result.written:
        print(f"wrote {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(as_json(result), ensure_ascii=False, indent=2))
    else:
        print(as_markdown(result, args.pdf.name), end="")
    return EXIT_OK
