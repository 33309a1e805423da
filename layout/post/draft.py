"""Draft output: navigation a reviewer's PDF reader shows (post-processing).

Input: drawn PDF bytes (one page per 版次) and, per page, its 版次 and its
destinations (headline, intro, one per profile: a name, a title and the point
to show). Output: the PDF with an outline (one bookmark per destination, under
one entry per page), named destinations (``p3-zhou-hong``), page labels by
版次, and the title. reportlab writes none of the named destinations, so all of
it is done here with pikepdf, the same way for one page or a whole edition.
The source map is attached, and its digest (``review/map.map_digest``) is
written in the document Info as ``/BanmianMap``: the binding that tells the
draft's own map from another round's (qpdf, PyMuPDF and incremental saves keep
the Info dictionary).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import NameTree, OutlineItem, PageLocation


@dataclass(frozen=True)
class Destination:
    name: str  # named destination, unique in the document, e.g. p3-zhou-hong
    title: str  # the bookmark's text
    x: float  # the point to show, PDF user space (y up)
    y: float


@dataclass(frozen=True)
class DraftPage:
    number: int  # 版次
    title: str  # e.g. 第3版 “创城”在行动
    destinations: tuple[Destination, ...]


MAP_ATTACHMENT = "banmian-map.json"
MAP_KEY = "/BanmianMap"  # Info key: SHA-256 of the attached map's pages


def make_draft(pdf_bytes: bytes, pages: list[DraftPage], source_map: bytes | None = None) -> bytes:
    """Add outline, named destinations and 版次 page labels, and attach the source map
    (so comments can be read back from any annotated copy); deterministic bytes."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    if len(pdf.pages) != len(pages):
        raise ValueError(f"{len(pdf.pages)} pages in the PDF but {len(pages)} described")
    dests = NameTree.new(pdf)
    with pdf.open_outline() as outline:
        for index, (page, info) in enumerate(zip(pdf.pages, pages)):
            entry = OutlineItem(info.title, index, PageLocation.XYZ, left=0, top=float(page.MediaBox[3]))
            for d in info.destinations:
                entry.children.append(OutlineItem(d.title, index, PageLocation.XYZ, left=d.x, top=d.y))
                dests[d.name] = pikepdf.Array([page.obj, pikepdf.Name.XYZ, d.x, d.y, 0])
            outline.root.append(entry)
    pdf.Root.Names = pikepdf.Dictionary(Dests=dests.obj)
    if source_map is not None:  # after /Names is made: attachments live in it too
        spec = pikepdf.AttachedFileSpec(pdf, source_map, description="Banmian source map", mime_type="application/json")
        pdf.attachments[MAP_ATTACHMENT] = spec
        pdf.docinfo[MAP_KEY] = pikepdf.String(_digest(source_map))
    nums = pikepdf.Array()
    for index, info in enumerate(pages):  # each page labelled by its 版次: 第3版 shows as "3"
        nums.append(index)
        nums.append(pikepdf.Dictionary(S=pikepdf.Name.D, St=info.number))
    pdf.Root.PageLabels = pikepdf.Dictionary(Nums=nums)
    pdf.Root.PageMode = pikepdf.Name.UseOutlines
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def _digest(source_map: bytes) -> str:
    import json

    from layout.review.map import map_digest

    return map_digest(json.loads(source_map))


def map_binding(pdf: pikepdf.Pdf) -> str | None:
    """The digest of the map a draft was written with (None: no binding, an older draft)."""
    value = pdf.trailer.get("/Info", pikepdf.Dictionary()).get(MAP_KEY)
    return str(value) if isinstance(value, pikepdf.String) else None


def attached_map(pdf: pikepdf.Pdf) -> bytes | None:
    """The source map a draft carries, if any."""
    if MAP_ATTACHMENT in pdf.attachments:
        return pdf.attachments[MAP_ATTACHMENT].get_file().read_bytes()
    return None
