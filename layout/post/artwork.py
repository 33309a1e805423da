"""PDF artwork of booked blocks embedded in the drawn page (post-processing, stage 5).

Input: the PDF bytes the drawing stage wrote (one page; on a proof sheet the trimmed
page sits ``margin`` points in from the sheet's lower-left corner), the ``PageFrame``
whose ``AdItem``s name PDF artwork, already checked (``layout/artwork.py``). Output: the
PDF with each artwork's page placed as a form XObject (pikepdf/QPDF): vector content,
fonts, colours and overprint kept as delivered, its trim box scaled into the ad's box
without distortion and centred. Runs before PDF/X and the preflight. The page's own
content is wrapped in q … Q first, so each artwork starts from the default graphics
state (no overprint, black, no clipping) and draws over the empty booked box.
Deterministic: resource names come from the order of the ads, the file ID from content.
"""

from __future__ import annotations

import io
from contextlib import ExitStack
from pathlib import Path

import pikepdf

from layout.artwork import is_pdf
from layout.frame import AdItem, PageFrame

FORM_PREFIX = "/BanmianAd"  # resource names of the embedded artwork: /BanmianAd1, /BanmianAd2 …


def pdf_ads(frame: PageFrame) -> list[AdItem]:
    """The frame's ads whose artwork is a PDF, in frame order."""
    return [i for i in frame.items if isinstance(i, AdItem) and i.file is not None and is_pdf(i.file)]


def ad_rect(item: AdItem, frame: PageFrame, margin: float) -> pikepdf.Rectangle:
    """The ad's box in the PDF's user space: the frame measures from the trimmed page's
    top-left corner, y down; the page's origin is ``margin`` in from the sheet's corner."""
    bottom = margin + frame.height - item.y - item.height
    return pikepdf.Rectangle(margin + item.x, bottom, margin + item.x + item.width, bottom + item.height)


def embed_artwork(pdf: bytes, frame: PageFrame, margin: float = 0.0) -> bytes:
    """``pdf`` with every PDF artwork of ``frame`` placed in its box; unchanged (the same
    bytes) when there is none."""
    ads = pdf_ads(frame)
    if not ads:
        return pdf
    with ExitStack() as stack:
        doc = stack.enter_context(pikepdf.open(io.BytesIO(pdf)))
        page = doc.pages[0]
        version = doc.pdf_version
        placements = []
        for n, item in enumerate(ads, 1):
            art = stack.enter_context(pikepdf.open(Path(item.file)))  # type: ignore[arg-type]  # open until saved
            version = max(version, art.pdf_version)
            form = doc.copy_foreign(art.pages[0].as_form_xobject())
            name = pikepdf.Name(f"{FORM_PREFIX}{n}")
            page.add_resource(form, pikepdf.Name.XObject, name)
            placement = page.calc_form_xobject_placement(
                form, name, ad_rect(item, frame, margin), allow_shrink=True, allow_expand=True
            )
            placements.append(placement + b"\n")  # q, cm, Do, Q
        page.contents_add(b"q\n", prepend=True)  # the page's own state ends before the artwork
        page.contents_add(b"Q\n" + b"".join(placements), prepend=False)
        page.contents_coalesce()
        out = io.BytesIO()
        doc.save(out, deterministic_id=True, min_version=version, compress_streams=True)
    return out.getvalue()
