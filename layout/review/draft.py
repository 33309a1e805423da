"""A draft's review data for one page (review stage): source map and bookmarks.

Input: the page, its makeup, its normalised texts, the continuations it set,
the faces, and where the page sits on its sheet. Output: the page's source map
(``map.py``) and its ``DraftPage`` (bookmarks and named destinations for
``post/draft.py``); ``map_bytes`` serialises maps for the sidecar and the
PDF attachment.
"""

from __future__ import annotations

from pathlib import Path

from layout.model.content import Page
from layout.page.makeup import Makeup


def map_bytes(pages: list[dict], name: str) -> bytes:
    """A draft's source map as the sidecar JSON (and the PDF attachment)."""
    import json

    from layout.review.map import document_map

    return json.dumps(document_map(pages, name), ensure_ascii=False, separators=(",", ":")).encode()


def review_page(page: Page, makeup: Makeup, texts: dict[str, str], continuations, faces, origin, style: str = ""):
    """A draft's source map and bookmarks for one page (``style``: the style's name, for
    the map's record of the arrangement)."""
    from layout.post.draft import Destination, DraftPage
    from layout.review.map import grid_record, page_map

    folder = Path(page.file).resolve().parent
    ids = {p.path: p.id for p in page.profiles}
    continued = {c.profile.path: c for c in continuations}
    for c in continuations:
        ids[c.profile.path] = c.profile.id

    def locate(source: str) -> tuple[str, int | None]:
        if "#" in source:  # continued from another page: that page's file and the field's line there
            c = continued.get(source[: source.index("]", source.index("#")) + 1])  # p1.yaml#profiles[3]
            if c is None:
                return str(folder / source.split("#", 1)[0]), None
            return c.file, c.lines.get(source, c.line)
        return page.file, page.source.line(source)

    ox, oy = origin
    frame = makeup.frame
    grid = grid_record(makeup, style or page.style)
    review_map = page_map(
        frame, faces, number=page.page, file=page.file, locate=locate, profile_ids=ids, origin=origin, arrangement=grid
    )
    dests = []
    first = {}
    for item in frame.items:
        source = getattr(item, "source", None)
        if source is not None and source not in first:
            first[source] = item
    for key, name in (("headline", "headline"), ("intro[0]", "intro")):
        item = first.get(key)
        if item is not None:
            title = texts.get("headline", "") if key == "headline" else "导语 " + texts.get(key, "")[:16]
            dests.append(Destination(f"p{page.page}-{name}", title, *_view(item, ox, oy)))
    headlines = {p.id: texts.get(f"{p.path}.headline", "") for p in page.profiles}
    for c in continuations:
        headline = c.texts.get(f"{c.profile.path}.headline", "")
        headlines[f"{c.profile.id}（续）"] = f"{headline}（上接第{c.from_page}版）"
    for box in frame.boxes:
        title = f"{box.id}: {headlines.get(box.id, '')}"
        dests.append(Destination(f"p{page.page}-{box.id}", title, ox + box.x, oy - box.y))
    return review_map, DraftPage(page.page, f"第{page.page}版 {page.section}", tuple(dests))


def _view(item, ox: float, oy: float) -> tuple[float, float]:
    """Where a destination shows a text item: a point above its line's top left (a vertical
    line's: the top left of its em column)."""
    if getattr(item, "vertical", False):
        return ox + item.x - item.size / 2, oy - item.baseline
    return ox + item.x, oy - item.baseline + item.size


def load_map(path: Path) -> dict:
    """A draft's source map: the one attached to a draft PDF (or its sidecar beside it,
    if it belongs to that PDF: ``bound_map``), or a ``.map.json`` itself. An input error
    if there is none, it cannot be read, or it belongs to another draft."""
    from layout.errors import InputError

    if not path.is_file():
        raise InputError("no such file", file=str(path))
    if path.suffix.lower() != ".pdf":
        return parse_map(path.read_bytes(), str(path))
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            doc, notes = bound_map(pdf, path)
    except pikepdf.PasswordError:
        raise InputError("encrypted: the draft needs a password", file=str(path)) from None
    except pikepdf.PdfError as exc:
        raise InputError(f"cannot read the PDF: {exc}", file=str(path)) from None
    for note in notes:
        import sys

        print(f"warning: {note}", file=sys.stderr)
    return doc


