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
            dests.append(Destination(f"p{page.page}-{name}", title, ox + item.x, oy - item.baseline + item.size))
    headlines = {p.id: texts.get(f"{p.path}.headline", "") for p in page.profiles}
    for c in continuations:
        headline = c.texts.get(f"{c.profile.path}.headline", "")
        headlines[f"{c.profile.id}（续）"] = f"{headline}（上接第{c.from_page}版）"
    for box in frame.boxes:
        title = f"{box.id}: {headlines.get(box.id, '')}"
        dests.append(Destination(f"p{page.page}-{box.id}", title, ox + box.x, oy - box.y))
    return review_map, DraftPage(page.page, f"第{page.page}版 {page.section}", tuple(dests))


def load_map(path: Path) -> dict:
    """A draft's source map: attached to a draft PDF (or in its sidecar beside it), or a
    ``.map.json`` itself. An input error if there is none or it cannot be read."""
    import json

    from layout.errors import InputError

    if not path.is_file():
        raise InputError("no such file", file=str(path))
    raw: bytes | None
    if path.suffix.lower() == ".pdf":
        import pikepdf

        from layout.post.draft import attached_map

        try:
            with pikepdf.open(path) as pdf:
                raw = attached_map(pdf)
        except pikepdf.PdfError as exc:
            raise InputError(f"cannot read the PDF: {exc}", file=str(path)) from None
        beside = path.with_name(path.stem + ".map.json")
        if raw is None and beside.is_file():
            raw = beside.read_bytes()
        if raw is None:
            raise InputError("no source map: give a draft made with --draft, or its .map.json", file=str(path))
    else:
        raw = path.read_bytes()
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a source map: {exc}", file=str(path)) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("pages"), list):
        raise InputError("not a Banmian source map (no pages)", file=str(path))
    return doc
