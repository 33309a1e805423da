"""Press output: a drawn PDF made PDF/X (post-processing, after drawing).

Input: the PDF bytes the drawing stage wrote (K-only text and rules that
overprint, grayscale photos, TrimBox at the page), an ``OutputIntent`` and
the document date. Output: PDF/X-1a:2001 (default) or PDF/X-4 bytes, with
pikepdf adding what reportlab cannot write: the GTS_PDFX identification, a
single GTS_PDFX output intent, Trapped, the PDF version, and XMP for X-4.
Deterministic: the same input gives the same bytes (trailer ID from content).
"""

from __future__ import annotations

import datetime as dt
import io

import pikepdf

from layout.post.intent import STANDARDS, OutputIntent


def _pdf_date(when: dt.datetime) -> str:
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    offset = when.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def make_press(pdf_bytes: bytes, intent: OutputIntent, *, when: dt.datetime, standard: str = "x1a") -> bytes:
    """The drawn PDF as PDF/X-1a:2001 or PDF/X-4, for the plate."""
    if standard not in STANDARDS:
        raise ValueError(f"unknown PDF/X standard {standard!r}; use one of {', '.join(STANDARDS)}")
    if standard == "x4" and intent.profile is None:
        raise ValueError("PDF/X-4 embeds the output profile: give an ICC profile (--icc FILE or --icc bundled)")
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    stamp = _pdf_date(when)
    info = pdf.docinfo
    info["/CreationDate"] = stamp
    info["/ModDate"] = stamp
    info["/Trapped"] = pikepdf.Name("/False")
    info["/Producer"] = "Banmian (reportlab, pikepdf)"
    if standard == "x1a":
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001"
        info["/GTS_PDFXConformance"] = "PDF/X-1a:2001"
    else:
        info["/GTS_PDFXVersion"] = "PDF/X-4"
    intent_dict = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=intent.identifier,
        OutputCondition=intent.condition,
        RegistryName=intent.registry,
        Info=intent.info,
    )
    if intent.profile is not None:
        icc = pikepdf.Stream(pdf, intent.profile)
        icc["/N"] = 4
        intent_dict["/DestOutputProfile"] = pdf.make_indirect(icc)
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent_dict)])
    for page in pdf.pages:
        box = page.obj.get("/TrimBox") or page.MediaBox
        page.obj["/TrimBox"] = pikepdf.Array(box)
        page.obj["/BleedBox"] = pikepdf.Array(box)  # coldset: no bleed
        if "/Annots" in page.obj:
            del page.obj["/Annots"]
    if standard == "x4":
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta.load_from_docinfo(pdf.docinfo)
            meta["{http://www.npes.org/pdfx/ns/id/}GTS_PDFXVersion"] = "PDF/X-4"
            meta["pdf:Trapped"] = "False"
            meta["xmp:CreateDate"] = when.isoformat()
            meta["xmp:ModifyDate"] = when.isoformat()
            meta["xmp:MetadataDate"] = when.isoformat()
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        force_version="1.3" if standard == "x1a" else "1.6",
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
    )
    return out.getvalue()