def parse_map(raw: bytes, name: str) -> dict:
    """A source map from its JSON bytes, or an input error naming ``name``."""
    import json

    from layout.errors import InputError

    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a source map: {exc}", file=name) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("pages"), list):
        raise InputError("not a Banmian source map (no pages)", file=name)
    return doc


def bound_map(pdf, pdf_path: Path, given: Path | None = None) -> tuple[dict, list[str]]:
    """The source map that belongs to an open draft ``pdf``, and warnings. ``given`` (a
    ``--map``) is used only if its digest is the one the PDF records; else the attached
    map is preferred, then the sidecar ``NAME.map.json`` if it belongs to the PDF. A PDF
    with no binding (an older draft) takes any map, with a warning that it is unchecked.
    An input error, naming both files, for a map of another draft."""
    from layout.errors import InputError
    from layout.post.draft import map_binding

    key = map_binding(pdf)
    beside = pdf_path.with_name(pdf_path.stem + ".map.json")
    raw, notes = _attached(pdf, pdf_path)
    if given is not None:
        doc = _checked(parse_map(_read(given), str(given)), str(given), key, pdf_path, raw is not None)
        return doc, notes + _unbound(key, pdf_path, given)
    if raw is not None:
        doc = _checked(parse_map(raw, f"{pdf_path} (attached map)"), "the attached map", key, pdf_path)
        if beside.is_file() and key is not None and _digest_of(beside) != key:
            notes.append(f"{beside} belongs to another draft, not {pdf_path}: ignored; the attached map is used")
        return doc, notes
    if beside.is_file():
        doc = _checked(parse_map(_read(beside), str(beside)), str(beside), key, pdf_path)
        return doc, notes + _unbound(key, pdf_path, beside)
    raise InputError(
        f"no source map (none attached, no {beside.name} beside it): give --map, or review a --draft PDF",
        file=str(pdf_path),
    )


def _attached(pdf, pdf_path: Path) -> tuple[bytes | None, list[str]]:
    """The map attached to the PDF (None if there is none, or it is damaged: then a note)."""
    import pikepdf

    from layout.post.draft import attached_map

    try:
        return attached_map(pdf), []
    except pikepdf.PdfError as exc:
        return None, [f"{pdf_path}: the attached map cannot be read ({exc}): not used"]


def _read(path: Path) -> bytes:
    from layout.errors import InputError

    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the map: {exc.strerror}", file=str(path)) from None


def _digest_of(path: Path) -> str | None:
    """The digest of a map file, None if it is not one."""
    from layout.errors import InputError
    from layout.review.map import map_digest

    try:
        return map_digest(parse_map(_read(path), str(path)))
    except InputError:
        return None


def _checked(doc: dict, name: str, key: str | None, pdf_path: Path, attached: bool = False) -> dict:
    """``doc`` if it is the map the PDF records (or the PDF records none)."""
    from layout.errors import InputError
    from layout.review.map import map_digest

    digest = map_digest(doc)
    if key is not None and digest != key:
        raise InputError(
            f"{name} is not this draft's source map: it was written for another draft "
            f"(map {digest[:12]}, the PDF records {key[:12]}); give the map written with this draft"
            + (", or none to use the one attached to it" if attached else " (--map)"),
            file=str(pdf_path),
        )
    return doc


def _unbound(key: str | None, pdf_path: Path, used: Path) -> list[str]:
    if key is not None:
        return []
    return [f"{pdf_path} records no map binding (a draft made before maps were bound): {used} is used unchecked"]
